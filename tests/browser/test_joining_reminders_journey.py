"""Joining instructions and reminders in a real browser: a trainer writes the instructions
with a file, a learner books and sees them (in English and Welsh), the reminder job runs as
the days pass (its service called with a later ``now``), and the administrator finds every
reminder in the outbox."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import DEMO, Person, Visitor
from tests.factories import make_cohort, set_test_password
from tests.sample_files import pdf_bytes
from trainhub.auth.models import Organisation, User, UserRole
from trainhub.courses.models import (
    LOCAL_TIME,
    Course,
    Venue,
    local_today,
)
from trainhub.courses.services.reminders import send_reminders
from trainhub.extensions import db

pytestmark = pytest.mark.browser

TITLE = "Engaging men: joining instructions journey"
LEARNER = Person("elin.joining@example.org", "a quiet green valley", "Elin Joining")
#: The cohort's one day, ten days ahead: the early reminder (7 days) falls after booking.
START = local_today() + timedelta(days=10)


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), LOCAL_TIME).astimezone(dt.UTC)


@pytest.fixture(scope="module", autouse=True)
def joining_cohort(live_app: Flask) -> Iterator[int]:
    """A published 1-day cohort the demo trainer facilitates, and a learner free to book it."""
    with live_app.app_context():
        course = db.session.execute(
            select(Course).where(Course.code == "EM-LR-GS-1DAY")
        ).scalar_one()
        trainer = db.session.execute(
            select(User).where(User.email == DEMO["trainer"].email)
        ).scalar_one()
        venue = db.session.execute(select(Venue).order_by(Venue.id)).scalars().first()
        cohort = make_cohort(
            course,
            title=TITLE,
            start=START,
            capacity=10,
            venue=venue,
            facilitators=[trainer],
            created_by_id=trainer.id,
        )
        cardiff = db.session.execute(
            select(Organisation).where(Organisation.name == "Cardiff Council")
        ).scalar_one()
        person = User(email=LEARNER.email, full_name=LEARNER.full_name, organisation=cardiff)
        person.role_rows = [UserRole(role="learner")]
        set_test_password(person, LEARNER.password)
        db.session.add(person)
        db.session.commit()
        cohort_id = cohort.id
        db.session.remove()
    yield cohort_id


def test_trainer_writes_joining_instructions_learner_sees_them_and_reminders_go(
    visitor: Visitor, live_app: Flask, joining_cohort: int, tmp_path: Path
) -> None:
    page = visitor.page
    # The trainer writes the instructions, with a file, on the cohort's own page.
    visitor.sign_in(DEMO["trainer"])
    visitor.goto(f"/cohorts/{joining_cohort}")
    visitor.click_link("Joining instructions and reminders")
    expect(page.get_by_role("heading", level=1)).to_have_text("Joining instructions")
    expect(visitor.main).to_contain_text("No joining instructions yet.")
    expect(visitor.main).to_contain_text("No files yet.")
    page.get_by_label("Joining instructions", exact=True).fill(
        "Bring a **notebook**.\n\n* Park behind the library\n* The room has step-free access"
    )
    page.get_by_label(re.compile("Send the early reminder")).fill("45")
    visitor.submit("Save joining instructions", status=400)
    expect(visitor.error_summary()).to_contain_text("Enter a number of days from 0 to 30")
    page.get_by_label(re.compile("Send the early reminder")).fill("7")
    visitor.submit("Save joining instructions")
    expect(visitor.success_banner()).to_contain_text("Joining instructions saved.")
    expect(visitor.main.locator("strong", has_text="notebook")).to_be_visible()

    map_file = tmp_path / "parking-map.pdf"
    map_file.write_bytes(pdf_bytes(b"parking map"))
    page.get_by_label("Add a file").set_input_files(str(map_file))
    visitor.submit("Upload file")
    expect(visitor.success_banner()).to_contain_text("parking-map.pdf added.")
    expect(visitor.main.get_by_role("link", name="parking-map.pdf")).to_be_visible()
    visitor.sign_out()

    # The learner books and finds the instructions on the booking, and in the e-mail.
    visitor.sign_in(LEARNER)
    visitor.goto(f"/cohorts/{joining_cohort}")
    visitor.submit("Book a place")
    expect(visitor.success_banner()).to_contain_text("Booked.")
    booking_url = page.url.replace(visitor.base_url, "")
    expect(
        visitor.main.get_by_role("heading", name="Joining instructions", exact=True)
    ).to_be_visible()
    expect(visitor.main).to_contain_text("Park behind the library")
    file_link = visitor.main.get_by_role("link", name="parking-map.pdf")
    download = page.request.get(visitor.base_url + str(file_link.get_attribute("href")))
    assert download.status == 200
    assert download.body().startswith(b"%PDF")
    calendar = visitor.main.get_by_role("link", name="Add to your calendar (.ics file)")
    ics = page.request.get(visitor.base_url + str(calendar.get_attribute("href")))
    assert ics.status == 200
    assert b"BEGIN:VEVENT" in ics.body()

    # In Welsh: the same booking page, the instructions as written.
    visitor.goto(f"/language/cy?next={booking_url}")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(visitor.main).to_contain_text("Park behind the library")
    expect(visitor.main.get_by_role("link", name="parking-map.pdf")).to_be_visible()
    visitor.goto(f"/language/en?next={booking_url}")
    visitor.sign_out()

    # The days pass: the job runs a week before, the day before, and after the day.
    with live_app.app_context():
        early = send_reminders(at(START - timedelta(days=7), 7))
        again = send_reminders(at(START - timedelta(days=7), 8))
        day_before = send_reminders(at(START - timedelta(days=1), 7))
        register = send_reminders(at(START, 18))
        db.session.commit()
        db.session.remove()
    assert (early.early, again.total, day_before.day_before, register.register) == (1, 0, 1, 1)

    # The administrator sees each reminder in the outbox.
    visitor.sign_in(DEMO["admin"])
    visitor.goto("/admin/outbox/")
    reminders = visitor.main.get_by_role("row", name=re.compile(f"Reminder: {re.escape(TITLE)}"))
    expect(reminders).to_have_count(2)
    expect(
        visitor.main.get_by_role("row", name=re.compile(f"Register not taken: {re.escape(TITLE)}"))
    ).to_have_count(1)
    visitor.follow(reminders.first.get_by_role("link").first)
    body = visitor.main.locator("pre")
    expect(body).to_contain_text("Park behind the library")
    expect(body).to_contain_text("parking-map.pdf")
    expect(body).to_contain_text("calendar.ics")
