"""Reading history spreadsheets: CSV and XLSX, both date forms, every bad cell on its line,
missing and unknown columns at once, blank rows ignored, a byte-order mark tolerated."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from flask import Flask
from openpyxl import Workbook

from trainhub.history.services.spreadsheets import (
    MAX_ROWS,
    columns,
    read_sheet,
    template_csv,
)

pytestmark = [pytest.mark.once, pytest.mark.usefixtures("app")]

COHORT_HEADER = ",".join(columns("cohorts"))
DAY = "FFI-3DAY,FFI May 2016,{n},{date},09:30,16:30,Old Centre,Carys Maddox;Owain Pritchard,,{email},{name},{attended}"


def cohort_csv(*rows: str, header: str = COHORT_HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def day(n: int, date: str, email: str = "sam@example.org", attended: str = "yes") -> str:
    return DAY.format(n=n, date=date, email=email, name="Sam Example", attended=attended)


def lines(sheet: object) -> list[tuple[int | None, str]]:
    return [(p.line, p.message) for p in sheet.problems]  # type: ignore[attr-defined]


def test_a_register_becomes_one_cohort_with_its_days_and_marks() -> None:
    data = cohort_csv(
        day(1, "2016-05-10"),
        day(2, "11/05/2016", attended="late"),
        "",  # a blank row is ignored
        ",,,,,,,,,,,",
        day(3, "2016-05-12", attended="left early"),
        day(1, "2016-05-10", email="alex@example.org", attended="no"),
    )
    sheet = read_sheet("cohorts", "may.csv", data)
    assert sheet.problems == []
    assert sheet.rows == 4
    [draft] = sheet.drafts
    assert draft.course_code == "FFI-3DAY" and draft.line == 2
    assert draft.facilitators == ["Carys Maddox", "Owain Pritchard"]
    assert [(d.day_number, d.date) for d in draft.days] == [
        (1, dt.date(2016, 5, 10)),
        (2, dt.date(2016, 5, 11)),
        (3, dt.date(2016, 5, 12)),
    ]
    assert draft.days[0].start == dt.time(9, 30) and draft.days[0].end == dt.time(16, 30)
    sam, alex = draft.attendees
    assert sam.marks == {1: "present", 2: "late", 3: "left_early"}
    assert sam.lines == {1: 2, 2: 3, 3: 6}
    assert alex.marks == {1: "absent"}


def test_a_byte_order_mark_and_any_case_header_are_read() -> None:
    header = ",".join(f" {c.upper()} " for c in columns("completions"))
    data = "\ufeff" + header + "\nsam@example.org,Sam Example,IFSS-CORE,24/09/2014\n"
    sheet = read_sheet("completions", "old.csv", data.encode())
    assert sheet.problems == []
    assert sheet.drafts[0].completed_on == dt.date(2014, 9, 24)


def test_another_encoding_is_refused_with_a_clear_message() -> None:
    data = "email,full_name,course_code,completed_on\ns@example.org,Siân,IFSS-CORE,2014-05-12\n"
    sheet = read_sheet("completions", "old.csv", data.encode("cp1252"))
    [(line, message)] = lines(sheet)
    assert line is None and "UTF-8" in message


def test_missing_and_unknown_columns_are_reported_at_once() -> None:
    data = (
        b"email,full_name,completed_on,course,notes\nsam@example.org,Sam,IFSS-CORE,2014-05-12,x\n"
    )
    sheet = read_sheet("completions", "old.csv", data)
    assert lines(sheet) == [
        (1, "missing column(s): course_code"),
        (1, "unknown column(s): course, notes"),
    ]
    assert sheet.drafts == []


def test_every_bad_cell_is_on_its_line_once() -> None:
    data = cohort_csv(
        day(1, "2016-13-10"),  # no 13th month
        day(2, "2016-05-11", attended="maybe"),
        day(3, "2016-05-12").replace("09:30", "9.30"),
        day(1, "2016-05-10", email=""),
        DAY.format(n="one", date="2016-05-10", email="x@example.org", name="X", attended="yes"),
    )
    assert lines(read_sheet("cohorts", "bad.csv", data)) == [
        (2, "date “2016-13-10” is not a date: write it as YYYY-MM-DD or DD/MM/YYYY"),
        (3, "attended is “maybe”: write yes, no, late or left early"),
        (4, "start “9.30” is not a time: write it as HH:MM, like 09:30"),
        (5, "attendee_email is empty"),
        (6, "day_number “one” is not a whole number"),
    ]


def test_awards_read_level_2_or_a_number() -> None:
    header = ",".join(columns("awards"))
    data = (
        f"{header}\n"
        "a@example.org,A Person,Level 2,2016-09-20,Meredith Ashcombe,CCW-1\n"
        "b@example.org,B Person,3,20/09/2016,,\n"
        "c@example.org,C Person,two,2016-09-20,,\n"
        "d@example.org,D Person,,2016-09-20,,\n"
    ).encode()
    sheet = read_sheet("awards", "awards.csv", data)
    assert [(d.level, d.awarded_on) for d in sheet.drafts] == [
        (2, dt.date(2016, 9, 20)),
        (3, dt.date(2016, 9, 20)),
    ]
    assert lines(sheet) == [
        (4, "level “two” is not a whole number"),
        (5, "level is empty"),
    ]


def test_feedback_ratings_comment_and_consent() -> None:
    keys = [c for c in columns("feedback") if c not in ("course_code", "cohort_first_day")][:-2]
    assert keys  # one column per statement of the questionnaire in use
    header = ",".join(columns("feedback"))
    good = ",".join(
        ["FFI-3DAY", "2016-05-10", *["5"] * (len(keys) - 1), "", '"Good, ""very"".",yes']
    )
    six = ",".join(["FFI-3DAY", "2016-05-10", "6", *["4"] * (len(keys) - 1), "", "no"])
    maybe = ",".join(["FFI-3DAY", "2016-05-10", *["4"] * len(keys), "", "perhaps"])
    sheet = read_sheet("feedback", "f.csv", f"{header}\n{good}\n{six}\n{maybe}\n".encode())
    assert lines(sheet) == [
        (3, f"the rating of {keys[0]} is 6: ratings run from 1 to 5"),
        (4, "consent_to_quote is “perhaps”: write yes or no"),
    ]
    first = sheet.drafts[0]
    assert first.comment == 'Good, "very".' and first.consent_to_quote is True
    assert keys[-1] not in first.ratings and first.ratings[keys[0]] == 5
    assert keys[0] not in sheet.drafts[1].ratings  # the 6 is reported, not passed on


def test_an_xlsx_workbook_with_date_and_time_cells() -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(list(columns("cohorts")))
    sheet.append(
        [
            "FFI-3DAY",
            "FFI May 2016",
            1,
            dt.datetime(2016, 5, 10),
            dt.time(9, 30),
            "16:30",
            "Old Centre",
            "Carys Maddox",
            None,
            "sam@example.org",
            "Sam Example",
            "Yes",
        ]
    )
    sheet.append([None] * 12)
    sheet.append(
        [
            "FFI-3DAY",
            "FFI May 2016",
            2.0,
            "11/05/2016",
            "09:30",
            "16:30",
            "Old Centre",
            "Carys Maddox",
            None,
            "sam@example.org",
            "Sam Example",
            "yes",
        ]
    )
    out = io.BytesIO()
    book.save(out)
    read = read_sheet("cohorts", "register.xlsx", out.getvalue())
    assert read.problems == []
    [draft] = read.drafts
    assert [(d.day_number, d.date, d.start) for d in draft.days] == [
        (1, dt.date(2016, 5, 10), dt.time(9, 30)),
        (2, dt.date(2016, 5, 11), dt.time(9, 30)),
    ]
    assert draft.attendees[0].lines == {1: 2, 2: 4}


def test_a_damaged_workbook_is_refused() -> None:
    sheet = read_sheet("awards", "awards.xlsx", b"PK\x03\x04 not really a workbook")
    assert [line for line, _m in lines(sheet)] == [None]


def test_an_empty_file_and_a_header_alone() -> None:
    assert lines(read_sheet("awards", "a.csv", b"")) == [(None, "The file is empty")]
    header = ",".join(columns("awards")).encode()
    assert lines(read_sheet("awards", "a.csv", header + b"\n")) == [
        (1, "the file has no rows to import")
    ]


def test_too_many_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    from trainhub.history.services import spreadsheets

    monkeypatch.setattr(spreadsheets, "MAX_ROWS", 2)
    header = ",".join(columns("completions"))
    rows = "\n".join(f"p{n}@example.org,P {n},IFSS-CORE,2014-05-12" for n in range(3))
    sheet = read_sheet("completions", "c.csv", f"{header}\n{rows}\n".encode())
    assert lines(sheet) == [(4, "too many rows: import at most 2 at a time")]
    assert MAX_ROWS == 20000


def test_each_template_has_its_columns_and_reads_back(app: Flask) -> None:
    assert columns("cohorts") == (
        "course_code",
        "cohort_title",
        "day_number",
        "date",
        "start",
        "end",
        "venue",
        "facilitators",
        "partner",
        "attendee_email",
        "attendee_name",
        "attended",
        "attendee_organisation",
    )
    assert columns("completions") == (
        "email",
        "full_name",
        "course_code",
        "completed_on",
        "organisation",
    )
    assert columns("awards") == (
        "email",
        "full_name",
        "level",
        "awarded_on",
        "assessor",
        "old_certificate_number",
        "organisation",
    )
    for kind in ("cohorts", "completions", "awards", "feedback"):
        text = template_csv(kind)
        assert text.splitlines()[0] == ",".join(columns(kind))
        sheet = read_sheet(kind, f"{kind}.csv", text.encode())
        assert sheet.problems == [] and len(sheet.drafts) == 1, kind
