"""Recording history by hand in a real browser: a manager records a past cohort (errors first,
then fixed), sees it on the history page, records a 2014 completion and withdraws it with a
reason. Every page is audited with axe-core (0 violations)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DEMO, Visitor

pytestmark = pytest.mark.browser


def fill_date(visitor: Visitor, legend: str, day: int, month: int, year: int) -> None:
    group = visitor.main.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(day))
    group.get_by_label("Month").fill(str(month))
    group.get_by_label("Year").fill(str(year))


def test_manager_records_a_past_cohort_and_a_2014_completion_then_withdraws_it(
    visitor: Visitor,
) -> None:
    page = visitor.page
    visitor.sign_in(DEMO["manager"])
    visitor.nav("History")
    expect(page.get_by_role("heading", level=1)).to_have_text("History")
    expect(visitor.main).to_contain_text("Nothing has been recorded yet.")

    # A past cohort: choose the course, then its days, facilitators and attendees.
    visitor.click_link("Record a past cohort")
    visitor.main.get_by_label("Course").select_option("FFI-3DAY")
    visitor.submit("Continue")
    expect(visitor.main).to_contain_text("The course's 3 days")
    visitor.main.get_by_label("Title", exact=True).fill("FFI May 2016 (Bridgend)")
    fill_date(visitor, "Date of day 1", 10, 5, 2016)
    fill_date(visitor, "Date of day 2", 11, 5, 2016)
    fill_date(visitor, "Date of day 3", 9, 5, 2016)  # before day 2: an error
    for n in (1, 2, 3):
        visitor.main.get_by_label(f"Day {n} started").fill("09:30")
        visitor.main.get_by_label(f"Day {n} ended").fill("16:30")
        visitor.main.get_by_label(f"Venue of day {n}").fill("Old Bridgend Training Centre")
    visitor.main.get_by_label("Facilitators (optional)").fill("Gwen Past-Trainer")
    visitor.main.get_by_label("Attendees").fill(
        "sian.history@example.org, Siân History, 1 2 3\nnew.history@example.org"
    )
    visitor.submit("Record the cohort", status=400)
    expect(visitor.error_summary()).to_contain_text("Day 3 must be after day 2")
    # Fixed: the right date; the service then asks for the new person's name.
    fill_date(visitor, "Date of day 3", 12, 5, 2016)
    visitor.submit("Record the cohort", status=400)
    expect(visitor.error_summary()).to_contain_text(
        "Line 2: new.history@example.org has no account yet"
    )
    visitor.main.get_by_label("Attendees").fill(
        "sian.history@example.org, Siân History, 1 2 3\n"
        "new.history@example.org, Dafydd History, 1 2"
    )
    visitor.submit("Record the cohort")
    expect(visitor.success_banner()).to_contain_text("Cohort recorded")
    expect(visitor.main).to_contain_text("Old Bridgend Training Centre")

    # On the history page, recorded by the manager, by hand.
    visitor.follow(page.get_by_role("link", name="Back to history", exact=True))
    row = visitor.main.get_by_role("row", name=re.compile("FFI May 2016"))
    expect(row).to_contain_text(DEMO["manager"].full_name)
    expect(row).to_contain_text("Entered by hand")

    # A completion of the core on 12 May 2014.
    visitor.click_link("Record a past completion")
    visitor.main.get_by_label("Email address").fill("long.serving@example.org")
    visitor.main.get_by_label("Course").select_option("IFSS-CORE")
    fill_date(visitor, "Date completed", 12, 5, 2014)
    visitor.submit("Record the completion", status=400)
    expect(visitor.error_summary()).to_contain_text("has no account yet")
    visitor.main.get_by_label("Full name (if they have no account yet)").fill("Long Serving")
    visitor.submit("Record the completion")
    expect(visitor.success_banner()).to_contain_text("Completion recorded")
    expect(visitor.main).to_contain_text("12 May 2014")

    # Withdrawn with a reason.
    visitor.click_link("Withdraw this record")
    visitor.submit("Withdraw the record", status=400)
    expect(visitor.error_summary()).to_contain_text("Say why this record is withdrawn")
    visitor.main.get_by_label("Why is it withdrawn?").fill("Entered for the wrong person")
    visitor.submit("Withdraw the record")
    expect(visitor.success_banner()).to_contain_text("The record has been withdrawn.")
    expect(visitor.main).to_contain_text("Entered for the wrong person")
    visitor.follow(page.get_by_role("link", name="Back to history", exact=True))
    # Long Serving's new account joined the manager's organisation: the hub names them (R49).
    row = visitor.main.get_by_role("row", name=re.compile("Completion: Long Serving"))
    expect(row).to_contain_text("Withdrawn")
    expect(row).to_contain_text("Entered for the wrong person")

    # The other forms pass axe-core too: an award, and paper feedback for the recorded cohort.
    visitor.click_link("Record a past award")
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a past award")
    visitor.follow(page.get_by_role("link", name="Back to history", exact=True))
    visitor.click_link("Enter paper feedback")
    visitor.main.get_by_label("Cohort").select_option(
        label="FFI-3DAY, 2016-05-10: FFI May 2016 (Bridgend)"
    )
    visitor.submit("Continue")
    expect(visitor.main).to_contain_text("FFI May 2016 (Bridgend)")
    visitor.main.get_by_label("Comment (optional)").fill("Practical and kind.")
    visitor.submit("Save and enter another")
    expect(visitor.success_banner()).to_contain_text("Paper feedback form recorded")
