"""Content in Welsh, second slice (issue 20), in a real browser: an administrator writes a
venue's Welsh name beside the English, a trainer writes the Welsh title of a cohort they run,
and a learner booked on it, browsing in Welsh, reads both on the cohort's page and the title
in "My bookings". Every page is audited with axe-core and drawn at 320 px (``Visitor``).

Welsh interface strings that are new with this part arrive with the merged catalogue, so the
Welsh steps assert on addresses, ``lang`` attributes and the content's own Welsh."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import DEMO, Visitor, cy
from trainhub.auth.models import User
from trainhub.courses.models import Booking, Cohort, Venue
from trainhub.extensions import db

pytestmark = pytest.mark.browser

COHORT = "IFSS core training (2 + 2 days)"
COHORT_CY = "Hyfforddiant craidd IFSS (2 + 2 ddiwrnod)"
VENUE = "Cardiff training centre, Room 1"
VENUE_CY = "Canolfan hyfforddi Caerdydd, Ystafell 1"


@pytest.fixture
def booked(live_app: Flask) -> Iterator[int]:
    """The demo learner booked on the demo's split core (its id); afterwards the booking
    and the Welsh written here are taken away again (the live app is the module's)."""
    with live_app.app_context():
        cohort = db.session.execute(select(Cohort).where(Cohort.title == COHORT)).scalar_one()
        learner = db.session.execute(
            select(User).where(User.email == DEMO["learner"].email)
        ).scalar_one()
        booking = Booking(cohort=cohort, user=learner, status="booked")
        db.session.add(booking)
        db.session.commit()
        cohort_id, booking_id = cohort.id, booking.id
        db.session.remove()
    yield cohort_id
    with live_app.app_context():
        db.session.delete(db.session.get_one(Booking, booking_id))
        db.session.get_one(Cohort, cohort_id).title_cy = None
        venue = db.session.execute(select(Venue).where(Venue.name == VENUE)).scalar_one()
        venue.name_cy = None
        db.session.commit()
        db.session.remove()


def test_a_venue_and_a_cohort_written_in_welsh_are_read_in_welsh(
    visitor: Visitor, booked: int
) -> None:
    page = visitor.page

    # An administrator writes the venue's Welsh name beside the English.
    visitor.sign_in(DEMO["admin"])
    visitor.goto("/venues")
    visitor.click_link(VENUE)
    english = visitor.main.get_by_label("Name", exact=True)
    welsh = visitor.main.get_by_label("Name in Welsh (optional)")
    expect(welsh).to_have_attribute("lang", "cy")
    left, right = english.bounding_box(), welsh.bounding_box()
    assert left and right and right["x"] > left["x"] + left["width"] - 1
    assert abs(right["y"] - left["y"]) < 5
    welsh.fill(VENUE_CY)
    visitor.submit("Save venue")
    expect(visitor.success_banner()).to_contain_text("Venue saved.")
    visitor.sign_out()

    # A trainer who runs the cohort writes its Welsh title, from the cohort's page.
    visitor.sign_in(DEMO["trainer"])
    visitor.goto(f"/cohorts/{booked}")
    visitor.goto(f"/cohorts/{booked}/edit")
    title_cy = visitor.main.get_by_label("Title in Welsh (optional)")
    expect(title_cy).to_have_attribute("lang", "cy")
    expect(title_cy).to_have_value("")
    title_cy.fill(COHORT_CY)
    visitor.submit("Save cohort")
    expect(page).to_have_url(re.compile(rf"/cohorts/{booked}$"))
    # Staff reading in English see the English.
    expect(page.get_by_role("heading", level=1)).to_contain_text(COHORT)
    visitor.sign_out()

    # The learner, in Welsh, reads both on the cohort's page…
    visitor.sign_in(DEMO["learner"])
    visitor.goto(f"/language/cy?next=/cohorts/{booked}")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(COHORT_CY)
    expect(heading.locator('[lang="en"]')).to_have_count(0)
    days = visitor.main.get_by_role("region", name=cy("Days"))
    expect(days.get_by_text(VENUE_CY).first).to_be_visible()
    expect(days.get_by_text(VENUE, exact=True)).to_have_count(0)
    expect(visitor.main.locator(".govuk-tag--yellow")).to_have_count(0)  # learners are not told

    # …and in "My bookings", where the course's own title has no Welsh and is marked English.
    visitor.goto("/bookings")
    expect(page.get_by_role("heading", level=1)).to_have_text(cy("My bookings"))
    link = visitor.main.get_by_role("link", name=COHORT_CY)
    expect(link).to_be_visible()
    expect(link).to_have_attribute("href", re.compile(r"/bookings/\d+$"))
    row = visitor.main.get_by_role("row").filter(has=page.get_by_role("link", name=COHORT_CY))
    expect(row.locator('[lang="en"]')).to_have_count(1)
    visitor.goto("/language/en?next=/")
