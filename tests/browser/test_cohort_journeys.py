"""Cohorts in a real browser: booking, the waiting list, approval, scheduling and registers.

The demo data (``trainhub/demo.py``) gives this module's live server four published
cohorts dated from today, among them "Engaging men (small group)" with its two places
taken, and "Consultation skills", a course for IFST members that needs approval.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import DEMO, Visitor
from trainhub.courses.models import local_today
from trainhub.demo import CORE_OFFSETS, working_days

pytestmark = pytest.mark.browser

EM_TITLE = "Enhancing Motivation, Lowering Resistance and Goal Setting 1-day Training Course"
CORE_TITLE = "IFSS Family Focussed Intervention – Core training 4-day Training Programme"


def fill_days(page: Page, days: list[date]) -> None:
    """The scheduling form's days: dates as given, 09:30 to 16:30 in the Barry learning room."""
    for number, day in enumerate(days, start=1):
        group = page.get_by_role("group", name=f"Date of day {number}")
        group.get_by_label("Day").fill(str(day.day))
        group.get_by_label("Month").fill(str(day.month))
        group.get_by_label("Year").fill(str(day.year))
        page.get_by_label(f"Day {number} starts").fill("09:30")
        page.get_by_label(f"Day {number} ends").fill("16:30")
        page.get_by_label(f"Venue of day {number}").select_option(label="Barry learning room (16)")


def test_learner_joins_a_full_cohort_and_is_offered_a_place_after_a_cancellation(
    visitor: Visitor,
) -> None:
    page = visitor.page
    visitor.sign_in(DEMO["learner"])
    visitor.nav("Training calendar")
    row = visitor.main.get_by_role("row", name=re.compile("Engaging men"))
    expect(row).to_contain_text("Full: waiting list")
    visitor.follow(row.get_by_role("link"))
    expect(visitor.main).to_contain_text("This cohort is full.")
    visitor.submit("Join the waiting list")
    expect(visitor.success_banner()).to_contain_text(
        "The cohort is full, so you are on the waiting list, number 1."
    )
    expect(visitor.main).to_contain_text("You are number 1 on the waiting list.")
    # Pressing the button again does not make a second booking.
    visitor.nav("Training calendar")
    visitor.follow(visitor.main.get_by_role("link", name=re.compile("Engaging men")))
    expect(visitor.main.get_by_role("button", name="Join the waiting list")).to_have_count(0)
    expect(visitor.main).to_contain_text("number 1 on the waiting list")
    visitor.sign_out()

    # Someone with a place cancels it; the waiting list's first person is offered it.
    visitor.sign_in(DEMO["supervisor"])
    visitor.nav("My bookings")
    visitor.click_link("Engaging men (small group)")
    visitor.click_link("Cancel this booking")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel your booking?")
    visitor.submit("Cancel this booking")
    expect(visitor.success_banner()).to_contain_text("Booking cancelled.")
    visitor.sign_out()

    visitor.sign_in(DEMO["learner"])
    visitor.nav("My bookings")
    row = visitor.main.get_by_role("row", name=re.compile("Engaging men"))
    expect(row).to_contain_text("Place offered")
    visitor.follow(row.get_by_role("link"))
    visitor.click_link("Accept or decline")
    expect(page.get_by_role("heading", level=1)).to_have_text("A place is yours if you want it")
    visitor.submit("Accept the place")
    expect(visitor.success_banner()).to_contain_text("Place accepted.")
    expect(visitor.main.locator(".govuk-tag").first).to_have_text("Booked")
    expect(
        visitor.main.get_by_role("listitem").filter(has_text="Accepted the offer")
    ).to_be_visible()

    # Their calendar: a private address to subscribe to.
    visitor.nav("My bookings")
    visitor.click_link("Add your bookings to your calendar")
    feed = page.get_by_label("Or copy the address").input_value()
    assert re.search(r"/calendar/feed/[\w-]+\.ics$", feed)
    response = page.request.get(feed)
    assert response.status == 200
    assert "Engaging men (small group)" in response.text()
    visitor.submit("Make a new address")
    expect(visitor.success_banner()).to_contain_text("New calendar address made.")
    assert page.request.get(feed).status == 404


def test_manager_approves_a_place_on_a_course_for_ifst_members(visitor: Visitor) -> None:
    visitor.sign_in(DEMO["learner"])
    visitor.nav("Training calendar")
    visitor.click_link("Consultation skills")
    expect(visitor.main).to_contain_text("This course is for IFST members")
    visitor.submit("Request a place")
    expect(visitor.success_banner()).to_contain_text("Request sent.")
    expect(visitor.main.locator(".govuk-tag").first).to_have_text("Awaiting approval")
    visitor.sign_out()

    visitor.sign_in(DEMO["manager"])
    visitor.click_link("Requests for places")
    card = visitor.main.locator(".govuk-summary-card").filter(has_text=DEMO["learner"].full_name)
    expect(card).to_contain_text("Consultation skills")
    visitor.follow(card.get_by_role("button", name=re.compile("^Approve")))
    expect(visitor.success_banner()).to_contain_text(
        f"Request from {DEMO['learner'].full_name} approved."
    )
    expect(visitor.main).to_contain_text("No requests are waiting for a decision.")


