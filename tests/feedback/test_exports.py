"""CSV, Excel and PDF exports, quotes, publication snapshots and the audited named exports
(R32, R40-R42): a comment whose author did not consent never leaves the database."""

from __future__ import annotations

import copy
import csv
import io
import json
from dataclasses import dataclass
from decimal import Decimal

import pytest
from flask import render_template
from flask_babel import force_locale, gettext
from openpyxl import load_workbook
from sqlalchemy import select

from tests.conftest import seeded_fixture
from tests.factories import make_organisation, make_user
from tests.feedback.helpers import (
    AFTER,
    FY,
    Year,
    build_year,
    count,
    learner,
    manager,
    people,
    respond,
    run_cohort,
    trainer,
)
from trainhub.audit import AuditEvent
from trainhub.auth.models import User
from trainhub.courses.models import Course
from trainhub.errors import ConflictError, PermissionDenied
from trainhub.extensions import db
from trainhub.feedback import reporting
from trainhub.feedback.models import FeedbackAnswer, ReportSnapshot
from trainhub.feedback.reporting import compute
from trainhub.feedback.services import budget, exports, quotes, report
from trainhub.financial_years import Period
from trainhub.spreadsheets import safe_cell
from trainhub.storage import storage

SECRET = "Not for quoting: my manager never listens"
SECRET_TOO = '=HYPERLINK("https://evil.example","Not for quoting either")'
QUOTE = "The genogram exercise changed how I work with families"
FORMULA_ORG = "=cmd|' /C calc'!A0"


@dataclass
class Feedback:
    year: Year
    boss: User
    secret: FeedbackAnswer
    quote: FeedbackAnswer


def _answer(text: str) -> FeedbackAnswer:
    return db.session.execute(
        select(FeedbackAnswer).where(FeedbackAnswer.text == text)
    ).scalar_one()


def _feedback(request: pytest.FixtureRequest) -> Feedback:
    """The fixture year, with comments on its first cohort: one consented and picked for
    the report, two not consented (one of them shaped like a spreadsheet formula)."""
    ffi = db.session.execute(select(Course).where(Course.code == "FFI-3DAY")).scalar_one()
    year = build_year(ffi)
    cohort = year.cohorts[0]
    respond(cohort, 1, value=5, consent=True, take_away=QUOTE)
    respond(cohort, 1, value=2, consent=False, take_away=SECRET, better=SECRET_TOO)
    respond(cohort, 3, value=4)
    # Someone from an organisation whose name a spreadsheet would run as a formula.
    [odd] = people(1, organisation_id=make_organisation(FORMULA_ORG).id)
    run_cohort(year.cohorts[1], [odd])
    boss = manager()
    quote = _answer(QUOTE)
    quotes.set_selected(boss, quote, True)
    return Feedback(year, boss, _answer(SECRET), quote)


#: Made once per process and backend (``seeded_fixture``).
export_feedback = seeded_fixture("export_feedback", _feedback)


@pytest.fixture
def feedback(export_feedback: Feedback) -> Feedback:
    return export_feedback


