"""The framework's terms the glossary starts with (R46), from the statutory guidance and its
Annex C (``/work/shared/DOMAIN.md``).

Welsh: only a term with an established Welsh form carries one: the regulations' own bilingual
terms (teulu, tîm integredig cymorth i deuluoedd, gweithiwr cymdeithasol ymgynghorol, ymwelydd
iechyd, nyrs, gweithiwr cymdeithasol), Welsh Government usage (DPP, FfCChC) and the Open
Badges' Welsh name. Every Welsh definition is left for a translator: the framework's text is
never machine-translated, and pages show the English, marked as English, until then.
"""

from __future__ import annotations

from typing import TypedDict


class TermData(TypedDict, total=False):
    slug: str
    term_en: str
    abbreviation_en: str
    definition_en: str
    term_cy: str
    abbreviation_cy: str
    definition_cy: str


TERMS: list[TermData] = [
    {
        "slug": "ifss",
        "abbreviation_en": "IFSS",
        "term_en": "Integrated Family Support Service",
        "term_cy": "Gwasanaeth Integredig Cymorth i Deuluoedd",
        "definition_en": (
            "The Welsh Government's service for families with complex needs, including where "
            "a parent's substance misuse affects the children. A team works with the whole "
            "family for a short, intensive period, and trains the wider workforce in the same "
            "model. The "
            "IFSS Training Framework (Annex C of the statutory guidance) sets out its training."
        ),
    },
    {
        "slug": "ifst",
        "abbreviation_en": "IFST",
        "term_en": "Integrated Family Support Team",
        "term_cy": "Tîm Integredig Cymorth i Deuluoedd",
        "definition_en": (
            "The multi-agency team that delivers the Integrated Family Support Service in an "
            "area: consultant social workers and practitioners from social services, health "
            "and the voluntary sector. Every member attends the four-day core training before "
            "working with families. The Welsh regulations call these teams ICiD."
        ),
    },
    {
        "slug": "cpd",
        "abbreviation_en": "CPD",
        "term_en": "Continuing Professional Development",
        "abbreviation_cy": "DPP",
        "term_cy": "Datblygiad Proffesiynol Parhaus",
        "definition_en": (
            "The learning a practitioner keeps up throughout their career. Courses completed "
            "and levels awarded are banked here with their hours and credits."
        ),
    },
    {
        "slug": "cqf",
        "abbreviation_en": "CQF",
        "term_en": "Credit and Qualification Framework",
        "abbreviation_cy": "FfCChC",
        "term_cy": "Fframwaith Credydau a Chymwysterau Cymru",
        "definition_en": (
            "The framework in which accredited learning in Wales earns credits. The "
            "framework's training is accredited so that staff can bank credits as part of "
            "their continuing professional development."
        ),
    },
    {
        "slug": "level-2",
        "term_en": "Level 2",
        "term_cy": "Lefel 2",
        "definition_en": (
            "Underpinning Knowledge & Skills for IFSS: the accreditation level for the wider "
            "workforce not working within the team or family support services directly."
        ),
    },
    {
        "slug": "level-3",
        "term_en": "Level 3",
        "term_cy": "Lefel 3",
        "definition_en": (
            "Implementing IFSS: the accreditation level for the wider workforce supplying "
            "family support functions, after the four-day core training."
        ),
    },
    {
        "slug": "level-6",
        "term_en": "Level 6",
        "term_cy": "Lefel 6",
        "definition_en": (
            "Managing the Delivery of Family Focussed Interventions: the accreditation level "
            "team members work towards over six to nine months after the core training, by "
            "completing workbooks and assessments."
        ),
    },
    {
        "slug": "motivational-interviewing",
        "abbreviation_en": "MI",
        "term_en": "Motivational Interviewing",
        "definition_en": (
            "A way of talking with people that strengthens their own motivation to change: "
            "eliciting change talk, weighing the decisional balance and reducing resistance. "
            "It is a core skill of the intervention, taught on day two of the core training."
        ),
    },
    {
        "slug": "open-badge",
        "term_en": "Open Badge",
        "term_cy": "Bathodyn Agored",
        "definition_en": (
            "A digital record of an achievement, in the open standard (Open Badges 3.0) that "
            "other services can check. Learners can share the badge of a level they are "
            "awarded."
        ),
    },
    {
        "slug": "workbook",
        "term_en": "Workbook",
        "term_cy": "Llyfr gwaith",
        "definition_en": (
            "The written evidence a learner submits for accreditation, showing each learning "
            "outcome in their practice. Case material must be anonymised."
        ),
    },
    {
        "slug": "consultation",
        "term_en": "Consultation",
        "term_cy": "Ymgynghori",
        "definition_en": (
            "The role team members take with practitioners outside the team: helping them "
            "think through work with a family, as opposed to advice or supervision. A one-day "
            "module of the framework."
        ),
    },
    {
        "slug": "supervision",
        "term_en": "Supervision",
        "term_cy": "Goruchwyliaeth",
        "definition_en": (
            "Regular support for a practitioner's work with families: expertise, reflection "
            "and advice, their morale, and quality assurance. A two-day module of the "
            "framework trains those who supervise team members."
        ),
    },
    {
        "slug": "train-the-trainer",
        "term_en": "Train-the-trainer",
        "definition_en": (
            "The two-day module that prepares team members to deliver the framework's "
            "modules to the wider workforce."
        ),
    },
    {
        "slug": "fidelity",
        "term_en": "Fidelity",
        "definition_en": (
            "Delivering the intervention and its training as designed, so that families get "
            "what the evidence supports: the agenda and learning outcomes of the framework's "
            "programmes are not changed locally."
        ),
    },
    {
        "slug": "wider-workforce",
        "term_en": "Wider workforce",
        "definition_en": (
            "Practitioners outside the team who work with the same families (children's and "
            "adult services, health, housing and the voluntary sector), trained in the "
            "model by the team."
        ),
    },
    {
        "slug": "family",
        "term_en": "Family",
        "term_cy": "Teulu",
        "definition_en": (
            "The people the intervention works with as a whole: the children, their parents "
            "or carers, and others who matter to them."
        ),
    },
    {
        "slug": "consultant-social-worker",
        "term_en": "Consultant social worker",
        "term_cy": "Gweithiwr cymdeithasol ymgynghorol",
        "definition_en": (
            "An experienced social worker who leads the team's work with families and "
            "co-facilitates the core training."
        ),
    },
    {
        "slug": "social-worker",
        "term_en": "Social worker",
        "term_cy": "Gweithiwr cymdeithasol",
        "definition_en": "A registered social worker, in the team or in the wider workforce.",
    },
    {
        "slug": "health-visitor",
        "term_en": "Health visitor",
        "term_cy": "Ymwelydd iechyd",
        "definition_en": (
            "A qualified nurse or midwife who supports families with young children; one of "
            "the professions of the team and the wider workforce."
        ),
    },
    {
        "slug": "nurse",
        "term_en": "Nurse",
        "term_cy": "Nyrs",
        "definition_en": "A registered nurse, in the team or in the wider workforce.",
    },
]
