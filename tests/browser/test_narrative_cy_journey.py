"""The report's narrative in Welsh and the catalogue's short forms (issue 20), in a real
browser: a manager writes the introduction in English and Welsh side by side and another
section in English only; reading the report in Welsh they get the Welsh introduction, and the
section without Welsh in English, marked as English, with the "No Welsh yet" tag staff see;
a visitor opens the catalogue in Welsh and follows an explained short form to its glossary
entry. Every page is audited with axe-core and drawn at 320 px (``Visitor``).

Welsh interface strings that are new with this part arrive with the merged catalogue, so the
Welsh steps assert on addresses, ``lang`` attributes and the narrative's own Welsh text."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.browser.conftest import DEMO, Visitor, cy
from trainhub.courses.models import local_today
from trainhub.extensions import db
from trainhub.financial_years import financial_year, financial_year_label

pytestmark = pytest.mark.browser

INTRO = "The team trained **ninety** practitioners with its partners."
INTRO_CY = "Hyfforddodd y tîm **naw deg** o ymarferwyr gyda'i bartneriaid."
OTHER = "Two new partners joined the programme."


@pytest.fixture(scope="module", autouse=True)
def seeded_glossary(live_app: Flask) -> Iterator[None]:
    """The framework's terms, as ``flask catalogue seed`` and ``flask demo`` load them."""
    from trainhub.site.glossary import seed_glossary

    with live_app.app_context():
        seed_glossary()
        db.session.commit()
        db.session.remove()
    yield


def test_a_manager_writes_the_welsh_narrative_and_a_visitor_follows_a_short_form(
    visitor: Visitor,
) -> None:
    page = visitor.page
    fy = financial_year_label(financial_year(local_today()))

    # The manager writes the introduction in both languages, side by side.
    visitor.sign_in(DEMO["manager"])
    visitor.goto(f"/reports/statistics?fy={fy}")
    visitor.click_link("Write the report's text (introduction, developments, anything else)")
    expect(page.locator("h1")).to_have_text(f"The report's text for {fy}")
    english = visitor.main.get_by_label("Introduction", exact=True)
    welsh = visitor.main.get_by_label("Introduction in Welsh (optional)")
    expect(welsh).to_have_attribute("lang", "cy")
    left, right = english.bounding_box(), welsh.bounding_box()
    assert left and right and right["x"] > left["x"] + left["width"] - 1
    assert abs(right["y"] - left["y"]) < 5
    english.fill(INTRO)
    welsh.fill(INTRO_CY)
    visitor.main.get_by_label("Anything else", exact=True).fill(OTHER)
    visitor.submit("Save the report's text")
    expect(visitor.success_banner()).to_contain_text(f"The report's text for {fy} is saved.")
    expect(visitor.main).to_contain_text("The team trained ninety practitioners")

    # The report in Welsh: the Welsh introduction; the English standing in, marked.
    visitor.goto(f"/language/cy?next=/reports/statistics?fy={fy}")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    introduction = visitor.main.locator(".trainhub-narrative", has_text="naw deg")
    expect(introduction).to_be_visible()
    expect(introduction).not_to_have_attribute("lang", "en")
    expect(introduction.locator("strong")).to_have_text("naw deg")
    expect(visitor.main).not_to_contain_text("ninety")
    other = visitor.main.locator(".trainhub-narrative", has_text=OTHER)
    expect(other).to_have_attribute("lang", "en")
    marker = visitor.main.locator("#narrative-other + p .govuk-tag")
    expect(marker).to_have_text(cy("No Welsh yet"))
    expect(visitor.main.locator("#narrative-introduction + p .govuk-tag")).to_have_count(0)
    visitor.sign_out()

    # A visitor reads the catalogue in Welsh and follows a short form to the glossary.
    visitor.goto("/language/cy?next=/courses")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    for short, term in (
        ("IFSS", "Integrated Family Support Service"),
        ("IFST", "Integrated Family Support Team"),
        (cy("CPD"), "Continuing Professional Development"),
    ):
        abbr = visitor.main.locator("abbr", has_text=short).first
        expect(abbr).to_have_attribute("title", cy(term))
    cqf = visitor.main.locator("abbr", has_text=cy("CQF")).first
    expect(cqf).to_have_attribute("title", cy("Credit and Qualification Framework"))
    visitor.follow(cqf.get_by_role("link", name=cy("CQF")))
    expect(page).to_have_url(re.compile(r"/glossary#cqf$"))
    entry = page.locator("#cqf")
    expect(entry).to_be_visible()
    expect(entry).to_contain_text("FfCChC")  # the glossary's own Welsh
    visitor.goto("/language/en?next=/")