def workbook_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content))
    return "\n".join(
        str(cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    )


def test_a_comment_without_consent_appears_in_no_export(feedback: Feedback) -> None:
    # Even picked by mistake (written past the service), it stays out.
    feedback.secret.selected_for_report = True
    db.session.flush()
    period = Period(FY)
    data = compute(period, today=AFTER)
    built = reporting.build(data)
    context = report.context(data)

    files = {
        "tables": "\n".join(exports.table_csv(t) for t in built),
        "workbook": workbook_text(exports.workbook(built, "Training 2016-17", data["quotes"])),
        "report": render_template("feedback/report_pdf.html", **context),
        "attendees": exports.attendees_csv(feedback.boss, period),
        "workforce": exports.workforce_csv(feedback.boss, period, AFTER),
        "quotes": "\n".join(a.text for a in db.session.execute(quotes.consented(period)).scalars()),
    }
    snapshot = report.publish(feedback.boss, FY, today=AFTER)
    files["snapshot"] = json.dumps(snapshot.data)

    for name, text in files.items():
        assert "Not for quoting" not in text, name
        assert "evil.example" not in text, name
    for name in ("workbook", "report", "quotes", "snapshot"):
        assert QUOTE in files[name], name
    assert data["quotes"] == [
        {"id": feedback.quote.id, "text": QUOTE, "course": feedback.year.course.title}
    ]
    assert storage().load(snapshot.pdf_key).startswith(b"%PDF")


def test_the_annual_report_pdf_is_a_pdf_with_the_statutory_header(feedback: Feedback) -> None:
    data = compute(Period(FY), today=AFTER)
    context = report.context(data)

    pdf = exports.annual_report_pdf(context)
    html = render_template("feedback/report_pdf.html", **context)

    assert pdf.startswith(b"%PDF")
    assert "The Children and Families (Wales) Measure 2010" in html
    assert "financial year 2016-17" in html
    assert "5 cohorts" in html
    assert "Sign-off" in html


def test_a_comment_without_consent_cannot_be_picked(feedback: Feedback) -> None:
    with pytest.raises(ConflictError, match="did not agree to be quoted"):
        quotes.set_selected(feedback.boss, feedback.secret, True)
    rating = (
        db.session.execute(
            select(FeedbackAnswer).where(
                FeedbackAnswer.response_id == feedback.quote.response_id,
                FeedbackAnswer.rating.is_not(None),
            )
        )
        .scalars()
        .first()
    )
    assert rating is not None
    with pytest.raises(ConflictError, match="Only written comments"):
        quotes.set_selected(feedback.boss, rating, True)
    with pytest.raises(PermissionDenied):
        quotes.set_selected(trainer(), feedback.quote, False)

    db.session.refresh(feedback.secret)
    assert not feedback.secret.selected_for_report
    assert [q["text"] for q in compute(Period(FY), today=AFTER)["quotes"]] == [QUOTE]


def test_a_quote_put_back_leaves_the_report(feedback: Feedback) -> None:
    quotes.set_selected(feedback.boss, feedback.quote, False)

    assert (feedback.quote.selected_by_id, feedback.quote.selected_at) == (None, None)
    assert compute(Period(FY), today=AFTER)["quotes"] == []


def test_spreadsheet_formulas_are_neutralised(feedback: Feedback) -> None:
    built = {t.key: t for t in reporting.build(compute(Period(FY), today=AFTER))}

    rows = list(csv.reader(io.StringIO(exports.table_csv(built["organisations"]))))
    assert rows[0] == ["Organisation", "Attendees"]
    assert ["'" + FORMULA_ORG, "1"] in rows
    # An administrator's copy names everyone (R49), the organisation among them.
    named = exports.attendees_csv(make_user(roles=["manager", "admin"]), Period(FY))
    assert "'" + FORMULA_ORG in named
    assert not any(
        cell.startswith(("=", "+", "@")) for row in csv.reader(io.StringIO(named)) for cell in row
    )
    book = load_workbook(
        io.BytesIO(
            exports.workbook(
                list(built.values()), "=title", [{"course": "-Course", "text": "=SUM(A1:A9)"}]
            )
        )
    )
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    # In Excel a cell typed as text is text: shown as written, with no apostrophe.
    values = [c.value for c in cells]
    assert "=SUM(A1:A9)" in values and "=title" in values and FORMULA_ORG in values
    assert not any(str(v).startswith("'") for v in values)
    assert safe_cell(-3) == -3
    assert safe_cell("-3") == "'-3"


def test_each_table_is_one_csv_with_one_header_row(feedback: Feedback) -> None:
    built = {t.key: t for t in reporting.build(compute(Period(FY), today=AFTER))}

    rows = list(csv.reader(io.StringIO(exports.table_csv(built["courses"]))))

    assert rows[0][:3] == ["Course", "Cohorts", "Training days"]
    # The fixture year and one more attendee (and place) on the second cohort.
    assert rows[1][:6] == [feedback.year.course.title, "5", "15", "100", "93", "91"]
    assert rows[-1][0] == "Total"
    budget.set_allocation(feedback.boss, FY, Decimal("18000"))
    spend = {t.key: t for t in reporting.build(compute(Period(FY), today=AFTER))}["budget"]
    assert list(csv.reader(io.StringIO(exports.table_csv(spend))))[1] == [
        "Allocation for the year",
        "18000.00",
    ]


def test_the_workbook_has_a_sheet_per_table_and_numbers_as_numbers(feedback: Feedback) -> None:
    data = compute(Period(FY), today=AFTER)
    built = reporting.build(data)

    book = load_workbook(io.BytesIO(exports.workbook(built, "Training 2016-17", data["quotes"])))

    assert len(book.worksheets) == len(built) + 2
    assert len(set(book.sheetnames)) == len(book.sheetnames)
    courses = book.worksheets[1]
    assert courses["A1"].value == "Course"
    assert [c.value for c in courses[2]][1:4] == [5, 15, 100]
    assert book.worksheets[-1]["B2"].value == QUOTE


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_workbook_opens_on_a_summary_of_the_headline(feedback: Feedback, language: str) -> None:
    with force_locale(language):
        data = compute(Period(FY), today=AFTER)
        built = reporting.build(data)
        headline = reporting.headline(data)
        content = exports.workbook(built, "Training 2016-17", data["quotes"], headline)
        summary = gettext("Summary")

    book = load_workbook(io.BytesIO(content))

    assert book.sheetnames[0] == summary
    first = [row[0] for row in book.worksheets[0].iter_rows(values_only=True)]
    sentences = [headline] if isinstance(headline, str) else list(headline)
    assert first[0] == "Training 2016-17"
    assert first[1 : 1 + len(sentences)] == sentences
    assert all(c.data_type == "s" for row in book.worksheets[0].iter_rows() for c in row)
    # Every table has its sheet, named within Excel's rules and never cut inside a word.
    assert len(book.sheetnames) == len(built) + 2
    assert len({n.casefold() for n in book.sheetnames}) == len(book.sheetnames)
    for name, table in zip(book.sheetnames[1:], built, strict=False):
        assert len(name) <= 31
        assert not set(name) & set("[]:*?/\\")
        words = {w.strip(",;:") for w in table.title.split()}
        assert {w.strip(",;:") for w in name.split()} <= words, (name, table.title)


def test_a_headline_of_several_sentences_has_a_row_each(feedback: Feedback) -> None:
    sentences = ["Five cohorts of the core were delivered.", "=Two of the consultation."]

    book = load_workbook(io.BytesIO(exports.workbook([], "Training 2016-17", [], sentences)))

    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert [r[0] for r in rows[:3]] == ["Training 2016-17", *sentences]
    assert book.sheetnames == ["Summary", "Quotes"]


# Named exports -----------------------------------------------------------------------------


def audit_events() -> list[tuple[int | None, str, str]]:
    db.session.flush()
    rows = db.session.execute(
        select(AuditEvent.actor_id, AuditEvent.action, AuditEvent.detail).order_by(AuditEvent.id)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


def test_named_exports_are_for_managers_and_each_download_is_audited(feedback: Feedback) -> None:
    # A manager who is an administrator too, so the files name everyone (R49).
    boss = make_user(roles=["manager", "admin"])
    period = Period(FY, 3)

    attendees = list(csv.reader(io.StringIO(exports.attendees_csv(boss, period))))
    workforce = exports.workforce_csv(boss, Period(FY), AFTER)

    assert attendees[0][:3] == ["Name", "Email", "Organisation"]
    # Quarter 3: two cohorts of 18, and a late cancellation that is not on a register.
    assert len(attendees) == 1 + 36
    assert {row[-1] for row in attendees[1:]} == {"Yes", "No"}
    assert workforce.splitlines()[0].startswith("Name,Email,Organisation")
    assert audit_events() == [
        (boss.id, "report.named_export", "attendees 2016-17 Q3"),
        (boss.id, "report.named_export", "IFST workforce 2016-17"),
    ]
    for outsider in (trainer(), learner(), make_user(roles=["admin"])):
        with pytest.raises(PermissionDenied):
            exports.attendees_csv(outsider, period)
        with pytest.raises(PermissionDenied):
            exports.workforce_csv(outsider, period, AFTER)
    assert len(audit_events()) == 2


# Publication -------------------------------------------------------------------------------


def test_published_figures_never_change_and_changes_show_as_differences(
    feedback: Feedback,
) -> None:
    snapshot = report.publish(feedback.boss, FY, today=AFTER)
    db.session.commit()
    published = copy.deepcopy(snapshot.data)
    pdf = storage().load(snapshot.pdf_key)
    assert published == compute(Period(FY), today=AFTER)

    # A late register and a spending line after publication.
    run_cohort(feedback.year.cohorts[0], people(1))
    budget.add_spend(feedback.boss, FY, 4, "venue", "Late invoice", Decimal("120"))
    db.session.commit()
    db.session.expire_all()

    again = report.snapshot_of(FY)
    assert again is not None
    assert again.data == published
    assert storage().load(again.pdf_key) == pdf
    now = compute(Period(FY), today=AFTER)
    changed = {
        (d.table, d.row, d.column): (d.published, d.now)
        for d in reporting.differences(reporting.build(again.data), reporting.build(now))
    }
    title = feedback.year.course.title
    assert changed[("Training delivered, by course", title, "Attendees")] == (91, 92)
    assert changed[("Training delivered, by course", "Total", "Attendees")] == (91, 92)
    assert changed[("Training budget", "Spent in the year to date", "Amount")] == (
        Decimal("0.00"),
        Decimal("120.00"),
    )
    assert all(
        d.published != d.now
        for d in reporting.differences(reporting.build(again.data), reporting.build(now))
    )
    assert reporting.differences(reporting.build(again.data), reporting.build(again.data)) == []


def test_a_year_is_published_once_by_a_manager(feedback: Feedback) -> None:
    with pytest.raises(PermissionDenied):
        report.publish(trainer(), FY, today=AFTER)
    with pytest.raises(ConflictError, match="once it has started"):
        report.publish(feedback.boss, FY + 2, today=AFTER)
    report.publish(feedback.boss, FY, today=AFTER)

    with pytest.raises(ConflictError, match="already published"):
        report.publish(manager(), FY, today=AFTER)

    assert count(ReportSnapshot) == 1
    checks = {c["key"]: c["done"] for c in reporting.readiness(Period(FY), AFTER)}
    assert checks["published"]
