"""The course catalogue of the IFSS Training Framework, as plain data.

Everything in quotes below is transcribed verbatim from the seed documents in
``shared/seeds/`` beside the repository (citations are ``NNN:start-end``, 1-based
``cat -n`` line numbers of the seed file whose name starts with ``NNN``). The seed's own
spelling is kept ("Focussed" in the Welsh Assembly Government guidance, "Focused" in the
Cardiff & Vale annual reports). Only PDF-extraction artefacts were fixed (page numbers,
stray empty bullets, whitespace).

Sources:

* Framework programmes: 004 Annex C, ``004:1758-2035``.
* Accreditation levels (and their outcomes): ``trainhub/accreditation/seed_data.py``.
* Accrediting body: ``003:230``, ``004:518-520``.
* Local courses: ``001:279-314`` (3-day Family Focused Interventions module, Core Group
  chairing), ``000:533-593`` (Safety Planning), ``000:1380-1395`` (1-day Enhancing
  Motivation, Lowering Resistance and Goal Setting).

Conventions used in the transcription:

* Agenda topic headings drop a trailing colon that only introduces the bullet list below
  them (e.g. "Outcomes in Supervision:" at 004:1907 is stored as "Outcomes in Supervision").
* Lines the seed prints as separate un-bulleted paragraphs under a day are separate topics
  with no items, even where they read like sub-points of the heading above them.
* Aims bullets keep the seed's own list punctuation ("...;", "; and", ".").
* Typographic characters from the seeds (en dash, curly quotes) are written as ``\\u`` escapes
  so that ruff's RUF001 stays quiet; the runtime strings are identical to the seed text.
* ``summary`` and ``context_note`` are plain descriptions in our own words, with citations.
"""

from __future__ import annotations

from typing import Final, TypedDict

CARE_COUNCIL_FOR_WALES: Final[str] = "Care Council for Wales (Credit and Qualification Framework)"


class TopicData(TypedDict):
    """One agenda heading with the sub-items listed under it (possibly none)."""

    title: str
    items: list[str]


class DayData(TypedDict):
    """One training day; ``COURSES[i]["agenda"][0]`` is Day 1."""

    topics: list[TopicData]


class UnitData(TypedDict):
    """A unit of learning outcomes, e.g. "Unit 1: Principles"."""

    title: str
    outcomes: list[str]


class CourseData(TypedDict):
    """One catalogue entry. See the module docstring for sources and conventions."""

    code: str
    title: str
    duration_days: int
    kind: str
    audience: str
    summary: str
    audience_note: str
    aims_intro: str
    aims: list[str]
    description: str
    themes: list[str]
    agenda: list[DayData]
    units: list[UnitData]
    level_numbers: list[int]
    prerequisite_codes: list[str]
    fidelity_controlled: bool
    accrediting_body: str
    context_note: str
    source: str


