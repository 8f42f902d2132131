"""The glossary of the framework's terms (R46), in a real browser: an administrator adds a term
with its Welsh (an empty term refused first); a visitor follows a course page's explained short
form to the glossary and reads the terms in English and in Welsh, a term without Welsh shown in
English and marked as English; staff see "No Welsh yet" on it; the administrator removes the
term after confirming. Every page is audited with axe-core and drawn at 320 px (``Visitor``).

Welsh interface strings that are new with the glossary arrive with the merged catalogue, so
the Welsh steps assert on addresses, ``lang`` attributes and the terms' own Welsh text."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.browser.conftest import DEMO, Visitor, cy
from trainhub.extensions import db

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module", autouse=True)
def seeded_glossary(live_app: Flask) -> Iterator[None]:
    """The framework's terms, as ``flask catalogue seed`` and ``flask demo`` load them."""
    from trainhub.site.glossary import seed_glossary

    with live_app.app_context():
        seed_glossary()
        db.session.commit()
        db.session.remove()
    yield


def in_welsh(visitor: Visitor, path: str) -> None:
    visitor.goto(f"/language/cy?next={path}")
    expect(visitor.page.locator("html")).to_have_attribute("lang", "cy")


def in_english(visitor: Visitor, path: str) -> None:
    visitor.goto(f"/language/en?next={path}")
    expect(visitor.page.locator("html")).to_have_attribute("lang", "en")


def test_an_admin_adds_a_term_that_visitors_read_in_english_and_welsh(visitor: Visitor) -> None:
    page = visitor.page

    # An administrator adds a term, with its Welsh, from the administration page.
    visitor.sign_in(DEMO["admin"])
    visitor.goto("/admin")
    visitor.click_link("Glossary terms: the framework's terms in English and Welsh")
    expect(page.get_by_role("heading", level=1)).to_have_text("Glossary terms")
    expect(visitor.main.get_by_role("row", name=re.compile("Open Badge"))).to_contain_text(
        "No Welsh yet"
    )
    visitor.follow(visitor.main.get_by_role("button", name="Add a term"))
    expect(visitor.main.get_by_label("Term in Welsh (optional)")).to_have_attribute("lang", "cy")
    visitor.submit("Save the term", status=400)
    expect(visitor.error_summary()).to_contain_text("Enter the term in English")
    visitor.main.get_by_label("Term in English").fill("Decisional balance")
    visitor.main.get_by_label("Definition in English").fill(
        "Weighing the reasons for and against a change, with the family."
    )
    visitor.main.get_by_label("Term in Welsh (optional)").fill("Cydbwysedd penderfyniad")
    visitor.main.get_by_label("Definition in Welsh (optional)").fill(
        "Pwyso a mesur y rhesymau dros newid ac yn ei erbyn, gyda'r teulu."
    )
    visitor.submit("Save the term")
    expect(visitor.success_banner()).to_contain_text("“Decisional balance” added to the glossary.")
    expect(visitor.main.get_by_role("link", name="#decisional-balance")).to_be_visible()
    visitor.sign_out()

    # A visitor meets "CPD" on the core course's page and follows it to the glossary.
    visitor.goto("/courses/IFSS-CORE")
    cpd = visitor.main.locator("abbr", has_text="CPD")
    expect(cpd).to_have_attribute("title", "Continuing Professional Development")
    expect(visitor.main.locator('abbr[title="Integrated Family Support Service"]')).to_be_visible()
    visitor.follow(cpd.get_by_role("link", name="CPD"))
    expect(page).to_have_url(re.compile(r"/glossary#cpd$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Glossary")
    term = visitor.main.locator("#decisional-balance")
    expect(term).to_contain_text("Weighing the reasons for and against a change")
    expect(visitor.main).not_to_contain_text("No Welsh yet")  # visitors are not told

    # The same pages in Welsh: DPP on the course page, the terms' own Welsh in the glossary.
    in_welsh(visitor, "/courses/IFSS-CORE")
    expect(visitor.main.locator("dt", has_text=cy("CPD hours"))).to_be_visible()
    dpp = visitor.main.locator("abbr", has_text="DPP")
    expect(dpp).to_have_attribute("title", "Datblygiad Proffesiynol Parhaus")
    visitor.follow(dpp.get_by_role("link", name="DPP"))
    expect(page).to_have_url(re.compile(r"/glossary#cpd$"))
    expect(term).to_contain_text("Cydbwysedd penderfyniad")
    expect(term).to_contain_text("Pwyso a mesur y rhesymau")
    expect(term.locator('[lang="en"]')).to_have_count(0)
    expect(visitor.main.locator("#open-badge")).to_contain_text("Bathodyn Agored")
    # No Welsh of its own yet: the English, marked as English for screen readers.
    fidelity = visitor.main.locator("#fidelity")
    expect(fidelity.locator('span[lang="en"]')).to_have_text("Fidelity")
    expect(fidelity.locator('dd[lang="en"]')).to_contain_text("Delivering the intervention")
    expect(visitor.main.locator(".govuk-tag")).to_have_count(0)
    # Terms in the order of the Welsh alphabet: Lefel before Llyfr gwaith (ll after l).
    headings = visitor.main.locator("dt").all_inner_texts()
    assert headings.index("Lefel 6") < next(
        i for i, text in enumerate(headings) if text.startswith("Llyfr gwaith")
    )
    in_english(visitor, "/")


def test_staff_see_what_has_no_welsh_yet_and_an_admin_removes_a_term(visitor: Visitor) -> None:
    page = visitor.page
    visitor.sign_in(DEMO["trainer"])
    in_welsh(visitor, "/glossary")
    expect(visitor.main.locator("#fidelity .govuk-tag")).to_be_visible()
    expect(visitor.main.get_by_role("link", name="Change the glossary")).to_have_count(0)
    in_english(visitor, "/glossary")
    expect(visitor.main.locator("#fidelity")).to_contain_text("No Welsh yet")
    visitor.sign_out()

    visitor.sign_in(DEMO["admin"])
    visitor.goto("/glossary")
    visitor.click_link("Change the glossary")
    visitor.click_link("Fidelity")
    expect(page.get_by_role("heading", level=1)).to_have_text("Change “Fidelity”")
    visitor.click_link("Remove the term")
    expect(page.get_by_role("heading", level=1)).to_have_text("Remove “Fidelity” from the glossary")
    visitor.submit("Remove the term")
    expect(visitor.success_banner()).to_contain_text("“Fidelity” removed from the glossary.")
    expect(visitor.main.get_by_role("link", name="Fidelity", exact=True)).to_have_count(0)
    visitor.goto("/glossary")
    expect(visitor.main.locator("#fidelity")).to_have_count(0)
