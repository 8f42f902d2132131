"""The CPD record pages (R28, R29): the ledger and statements, learning done elsewhere and
its approval, corrections, and a person's accreditation record."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask

from tests.accreditation.helpers import (
    EXE_BYTES,
    JAVASCRIPT_PDF_BYTES,
    PDF_BYTES,
    application,
    complete,
    count,
    learner,
    outbox,
    pdf,
    stored_files,
    submitted,
)
from tests.accreditation.view_helpers import (
    as_user,
    banners,
    field_error,
    follow,
    page,
    post_file,
    summary_errors,
)
from tests.factories import make_course, make_organisation, make_user
from tests.helpers import QueryCounter
from trainhub.accreditation.models import CpdEntry, ExternalActivity
from trainhub.accreditation.models.cpd import APPROVED, PENDING, REJECTED
from trainhub.accreditation.services.applications import withdraw_application
from trainhub.accreditation.services.cpd import (
    ActivityInput,
    bank_entry,
    log_activity,
    reverse_entry,
)
from trainhub.auth.models import User
from trainhub.courses.models import local_today
from trainhub.extensions import db

YESTERDAY = local_today() - dt.timedelta(days=1)


def activity_of(person: User, title: str = "Motivational interviewing") -> ExternalActivity:
    return log_activity(
        person,
        ActivityInput(title, YESTERDAY, Decimal("3.5"), provider="Elsewhere"),
        pdf("attendance.pdf"),
    )


def date_parts(day: dt.date) -> list[str]:
    """A date as the day, month and year boxes send it."""
    return [str(day.day), str(day.month), str(day.year)]


def activity_form(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title": "Safeguarding refresher",
        "provider": "County council",
        "occurred_on": date_parts(YESTERDAY),
        "hours": "3.5",
        "credits": "",
    }
    values.update(overrides)
    return values


def ledger_lines(person: User) -> list[tuple[str, Decimal]]:
    query = (
        db.select(CpdEntry.source, CpdEntry.hours)
        .where(CpdEntry.user_id == person.id)
        .order_by(CpdEntry.id)
    )
    return [tuple(row) for row in db.session.execute(query)]  # type: ignore[misc]


# The learner's record and statements (R28) ------------------------------------------------


def test_my_cpd_lists_the_lines_and_the_yearly_totals(app: Flask, catalogue: None) -> None:
    person = learner()
    bank_entry(person, "course", dt.date(2025, 5, 1), "Course A", hours=Decimal(7))
    bank_entry(person, "course", dt.date(2026, 3, 1), "Course B", hours=Decimal("3.5"))
    bank_entry(person, "course", dt.date(2026, 4, 2), "Course C", hours=Decimal(2))

    text = page(as_user(app, person).get("/my/cpd"))

    for title in ("Course A", "Course B", "Course C"):
        assert title in text
    assert "2025-26" in text and "2026-27" in text
    assert "10.50" in text  # 2025-26: 7 + 3.5


def test_the_csv_statement_has_one_header_row_and_formula_safe_cells(
    app: Flask, catalogue: None
) -> None:
    person = learner()
    bank_entry(person, "course", dt.date(2026, 5, 1), "Core training", hours=Decimal(28))
    bank_entry(
        person,
        "external",
        dt.date(2026, 6, 1),
        '=HYPERLINK("http://evil.example","click")',
        hours=Decimal(2),
        accrediting_body="@SUM(1+1)",
    )
    bank_entry(person, "external", dt.date(2026, 6, 2), "+44 call", note="-2+3")

    response = as_user(app, person).get(f"/people/{person.id}/cpd/statement.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, for Excel
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == [
        "Date",
        "Financial year",
        "Source",
        "Activity",
        "Hours",
        "Credits",
        "Accrediting body",
        "Note",
    ]
    assert sum(1 for row in rows if row[0] == "Date") == 1
    assert rows[1] == [
        "2026-05-01",
        "2026-27",
        "Course completed",
        "Core training",
        "28.00",
        "0.00",
        "",
        "",
    ]
    assert rows[2][3] == '\'=HYPERLINK("http://evil.example","click")'
    assert rows[2][6] == "'@SUM(1+1)"
    assert (rows[3][3], rows[3][7]) == ("'+44 call", "'-2+3")
    assert len(rows) == 4


def test_the_statement_can_be_for_one_financial_year(app: Flask, catalogue: None) -> None:
    person = learner()
    bank_entry(person, "course", dt.date(2025, 5, 1), "Last year", hours=Decimal(1))
    bank_entry(person, "course", dt.date(2026, 5, 1), "This year", hours=Decimal(1))
    client = as_user(app, person)

    text = client.get(f"/people/{person.id}/cpd/statement.csv?year=2026").get_data(as_text=True)

    assert "This year" in text and "Last year" not in text
    assert client.get(f"/people/{person.id}/cpd/statement.csv?year=1900").status_code == 400


def test_the_csv_statement_speaks_the_readers_language(app: Flask, catalogue: None) -> None:
    person = learner(preferred_language="cy")
    bank_entry(person, "course", dt.date(2026, 5, 1), "Hyfforddiant craidd", hours=Decimal(28))

    response = as_user(app, person).get(f"/people/{person.id}/cpd/statement.csv")

    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0][:2] == ["Dyddiad", "Blwyddyn ariannol"]
    assert rows[1][2] == "Cwrs wedi'i gwblhau"


def test_the_pdf_statement_is_a_pdf(app: Flask, catalogue: None) -> None:
    person = learner()
    bank_entry(person, "course", dt.date(2026, 5, 1), "Core training", hours=Decimal(28))

    response = as_user(app, person).get(f"/people/{person.id}/cpd/statement.pdf")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")


def test_someone_elses_statement_is_refused(app: Flask, catalogue: None) -> None:
    person = learner()
    client = as_user(app, learner())

    assert client.get(f"/people/{person.id}/cpd/statement.csv").status_code == 403
    assert client.get(f"/people/{person.id}/cpd/statement.pdf").status_code == 403


def test_my_cpd_runs_a_constant_number_of_queries(
    app: Flask, catalogue: None, count_queries: QueryCounter
) -> None:
    person = learner()
    for n in range(2):
        bank_entry(person, "course", dt.date(2026, 5, 1 + n), f"Line {n}", hours=Decimal(1))
        activity_of(person, f"Activity {n}")
    client = as_user(app, person)
    client.get("/my/cpd")  # warm up
    count_queries.statements.clear()
    client.get("/my/cpd")
    few = count_queries.count

    for n in range(2, 12):
        entry = bank_entry(person, "course", dt.date(2026, 5, n), f"Line {n}", hours=Decimal(1))
        reverse_entry(None, entry, "Wrong")
        activity_of(person, f"Activity {n}")
    db.session.commit()
    count_queries.statements.clear()
    text = page(client.get("/my/cpd"))

    assert "Activity 11" in text and "Line 11" in text
    assert count_queries.count == few, "\n".join(s[:120] for s in count_queries.statements)


# Learning done elsewhere -------------------------------------------------------------------


def test_logging_an_activity_sends_it_for_approval(app: Flask, catalogue: None) -> None:
    supervisor = make_user(roles=["learner"])
    person = learner(supervisor=supervisor)
    client = as_user(app, person)

    response = post_file(
        client, "/my/cpd/activities/new", "evidence", "cert.pdf", PDF_BYTES, **activity_form()
    )

    assert response.headers["Location"] == "/my/cpd"
    text = follow(client, response)
    assert ("success", "Your activity has been sent for approval.") in banners(text)
    assert "Safeguarding refresher" in text and "Waiting for approval" in text
    activity = db.session.execute(db.select(ExternalActivity)).scalar_one()
    assert (activity.status, activity.hours, activity.evidence_filename) == (
        PENDING,
        Decimal("3.5"),
        "cert.pdf",
    )
    assert ledger_lines(person) == []
    assert len(outbox(supervisor)) == 1


@pytest.mark.parametrize(
    ("filename", "data", "overrides", "field", "message"),
    [
        pytest.param(
            "cert.pdf",
            EXE_BYTES,
            {},
            "evidence",
            "The selected file must be a DOCX, JPG, ODT, PDF, PNG",
            id="exe-renamed",
        ),
        pytest.param("cert.pdf", b"", {}, "evidence", "The selected file is empty", id="empty"),
        pytest.param(
            "cert.pdf",
            JAVASCRIPT_PDF_BYTES,
            {},
            "evidence",
            "This PDF contains JavaScript, which cannot be accepted. Print it to a new PDF "
            "(for example with Microsoft Print to PDF) and upload that.",
            id="javascript-in-pdf",
        ),
        pytest.param(None, b"", {}, "evidence", "Choose a file to upload", id="no-file"),
        pytest.param(
            "cert.pdf",
            PDF_BYTES,
            {"hours": "0"},
            "hours",
            "Enter the hours of learning, more than 0 and up to 1000",
            id="no-hours",
        ),
        pytest.param(
            "cert.pdf",
            PDF_BYTES,
            {"occurred_on": date_parts(local_today() + dt.timedelta(days=1))},
            "occurred_on",
            "The date of the activity must be today or in the past",
            id="future",
        ),
    ],
)
def test_a_refused_activity_is_explained_and_nothing_is_stored(
    app: Flask,
    catalogue: None,
    filename: str | None,
    data: bytes,
    overrides: dict[str, Any],
    field: str,
    message: str,
) -> None:
    person = learner()

    response = post_file(
        as_user(app, person),
        "/my/cpd/activities/new",
        "evidence",
        filename,
        data,
        **activity_form(**overrides),
    )

    assert response.status_code == 400
    assert message in summary_errors(page(response))
    assert field_error(page(response), field) == message
    assert count(ExternalActivity) == 0
    assert stored_files() == []


def test_evidence_over_the_limit_is_413_on_the_form(app: Flask, catalogue: None) -> None:
    app.config["UPLOAD_MAX_BYTES"] = 1024 * 1024

    response = post_file(
        as_user(app, learner()),
        "/my/cpd/activities/new",
        "evidence",
        "cert.pdf",
        PDF_BYTES + b"0" * (1024 * 1024),
        **activity_form(),
    )

    assert response.status_code == 413
    assert field_error(page(response), "evidence") == "The selected file must be smaller than 1 MB"
    assert count(ExternalActivity) == 0
    assert stored_files() == []


def test_a_supervisor_approves_their_supervisees_activity_once(app: Flask, catalogue: None) -> None:
    supervisor = make_user(roles=["learner"])
    person = learner(supervisor=supervisor)
    activity = activity_of(person)
    client = as_user(app, supervisor)

    listed = page(client.get("/cpd/approvals"))
    assert "Motivational interviewing" in listed
    evidence = client.get(f"/cpd/activities/{activity.id}/evidence")
    assert evidence.data == PDF_BYTES

    url = f"/cpd/activities/{activity.id}/decide"
    response = client.post(url, data={"decision": "approve"})

    assert response.headers["Location"] == "/cpd/approvals"
    assert ("success", "Decision recorded.") in banners(follow(client, response))
    db.session.refresh(activity)
    assert (activity.status, activity.decided_by_id) == (APPROVED, supervisor.id)
    assert ledger_lines(person) == [("external", Decimal("3.5"))]

    # A second decision (a form left open in another tab) is refused.
    again = client.post(url, data={"decision": "reject", "note": "Changed my mind"})
    assert again.headers["Location"] == "/cpd/approvals"
    assert ("important", "This activity has already been decided") in banners(follow(client, again))
    db.session.refresh(activity)
    assert activity.status == APPROVED
    assert ledger_lines(person) == [("external", Decimal("3.5"))]
    assert "This activity has been decided." in page(client.get(url))


def test_the_learner_cannot_approve_their_own_activity(app: Flask, catalogue: None) -> None:
    person = make_user(roles=["learner", "manager"], organisation=make_organisation())
    activity = activity_of(person)
    client = as_user(app, person)

    assert client.get(f"/cpd/activities/{activity.id}/decide").status_code == 403
    response = client.post(f"/cpd/activities/{activity.id}/decide", data={"decision": "approve"})

    assert response.status_code == 403
    db.session.refresh(activity)
    assert activity.status == PENDING
    assert ledger_lines(person) == []
    assert "Motivational interviewing" not in page(client.get("/cpd/approvals"))


def test_turning_an_activity_down_needs_a_reason(app: Flask, catalogue: None) -> None:
    supervisor = make_user(roles=["learner"])
    activity = activity_of(learner(supervisor=supervisor))
    client = as_user(app, supervisor)
    url = f"/cpd/activities/{activity.id}/decide"

    refused = client.post(url, data={"decision": "reject"})
    assert refused.status_code == 400
    assert field_error(page(refused), "note") == "Say why the activity cannot be counted"

    client.post(url, data={"decision": "reject", "note": "Not relevant to IFSS"})
    db.session.refresh(activity)
    assert (activity.status, activity.decision_note) == (REJECTED, "Not relevant to IFSS")
    assert count(CpdEntry) == 0


def test_a_manager_of_another_organisation_neither_sees_nor_decides(
    app: Flask, catalogue: None
) -> None:
    """Learner data goes to the learner's own organisation's managers only (R49)."""
    home = make_organisation()
    activity = activity_of(learner(organisation=home))
    own_manager = make_user(roles=["manager"], organisation=home)
    other_manager = make_user(roles=["manager"], organisation=make_organisation())
    client = as_user(app, other_manager)

    assert "Motivational interviewing" not in page(client.get("/cpd/approvals"))
    assert client.get(f"/cpd/activities/{activity.id}/evidence").status_code == 403
    assert (
        client.post(
            f"/cpd/activities/{activity.id}/decide", data={"decision": "approve"}
        ).status_code
        == 403
    )
    db.session.refresh(activity)
    assert activity.status == PENDING

    assert "Motivational interviewing" in page(as_user(app, own_manager).get("/cpd/approvals"))


# Corrections --------------------------------------------------------------------------------


def test_a_manager_reverses_a_line_once(app: Flask, catalogue: None) -> None:
    home = make_organisation()
    person = learner(organisation=home)
    entry = bank_entry(person, "course", dt.date(2026, 5, 1), "Core training", hours=Decimal(28))
    client = as_user(app, make_user(roles=["manager"], organisation=home))
    url = f"/cpd/entries/{entry.id}/reverse"

    refused = client.post(url, data={"reason": ""})
    assert refused.status_code == 400
    assert field_error(page(refused), "reason") == "Enter the reason"

    response = client.post(url, data={"reason": "Recorded twice"})
    assert response.headers["Location"] == f"/people/{person.id}/accreditation"
    assert ("success", "The line has been reversed.") in banners(follow(client, response))
    assert ledger_lines(person) == [("course", Decimal(28)), ("reversal", Decimal(-28))]

    again = client.post(url, data={"reason": "Again"})
    assert ("important", "This line has already been reversed") in banners(follow(client, again))
    assert len(ledger_lines(person)) == 2


def test_a_manager_of_another_organisation_cannot_reverse(app: Flask, catalogue: None) -> None:
    person = learner(organisation=make_organisation())
    entry = bank_entry(person, "course", dt.date(2026, 5, 1), "Core", hours=Decimal(28))
    client = as_user(app, make_user(roles=["manager"], organisation=make_organisation()))

    response = client.post(f"/cpd/entries/{entry.id}/reverse", data={"reason": "Because"})

    assert response.status_code == 403
    assert len(ledger_lines(person)) == 1


# A person's accreditation record (R29) --------------------------------------------------------


def test_the_supervisor_sees_their_supervisees_record_read_only(
    app: Flask, catalogue: None
) -> None:
    supervisor = make_user(roles=["learner"])
    person = learner(supervisor=supervisor, full_name="Gwen Learner")
    complete(person, "IFSS-CORE", dt.date(2026, 5, 1), announce=True)
    submitted(3, person)
    client = as_user(app, supervisor)

    response = client.get(f"/people/{person.id}/accreditation")

    assert response.status_code == 200
    text = page(response)
    assert "You can see this record because Gwen Learner named you as their supervisor" in text
    assert "Level 3: Implementing IFSS" in text
    assert "Core training" in text
    assert "Reverse" not in text  # read-only
    assert as_user(app, learner()).get(f"/people/{person.id}/accreditation").status_code == 403


def test_the_person_record_runs_a_constant_number_of_queries(
    app: Flask, catalogue: None, count_queries: QueryCounter
) -> None:
    home = make_organisation()
    person = learner(organisation=home)

    def add(n: int) -> None:
        """n courses completed (a CPD line and a certificate each), every other line reversed,
        and n withdrawn applications."""
        for i in range(n):
            course = make_course(cpd_hours=Decimal(7))
            complete(person, course, dt.date(2026, 5, 1), announce=True)
            if i % 2 == 0:
                line = db.session.execute(
                    db.select(CpdEntry).where(CpdEntry.course_id == course.id)
                ).scalar_one()
                reverse_entry(None, line, "Wrong")
            withdraw_application(person, application(2, person), "Not now")

    add(2)
    client = as_user(app, make_user(roles=["manager"], organisation=home))
    url = f"/people/{person.id}/accreditation"
    client.get(url)  # warm up
    count_queries.statements.clear()
    client.get(url)
    few = count_queries.count

    add(10)
    db.session.commit()
    count_queries.statements.clear()
    text = page(client.get(url))

    assert text.count("Reverse<span") == 6  # the lines not reversed yet
    assert text.count("Level 2: Underpinning") == 12
    assert count_queries.count == few, "\n".join(s[:120] for s in count_queries.statements)
