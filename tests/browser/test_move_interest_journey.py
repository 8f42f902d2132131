"""Issue 21 in a real browser: a trainer cancels a cohort and moves everyone to another
cohort of the course; a learner asks to hear when a course has dates and is told when a
trainer publishes one. Every page is audited with axe-core (``Visitor``)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import DEMO, Visitor
from tests.factories import make_cohort, make_course, make_venue
from trainhub.auth.models import User
from trainhub.courses.models import Booking, local_today
from trainhub.extensions import db

pytestmark = pytest.mark.browser

MOVE_COURSE = "Working with fathers"
INTEREST_COURSE = "Family group conferencing basics"


@pytest.fixture(scope="module", autouse=True)
def cohorts(live_app: Flask) -> None:
    """Far enough ahead to clash with none of the demo's bookings: the demo trainer's
    "Fathers, May" (the demo learner and supervisor booked) and "Fathers, June" of one
    course; and a course with no dates, whose draft the trainer will publish."""
    with live_app.app_context():
        people = {u.email: u for u in db.session.execute(select(User)).scalars()}
        trainer = people[DEMO["trainer"].email]
        venue = make_venue(name="Llandudno community hall")
        course = make_course(code="FATHERS", title=MOVE_COURSE)
        first = make_cohort(
            course,
            title="Fathers, May",
            start=local_today() + timedelta(days=300),
            facilitators=[trainer],
            created_by_id=trainer.id,
            venue=venue,
        )
        make_cohort(
            course,
            title="Fathers, June",
            start=local_today() + timedelta(days=330),
            facilitators=[trainer],
            created_by_id=trainer.id,
            venue=venue,
        )
        for who in ("learner", "supervisor"):
            db.session.add(Booking(cohort=first, user=people[DEMO[who].email], status="booked"))
        quiet = make_course(code="FGC-BASICS", title=INTEREST_COURSE)
        make_cohort(
            quiet,
            title="Conferencing, autumn",
            status="draft",
            delivery_language="bilingual",
            start=local_today() + timedelta(days=320),
            facilitators=[trainer],
            created_by_id=trainer.id,
            venue=venue,
        )
        db.session.commit()


def test_trainer_cancels_a_cohort_and_moves_everyone_to_another(visitor: Visitor) -> None:
    page = visitor.page
    visitor.sign_in(DEMO["trainer"])
    visitor.nav("Cohorts")
    visitor.click_link("Fathers, May")
    visitor.click_link("Cancel this cohort")
    page.get_by_label("Why is it cancelled?").fill("The trainer is unwell")
    visitor.submit("Cancel the cohort")
    expect(visitor.success_banner()).to_contain_text("Cohort cancelled. 2 people have been told.")

    visitor.follow(visitor.main.get_by_role("button", name="Move these learners"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Move these learners to another cohort"
    )
    visitor.submit("Continue", status=400)  # no cohort chosen
    expect(visitor.error_summary()).to_contain_text("Choose the cohort to move them to")
    page.get_by_label(re.compile("Fathers, June, from")).check()
    page.get_by_label(re.compile("Book them: places")).check()
    visitor.submit("Continue")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check who goes where")
    expect(visitor.main).to_contain_text("2 will be booked")
    expect(visitor.main).to_contain_text(DEMO["learner"].full_name)
    visitor.submit("Move them")
    expect(visitor.success_banner()).to_contain_text("2 people moved to “Fathers, June”.")
    expect(visitor.main).to_contain_text(DEMO["learner"].full_name)
    # Going back finds nobody left: nobody is moved twice.
    visitor.nav("Cohorts")
    visitor.click_link("Fathers, May")
    visitor.follow(visitor.main.get_by_role("button", name="Move these learners"))
    expect(visitor.main).to_contain_text("Nobody is left to move")
    visitor.sign_out()

    visitor.sign_in(DEMO["learner"])
    visitor.nav("My bookings")
    row = visitor.main.get_by_role("row", name=re.compile("Fathers, June"))
    expect(row).to_contain_text("Booked")
    visitor.follow(row.get_by_role("link"))
    expect(visitor.main).to_contain_text("Fathers, June")


def test_learner_registers_interest_and_hears_when_dates_appear(visitor: Visitor) -> None:
    page = visitor.page
    visitor.sign_in(DEMO["learner"])
    visitor.goto("/courses/FGC-BASICS")
    expect(visitor.main).to_contain_text("No dates are open for booking at the moment.")
    visitor.follow(visitor.main.get_by_role("button", name="Tell me when there are dates"))
    page.get_by_label("Where would you like to train? (optional)").select_option(label="Conwy")
    page.get_by_label("Welsh", exact=True).check()
    visitor.submit("Tell me when there are dates")
    expect(visitor.success_banner()).to_contain_text(
        f"We will e-mail you when “{INTEREST_COURSE}” has dates."
    )
    row = visitor.main.get_by_role("row", name=re.compile(INTEREST_COURSE))
    expect(row).to_contain_text("Waiting for dates")
    visitor.sign_out()

    # Trainers plan from the demand, then publish a cohort.
    visitor.sign_in(DEMO["trainer"])
    visitor.nav("Cohorts")
    visitor.click_link("Demand for courses: who is waiting for dates")
    row = visitor.main.get_by_role("row", name=re.compile(INTEREST_COURSE))
    expect(row).to_contain_text("Conwy")
    visitor.nav("Cohorts")
    visitor.click_link("Conferencing, autumn")
    visitor.submit("Publish for booking")
    visitor.sign_out()

    visitor.sign_in(DEMO["admin"])
    visitor.goto("/admin/outbox")
    message = visitor.main.get_by_role("row", name=re.compile(f"New dates: {INTEREST_COURSE}"))
    expect(message).to_contain_text(DEMO["learner"].email)
    visitor.sign_out()

    visitor.sign_in(DEMO["learner"])
    visitor.goto("/interests")
    row = visitor.main.get_by_role("row", name=re.compile(INTEREST_COURSE))
    expect(row).to_contain_text("Told")
    expect(row).to_contain_text("Conferencing, autumn")
