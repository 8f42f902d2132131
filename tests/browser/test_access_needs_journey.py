"""Access and dietary needs in a real browser: a learner books with an access need, the
cohort's facilitator sees the marker on the register and opens the details (an audited
reading), a manager is refused them; then the learner changes them in Welsh. axe-core runs
on every page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import DEMO, Visitor
from tests.factories import make_cohort
from trainhub.audit import AuditEvent
from trainhub.auth.models import User
from trainhub.courses.models import Course, Venue, local_today
from trainhub.extensions import db

pytestmark = pytest.mark.browser

TITLE = "Enhancing motivation (access needs journey)"
ALLERGY = "Coeliac, and a severe nut allergy"


@pytest.fixture(scope="module")
def cohort_id(live_app: Flask) -> Iterator[int]:
    """A published one-day cohort three weeks ahead that the demo trainer facilitates."""
    with live_app.app_context():
        course = db.session.execute(
            select(Course).where(Course.code == "EM-LR-GS-1DAY")
        ).scalar_one()
        trainer = db.session.execute(
            select(User).where(User.email == DEMO["trainer"].email)
        ).scalar_one()
        venue = db.session.execute(select(Venue).order_by(Venue.id)).scalars().first()
        assert venue is not None
        day = local_today() + timedelta(days=21)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        cohort = make_cohort(
            course,
            title=TITLE,
            start=day,
            capacity=10,
            venue=venue,
            facilitators=[trainer],
            created_by_id=trainer.id,
        )
        db.session.commit()
        found = cohort.id
        db.session.remove()
    yield found


def test_a_learner_books_with_an_access_need_and_only_the_facilitator_reads_it(
    visitor: Visitor, live_app: Flask, cohort_id: int
) -> None:
    page = visitor.page
    visitor.sign_in(DEMO["learner"])
    visitor.goto(f"/cohorts/{cohort_id}")
    needs = visitor.main.get_by_role("group", name="Access and dietary needs (optional)")
    expect(visitor.main).to_contain_text(
        "Only the trainers running this course and trainhub's administrators can see"
    )
    needs.get_by_label("Step-free access").check()
    needs.get_by_label("A food allergy").check()
    visitor.main.get_by_label("Anything else we should know (optional)").fill(ALLERGY)
    visitor.submit("Book a place")
    expect(visitor.success_banner()).to_contain_text("Booked.")
    summary = visitor.main.locator(".govuk-summary-list")
    expect(summary).to_contain_text("Step-free access")
    expect(summary).to_contain_text(ALLERGY)
    path = "/" + page.url.split("://", 1)[1].split("/", 1)[1]
    assert re.fullmatch(r"/bookings/\d+", path)
    visitor.sign_out()

    # The cohort's facilitator: a marker on the register (read only before its day), the
    # details on their own page.
    visitor.sign_in(DEMO["trainer"])
    visitor.goto(f"/cohorts/{cohort_id}/days/1/register")
    row = visitor.main.get_by_role("row", name=re.compile("Catrin Owen"))
    expect(row.locator(".govuk-tag")).to_have_text("Has access or dietary needs")
    expect(visitor.main).not_to_contain_text(ALLERGY)
    visitor.click_link("See access and dietary needs")
    expect(page.get_by_role("heading", level=1)).to_have_text("Access and dietary needs")
    learner_row = visitor.main.get_by_role("row", name=re.compile("Catrin Owen"))
    expect(learner_row).to_contain_text("Step-free access")
    expect(learner_row).to_contain_text("A food allergy")
    expect(learner_row).to_contain_text(ALLERGY)
    visitor.sign_out()
    with live_app.app_context():
        readers = db.session.execute(
            select(User.email)
            .join(AuditEvent, AuditEvent.actor_id == User.id)
            .where(AuditEvent.action == "courses.access_needs_viewed")
        ).scalars()
        assert list(readers) == [DEMO["trainer"].email]

    # A manager runs cohorts but is refused learners' needs.
    visitor.sign_in(DEMO["manager"])
    visitor.goto(f"/cohorts/{cohort_id}/needs", status=403)
    visitor.goto(f"/cohorts/{cohort_id}/days/1/register")
    expect(visitor.main).not_to_contain_text("Has access or dietary needs")
    visitor.sign_out()

    # The learner changes them later, in Welsh: the same pages, the same form.
    visitor.sign_in(DEMO["learner"])
    visitor.goto(f"/language/cy?next={path}")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    visitor.follow(visitor.main.locator(f"a[href='{path}/needs']"))
    visitor.main.locator("input[value='step_free']").uncheck()
    visitor.follow(visitor.main.locator("form button.govuk-button"))
    expect(visitor.success_banner()).to_be_visible()
    expect(visitor.main.locator(".govuk-summary-list")).to_contain_text(ALLERGY)
    visitor.follow(visitor.main.locator(f"a[href='{path}/needs/remove']"))
    visitor.follow(visitor.main.locator("form button.govuk-button--warning"))
    expect(visitor.main.locator(".govuk-summary-list")).to_have_count(0)
