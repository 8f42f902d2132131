"""Online and hybrid days in a real browser: a trainer schedules a 2 + 2 core whose first two
days are at a venue and whose last two are online and hybrid, and publishes it; a learner
books, and sees the meeting link only once the cohort's set time before the day has come
(the trainer widens it, rather than the test moving the clock); then the same pages in Welsh.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.conftest import DEMO, Person, Visitor
from tests.factories import set_test_password
from trainhub.auth.models import Organisation, User, UserRole
from trainhub.courses.models import local_today
from trainhub.extensions import db

pytestmark = pytest.mark.browser

CORE_TITLE = "IFSS Family Focussed Intervention – Core training 4-day Training Programme"
TEAMS = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_journey%40thread.v2/0"
LEARNER = Person("rhian.online@example.org", "a long journey passphrase", "Rhian Online")


@pytest.fixture(scope="module", autouse=True)
def online_learner(live_app: Flask) -> Iterator[None]:
    """A Cardiff Council learner, new to the core, who books from home."""
    with live_app.app_context():
        cardiff = db.session.execute(
            select(Organisation).where(Organisation.name == "Cardiff Council")
        ).scalar_one()
        user = User(email=LEARNER.email, full_name=LEARNER.full_name, organisation=cardiff)
        user.role_rows = [UserRole(role="learner")]
        set_test_password(user, LEARNER.password)
        db.session.add(user)
        db.session.commit()
        db.session.remove()
    yield


def fill_day(page: Page, number: int, day: date) -> None:
    group = page.get_by_role("group", name=f"Date of day {number}")
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))
    page.get_by_label(f"Day {number} starts").fill("09:30")
    page.get_by_label(f"Day {number} ends").fill("16:30")


def test_a_hybrid_core_is_scheduled_booked_and_its_link_shown_in_time(visitor: Visitor) -> None:
    page = visitor.page
    visitor.sign_in(DEMO["trainer"])
    visitor.nav("Cohorts")
    page.get_by_label("Schedule a cohort of").select_option(label=CORE_TITLE)
    visitor.submit("Continue")

    start = local_today() + timedelta(days=3)
    dates = [start, start + timedelta(days=1), start + timedelta(days=7), start + timedelta(days=8)]
    page.get_by_label("Title", exact=True).fill("Core, winter (hybrid)")
    page.get_by_label("Places").fill("12")
    for number, day in enumerate(dates, start=1):
        fill_day(page, number, day)
    # Days 1 and 2 at a venue: the box is ticked already and the venue revealed.
    for number in (1, 2):
        where = page.get_by_role("group", name=f"Where is day {number}?")
        expect(where.get_by_label("At a venue")).to_be_checked()
        page.get_by_label(f"Venue of day {number}").select_option(label="Barry learning room (16)")
    # Day 3 online only: the venue goes, the online details appear.
    day3 = page.get_by_role("group", name="Where is day 3?")
    expect(page.get_by_label("Meeting link of day 3")).to_be_hidden()
    day3.get_by_label("At a venue").uncheck()
    expect(page.get_by_label("Venue of day 3")).to_be_hidden()
    day3.get_by_label("Online").check()
    expect(page.get_by_label("Platform of day 3")).to_have_value("Microsoft Teams")
    page.get_by_label("Meeting link of day 3").fill("http://teams.example/not-secure")
    page.get_by_label("Dial-in number of day 3 (optional)").fill("029 2018 0000")
    page.get_by_label("Conference ID of day 3 (optional)").fill("555 123#")
    # Day 4 hybrid: both.
    page.get_by_role("group", name="Where is day 4?").get_by_label("Online").check()
    page.get_by_label("Venue of day 4").select_option(label="Barry learning room (16)")
    page.get_by_label("Meeting link of day 4").fill(TEAMS)
    page.get_by_label("Co-facilitator 1", exact=True).select_option(
        label=DEMO["cotrainer"].full_name
    )
    visitor.submit("Save cohort", status=400)
    expect(visitor.error_summary()).to_contain_text(
        "Enter the meeting link of day 3 as a full address starting https://"
    )
    expect(page.locator("#days-2-meeting_url-error")).to_be_visible()
    # The page came back as it was sent: day 3 still online, its details still shown.
    expect(page.get_by_role("group", name="Where is day 3?").get_by_label("Online")).to_be_checked()
    page.get_by_label("Meeting link of day 3").fill(TEAMS)
    visitor.submit("Save cohort")
    expect(visitor.success_banner()).to_contain_text("Cohort saved as a draft.")

    days = visitor.main.get_by_role("table", name="Days")
    expect(days.get_by_role("row")).to_have_count(5)
    expect(days.get_by_role("row").nth(1)).to_contain_text("In person")
    expect(days.get_by_role("row").nth(3)).to_contain_text("Online (Microsoft Teams)")
    expect(days.get_by_role("row").nth(3)).to_contain_text("Dial in: 029 2018 0000")
    expect(days.get_by_role("row").nth(4)).to_contain_text("Hybrid: in person and online")
    # Its facilitator sees the links at any time.
    expect(days.get_by_role("link", name=re.compile("Join the meeting"))).to_have_count(2)
    visitor.submit("Publish for booking")
    expect(visitor.success_banner()).to_contain_text("Cohort published")
    cohort_path = page.url.removeprefix(visitor.base_url)
    visitor.sign_out()

    # Anyone may read the days, never the link.
    visitor.goto(cohort_path)
    expect(visitor.main).to_contain_text("Online (Microsoft Teams)")
    assert TEAMS not in page.content()

    # The learner books; the first online day is a week away, so the link is not shown yet.
    visitor.sign_in(LEARNER)
    visitor.goto(cohort_path)
    visitor.submit("Book a place")
    expect(visitor.success_banner()).to_contain_text("Booked.")
    visitor.goto(cohort_path)
    days = visitor.main.get_by_role("table", name="Days")
    expect(days).to_contain_text("The joining link shows here from")
    expect(days.get_by_role("link", name=re.compile("Join the meeting"))).to_have_count(0)
    assert TEAMS not in page.content()
    visitor.sign_out()

    # The trainer shows links two weeks ahead: the learner's days are now inside the window.
    visitor.sign_in(DEMO["trainer"])
    visitor.goto(cohort_path)
    visitor.click_link("Change the cohort")
    page.get_by_label("Show the meeting link to learners, in hours before each day").fill("336")
    visitor.submit("Save cohort")
    expect(visitor.success_banner()).to_contain_text("Cohort saved.")
    visitor.sign_out()

    visitor.sign_in(LEARNER)
    visitor.goto(cohort_path)
    days = visitor.main.get_by_role("table", name="Days")
    join = days.get_by_role("link", name="Join the meeting on Microsoft Teams for day 3")
    expect(join).to_have_attribute("href", TEAMS)
    expect(days).not_to_contain_text("The joining link shows here from")
    expect(days).to_contain_text("conference ID 555 123#")

    # The same page in Welsh: the same days, the same links (new wording is the lead's).
    visitor.goto(f"/language/cy?next={cohort_path}")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    days = visitor.main.get_by_role("table")
    expect(days.get_by_role("row")).to_have_count(5)
    expect(days.locator(f'a[href="{TEAMS}"]')).to_have_count(2)
    visitor.goto(f"/language/en?next={cohort_path}")
    visitor.sign_out()

    # The trainer's form in Welsh: the day's boxes and revealed details are all there.
    visitor.sign_in(DEMO["trainer"])
    visitor.goto(f"/language/cy?next={cohort_path}/edit")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.locator('input[name="days-2-mode"][value="online"]')).to_be_checked()
    expect(page.locator('input[name="days-2-mode"][value="venue"]')).not_to_be_checked()
    expect(page.locator("#days-2-meeting_url")).to_have_value(TEAMS)
    expect(page.locator("#days-2-venue_id")).to_be_hidden()
