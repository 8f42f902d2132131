"""The level seed (R21): levels 2, 3 and 6 with their outcomes verbatim, linked to the core."""

from __future__ import annotations

from sqlalchemy import select

from trainhub.accreditation.models import AccreditationLevel
from trainhub.accreditation.services import seed_levels
from trainhub.extensions import db

LEVEL_2_OUTCOMES = [
    "Understand the philosophy of integrated family support.",
    "Recognise the communication skills needed in integrated family support.",
    "Understand integrated family support processes.",
]
LEVEL_3_OUTCOMES = [
    "Be able to recognise and use the communication skills needed in integrated family support.",
    "Understand and use strategies for working in integrated family support.",
    "Understand and use integrated family support processes.",
    "Understand and use safe working practice while delivering family focussed interventions.",
    "Be able to provide family focussed interventions.",
    "Recognise personal practice in family focussed interventions.",
]
LEVEL_6_OUTCOMES = [
    "Manage a referral to the integrated family support service.",
    "Implement family focussed interventions",
    "Manage a structured family focussed intervention.",
    "Understand family focussed intervention practice.",
]


def levels() -> dict[int, AccreditationLevel]:
    query = select(AccreditationLevel).order_by(AccreditationLevel.number)
    return {level.number: level for level in db.session.execute(query).scalars()}


def test_seed_adds_levels_2_3_and_6_with_3_6_and_4_outcomes(catalogue: None) -> None:
    counts = {number: len(level.outcomes) for number, level in levels().items()}

    assert counts == {2: 3, 3: 6, 6: 4}


def test_level_titles_are_verbatim(catalogue: None) -> None:
    titles = {number: level.title for number, level in levels().items()}

    assert titles == {
        2: "Underpinning Knowledge & Skills for IFSS",
        3: "Implementing IFSS",
        6: "Managing the Delivery of Family Focussed Interventions",
    }


def test_level_outcomes_are_verbatim_and_in_seed_order(catalogue: None) -> None:
    found = levels()

    assert [o.text for o in found[2].outcomes] == LEVEL_2_OUTCOMES
    assert [o.text for o in found[3].outcomes] == LEVEL_3_OUTCOMES
    assert [o.text for o in found[6].outcomes] == LEVEL_6_OUTCOMES
    assert [o.position for o in found[3].outcomes] == [1, 2, 3, 4, 5, 6]


def test_seeded_levels_are_offered_and_accredited_by_the_care_council(catalogue: None) -> None:
    for level in levels().values():
        assert level.is_active
        assert level.accrediting_body.startswith("Care Council for Wales")


def test_core_course_teaches_levels_2_3_and_6(catalogue: None) -> None:
    for level in levels().values():
        assert [c.code for c in level.courses] == ["IFSS-CORE"]


def test_level_seed_adds_only_missing_levels(catalogue: None) -> None:
    level_3 = levels()[3]
    db.session.delete(level_3)
    db.session.commit()
    level_2_id = levels()[2].id

    added = seed_levels()
    db.session.commit()

    assert [lvl.number for lvl in added] == [3]
    assert levels()[2].id == level_2_id
    assert [c.code for c in levels()[3].courses] == ["IFSS-CORE"]


def test_level_seed_keeps_an_edited_title(catalogue: None) -> None:
    levels()[6].title = "Level 6 (renamed locally)"
    db.session.commit()

    seed_levels()
    db.session.commit()

    assert levels()[6].title == "Level 6 (renamed locally)"