COURSES: Final[list[CourseData]] = [
    # ------------------------------------------------------------------
    # Framework programmes (004 Annex C)
    # ------------------------------------------------------------------
    {
        "code": "IFSS-CORE",
        "title": (
            "IFSS Family Focussed Intervention \u2013 Core training 4-day Training Programme"
        ),
        "duration_days": 4,
        "kind": "framework",
        "audience": "wider_workforce",
        "summary": (
            "The compulsory four-day core training in the IFSS model of family focussed "
            "intervention, from referral through the intensive intervention to maintaining "
            "change. Its learning outcomes are those of accreditation Levels 2, 3 and 6."
        ),
        # Annex C states no audience for the core course; these are the two verbatim
        # sentences of SQW 2.19 that do (002:716-718 and 002:720-721; the sentence between
        # them, about Level 6 accreditation, is left out).
        "audience_note": (
            "All IFST members had to attend a four day core training session before they "
            "could begin to work with families. Those in the wider workforce supplying the "
            "\u2018family support functions\u2019 were required to attend the four day core "
            "training and look to achieve level three accreditation."
        ),
        "aims_intro": "",
        "aims": [],
        "description": "",
        "themes": [],
        "agenda": [
            # Day 1: 004:1762-1772. The seed prints every line as an un-bulleted heading.
            {
                "topics": [
                    {
                        "title": "Introduction to the Model: Overview of Model & Training",
                        "items": [],
                    },
                    {
                        "title": "Key components of the Model: The Process of Behaviour Change",
                        "items": [],
                    },
                    {
                        "title": "Key Components of the Model: Solution Focussed Work",
                        "items": [],
                    },
                    {"title": "Beginning the Intervention: Referral Taking", "items": []},
                    {"title": "Taking the Referral and Referral Meeting", "items": []},
                ]
            },
            # Day 2: 004:1774-1788. The four lines after "Beginning the Intervention: ..."
            # are un-bulleted in the seed, so they are kept as separate topics.
            {
                "topics": [
                    {
                        "title": "Core Skills: Motivational Interviewing",
                        "items": [
                            "Motivational Interviewing; Eliciting Change Talk; Decisional Balance"
                        ],
                    },
                    {
                        "title": (
                            "Beginning the Intervention: Reducing Resistance & Increasing Safety"
                        ),
                        "items": [],
                    },
                    {"title": "Aims for first meeting with reflective team", "items": []},
                    {"title": "Understanding Resistance", "items": []},
                    {"title": "Meeting the Family", "items": []},
                    {"title": "Establishing safety", "items": []},
                ]
            },
            # Day 3: 004:1819-1831 (after the Level outcomes and the "(continued)" page
            # heading at 004:1816-1817, which is not agenda content).
            {
                "topics": [
                    {
                        "title": "Working through the Intervention: Enhancing Motivation to Change",
                        "items": [],
                    },
                    {
                        "title": "Strategic Questions & Evocative Tools",
                        "items": [
                            "Pre-contemplation",
                            "Miracle Question",
                            "Contemplation",
                            "Values",
                            "Strengths",
                            "Goal Setting",
                            "Reflecting with the team",
                            "working up action plan with the family",
                        ],
                    },
                ]
            },
            # Day 4: 004:1833-1842.
            {
                "topics": [
                    {
                        "title": "Beyond the Intensive Intervention: Maintaining Change",
                        "items": [
                            "Introducing Phase 2 of the process",
                            "Lapse",
                            "Role play family",
                            "Role play Core Group",
                            "Follow-ups & booster",
                            "Endings & Family files",
                        ],
                    },
                ]
            },
        ],
        # "Learning Outcomes - As Above" (004:1844-1846): the outcomes are those of the
        # accreditation levels printed after Day 2 (004:1790-1814), so no units of its own.
        "units": [],
        "level_numbers": [2, 3, 6],
        "prerequisite_codes": [],
        "fidelity_controlled": True,
        "accrediting_body": CARE_COUNCIL_FOR_WALES,
        "context_note": "",
        "source": "004:1760-1846",
    },
    {
        "code": "IFSS-CONSULT",
        "title": "Consultation in the IFSS Family Focussed Intervention 1-day Training Programme",
        "duration_days": 1,
        "kind": "framework",
        "audience": "ifst_only",
        "summary": (
            "A one-day course for IFSS Team members who give consultation to practitioners "
            "outside the team: what consultation is, its strategy and structure, key moments "
            "and the context for the IFSS consultation role."
        ),
        "audience_note": (
            "This 1-day course is designed for those members of the IFSS Team providing a "
            "consultation role to practitioners outside of the IFSS Team."
        ),
        "aims_intro": "At the end of the course staff will be able to:",
        "aims": [
            "understand the nature of the consultation role as opposed to advice or supervision;",
            "support practitioners in informing their practice thus impacting on families;",
            "assist the practitioner to access appropriate resources and referral routes; and",
            "listen effectively and maximise the practitioner's opportunity for reflection on "
            "practice.",
        ],
        "description": "",
        "themes": [],
        # Day 1: 004:1857-1878.
        "agenda": [
            {
                "topics": [
                    {
                        "title": "Consultation: what do we mean, what do we do?",
                        "items": ["What is consultation?", "Core Skills in Consultation"],
                    },
                    {
                        "title": "Strategy & Structure in Consultation",
                        "items": ["Strategy & Structure", "Skills Practice"],
                    },
                    {
                        "title": "Key Moments for Consultation",
                        "items": ["Maximising Every Opportunity"],
                    },
                    {
                        "title": "Context for IFSS Consultation Role",
                        "items": [
                            "Challenges & Opportunities",
                            "Prioritising Consultation into Our Practice",
                            "The Consultation Shield!",
                            "Putting it into practice",
                        ],
                    },
                ]
            },
        ],
        # 004:1880-1888. The seed lists each unit as a single line with no bullet outcomes
        # under it; the unit line *is* the outcome statement. To stay faithful (and not
        # duplicate or invent text) outcomes are left empty and the full line is the title.
        # The seed's summary line "Units: definition, core skills & strategies, &
        # opportunities" (004:1888) has no field of its own.
        "units": [
            {"title": "Unit 1: Defining the Consultation role", "outcomes": []},
            {"title": "Unit 2: Develop Strategies for the consultation process", "outcomes": []},
            {
                "title": "Unit 3: Define the formal and informal opportunities to implement "
                "consultation",
                "outcomes": [],
            },
        ],
        "level_numbers": [],
        # Designed for IFSS Team members (004:1850), and "All IFST members had to attend a
        # four day core training session before they could begin to work with families."
        # (002:716-718).
        "prerequisite_codes": ["IFSS-CORE"],
        "fidelity_controlled": True,
        "accrediting_body": CARE_COUNCIL_FOR_WALES,
        "context_note": "",
        "source": "004:1848-1888",
    },
    {
        "code": "IFSS-SUPERVISE",
        "title": "Supervising in the IFSS Family Focussed Intervention 2-day Training Programme",
        "duration_days": 2,
        "kind": "framework",
        "audience": "ifst_only",
        "summary": (
            "A two-day course for IFSS Team members who supervise other team members: the "
            "principles, models and process of supervision, key issues in the IFSS "
            "intervention, group processes and support for the supervisor."
        ),
        # The seed prefixes this sentence with the label "Aims:" (004:1892); the label is
        # not part of the sentence.
        "audience_note": (
            "This 2-day course is designed for those members of the IFSS Team providing a "
            "supervisory role to IFSS Team Members."
        ),
        "aims_intro": "At the end of the course staff will be able to:",
        "aims": [
            "understand the principles of supervision;",
            "understand the application of the supervision model within the IFSS process; and",
            "Have learnt & practiced the core supervision skills & strategies necessary.",
        ],
        "description": "",
        "themes": [],
        "agenda": [
            # Day 1: 004:1898-1921.
            {
                "topics": [
                    {
                        "title": "Supervising \u2013 What do we mean, what do we do?",
                        "items": [
                            "How supervision helps the worker & the family",
                            "Expertise, reflection & advice for intervention",
                            "Spirit, confidence, energy & morale of worker",
                            "Quality assurance",
                        ],
                    },
                    {
                        "title": "Outcomes in Supervision",
                        "items": [
                            "Building on your own success",
                            "Best Outcomes for Supervision",
                        ],
                    },
                    {
                        "title": "The Process of Supervision",
                        "items": [
                            "Who needs what, when, where?",
                            "autonomy & peer supervision",
                            "What do people need, when?",
                        ],
                    },
                    {
                        "title": "Principles & Core Skills in Supervision",
                        "items": ["Principles of Supervision", "Skills in Practice"],
                    },
                ]
            },
            # Day 2: 004:1934-1967.
            {
                "topics": [
                    {"title": "Supervision Structure and Key Questions", "items": []},
                    {
                        "title": "Key Issues Supervision in the IFSS Intervention",
                        "items": [
                            "Triads Skills Practice: Key Moments",
                            "Goal setting",
                            "Engaging key people (avoiding alliances)",
                            "Week 2 wobble-immersed in the family",
                            "Endings drift",
                            "Risk of lapse: relapse exploration in follow up, etc",
                            "Disclosure/transparency",
                        ],
                    },
                    {
                        "title": "Supervision in IFSS Intervention: Group Processes",
                        "items": ["Peer Supervision", "Brainstorm ground rules", "OARS"],
                    },
                    {
                        "title": "Supervision in the IFSS Wider Context",
                        # The seed indents the last five items one level further
                        # (004:1958-1962); items are a flat list here, seed order kept.
                        "items": [
                            "Where to Fit it in?",
                            "Locality Groups",
                            "1-2-1, peer, group, external?",
                            "IFSS family supervision",
                            "Professional supervision with host services",
                            "Managerial supervision",
                            "Quality assurance",
                        ],
                    },
                    {
                        "title": "Support for the Supervisor",
                        "items": [
                            "Internal Locality Structures",
                            "Cross locality virtual & real events",
                        ],
                    },
                ]
            },
        ],
        # Unit 1: 004:1925-1930 (after Day 1); Units 2-4: 004:1971-1991 (after Day 2).
        "units": [
            {
                "title": "Unit 1: Principles",
                "outcomes": [
                    "Understanding the way people develop effective professional practice and "
                    "the importance of enhancing internal motivation",
                    "Understanding the importance of the empathic relationship in facilitating "
                    "growth and learning",
                    "Be able to recognise resistance and respond to minimise its impact",
                    "Understanding the importance of self efficacy in professional growth and "
                    "development",
                ],
            },
            {
                "title": "Unit 2: Models & Theories",
                "outcomes": [
                    "To understand the formative restorative and normative process",
                    "To explore stages of practitioner development and consider appropriate "
                    "responses",
                    "Understand the process of change and how it relates to the supervision model",
                ],
            },
            {
                "title": "Unit 3: Applications",
                "outcomes": [
                    "Be able to utilise key questions within the supervision model",
                    "To be able to identify and explore key moments in the supervision process",
                ],
            },
            {
                "title": "Unit 4: Core skills",
                # Eight bullets as printed (004:1984-1991). "Ask open questions Offer advice
                # appropriately" is one bullet in the seed (004:1985), probably two skills
                # merged in the source; it is kept as one item so the unit has 8 outcomes.
                "outcomes": [
                    "Listen effectively",
                    "Ask open questions Offer advice appropriately",
                    "Affirm",
                    "Summarise",
                    "Reflect",
                    "Encourage doubt",
                    "Build hope",
                    "Problem solve ethical issues",
                ],
            },
        ],
        "level_numbers": [],
        # Designed for IFSS Team members (004:1892); all IFST members attend the core first
        # (002:716-718).
        "prerequisite_codes": ["IFSS-CORE"],
        "fidelity_controlled": True,
        "accrediting_body": CARE_COUNCIL_FOR_WALES,
        "context_note": "",
        "source": "004:1890-1991",
    },
    {
        "code": "IFSS-TTT",
        # The seed's heading (004:1993-1995) opens with the line "Integrated Family Support
        # Service"; the programme title proper is the rest (as in DOMAIN.md R1).
        "title": (
            "Training the IFSS Trainer in Supporting the Workforce Development Modules "
            "2-day Training Programme"
        ),
        "duration_days": 2,
        "kind": "framework",
        "audience": "ifst_only",
        "summary": (
            "A two-day course for IFSS Team members who train the workforce outside the team: "
            "effective trainers and training, the IFSS trainer role, building a training "
            "programme, matching delivery and learning styles, and promoting training locally."
        ),
        "audience_note": (
            "This 2-day course is designed for those members of the IFSS Team providing a "
            "training role to the workforce outside of the IFSS Team."
        ),
        "aims_intro": "At the end of the course participants will be able to:",
        # 004:1999-2004. The last bullet really begins "and" after the previous one ends
        # "; and" (004:2003-2004); kept as printed.
        "aims": [
            "understand the purpose of the courses they will be required to teach;",
            "prepare learning outcomes and devise training programmes;",
            "consider the core competencies for effective trainers;",
            "consider the compatibility between trainer style and practitioner style;",
            "consider ways in which to promote requests for training; and",
            "and have had experience of training delivery.",
        ],
        "description": "",
        "themes": [],
        "agenda": [
            # Day 1: 004:2008-2021 (the "88" at 004:2006 is a page number).
            {
                "topics": [
                    {
                        "title": "Qualities of an Effective Trainer",
                        "items": ["What makes a good trainer?"],
                    },
                    {
                        "title": "Principles of Effective Training",
                        "items": [
                            "Principles consistent with effective training",
                            "DARES: How consistent can we be?",
                        ],
                    },
                    {
                        "title": "Bringing skills to the wider workforce: The IFSS Trainer role",
                        "items": [],
                    },
                    {
                        "title": (
                            "The Training Programme from Learning Delivery Outcomes to Delivery"
                        ),
                        "items": [],
                    },
                ]
            },
            # Day 2: 004:2023-2034.
            {
                "topics": [
                    {
                        "title": (
                            "Trainer Delivery Style & Participant Learning Style: "
                            "Maximising Compatibility"
                        ),
                        "items": ["Styles of Learning"],
                    },
                    {"title": "Training Skills Development", "items": []},
                    {
                        "title": "Promoting Training in the Local Context",
                        "items": [
                            "Challenges and Opportunities",
                            "Promoting Training in the locality",
                        ],
                    },
                ]
            },
        ],
        # Annex C gives aims only for this programme, no learning-outcome units.
        "units": [],
        "level_numbers": [],
        # Designed for IFSS Team members (004:1997); all IFST members attend the core first
        # (002:716-718).
        "prerequisite_codes": ["IFSS-CORE"],
        "fidelity_controlled": True,
        "accrediting_body": CARE_COUNCIL_FOR_WALES,
        "context_note": "",
        "source": "004:1993-2034",
    },
    # ------------------------------------------------------------------
    # Local courses (Cardiff & Vale of Glamorgan IFST annual reports)
    # ------------------------------------------------------------------
    {
        "code": "FFI-3DAY",
        # Seed: "three day training modules based on Family Focused Interventions"
        # (001:279), "the 3 day module" (001:300), "the IFST 3 days training" (001:312).
        "title": "Family Focused Interventions 3-day Training Module",
        "duration_days": 3,
        "kind": "local",
        "audience": "open",
        "summary": (
            "A three-day module on family focused interventions delivered by the Cardiff and "
            "Vale IFST to the wider workforce, covering enhancing motivation, lowering "
            "resistance and safety planning. Past cohorts included social care and health "
            "professionals and social work and health visitor students."
        ),
        "audience_note": "",
        "aims_intro": "",
        "aims": [],
        "description": (
            "Over the 3 days participants learn and understand the philosophy and the "
            "underpinning knowledge of delivering family focused interventions. The training "
            "incorporates skills and strategies implicit to the model and illustrates a "
            "collective view of the process from beginning to end. The training also offers "
            "participants an in-depth understanding regarding the delivery of effective, "
            "timely and transparent family focused interventions and supports the "
            "implementation of the changes from the Social Care (Wales) Act 2016."
        ),
        # 001:281-283, stored as labels: the seed's list punctuation (trailing "." and the
        # "and" ending the second bullet) and the empty fourth bullet (001:284) are dropped.
        "themes": [
            "Enhancing Motivation for behaviour change",
            "Lowering Resistance to behaviour change",
            "Safety Planning",
        ],
        # The seed gives no day-by-day agenda for this module.
        "agenda": [],
        "units": [],
        # "a number went on to complete the accreditation" (001:288): level not stated.
        "level_numbers": [],
        "prerequisite_codes": [],
        "fidelity_controlled": False,
        "accrediting_body": "",
        "context_note": (
            "Supports the implementation of the changes from the Social Care (Wales) Act 2016."
        ),
        "source": "001:279-300",
    },
    {
        "code": "EM-LR-GS-1DAY",
        # One course covering three themes (the seed's "one day training courses ... in
        # Enhancing Motivation, Lowering Resistance and Goal Setting", 000:1387-1389).
        "title": "Enhancing Motivation, Lowering Resistance and Goal Setting 1-day Training Course",
        "duration_days": 1,
        "kind": "local",
        "audience": "open",
        "summary": (
            "A one-day course in enhancing motivation, lowering resistance and goal setting, "
            "co-facilitated by IFST Intervention Specialists and Consultant Social Workers for "
            "social care and health practitioners."
        ),
        "audience_note": (
            "Attendees have included Children\u2019s and Adult Social Workers and Managers, Health "
            "Visitors and a wide variety of practitioners from the health and social care "
            "sectors."
        ),
        "aims_intro": "",
        "aims": [],
        "description": "",
        "themes": ["Enhancing Motivation", "Lowering Resistance", "Goal Setting"],
        "agenda": [],
        "units": [],
        "level_numbers": [],
        "prerequisite_codes": [],
        "fidelity_controlled": False,
        "accrediting_body": "",
        "context_note": (
            "The statutory guidance names Enhancing Motivation, Lowering Resistance and "
            "Promoting Family Change among the core IFSS training modules that trained IFST "
            "personnel deliver to the wider workforce (004:538-540)."
        ),
        "source": "000:1387-1395",
    },
    {
        "code": "SAFETY-PLAN",
        # "IFST Safety Planning training" (001:314); section heading "Safety Planning
        # Training" (000:533).
        "title": "IFST Safety Planning Training",
        # Duration is not stated in the seeds; 1 day is an assumption.
        "duration_days": 1,
        "kind": "local",
        "audience": "open",
        "summary": (
            "Training in IFST Safety Planning, a practical, family-owned tool for managing "
            "risk to children's safety and wellbeing, with follow-up sessions to help "
            "practitioners embed it in their practice."
        ),
        "audience_note": "",
        "aims_intro": "",
        # 000:534-536 (the initial goal, for Family Intervention Support Team professionals)
        # and 000:569-571 (for Cardiff Intake and Assessment Team social workers).
        "aims": [
            "to equip professionals from the Family Intervention Support Team, with a "
            "practical, bespoke tool to manage risk",
            "to encourage workers to replace written agreements with safety plans",
        ],
        "description": "",
        "themes": [],
        "agenda": [],
        "units": [],
        "level_numbers": [],
        "prerequisite_codes": [],
        "fidelity_controlled": False,
        "accrediting_body": "",
        "context_note": (
            "Delivered to Cardiff Intake and Assessment Team social workers; requested by "
            "Cardiff Team Around the Family (Preventative Service), with sessions for Vale of "
            "Glamorgan Intake Team workers and social work practitioners planned "
            "(000:569-593, 001:314)."
        ),
        "source": "000:533-593; 001:314",
    },
    {
        "code": "CORE-GROUP-CHAIR",
        "title": "Chairing Core Group Meetings Training",
        # Duration is not stated in the seeds; 1 day is an assumption.
        "duration_days": 1,
        "kind": "local",
        "audience": "open",
        "summary": (
            "A pilot course, delivered by a multi-agency panel, to help health and school "
            "staff chair Core Group meetings with confidence."
        ),
        "audience_note": "",
        "aims_intro": "",
        # 001:302 (the aim of the project pilot).
        "aims": [
            "to equip staff from the Health department (health visitors, support workers) and "
            "staff from schools, to feel confident and competent to Chair Core Group meetings",
        ],
        "description": "",
        # The module the IFST Consultant Social Worker delivered within it (001:308; the
        # seed's "module on- Managing ..." artefact is dropped).
        "themes": ["Managing Conflict and Difficult Behaviour in Core Group meeting"],
        "agenda": [],
        "units": [],
        "level_numbers": [],
        "prerequisite_codes": [],
        "fidelity_controlled": False,
        "accrediting_body": "",
        "context_note": (
            "A project pilot within the ongoing IFST partnership between Cardiff and Vale of "
            "Glamorgan; the delivery panel included Social Work managers, a Cardiff and Vale "
            "University Health Board manager and the IFST Consultant Social Worker "
            "(001:302-308)."
        ),
        "source": "001:302-308",
    },
]
