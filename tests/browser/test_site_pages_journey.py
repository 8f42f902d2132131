"""The pages every public service has, in a real browser: a visitor opens each one from the
footer in English and in Welsh; an administrator changes the privacy notice (a title too long
first) and records an agreement with a partner whose review date has passed, and sees the
warning. Every page is audited with axe-core (0 violations)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DEMO, Visitor
from trainhub.site.defaults import DEFAULTS

pytestmark = pytest.mark.browser

#: The footer's links, by address (their Welsh names arrive with the merged catalogue).
FOOTER = {
    "help": "/help",
    "privacy": "/privacy",
    "cookies": "/cookies",
    "accessibility": "/accessibility",
}


#: The stylesheets and scripts the page loaded, each with the bytes it took from the network
#: (0: from the browser's cache, not even revalidated).
FILES_FETCHED = """() => performance.getEntriesByType("resource")
  .filter((entry) => /^\\/(static|assets)\\//.test(new URL(entry.name).pathname))
  .map((entry) => [new URL(entry.name).pathname.split("/").pop(), entry.transferSize])"""


def fill_date(visitor: Visitor, legend: str, day: int, month: int, year: int) -> None:
    group = visitor.main.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(day))
    group.get_by_label("Month").fill(str(month))
    group.get_by_label("Year").fill(str(year))


def open_from_footer(visitor: Visitor, lang: str) -> None:
    page = visitor.page
    for key, path in FOOTER.items():
        footer = page.get_by_role("contentinfo")
        visitor.follow(footer.locator(f'a[href="{path}"]'))
        expect(page).to_have_url(re.compile(re.escape(path) + "$"))
        expect(page.locator("html")).to_have_attribute("lang", lang)
        expect(page.get_by_role("heading", level=1)).to_have_text(DEFAULTS[key][lang].title)
        if key == "cookies":
            expect(visitor.main.get_by_role("table")).to_contain_text("session")


def test_a_visitor_reads_each_footer_page_in_english_and_welsh(visitor: Visitor) -> None:
    visitor.goto("/")
    open_from_footer(visitor, "en")
    # Into Welsh from the header's language link, then the same pages again.
    visitor.follow(visitor.header.get_by_role("link", name="Cymraeg"))
    expect(visitor.page.locator("html")).to_have_attribute("lang", "cy")
    open_from_footer(visitor, "cy")
    visitor.goto("/privacy")
    expect(visitor.main).to_contain_text("Swyddfa'r Comisiynydd Gwybodaeth")
    # A visitor is not told about what administrators must fill in.
    expect(visitor.main).not_to_contain_text("must fill in")
    # The stylesheet and scripts came with the first page: by their versioned addresses
    # (trainhub.asset_urls), every later page takes them from the browser's cache.
    files = dict(visitor.page.evaluate(FILES_FETCHED))
    assert {"app.css", "init.js", "govuk-frontend.min.js", "timeout.js"} <= set(files)
    assert set(files.values()) == {0}, f"bytes fetched from the server: {files}"


def test_an_admin_changes_the_privacy_notice_and_records_an_overdue_agreement(
    visitor: Visitor,
) -> None:
    page = visitor.page
    visitor.sign_in(DEMO["admin"])

    # The privacy notice still has placeholders: administrators are told on the page itself.
    visitor.goto("/privacy")
    expect(visitor.main.locator(".govuk-warning-text")).to_contain_text("must fill in")
    visitor.click_link("Change this page")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Privacy notice")
    expect(visitor.main).to_contain_text("nobody has changed it yet")
    expect(visitor.main.get_by_label("Text in Welsh")).to_have_attribute("lang", "cy")

    # A title too long is refused on its field; nothing is saved.
    visitor.main.get_by_label("Title in English").fill("Privacy " * 30)
    visitor.submit("Save the page", status=400)
    expect(visitor.error_summary()).to_contain_text("Enter 200 characters or fewer")

    # The placeholders replaced, in English and in Welsh.
    visitor.main.get_by_label("Title in English").fill("Privacy notice")
    for label, council in (
        ("Text in English", "Cardiff Council"),
        ("Text in Welsh", "Cyngor Caerdydd"),
    ):
        box = visitor.main.get_by_label(label, exact=True)
        filled = re.sub(
            r"\[(To fill in|I'w lenwi):[^\]]*\]",
            f"{council}, dpo@cardiff.example",
            box.input_value(),
        )
        box.fill(filled)
    visitor.submit("Save the page")
    expect(visitor.success_banner()).to_contain_text("saved")
    row = visitor.main.get_by_role("row").filter(has_text="Privacy notice")
    expect(row).to_contain_text(DEMO["admin"].full_name)
    expect(row).to_contain_text("Ready")

    visitor.goto("/privacy")
    expect(visitor.main).to_contain_text(
        "The data controller is Cardiff Council, dpo@cardiff.example"
    )
    expect(visitor.main).to_contain_text("Last updated")
    expect(visitor.main.locator(".govuk-warning-text")).to_have_count(0)

    # An agreement with Cardiff Council whose review date has already passed.
    visitor.nav("Administration")
    visitor.click_link("Organisations")
    visitor.click_link("Cardiff Council")
    expect(visitor.main).to_contain_text("No data-sharing agreement is recorded")
    visitor.follow(visitor.main.get_by_role("button", name="Add a data-sharing agreement"))
    visitor.main.get_by_label("Reference").fill("DSA-2023-04")
    fill_date(visitor, "Date agreed", 3, 4, 2023)
    fill_date(visitor, "Review date", 1, 4, 2022)  # before the agreement: refused
    visitor.main.get_by_label("Contact at the partner organisation (optional)").fill(
        "Bethan Rees, information governance, bethan@cardiff.example"
    )
    visitor.submit("Save agreement", status=400)
    expect(visitor.error_summary()).to_contain_text(
        "The review date must be after the date the agreement was made"
    )
    fill_date(visitor, "Review date", 3, 4, 2025)
    visitor.submit("Save agreement")
    expect(visitor.success_banner()).to_contain_text("Data-sharing agreement recorded.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cardiff Council")
    warning = visitor.main.locator(".govuk-warning-text")
    expect(warning).to_contain_text(
        "The review date of agreement DSA-2023-04 passed on 3 April 2025"
    )
    expect(visitor.main).to_contain_text("Review overdue")

    # The organisations list marks it too.
    visitor.follow(page.get_by_role("link", name="Back to organisations"))
    row = visitor.main.get_by_role("row").filter(has_text="Cardiff Council")
    expect(row).to_contain_text("Agreement review overdue")

    # The agreement ends (a reason is needed); then the privacy notice goes back to the default.
    visitor.click_link("Cardiff Council")
    visitor.follow(visitor.main.get_by_role("link", name=re.compile("^End")))
    visitor.submit("End the agreement", status=400)
    expect(visitor.error_summary()).to_contain_text("Enter why the agreement ended")
    fill_date(visitor, "Date the agreement ended", 1, 5, 2025)
    visitor.main.get_by_label("Why did it end?").fill("Replaced by the regional agreement")
    visitor.submit("End the agreement")
    expect(visitor.success_banner()).to_contain_text("Data-sharing agreement ended.")
    expect(visitor.main.locator(".govuk-warning-text")).to_have_count(0)

    visitor.goto("/admin/site-pages/privacy")
    visitor.click_link("Reset to the default text")
    visitor.submit("Reset to the default text")
    expect(visitor.success_banner()).to_contain_text("shows the default text again")
