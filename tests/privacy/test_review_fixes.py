"""Regression tests for the review of the data-protection work (issue 18): shared storage
keys, places left held by an erased person, the words they wrote, and the audit log."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests.accreditation.helpers import level, pdf, pdf_bytes
from tests.factories import make_booking, make_cohort, make_organisation, make_user
from tests.helpers import QueryCounter, as_user, page
from tests.privacy.helpers import make_admin, stored, with_history
from trainhub import audit
from trainhub.accreditation.models import (
    Application,
    ApplicationEvent,
    CpdEntry,
    ExternalActivity,
)
from trainhub.accreditation.services.applications import (
    start_application,
    upload_workbook,
    withdraw_application,
)
from trainhub.accreditation.services.cpd import ActivityInput, decide_activity, log_activity
from trainhub.audit import AuditEvent
from trainhub.auth.models import User
from trainhub.courses.models import Booking, BookingEvent, local_today
from trainhub.courses.services.booking import book_place, cancel_booking
from trainhub.extensions import db
from trainhub.privacy.models import FileDeletion
from trainhub.privacy.services import files
from trainhub.privacy.services.erasure import erase_person
from trainhub.privacy.services.export import export_person
from trainhub.privacy.services.retention import Schedule, due_overview, purge


def _upload(person: User, data: bytes) -> tuple[Application, str]:
    application = start_application(person, level(2))
    workbook = upload_workbook(person, application, pdf("workbook.pdf", data), anonymised=True)
    return application, workbook.storage_key


def _deletion(key: str) -> FileDeletion | None:
    query = select(FileDeletion).where(FileDeletion.storage_key == key)
    return db.session.execute(query).scalar_one_or_none()


# 1. Shared storage keys -------------------------------------------------------------------


def test_the_same_bytes_uploaded_after_an_erasure_go_with_the_next_erasure(
    catalogue: None,
) -> None:
    admin, first, second = make_admin(), make_user(), make_user()
    data = pdf_bytes("the same workbook")
    _application, key = _upload(first, data)
    erase_person(admin, first, "Their request")
    assert files.delete_pending() == 1
    assert not stored(key)

    _application, again = _upload(second, data)
    assert again == key and stored(key)
    erase_person(admin, second, "Their request")
    assert files.delete_pending() == 1
    assert not stored(key)
    row = _deletion(key)
    assert row is not None and row.deleted_at is not None and row.user_id == second.id


def test_a_deletion_left_pending_spares_the_same_bytes_uploaded_meanwhile(
    app: Flask, catalogue: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin, first, second = make_admin(), make_user(), make_user()
    data = pdf_bytes("uploaded twice")
    _application, key = _upload(first, data)
    erase_person(admin, first, "Their request")

    def store_down(key: str) -> None:
        raise OSError("the store is down")

    store = app.extensions["trainhub.storage"]
    monkeypatch.setattr(store, "delete", store_down)
    assert files.delete_pending() == 0
    monkeypatch.undo()
    row = _deletion(key)
    assert row is not None and row.deleted_at is None

    _application, again = _upload(second, data)  # the bytes are there: nothing written
    assert again == key
    assert files.delete_pending() == 0
    assert stored(key)
    assert _deletion(key) is None  # cancelled, so a later erasure queues it afresh
    erase_person(admin, second, "Their request")
    assert files.delete_pending() == 1
    assert not stored(key)


def test_a_purged_workbook_says_so_and_its_bytes_go_when_uploaded_again(
    app: Flask, catalogue: None
) -> None:
    person = with_history(1)
    decided = person.awarded.closed_at
    assert decided is not None
    [workbook] = person.awarded.workbooks
    key, version = workbook.storage_key, workbook.version
    schedule = Schedule(evidence_months=24, inactive_account_years=0, outbox_days=0, audit_years=0)
    later = decided + dt.timedelta(days=30 * 25)
    assert purge(schedule, later).removed["evidence_files"] == 1
    assert files.delete_pending() == 1
    db.session.expire_all()
    assert workbook.storage_key == ""  # the record no longer holds the file

    response = as_user(app, person.user).get(
        f"/applications/{person.awarded.id}/workbooks/{version}"
    )
    assert response.status_code == 410
    assert "deleted under the retention schedule" in page(response)

    # The same bytes uploaded by someone else later are theirs, and go with their erasure.
    other = make_user()
    _application, again = _upload(other, pdf_bytes(f"wb {person.user.id}"))
    assert again == key and stored(key)
    assert purge(schedule, later).removed["evidence_files"] == 0  # not decided: kept
    erase_person(make_admin(), other, "Their request")
    assert files.delete_pending() == 1
    assert not stored(key)


# 2. Places held by an erased person --------------------------------------------------------


def test_erasure_gives_their_place_and_waiting_list_place_to_the_next_people(
    catalogue: None,
) -> None:
    person, admin = make_user(), make_admin()
    full = make_cohort(capacity=1, waitlist_policy="auto_book")
    book_place(person, full)
    next_person = make_user()
    book_place(next_person, full)
    waiting = make_cohort(capacity=1, start=local_today() + dt.timedelta(days=60))
    book_place(make_user(), waiting)
    book_place(person, waiting)
    behind = make_user()
    book_place(behind, waiting)
    finished = make_cohort(start=local_today() - dt.timedelta(days=10), capacity=1)
    past = make_booking(finished, person, status="booked")

    erase_person(admin, person, "Their request")
    db.session.flush()
    db.session.expire_all()

    def status(cohort_id: int, user: User) -> str:
        query = select(Booking.status).where(
            Booking.cohort_id == cohort_id, Booking.user_id == user.id
        )
        return str(db.session.execute(query).scalar_one())

    assert status(full.id, person) == "cancelled"
    assert status(full.id, next_person) == "booked"  # the freed place went on
    assert status(waiting.id, person) == "cancelled"
    queued = db.session.execute(
        select(Booking).where(Booking.cohort_id == waiting.id, Booking.user_id == behind.id)
    ).scalar_one()
    assert queued.status == "waitlisted" and queued.queue_rank is not None
    assert db.session.get_one(Booking, past.id).status == "booked"  # finished: unchanged
    # Nothing was sent to them.
    from trainhub.mail.models import OutboxMessage

    to_them = select(OutboxMessage.id).where(OutboxMessage.to_address.like("erased-%"))
    assert db.session.execute(to_them).first() is None


# 3. What they wrote --------------------------------------------------------------------------


def test_erasure_replaces_their_reasons_activity_titles_and_cpd_lines(catalogue: None) -> None:
    organisation = make_organisation()
    person = make_user(organisation_id=organisation.id)
    cohort = make_cohort()
    outcome = book_place(person, cohort)
    cancel_booking(person, outcome.booking, reason="My chemotherapy starts that week")
    lead = make_user(roles=["trainer"])
    staff = make_cohort(facilitators=[lead], start=local_today() + dt.timedelta(days=60))
    staffed = book_place(person, staff).booking
    cancel_booking(lead, staffed, reason="Venue closed")
    activity = log_activity(
        person,
        ActivityInput(
            "Course on my own bereavement", local_today(), Decimal(3), provider="Hospice of X"
        ),
        pdf("evidence.pdf", pdf_bytes("bereavement evidence")),
    )
    decide_activity(make_user(roles=["manager"], organisation_id=organisation.id), activity, True)
    lines_before = db.session.execute(
        select(CpdEntry.hours, CpdEntry.credits).where(CpdEntry.user_id == person.id)
    ).all()
    withdrawn = start_application(person, level(2))
    withdraw_application(person, withdrawn, "Signed off sick with depression")

    erase_person(make_admin(), person, "Their request")
    db.session.flush()
    db.session.expire_all()

    reasons = db.session.execute(
        select(BookingEvent.actor_id, BookingEvent.reason)
        .join(Booking, Booking.id == BookingEvent.booking_id)
        .where(Booking.user_id == person.id, BookingEvent.reason != "")
    ).all()
    assert (person.id, "Erased") in reasons
    assert (lead.id, "Venue closed") in reasons  # staff's words about the cohort stay
    assert not any("chemotherapy" in reason for _actor, reason in reasons)
    stored = db.session.get_one(ExternalActivity, activity.id)
    assert (stored.title, stored.provider, stored.description) == ("Erased", "", "")
    lines = db.session.execute(select(CpdEntry).where(CpdEntry.activity_id == activity.id))
    titles = [(line.title, line.note) for line in lines.scalars()]
    assert titles and all(title == ("Erased", "") for title in titles)
    notes = db.session.execute(
        select(ApplicationEvent.note).where(ApplicationEvent.application_id == withdrawn.id)
    ).scalars()
    assert not any("depression" in note for note in notes)
    lines_after = db.session.execute(
        select(CpdEntry.hours, CpdEntry.credits).where(CpdEntry.user_id == person.id)
    ).all()
    assert lines_after == lines_before


# 4. The audit log and R49 --------------------------------------------------------------------


def _org_people() -> tuple[User, User, User]:
    ours, theirs = make_organisation(), make_organisation()
    manager = make_user(roles=["manager"], organisation_id=ours.id)
    colleague = make_user(organisation_id=ours.id, full_name="Cara Colleague")
    stranger = make_user(organisation_id=theirs.id, full_name="Sam Stranger")
    return manager, colleague, stranger


def test_a_manager_sees_only_audit_entries_about_people_they_may_see(
    app: Flask, catalogue: None
) -> None:
    manager, colleague, stranger = _org_people()
    admin = make_admin()
    audit.record(admin, "test.about", "detail about Cara Colleague", subject=colleague)
    audit.record(admin, "test.about", "detail about Sam Stranger", subject=stranger)
    audit.record(admin, "test.general", "a named export of 2016-17")
    text = page(as_user(app, manager).get("/reports/audit"))
    assert "Cara Colleague" in text and "2016-17" in text
    assert "Sam Stranger" not in text
    everything = page(as_user(app, admin).get("/reports/audit"))
    assert "Cara Colleague" in everything and "Sam Stranger" in everything


def test_the_audit_page_costs_the_same_statements_for_a_manager(
    app: Flask, catalogue: None, count_queries: QueryCounter
) -> None:
    manager, colleague, stranger = _org_people()
    admin = make_admin()
    client = as_user(app, manager)
    counts = []
    for size in (1, 8):
        for n in range(size):
            audit.record(admin, "test.about", f"about {n}", subject=colleague)
            audit.record(admin, "test.about", f"about {n}", subject=stranger)
        db.session.commit()
        count_queries.statements.clear()
        assert client.get("/reports/audit").status_code == 200
        counts.append(count_queries.count)
    assert counts[0] == counts[1]


def _audit_rows(data: bytes) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("audit.json"))
    return rows


def test_their_copy_gives_only_action_and_date_of_entries_about_someone_else(
    catalogue: None,
) -> None:
    person, other = make_user(roles=["admin"]), make_user(full_name="Olwen Other")
    audit.record(person, "privacy.subject_access", "Copy of Olwen Other's data", subject=other)
    audit.record(person, "test.own", "something of mine")
    audit.record(make_admin(), "test.about_them", "about them", subject=person)
    rows = {row["action"]: row for row in _audit_rows(export_person(person, person).data)}
    assert rows["privacy.subject_access"]["detail"] == ""
    assert rows["privacy.subject_access"]["created_at"]
    assert rows["test.own"]["detail"] == "something of mine"
    assert rows["test.about_them"]["detail"] == "about them"


def test_erasure_replaces_the_detail_of_entries_about_them(catalogue: None) -> None:
    person, admin = make_user(full_name="Eira Erased"), make_admin()
    audit.record(admin, "test.about", "Eira Erased asked for a copy", subject=person)
    audit.record(admin, "test.general", "not about anyone")
    erase_person(admin, person, "Their request")
    db.session.flush()
    db.session.expire_all()
    rows = db.session.execute(
        select(AuditEvent.action, AuditEvent.detail).order_by(AuditEvent.id)
    ).all()
    assert ("test.about", "erased") in rows
    assert ("test.general", "not about anyone") in rows
    [erasure] = [detail for action, detail in rows if action == "privacy.erasure"]
    assert "Their request" in erasure and "Eira" not in erasure


def test_an_erased_persons_workbook_no_longer_falls_due(catalogue: None) -> None:
    person = with_history(1)
    schedule = Schedule(evidence_months=24, inactive_account_years=0, outbox_days=0, audit_years=0)
    [before] = [due for due in due_overview(schedule) if due.kind == "evidence_files"]
    assert before.next_due is not None
    erase_person(make_admin(), person.user, "Their request")
    db.session.flush()
    [after] = [due for due in due_overview(schedule) if due.kind == "evidence_files"]
    assert after.next_due is None and after.due_now == 0


def test_an_erasure_keeps_the_bytes_a_cohort_s_joining_file_shares(catalogue: None) -> None:
    from trainhub.courses.services import joining
    from trainhub.uploads import Upload

    admin, person = make_admin(), make_user()
    trainer = make_user(roles=["trainer"])
    cohort = make_cohort(facilitators=[trainer])
    data = pdf_bytes("pre-reading everyone has")
    joining.add_file(trainer, cohort, Upload("pre-reading.pdf", data))
    _application, key = _upload(person, data)

    erase_person(admin, person, "Their request")
    files.delete_pending()

    assert stored(key)  # the cohort's learners still open it
