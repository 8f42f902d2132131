"""Follow-up sessions (R14) and events (R18) in a real browser: a trainer adds a follow-up
session to a cohort and takes its register; a trainer puts a briefing in the catalogue and
schedules it, a learner books it and comes; the statistics count both apart from the
courses. Every page is audited with axe-core.

The demo data gives "IFSS core training (autumn)", which ran last term with the demo learner
present and the demo trainer leading.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DEMO, Visitor
from trainhub.courses.models import local_today
from trainhub.financial_years import financial_year, financial_year_label

pytestmark = pytest.mark.browser

BRIEFING = "Practice briefing: new safeguarding guidance"


def test_follow_up_session_and_briefing_event_counted_apart(visitor: Visitor) -> None:
    page = visitor.page
    today = local_today()

    # A follow-up session of last term's core, with its own register.
    visitor.sign_in(DEMO["trainer"])
    visitor.nav("Cohorts")
    visitor.click_link("IFSS core training (autumn)")
    expect(visitor.main.get_by_role("heading", name="Follow-up sessions")).to_be_visible()
    expect(visitor.main).to_contain_text("No follow-up sessions yet.")
    visitor.click_link("Add a follow-up session")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a follow-up session")
    page.get_by_label("Title", exact=True).fill("Safety planning booster")
    page.get_by_label("Starts").fill("13:00")
    page.get_by_label("Ends").fill("12:00")
    visitor.submit("Add session", status=400)
    expect(visitor.error_summary()).to_contain_text("Enter the date of the session")
    date = page.get_by_role("group", name="Date")
    date.get_by_label("Day").fill(str(today.day))
    date.get_by_label("Month").fill(str(today.month))
    date.get_by_label("Year").fill(str(today.year))
    visitor.submit("Add session", status=400)
    expect(visitor.error_summary()).to_contain_text("The session must end after it starts")
    page.get_by_label("Starts").fill("10:00")
    visitor.submit("Add session")
    expect(visitor.success_banner()).to_contain_text(
        "Follow-up session added. The cohort's learners have been told."
    )
    sessions = visitor.main.get_by_role("table", name="Follow-up sessions")
    expect(sessions).to_contain_text("Safety planning booster")
    visitor.follow(sessions.get_by_role("link", name=re.compile("^Register")))
    expect(page.get_by_role("heading", level=1)).to_have_text("Register: Safety planning booster")
    learner = page.get_by_role("group", name=DEMO["learner"].full_name)
    learner.get_by_role("radio", name="Present").check()
    visitor.submit("Save the register")
    expect(visitor.success_banner()).to_contain_text("Register saved: 1 mark changed.")
    expect(learner.get_by_role("radio", name="Present")).to_be_checked()

    # A briefing: in the catalogue as an event, scheduled for this evening, published.
    visitor.nav("Courses")
    visitor.follow(visitor.main.get_by_role("button", name="Add a course"))
    page.get_by_label("Course code").fill("BRIEF-SAFEGUARDING")
    page.get_by_label("Title", exact=True).fill(BRIEFING)
    page.get_by_label("Duration in days").fill("1")
    page.get_by_label("Briefing", exact=True).check()
    visitor.submit("Save course")
    expect(visitor.success_banner()).to_contain_text("Course added to the catalogue.")
    expect(visitor.main).to_contain_text("no completion or certificate")
    visitor.click_link("Schedule a cohort of this course")
    page.get_by_label("Title", exact=True).fill("Safeguarding briefing, Cardiff")
    day = page.get_by_role("group", name="Date of day 1")
    day.get_by_label("Day").fill(str(today.day))
    day.get_by_label("Month").fill(str(today.month))
    day.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Day 1 starts").fill("23:00")
    page.get_by_label("Day 1 ends").fill("23:45")
    page.get_by_label("Venue of day 1").select_option(label="Barry learning room (16)")
    page.get_by_label("Places").fill("16")
    visitor.submit("Save cohort")
    expect(visitor.success_banner()).to_contain_text("Cohort saved as a draft.")
    visitor.submit("Publish for booking")
    expect(visitor.success_banner()).to_contain_text("Cohort published")
    expect(visitor.main.locator("h1")).to_contain_text("Briefing")
    event_url = page.url
    visitor.sign_out()

    # A learner books the briefing like any cohort.
    visitor.sign_in(DEMO["learner"])
    visitor.goto(event_url.removeprefix(visitor.base_url))
    expect(visitor.main).to_contain_text("This is an event, not a course")
    visitor.submit("Book a place")
    expect(visitor.success_banner()).to_contain_text("Booked.")
    visitor.sign_out()

    # The trainer takes the briefing's register: it is an event's, with no completion.
    visitor.sign_in(DEMO["trainer"])
    visitor.goto(event_url.removeprefix(visitor.base_url))
    expect(visitor.main.get_by_role("heading", name="Follow-up sessions")).to_have_count(0)
    visitor.click_link("Take the register for day 1")
    page.get_by_role("group", name=DEMO["learner"].full_name).get_by_role(
        "radio", name="Present"
    ).check()
    visitor.submit("Save the register")
    expect(visitor.success_banner()).to_contain_text("Register saved: 1 mark changed.")
    visitor.sign_out()

    # The statistics count the follow-up and the briefing apart from the courses.
    visitor.sign_in(DEMO["manager"])
    visitor.goto(f"/reports/statistics?fy={financial_year_label(financial_year(today))}")
    follow_ups = visitor.main.get_by_role("table", name="Follow-up and booster sessions")
    expect(follow_ups.get_by_role("row", name=re.compile("Total"))).to_contain_text("1")
    events = visitor.main.get_by_role(
        "table", name="Events: briefings, conferences, forums and drop-ins"
    )
    expect(events.get_by_role("row", name=re.compile("^Briefing"))).to_be_visible()
    expect(
        visitor.main.get_by_role("table", name="Training delivered, by course")
    ).not_to_contain_text(BRIEFING)
