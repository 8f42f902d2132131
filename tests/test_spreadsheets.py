"""Sheet names for the Excel workbook: within Excel's rules, unique, shortened by whole words."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trainhub.spreadsheets import SHEET_NAME_LIMIT, sheet_name

FORBIDDEN = set("[]:*?/\\")
PUNCTUATION = ",;:.–—-·'()"


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Training budget", "Training budget"),
        # Too long: the aside in brackets goes first…
        ("Feedback by trainer (mean of all ratings)", "Feedback by trainer"),
        (
            "Adborth gan fynychwyr (1 = anghytuno'n gryf, 5 = cytuno'n gryf)",
            "Adborth gan fynychwyr",
        ),
        # …then whole words from the end, and a linking word left last.
        ("Cohorts already scheduled for the next financial year", "Cohorts already scheduled"),
        ("Gwariant ar hyfforddiant a datblygiad proffesiynol", "Gwariant ar hyfforddiant"),
        ("Hyfforddiant a gyflwynwyd, fesul cwrs gyda'r partneriaid", "Hyfforddiant a gyflwynwyd"),
        # Characters Excel refuses become spaces.
        ("Q1: spend / budget [draft]?", "Q1 spend budget draft"),
        # A single word longer than a sheet name is the one thing ever cut.
        ("Llanfairpwllgwyngyllgogerychwyrndrobwll", "Llanfairpwllgwyngyllgogerychwyr"),
        ("'Quoted'", "Quoted"),
    ],
)
def test_a_title_is_shortened_by_rule(title: str, name: str) -> None:
    assert sheet_name(title, set()) == name


def test_names_are_unique_whatever_their_case() -> None:
    used: set[str] = set()

    names = [
        sheet_name(title, used)
        for title in (
            "Attendees by local authority area",
            "Attendees by local authority area",
            "ATTENDEES BY LOCAL AUTHORITY AREA",
            "History",
        )
    ]

    assert names == [
        "Attendees by local authority",
        "Attendees local authority area",  # the title again, without its linking words
        "ATTENDEES BY LOCAL (2)",
        "History (2)",  # Excel keeps "History" for itself
    ]
    assert used == {n.casefold() for n in names}


def test_two_long_titles_cut_to_the_same_words_keep_what_tells_them_apart() -> None:
    used: set[str] = set()

    names = [
        sheet_name(title, used)
        for title in (
            "Attendees by course and background",
            "Attendees by course and organisation",
        )
    ]

    assert names == ["Attendees by course", "Attendees course organisation"]


@given(st.lists(st.text(min_size=0, max_size=80), min_size=1, max_size=12))
def test_every_name_is_one_excel_accepts(titles: list[str]) -> None:
    used: set[str] = set()

    names = [sheet_name(title, used) for title in titles]

    assert len({n.casefold() for n in names}) == len(names)
    for title, name in zip(titles, names, strict=True):
        assert 1 <= len(name) <= SHEET_NAME_LIMIT
        assert not FORBIDDEN & set(name)
        assert not name.startswith("'") and not name.endswith("'")
        assert name == name.strip()
        base = re.sub(r" ?\(\d+\)$", "", name)
        words = re.sub(r"[\[\]:*?/\\]", " ", title).split()
        # Only whole words of the title (punctuation aside), or the start of an overlong one.
        letters = {w.strip(PUNCTUATION) for w in words}
        cut = len(words) >= 1 and len(words[0]) > SHEET_NAME_LIMIT - 4
        assert (cut and words[0].strip("'").startswith(base)) or all(
            w.strip(PUNCTUATION) in letters for w in base.split()
        ), (title, name)
