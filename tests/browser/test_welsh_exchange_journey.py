"""Welsh from a translator (issue 20), in a real browser: an administrator downloads the texts
that lack Welsh as XLIFF, the translator fills one target, the administrator uploads it,
checks the confirmation page and imports it; the course page then shows the Welsh. A file
that is not XLIFF or CSV comes back with its error on the field. Every page is audited with
axe-core and drawn at 320 px (``Visitor``).

The Welsh step asserts on the course's own Welsh and ``lang`` attributes: the new interface
strings arrive in Welsh with the merged catalogue."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.conftest import DEMO, Visitor, cy
from trainhub.courses.models import Course
from trainhub.extensions import db
from trainhub.site.welsh_exchange import XLIFF_NS

pytestmark = pytest.mark.browser

CODE = "FFI-3DAY"
SUMMARY_CY = "Modiwl tri diwrnod ar ymyriadau sy'n canolbwyntio ar y teulu, gan gyfieithydd."
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture
def course_id(live_app: Flask) -> Iterator[int]:
    """The course the translator works on; its summary goes back to having no Welsh after."""
    with live_app.app_context():
        course = db.session.execute(select(Course).where(Course.code == CODE)).scalar_one()
        found = course.id
        db.session.remove()
    yield found
    with live_app.app_context():
        course = db.session.execute(select(Course).where(Course.code == CODE)).scalar_one()
        course.summary_cy = None
        db.session.commit()
        db.session.remove()


def _translate(data: bytes, key: str, welsh: str) -> bytes:
    """What the translator's tool does: writes the Welsh into one unit's target."""
    ET.register_namespace("", XLIFF_NS)
    root = ET.fromstring(data)
    for unit in root.iter(f"{{{XLIFF_NS}}}trans-unit"):
        if unit.get("id") == key:
            assert unit.find(f"{{{XLIFF_NS}}}target") is None  # it lacked Welsh
            ET.SubElement(unit, f"{{{XLIFF_NS}}}target", {XML_LANG: "cy"}).text = welsh
            break
    else:
        raise AssertionError(f"{key} is not in the download")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def test_an_admin_imports_a_translators_welsh(
    visitor: Visitor, page: Page, course_id: int, tmp_path: Path
) -> None:
    visitor.sign_in(DEMO["admin"])
    visitor.goto("/admin/welsh")
    expect(visitor.main.get_by_role("heading", name="Work with a translator")).to_be_visible()
    expect(visitor.main.get_by_label("Only texts without Welsh")).to_be_checked()
    with page.expect_download() as download:
        visitor.main.get_by_role("button", name="Download XLIFF, for translation tools").click()
    assert download.value.suggested_filename.endswith(".xlf")
    exported = Path(download.value.path()).read_bytes()
    key = f"courses:{course_id}:summary"
    filled = tmp_path / "cymraeg.xlf"
    filled.write_bytes(_translate(exported, key, SUMMARY_CY))

    # A file that is neither XLIFF nor CSV: the error on the field, nothing imported.
    wrong = tmp_path / "photo.png"
    wrong.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    visitor.click_link("Import a translation")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a translation")
    page.get_by_label("XLIFF or CSV file").set_input_files(str(wrong))
    visitor.submit("Upload and check", 400)
    expect(visitor.error_summary()).to_contain_text("not XLIFF or CSV")

    page.get_by_label("XLIFF or CSV file").set_input_files(str(filled))
    visitor.submit("Upload and check")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check the Welsh before you import it"
    )
    changes = visitor.main.get_by_role("region", name="What will change")
    row = changes.get_by_role("row", name=re.compile("Summary"))
    expect(row).to_have_count(1)
    expect(row.locator('td[lang="cy"]')).to_have_text(SUMMARY_CY)
    visitor.submit("Import 1 translation")
    expect(page).to_have_url(re.compile(r"/admin/welsh$"))
    expect(visitor.success_banner()).to_contain_text("1 translation imported.")

    # A visitor reading in Welsh gets the translator's Welsh, as Welsh.
    visitor.sign_out()
    visitor.goto(f"/language/cy?next=/courses/{CODE}")
    summary = visitor.main.get_by_text(SUMMARY_CY)
    expect(summary).to_be_visible()
    expect(summary).not_to_have_attribute("lang", "en")
    expect(visitor.main.locator("dt", has_text=cy("Duration"))).to_be_visible()
    visitor.goto("/language/en?next=/")