def test_trainer_schedules_a_split_core_books_a_learner_and_takes_the_register(
    visitor: Visitor,
) -> None:
    page = visitor.page
    visitor.sign_in(DEMO["trainer"])
    visitor.nav("Cohorts")
    page.get_by_label("Schedule a cohort of").select_option(label=CORE_TITLE)
    visitor.submit("Continue")
    expect(page.get_by_role("heading", level=1)).to_have_text("Schedule a cohort")

    start = local_today() + timedelta(days=60)
    dates = [start, start + timedelta(days=1), start + timedelta(days=21), start]
    page.get_by_label("Title", exact=True).fill("Core for the Vale, spring")
    page.get_by_label("Places").fill("12")

    # Day 4 on day 1's date is refused, and nothing is saved.
    fill_days(page, dates)
    visitor.submit("Save cohort", status=400)
    expect(visitor.error_summary()).to_contain_text("Day 4 must be after day 3")

    fill_days(
        page,
        [start, start + timedelta(days=1), start + timedelta(days=21), start + timedelta(days=22)],
    )
    page.get_by_label("Co-facilitator 1", exact=True).select_option(
        label=DEMO["cotrainer"].full_name
    )
    visitor.submit("Save cohort")
    expect(visitor.success_banner()).to_contain_text("Cohort saved as a draft.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Core for the Vale, spring")
    days = visitor.main.get_by_role("table", name="Days")
    expect(days.get_by_role("row")).to_have_count(5)

    visitor.submit("Publish for booking")
    expect(visitor.success_banner()).to_contain_text("Cohort published")

    visitor.click_link("Bookings and waiting list")
    page.get_by_label("Email address of the learner").fill(DEMO["learner"].email)
    visitor.submit("Book them")
    expect(visitor.success_banner()).to_contain_text(f"{DEMO['learner'].full_name} is booked.")

    # A register opens on its day: before then it lists who is booked, read only.
    visitor.follow(page.get_by_role("link", name="Back to the cohort"))
    expect(visitor.main.get_by_role("link", name=re.compile("Take the register"))).to_have_count(4)
    visitor.click_link("Take the register for day 1")
    expect(visitor.main).to_contain_text("This register opens on")
    expect(visitor.main.get_by_role("cell", name=DEMO["learner"].full_name)).to_be_visible()
    expect(visitor.main.get_by_role("button", name="Save the register")).to_have_count(0)
    # Take last term's, where the demo learner was present.
    visitor.nav("Cohorts")
    visitor.click_link("IFSS core training (autumn)")
    visitor.click_link("Take the register for day 1")
    expect(page.get_by_role("heading", level=1)).to_have_text("Register: day 1")
    learner = page.get_by_role("group", name=DEMO["learner"].full_name)
    expect(learner.get_by_role("radio", name="Present")).to_be_checked()
    visitor.submit("Mark everyone not yet marked as present")
    expect(visitor.success_banner()).to_contain_text("Register saved: 0 marks changed.")

    # A late arrival needs the minutes (the box shows for late or left early only); Enter in
    # the minutes box saves, never marks all.
    minutes = learner.get_by_label(re.compile("Minutes late or left early"))
    expect(minutes).to_be_hidden()
    learner.get_by_role("radio", name="Late").check()
    expect(minutes).to_be_visible()
    visitor.submit("Save the register", status=400)
    expect(visitor.error_summary()).to_contain_text("Enter how many minutes, like 15")
    minutes.fill("20")
    visitor.navigate(lambda: minutes.press("Enter"))
    expect(visitor.success_banner()).to_contain_text("Register saved: 1 mark changed.")
    expect(learner.get_by_role("radio", name="Late")).to_be_checked()

    sheet = visitor.main.get_by_role("link", name="Printable sign-in sheet (PDF)")
    response = page.request.get(visitor.base_url + sheet.get_attribute("href"))  # type: ignore[operator]
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")


