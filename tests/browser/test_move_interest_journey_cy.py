"""The cancelled cohort's move and registering interest, in Welsh: the same journeys as
``test_move_interest_journey`` with every word the person reads or chooses taken from the Welsh
catalogue (issue 21's "both languages"). Every page is audited with axe-core and drawn at
320 px (``Visitor``)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DEMO, Visitor, cy, cy_n
from tests.browser.test_move_interest_journey import (  # noqa: F401 (the module's cohorts)
    INTEREST_COURSE,
    cohorts,
)

pytestmark = pytest.mark.browser


def in_welsh(visitor: Visitor, path: str) -> None:
    visitor.goto(f"/language/cy?next={path}")
    expect(visitor.page.locator("html")).to_have_attribute("lang", "cy")


def test_trainer_cancels_a_cohort_and_moves_everyone_in_welsh(visitor: Visitor) -> None:
    page = visitor.page
    visitor.sign_in(DEMO["trainer"])
    in_welsh(visitor, "/cohorts")
    visitor.click_link("Fathers, May")
    visitor.click_link(cy("Cancel this cohort"))
    page.get_by_label(cy("Why is it cancelled?")).fill("Mae'r hyfforddwr yn sâl")
    visitor.submit(cy("Cancel the cohort"))
    expect(visitor.success_banner()).to_contain_text(
        cy_n(
            "Cohort cancelled. %(num)d person has been told.",
            "Cohort cancelled. %(num)d people have been told.",
            2,
        )
    )
    visitor.follow(visitor.main.get_by_role("button", name=cy("Move these learners")))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        cy("Move these learners to another cohort")
    )
    visitor.submit(cy("Continue"), status=400)
    expect(visitor.error_summary()).to_contain_text(cy("Choose the cohort to move them to"))
    page.get_by_label(re.compile("Fathers, June")).check()
    page.get_by_label(
        cy("Book them: places while there are free places, then the front of the queue")
    ).check()
    visitor.submit(cy("Continue"))
    expect(page.get_by_role("heading", level=1)).to_have_text(cy("Check who goes where"))
    expect(visitor.main).to_contain_text(
        cy_n("%(num)d will be booked", "%(num)d will be booked", 2)
    )
    visitor.submit(cy("Move them"))
    expect(visitor.success_banner()).to_contain_text(
        cy_n(
            "%(num)d person moved to “%(title)s”.",
            "%(num)d people moved to “%(title)s”.",
            2,
            title="Fathers, June",
        )
    )
    visitor.sign_out()

    visitor.sign_in(DEMO["learner"])
    in_welsh(visitor, "/bookings")
    row = visitor.main.get_by_role("row", name=re.compile("Fathers, June"))
    expect(row).to_be_visible()


def test_learner_registers_interest_and_hears_when_dates_appear_in_welsh(
    visitor: Visitor,
) -> None:
    page = visitor.page
    visitor.sign_in(DEMO["learner"])
    in_welsh(visitor, "/courses/FGC-BASICS")
    visitor.follow(visitor.main.get_by_role("button", name=cy("Tell me when there are dates")))
    page.get_by_label(cy("Where would you like to train? (optional)")).select_option(label="Conwy")
    page.get_by_label(cy("Welsh"), exact=True).check()
    visitor.submit(cy("Tell me when there are dates"))
    expect(visitor.success_banner()).to_contain_text(
        cy("We will e-mail you when “%(title)s” has dates.", title=INTEREST_COURSE)
    )
    row = visitor.main.get_by_role("row", name=re.compile(INTEREST_COURSE))
    expect(row).to_contain_text(cy("Waiting for dates"))
    visitor.sign_out()

    visitor.sign_in(DEMO["trainer"])
    in_welsh(visitor, "/cohorts")
    visitor.click_link(cy("Demand for courses: who is waiting for dates"))
    expect(visitor.main.get_by_role("row", name=re.compile(INTEREST_COURSE))).to_contain_text(
        "Conwy"
    )
    visitor.goto("/cohorts")
    visitor.click_link("Conferencing, autumn")
    visitor.submit(cy("Publish for booking"))
    visitor.sign_out()

    visitor.sign_in(DEMO["learner"])
    in_welsh(visitor, "/interests")
    row = visitor.main.get_by_role("row", name=re.compile(INTEREST_COURSE))
    expect(row).to_contain_text(cy("Told"))
