"""The agenda and units text format (outline.py): parsing, formatting and line-numbered errors.

These are pure functions: no database, so they run once rather than per backend.
"""

from __future__ import annotations

import pytest

from trainhub.courses.catalogue_data import COURSES
from trainhub.courses.outline import format_agenda, format_units, parse_agenda, parse_units
from trainhub.errors import ValidationFailed

LQ, RQ = "\u201c", "\u201d"  # the curly quotes the messages use

TWO_DAYS = """\
Day 1
Introduction to the Model: Overview of Model & Training
- an item
- another item
Beginning the Intervention: Referral Taking
Day 2
Core Skills: Motivational Interviewing
- Eliciting Change Talk
"""


def agenda_error(text: str, duration: int) -> str:
    with pytest.raises(ValidationFailed) as caught:
        parse_agenda(text, duration)
    assert caught.value.field == "agenda"
    return caught.value.message


def units_error(text: str) -> str:
    with pytest.raises(ValidationFailed) as caught:
        parse_units(text)
    assert caught.value.field == "units"
    return caught.value.message


# Parsing ----------------------------------------------------------------------


def test_parse_agenda_reads_days_topics_and_items() -> None:
    assert parse_agenda(TWO_DAYS, 2) == [
        {
            "topics": [
                {
                    "title": "Introduction to the Model: Overview of Model & Training",
                    "items": ["an item", "another item"],
                },
                {"title": "Beginning the Intervention: Referral Taking", "items": []},
            ]
        },
        {
            "topics": [
                {
                    "title": "Core Skills: Motivational Interviewing",
                    "items": ["Eliciting Change Talk"],
                }
            ]
        },
    ]


def test_parse_agenda_of_empty_text_is_an_empty_agenda() -> None:
    assert parse_agenda("", 3) == []
    assert parse_agenda("  \n\n \t\n", 3) == []


def test_parse_agenda_ignores_blank_lines_and_surrounding_spaces() -> None:
    text = "\n  Day 1  \n\n   A topic   \n\n   -   an item   \n"

    assert parse_agenda(text, 1) == [{"topics": [{"title": "A topic", "items": ["an item"]}]}]


def test_parse_agenda_accepts_windows_line_endings() -> None:
    assert parse_agenda(TWO_DAYS.replace("\n", "\r\n"), 2) == parse_agenda(TWO_DAYS, 2)


@pytest.mark.parametrize("bullet", ["- ", "* ", "\u2022 ", "  - ", "\t* "])
def test_parse_agenda_accepts_common_bullets(bullet: str) -> None:
    days = parse_agenda(f"Day 1\nTopic\n{bullet}item", 1)

    assert days[0]["topics"][0]["items"] == ["item"]


@pytest.mark.parametrize("heading", ["Day 1", "day 1", "DAY 1", "Day 1:", "Day  1 :"])
def test_parse_agenda_accepts_day_heading_variants(heading: str) -> None:
    assert parse_agenda(f"{heading}\nTopic", 1) == [{"topics": [{"title": "Topic", "items": []}]}]


def test_parse_agenda_accepts_welsh_day_headings() -> None:
    text = "Diwrnod 1\nCyflwyniad\n- eitem\nDiwrnod 2:\nCyfweld ysgogiadol"

    days = parse_agenda(text, 2)

    assert [[t["title"] for t in d["topics"]] for d in days] == [
        ["Cyflwyniad"],
        ["Cyfweld ysgogiadol"],
    ]


def test_parse_agenda_accepts_welsh_and_english_headings_mixed() -> None:
    assert len(parse_agenda("Diwrnod 1\nA\nDay 2\nB", 2)) == 2


def test_a_line_that_only_starts_with_day_is_a_topic() -> None:
    days = parse_agenda("Day 1\nDay 1 reflections\nDaybreak session", 1)

    assert [t["title"] for t in days[0]["topics"]] == ["Day 1 reflections", "Daybreak session"]


def test_a_dash_without_a_space_is_part_of_a_topic_title() -> None:
    days = parse_agenda("Day 1\n-1-2-1 supervision", 1)

    assert days[0]["topics"][0] == {"title": "-1-2-1 supervision", "items": []}


# Agenda errors ------------------------------------------------------------------


def test_item_before_any_topic_is_refused_with_its_line_number() -> None:
    message = agenda_error("Day 1\n- an orphan item\nA topic", 1)

    assert message == f"Line 2: an item ({LQ}- \u2026{RQ}) must come under a topic"


def test_item_straight_after_a_new_day_is_refused() -> None:
    """A topic on day 1 does not carry over: the item after "Day 2" has no topic."""
    message = agenda_error("Day 1\nTopic\n- item\nDay 2\n- item", 2)

    assert message.startswith("Line 5: an item")


