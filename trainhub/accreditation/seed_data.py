"""The accreditation levels of the IFSS Training Framework, as plain data.

Titles from SQW's footnote 6 (``002:749-752``), learning outcomes verbatim from Annex C
(``004:1792-1814``), accrediting body from ``003:230`` and ``004:518-520`` (seed files in
``shared/seeds/`` beside the repository). Which courses teach these outcomes is said by
each course's ``level_numbers`` in ``trainhub/courses/catalogue_data.py``.
"""

from __future__ import annotations

from typing import Final, TypedDict

from trainhub.courses.catalogue_data import CARE_COUNCIL_FOR_WALES


class LevelData(TypedDict):
    """An accreditation level with its official title and learning outcomes."""

    number: int
    title: str
    outcomes: list[str]
    accrediting_body: str
    #: Completing any of these courses opens the level (002:716-721: the 4-day core).
    entry_course_codes: list[str]
    #: The clock after core completion, in months: "due" and "overdue" (002:717-719).
    due_after_months: int | None
    overdue_after_months: int | None
    source: str


# Titles: SQW footnote 6 (002:749-752). Outcomes: 004:1794-1814, in seed order.
LEVELS: Final[list[LevelData]] = [
    {
        "number": 2,
        "title": "Underpinning Knowledge & Skills for IFSS",
        "outcomes": [
            "Understand the philosophy of integrated family support.",
            "Recognise the communication skills needed in integrated family support.",
            "Understand integrated family support processes.",
        ],
        "accrediting_body": CARE_COUNCIL_FOR_WALES,
        "entry_course_codes": [],
        "due_after_months": None,
        "overdue_after_months": None,
        "source": "002:750; 004:1794-1798",
    },
    {
        "number": 3,
        "title": "Implementing IFSS",
        "outcomes": [
            "Be able to recognise and use the communication skills needed in integrated "
            "family support.",
            "Understand and use strategies for working in integrated family support.",
            "Understand and use integrated family support processes.",
            "Understand and use safe working practice while delivering family focussed "
            "interventions.",
            "Be able to provide family focussed interventions.",
            "Recognise personal practice in family focussed interventions.",
        ],
        "accrediting_body": CARE_COUNCIL_FOR_WALES,
        "entry_course_codes": ["IFSS-CORE"],
        "due_after_months": None,
        "overdue_after_months": None,
        "source": "002:751; 004:1800-1807",
    },
    {
        "number": 6,
        "title": "Managing the Delivery of Family Focussed Interventions",
        "outcomes": [
            "Manage a referral to the integrated family support service.",
            # No full stop in the seed (004:1812); kept as printed.
            "Implement family focussed interventions",
            "Manage a structured family focussed intervention.",
            "Understand family focussed intervention practice.",
        ],
        "accrediting_body": CARE_COUNCIL_FOR_WALES,
        "entry_course_codes": ["IFSS-CORE"],
        # "Over the next 6-9 month period, the practitioners worked to achieve a level 6"
        "due_after_months": 6,
        "overdue_after_months": 9,
        "source": "002:751-752; 004:1809-1814",
    },
]
