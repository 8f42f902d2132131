"""R49 in a real browser: a Cardiff Council manager sees their own organisation's people by
name and everyone else as a count, on a cohort's bookings and in the named export; the
cohort's facilitator sees every attendee.

The demo's "Engaging men (small group)" has two places taken: Dafydd Morgan (Cardiff
Council) and Megan Hughes (Cardiff and Vale University Health Board). Rhodri Evans, a
Cardiff Council trainer, facilitates it; Gareth Lloyd, the Cardiff Council manager, does not.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DEMO, Visitor

pytestmark = pytest.mark.browser

COHORT = "Engaging men (small group)"
OWN = DEMO["supervisor"].full_name  # Cardiff Council
OTHER = DEMO["assessor"].full_name  # Cardiff and Vale University Health Board


def _bookings_of_the_cohort(visitor: Visitor) -> None:
    visitor.nav("Cohorts")
    visitor.follow(visitor.main.get_by_role("link", name=re.compile(re.escape(COHORT))).first)
    visitor.click_link("Bookings and waiting list")


def test_a_manager_sees_their_own_people_and_counts_the_others(visitor: Visitor) -> None:
    visitor.sign_in(DEMO["manager"])
    _bookings_of_the_cohort(visitor)

    bookings = visitor.main.get_by_role("table", name="Bookings")
    expect(bookings.get_by_role("row")).to_have_count(2)  # the header and Dafydd
    expect(bookings).to_contain_text(OWN)
    expect(visitor.main).not_to_contain_text(OTHER)
    expect(visitor.main).to_contain_text("1 person outside your organisation is not named here.")
    expect(visitor.main).to_contain_text("2 of 2 places taken")

    # The named export: the same rule (this financial year's cohorts).
    visitor.nav("Reports")
    visitor.follow(visitor.main.get_by_role("link", name=re.compile("^Exports")).first)
    expect(visitor.main).to_contain_text("These files name only your own organisation's learners")
    link = visitor.main.get_by_role("link", name=re.compile("Attendees of the period's cohorts"))
    response = visitor.page.request.get(urljoin(visitor.page.url, link.get_attribute("href") or ""))
    assert response.status == 200
    assert OWN in response.text() and OTHER not in response.text()

    # In Welsh the page keeps the same shape: one named row, the other person not named.
    visitor.goto("/language/cy?next=/cohorts")
    visitor.follow(visitor.main.get_by_role("link", name=re.compile(re.escape(COHORT))).first)
    visitor.follow(visitor.main.locator("a[href$='/bookings']").first)
    expect(visitor.main.locator("table").last.locator("tbody tr")).to_have_count(1)
    expect(visitor.main).not_to_contain_text(OTHER)
    expect(visitor.main.locator(".trainhub-not-named")).to_have_count(1)


def test_the_facilitator_sees_every_attendee(visitor: Visitor) -> None:
    visitor.sign_in(DEMO["trainer"])
    _bookings_of_the_cohort(visitor)

    bookings = visitor.main.get_by_role("table", name="Bookings")
    expect(bookings).to_contain_text(OWN)
    expect(bookings).to_contain_text(OTHER)
    expect(visitor.main.locator(".trainhub-not-named")).to_have_count(0)
