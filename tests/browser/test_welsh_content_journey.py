"""Content in Welsh (issue 20), in a real browser: an administrator finds a course's texts on
the page of what lacks Welsh, writes the Welsh title and summary beside the English (side by
side on a wide screen), and the page no longer lists them; a visitor reads the course in Welsh,
the Welsh shown as Welsh and the texts still without Welsh in English, marked as English.
Every page is audited with axe-core and drawn at 320 px (``Visitor``).

Welsh interface strings that are new with this part arrive with the merged catalogue, so the
Welsh steps assert on addresses, ``lang`` attributes and the course's own Welsh text."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import DEMO, Visitor, cy
from trainhub.courses.models import Course
from trainhub.extensions import db

pytestmark = pytest.mark.browser

CODE = "FFI-3DAY"
TITLE = "Family Focused Interventions 3-day Training Module"
TITLE_CY = "Modiwl Hyfforddi 3 Diwrnod Ymyriadau sy'n Canolbwyntio ar y Teulu"
SUMMARY_CY = "Modiwl tri diwrnod ar ymyriadau sy'n canolbwyntio ar y teulu."


@pytest.fixture(autouse=True)
def welsh_taken_away_after(live_app: Flask) -> Iterator[None]:
    """The live app is shared by the journeys: the course goes back to having no Welsh."""
    yield
    with live_app.app_context():
        course = db.session.execute(select(Course).where(Course.code == CODE)).scalar_one()
        course.title_cy = course.summary_cy = None
        db.session.commit()
        db.session.remove()


def test_an_admin_writes_a_courses_welsh_that_a_visitor_reads(visitor: Visitor) -> None:
    page = visitor.page
    visitor.sign_in(DEMO["admin"])
    visitor.goto("/admin/welsh")
    expect(page.get_by_role("heading", level=1)).to_have_text("Content without Welsh")
    courses = visitor.main.get_by_role("region", name="Courses")
    expect(courses.get_by_role("row", name=re.compile(f"^{TITLE} Title"))).to_have_count(1)
    visitor.follow(
        courses.get_by_role("link", name=re.compile(rf"^Write the Welsh \(Title: {TITLE}\)"))
    )
    expect(page).to_have_url(re.compile(rf"/courses/{CODE}/edit#title_cy$"))

    # English | Cymraeg: the Welsh beside the English, marked as Welsh.
    english, welsh = (
        visitor.main.get_by_label("Title", exact=True),
        visitor.main.get_by_label("Title in Welsh (optional)"),
    )
    expect(welsh).to_have_attribute("lang", "cy")
    left, right = english.bounding_box(), welsh.bounding_box()
    assert left and right and right["x"] > left["x"] + left["width"] - 1
    assert abs(right["y"] - left["y"]) < 5
    welsh.fill(TITLE_CY)
    visitor.main.get_by_label("Summary in Welsh (optional)").fill(SUMMARY_CY)
    visitor.submit("Save course")
    expect(visitor.success_banner()).to_contain_text("Course saved.")
    # Staff reading in English see what still lacks Welsh.
    expect(visitor.main.get_by_text("No Welsh yet").first).to_be_visible()

    # The completeness page no longer lists the title and summary.
    visitor.goto("/admin/welsh")
    courses = visitor.main.get_by_role("region", name="Courses")
    expect(courses.get_by_role("row", name=re.compile(f"^{TITLE} Title"))).to_have_count(0)
    expect(courses.get_by_role("row", name=re.compile(f"^{TITLE} Summary"))).to_have_count(0)
    expect(courses.get_by_role("row", name=re.compile(f"^{TITLE} Description"))).to_have_count(1)
    visitor.sign_out()

    # A visitor reads the course in Welsh.
    visitor.goto(f"/language/cy?next=/courses/{CODE}")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(TITLE_CY)
    expect(heading).not_to_have_attribute("lang", "en")
    expect(visitor.main.get_by_text(SUMMARY_CY)).to_be_visible()
    description = visitor.main.locator('p[lang="en"]', has_text="Over the 3 days participants")
    expect(description).to_be_visible()
    expect(visitor.main.locator(".govuk-tag")).to_have_count(0)  # visitors are not told
    expect(visitor.main.locator("dt", has_text=cy("Duration"))).to_be_visible()

    # The catalogue card too.
    visitor.goto("/courses")
    card = visitor.main.get_by_role("link", name=TITLE_CY)
    expect(card).to_be_visible()
    visitor.goto("/language/en?next=/")