def test_manager_overrides_a_clash_moves_the_waiting_list_and_cancels_a_cohort(
    visitor: Visitor,
) -> None:
    page = visitor.page
    visitor.sign_in(DEMO["manager"])
    visitor.click_link("Schedule a cohort")
    expect(page.get_by_role("heading", level=1)).to_have_text("Schedule a cohort")
    visitor.click_link(EM_TITLE)

    # The same room and trainers as the first day of the demo's split core: a clash.
    day = working_days(local_today(), CORE_OFFSETS)[0]
    page.get_by_label("Title", exact=True).fill("Motivation, extra date")
    page.get_by_label("Places").fill("1")
    group = page.get_by_role("group", name="Date of day 1")
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))
    page.get_by_label("Day 1 starts").fill("10:00")
    page.get_by_label("Day 1 ends").fill("12:00")
    page.get_by_label("Venue of day 1").select_option(label="Cardiff training centre, Room 1 (20)")
    page.get_by_label("Lead facilitator", exact=True).select_option(label=DEMO["trainer"].full_name)
    page.get_by_label("Co-facilitator 1", exact=True).select_option(
        label=DEMO["cotrainer"].full_name
    )
    visitor.submit("Save cohort", status=400)
    expect(visitor.error_summary()).to_contain_text(
        "Cardiff training centre, Room 1 is already booked for “IFSS core training (2 + 2 days)”"
    )
    page.get_by_label("Reason for overriding a clash (managers only)").fill(
        "Short session in the side room"
    )
    visitor.submit("Save cohort")
    expect(visitor.success_banner()).to_contain_text("Cohort saved as a draft.")

    visitor.click_link("Change the cohort")
    expect(page.get_by_label("Title", exact=True)).to_have_value("Motivation, extra date")
    visitor.submit("Save cohort")
    expect(visitor.success_banner()).to_contain_text("Cohort saved.")

    page.get_by_text("Add an external presenter").click()
    page.get_by_label("Name", exact=True).fill("Eluned Price")
    page.get_by_label("Module they deliver").fill("Goal setting with families")
    visitor.submit("Add presenter")
    expect(visitor.main.locator("#presenters + ul")).to_contain_text("Eluned Price")

    visitor.submit("Publish for booking")
    visitor.click_link("Bookings and waiting list")
    for person in ("admin", "assessor"):
        page.get_by_label("Email address of the learner").fill(DEMO[person].email)
        visitor.submit("Book them")
    expect(visitor.success_banner()).to_contain_text("on the waiting list, number 1")
    visitor.click_link(f"Move {DEMO['assessor'].full_name}")
    visitor.submit("Move up", status=400)
    expect(visitor.error_summary()).to_contain_text("Give a reason for the move")
    page.get_by_label("Reason for the move").fill("Checking the order")
    visitor.submit("Move up", status=400)
    expect(visitor.error_summary()).to_contain_text("Already first on the waiting list")

    visitor.nav("Home")
    visitor.click_link("Clash overrides")
    row = visitor.main.get_by_role("row", name=re.compile("Motivation, extra date")).first
    expect(row).to_contain_text("Short session in the side room")

    visitor.follow(row.get_by_role("link"))
    visitor.click_link("Cancel this cohort")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel this cohort?")
    visitor.submit("Cancel the cohort", status=400)
    page.get_by_label("Why is it cancelled?").fill("Room needed for a meeting")
    visitor.submit("Cancel the cohort")
    expect(visitor.success_banner()).to_contain_text("Cohort cancelled. 2 people have been told.")

    # A closed cohort's partner list: a file is needed.
    visitor.nav("Cohorts")
    visitor.click_link("Family-focused module for health visitor students")
    visitor.click_link("Book a list of Cardiff University learners")
    visitor.submit("Book the learners", status=400)
    expect(visitor.error_summary()).to_contain_text("Choose the partner's CSV file")


def test_manager_lets_a_trainer_lead_the_core_without_the_trainer_training(
    visitor: Visitor,
) -> None:
    """R13: a core led by someone without Training the IFSS Trainer stays a draft until a
    manager records an exception with a reason; the cohort page says which."""
    page = visitor.page
    visitor.sign_in(DEMO["manager"])
    visitor.nav("Cohorts")
    page.get_by_label("Schedule a cohort of").select_option(label=CORE_TITLE)
    visitor.submit("Continue")
    start = local_today() + timedelta(days=90)
    page.get_by_label("Title", exact=True).fill("Core led by the co-trainer")
    page.get_by_label("Places").fill("10")
    fill_days(
        page,
        [start, start + timedelta(days=1), start + timedelta(days=14), start + timedelta(days=15)],
    )
    page.get_by_label("Lead facilitator", exact=True).select_option(
        label=DEMO["cotrainer"].full_name
    )
    page.get_by_label("Co-facilitator 1", exact=True).select_option(label=DEMO["trainer"].full_name)
    visitor.submit("Save cohort")
    expect(visitor.success_banner()).to_contain_text("Cohort saved as a draft.")
    expect(visitor.main).to_contain_text("has not completed Training the IFSS Trainer")

    visitor.submit("Publish for booking")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "has not completed Training the IFSS Trainer"
    )
    visitor.click_link("Record an exception to the training rule")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Let someone lead without Training the IFSS Trainer"
    )
    visitor.submit("Record the exception", status=400)
    expect(visitor.error_summary()).to_contain_text("Choose the facilitator")
    page.get_by_label("Who may lead this cohort without the training?").select_option(
        label=DEMO["cotrainer"].full_name
    )
    page.get_by_label("Why?").fill("Co-delivered six cores; TtT booked for the spring")
    visitor.submit("Record the exception")
    expect(visitor.success_banner()).to_contain_text("may lead this cohort")
    expect(visitor.main.locator(".govuk-inset-text")).to_contain_text(
        "Co-delivered six cores; TtT booked for the spring"
    )
    visitor.submit("Publish for booking")
    expect(visitor.success_banner()).to_contain_text("Cohort published")