def test_agenda_not_starting_with_day_1_is_refused_with_its_line_number() -> None:
    message = agenda_error("\n\nIntroduction\nDay 1\nTopic", 1)

    assert message == f"Line 3: start the agenda with {LQ}Day 1{RQ}"


def test_item_before_day_1_is_refused_as_a_missing_day_1() -> None:
    assert agenda_error("- item\nDay 1\nTopic", 1).startswith("Line 1: start the agenda")


def test_agenda_starting_at_day_2_is_refused() -> None:
    assert agenda_error("Day 2\nTopic", 1) == f"Line 1: expected {LQ}Day 1{RQ}"


def test_days_out_of_order_are_refused_with_the_line_and_expected_day() -> None:
    text = "Day 1\nA\nDay 3\nB\nDay 2\nC"

    assert agenda_error(text, 3) == f"Line 3: expected {LQ}Day 2{RQ}"


def test_a_repeated_day_is_refused() -> None:
    assert agenda_error("Day 1\nA\nDay 1\nB", 2) == f"Line 3: expected {LQ}Day 2{RQ}"


def test_line_numbers_count_blank_lines() -> None:
    text = "Day 1\n\nA\n\n\nDay 3\nB"

    assert agenda_error(text, 2).startswith("Line 6:")


@pytest.mark.parametrize(("text", "duration", "found"), [(TWO_DAYS, 3, 2), (TWO_DAYS, 1, 2)])
def test_wrong_number_of_days_for_the_duration_is_refused(
    text: str, duration: int, found: int
) -> None:
    message = agenda_error(text, duration)

    assert message == f"The agenda has {found} days but the course lasts {duration}"


def test_a_day_without_topics_is_refused() -> None:
    assert agenda_error("Day 1\nA\nDay 2\nDay 3\nC", 3) == "Day 2 has no topics"


def test_a_last_day_without_topics_is_refused() -> None:
    assert agenda_error("Day 1\nA\nDay 2\n\n", 2) == "Day 2 has no topics"


# Units ----------------------------------------------------------------------------


def test_parse_units_reads_headings_and_outcomes() -> None:
    text = "Unit 1: Principles\n- Affirm\n- Reflect\nUnit 2: Applications\n"

    assert parse_units(text) == [
        {"title": "Unit 1: Principles", "outcomes": ["Affirm", "Reflect"]},
        {"title": "Unit 2: Applications", "outcomes": []},
    ]


def test_parse_units_of_empty_text_is_no_units() -> None:
    assert parse_units("\n \n") == []


def test_outcome_before_any_unit_is_refused_with_its_line_number() -> None:
    message = units_error("\n- Affirm\nUnit 1")

    assert message == f"Line 2: an outcome ({LQ}- \u2026{RQ}) must come under a unit"


# Round trips over the real catalogue -------------------------------------------------


@pytest.mark.parametrize("entry", COURSES, ids=[c["code"] for c in COURSES])
def test_every_seeded_agenda_survives_format_then_parse(entry: dict) -> None:
    text = format_agenda(entry["agenda"])

    assert parse_agenda(text, entry["duration_days"]) == entry["agenda"]
    assert format_agenda(parse_agenda(text, entry["duration_days"])) == text


@pytest.mark.parametrize("entry", COURSES, ids=[c["code"] for c in COURSES])
def test_every_seeded_set_of_units_survives_format_then_parse(entry: dict) -> None:
    text = format_units(entry["units"])

    assert parse_units(text) == entry["units"]
    assert format_units(parse_units(text)) == text


def test_format_agenda_writes_the_documented_shape() -> None:
    days = [{"topics": [{"title": "Topic", "items": ["one", "two"]}]}, {"topics": []}]

    assert format_agenda(days) == "Day 1\nTopic\n- one\n- two\nDay 2"


def test_format_of_empty_outline_is_empty_text() -> None:
    assert format_agenda([]) == ""
    assert format_units([]) == ""


def test_an_empty_bullet_never_becomes_an_empty_item() -> None:
    days = parse_agenda("Day 1\nTopic\n- \n- real item", 1)

    assert "" not in days[0]["topics"][0]["items"]


def test_a_day_heading_may_carry_its_first_topic() -> None:
    days = parse_agenda("Day 1: Introduction\n- welcome\nSecond topic\nDiwrnod 2 – Cyflwyniad", 2)
    assert days == [
        {
            "topics": [
                {"title": "Introduction", "items": ["welcome"]},
                {"title": "Second topic", "items": []},
            ]
        },
        {"topics": [{"title": "Cyflwyniad", "items": []}]},
    ]
