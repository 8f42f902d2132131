"""Bringing history in, in a real browser: a manager uploads a small file with mistakes, sees
them by line, then checks the corrected file (a dry run) and imports it."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DEMO, Visitor

pytestmark = pytest.mark.browser

HEADER = "email,full_name,course_code,completed_on\n"
GOOD = (
    HEADER + "rhian.example@example.org,Rhian Example,IFSS-CORE,2014-05-12\n"
    "alys.example@example.org,Alys Example,IFSS-CORE,24/09/2014\n"
)
BAD = (
    HEADER + "rhian.example@example.org,Rhian Example,IFSS-CORE,2014-05-45\n"
    "alys.example@example.org,Alys Example,IFSS-NOPE,24/09/2014\n"
)


def test_manager_imports_past_completions_errors_first(visitor: Visitor, tmp_path: Path) -> None:
    page = visitor.page
    bad = tmp_path / "staff-bad.csv"
    bad.write_text(BAD, encoding="utf-8")
    good = tmp_path / "staff.csv"
    good.write_text(GOOD, encoding="utf-8")

    visitor.sign_in(DEMO["manager"])
    visitor.goto("/admin")
    visitor.click_link("Bring history in from a spreadsheet")
    expect(page.locator("h1")).to_have_text("Bring history in from a spreadsheet")

    # A file with two bad lines: nothing is imported, and each line says what is wrong.
    page.get_by_label("People's past completions of courses").check()
    page.get_by_label("CSV or XLSX file").set_input_files(str(bad))
    expect(page.get_by_label("Check only (dry run)")).to_be_checked()
    visitor.submit("Upload and check", status=400)
    expect(visitor.error_summary()).to_contain_text("2 problems: nothing was imported")
    problems = visitor.main.get_by_role("table", name="Problems in the file")
    expect(problems.get_by_role("row").nth(1)).to_contain_text("2")
    expect(problems.get_by_role("row").nth(1)).to_contain_text("“2014-05-45” is not a date")
    expect(problems.get_by_role("row").nth(2)).to_contain_text("IFSS-NOPE")

    # The corrected file: checked first (a dry run), then imported with the button.
    page.get_by_label("People's past completions of courses").check()
    page.get_by_label("CSV or XLSX file").set_input_files(str(good))
    visitor.submit("Upload and check")
    expect(page.locator("h1")).to_have_text("Check what would be added")
    expect(visitor.main).to_contain_text("2 to add")
    expect(visitor.main).to_contain_text("rhian.example@example.org")
    visitor.submit("Import these records")
    expect(page.locator(".govuk-panel")).to_contain_text("History imported")
    expect(page.locator(".govuk-panel")).to_contain_text("2 records added from staff.csv")
    records = visitor.main.get_by_role("table", name="Records added")
    expect(records).to_contain_text("Rhian Example: IFSS-CORE")

    visitor.follow(page.get_by_role("link", name="Back to the files brought in"))
    expect(visitor.main.get_by_role("link", name="staff.csv")).to_be_visible()
