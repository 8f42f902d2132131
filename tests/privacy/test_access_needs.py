"""Access and dietary needs in the data-protection lifecycle: in the person's own copy of
their data, gone on erasure, and deleted by the retention schedule after the course."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.factories import make_booking, make_cohort, make_user
from tests.helpers import as_user, page
from trainhub.auth.models import User
from trainhub.courses.models import AccessNeeds, Booking, Cohort, local_today
from trainhub.extensions import db, utcnow
from trainhub.privacy.services.erasure import erase_person
from trainhub.privacy.services.export import export_person
from trainhub.privacy.services.retention import Schedule, due_overview, purge

SCHEDULE = Schedule(
    evidence_months=0, inactive_account_years=0, outbox_days=0, audit_years=0, access_needs_days=30
)


def needs_on(cohort: Cohort, person: User | None = None, status: str = "booked") -> Booking:
    booking = make_booking(cohort, person or make_user(), status)
    db.session.add(AccessNeeds(booking_id=booking.id, categories="vegan", details="No honey"))
    db.session.flush()
    return booking


def kept() -> set[int]:
    return set(db.session.execute(select(AccessNeeds.booking_id)).scalars())


def test_the_persons_copy_of_their_data_holds_their_needs(app: Flask) -> None:
    person = make_user()
    booking = needs_on(make_cohort(title="Spring cohort"), person)
    needs_on(make_cohort())  # someone else's

    archive = zipfile.ZipFile(io.BytesIO(export_person(person, person).data))

    rows = json.loads(archive.read("access_needs.json"))
    assert [(r["booking_id"], r["cohort"], r["categories"], r["details"]) for r in rows] == [
        (booking.id, "Spring cohort", "vegan", "No honey")
    ]
    assert "Access and dietary needs you told us about" in archive.read("index.html").decode()


def test_erasure_deletes_their_needs_on_every_booking(app: Flask) -> None:
    person = make_user()
    past = make_cohort(start=local_today() - dt.timedelta(days=3))
    needs_on(past, person, "attended")
    needs_on(make_cohort(), person)
    other = needs_on(make_cohort())

    erase_person(make_user(roles=["admin"]), person, "Asked to be forgotten")

    assert kept() == {other.id}


def test_the_schedule_deletes_them_days_after_the_last_day(app: Flask) -> None:
    today = local_today()
    old = needs_on(make_cohort(start=today - dt.timedelta(days=31)), status="attended")
    recent = needs_on(make_cohort(start=today - dt.timedelta(days=5)), status="attended")
    coming = needs_on(make_cohort())
    now = utcnow()

    dry = purge(SCHEDULE, now, dry_run=True)
    assert dry.removed["access_needs"] == 1
    assert kept() == {old.id, recent.id, coming.id}

    report = purge(SCHEDULE, now)

    assert report.removed["access_needs"] == 1
    assert kept() == {recent.id, coming.id}
    [due] = [d for d in due_overview(SCHEDULE, now) if d.kind == "access_needs"]
    assert due.due_now == 0 and due.kept_for_ever is False
    # The recent cohort's last day was 5 days ago: its needs go 30 days after the day after.
    assert due.next_due is not None
    assert due.next_due.date() == today - dt.timedelta(days=5) + dt.timedelta(days=31)


def test_a_cancelled_cohorts_needs_go_days_after_its_cancellation(app: Flask) -> None:
    cancelled = make_cohort(status="cancelled", cancelled_at=utcnow() - dt.timedelta(days=31))
    booking = needs_on(cancelled, status="cancelled")
    lately = make_cohort(status="cancelled", cancelled_at=utcnow() - dt.timedelta(days=2))
    waiting = needs_on(lately, status="cancelled")

    purge(SCHEDULE, utcnow())

    assert kept() == {waiting.id}
    assert booking.id not in kept()


def test_a_cancelled_bookings_needs_left_behind_go_at_the_next_purge(app: Flask) -> None:
    left = needs_on(make_cohort(), status="cancelled")  # written directly, past the service
    purge(SCHEDULE, utcnow())
    assert left.id not in kept()


@pytest.mark.once
def test_the_setting_reaches_the_schedule(app: Flask) -> None:
    assert Schedule.from_config(app.config).access_needs_days == 30
    assert app.config["ACCESS_NEEDS_RETENTION_DAYS"] == 30


def test_the_retention_page_lists_them(app: Flask) -> None:
    admin = make_user(roles=["admin"])
    db.session.commit()
    text = page(as_user(app, admin).get("/admin/retention"))
    assert "Learners' access and dietary needs" in text
    assert "30 days after the course's last day (or its cancellation)" in text
    assert "Not recorded by this service yet" not in text
    assert db.session.execute(select(func.count(AccessNeeds.id))).scalar() == 0
