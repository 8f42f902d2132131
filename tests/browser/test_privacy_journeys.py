"""Data protection in a real browser: a learner downloads their data (in English and in
Welsh), and an administrator erases a person, whose certificate's verification page then
says only that it was withdrawn at the holder's request."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.conftest import DEMO, Person, Visitor, core_completer
from tests.uploads import build
from trainhub.accreditation.models import Certificate
from trainhub.accreditation.services.cpd import ActivityInput, log_activity
from trainhub.courses.models import local_today
from trainhub.extensions import db
from trainhub.uploads import Upload

pytestmark = pytest.mark.browser

#: A learner with a completed core course (a certificate) and CPD evidence uploaded.
ELIN = Person("elin.morgan@example.org", "elin-browser-2026", "Elin Morgan")
#: A learner who asked to be erased; her certificate's code is kept for the check.
HUW = Person("huw.lloyd@example.org", "huw-browser-2026", "Huw Lloyd")
CODES: dict[str, str] = {}
IDS: dict[str, int] = {}
#: Each person's CPD activity (with evidence), by e-mail.
ACTIVITIES: dict[str, int] = {}


@pytest.fixture(scope="module", autouse=True)
def privacy_people(live_app: Flask) -> Iterator[None]:
    with live_app.app_context():
        for who in (ELIN, HUW):
            user = core_completer(who, days_ago=20)
            activity = log_activity(
                user,
                ActivityInput("Reading group", local_today(), Decimal(2)),
                Upload("reading-group.pdf", build.minimal_pdf(who.email)),
            )
            IDS[who.email] = user.id
            ACTIVITIES[who.email] = activity.id
        db.session.flush()
        CODES[HUW.email] = db.session.execute(
            select(Certificate.code).where(Certificate.user_id == IDS[HUW.email])
        ).scalar_one()
        db.session.commit()
        db.session.remove()
    yield


def _download_zip(page: Page, visitor: Visitor) -> zipfile.ZipFile:
    with page.expect_download() as download:
        visitor.main.get_by_role("button", name=re.compile("(ZIP)")).click()
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"PK")
    return zipfile.ZipFile(io.BytesIO(data))


def test_a_learner_downloads_their_data(visitor: Visitor, page: Page) -> None:
    visitor.sign_in(ELIN)
    visitor.goto("/account")
    visitor.click_link("Download your data")
    expect(visitor.main.get_by_role("heading", level=1)).to_have_text("Download your data")
    archive = _download_zip(page, visitor)
    names = archive.namelist()
    assert "index.html" in names and "profile.json" in names and "certificates.json" in names
    assert any(name.startswith("files/cpd-evidence/") for name in names)
    index = archive.read("index.html").decode()
    assert '<html lang="en">' in index and ELIN.full_name in index


def test_a_learner_downloads_their_data_in_welsh(visitor: Visitor, page: Page) -> None:
    visitor.sign_in(ELIN)
    visitor.goto("/language/cy?next=/account/data")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    assert page.url.endswith("/account/data")
    archive = _download_zip(page, visitor)
    assert '<html lang="cy">' in archive.read("index.html").decode()


def test_an_admin_erases_a_person_and_the_verify_page_says_only_that(
    visitor: Visitor, page: Page
) -> None:
    huw_id, code = IDS[HUW.email], CODES[HUW.email]
    visitor.sign_in(DEMO["admin"])
    visitor.goto(f"/admin/users/{huw_id}")
    visitor.click_link("Erase this person")
    expect(visitor.main.get_by_role("heading", level=1)).to_have_text("Erase this person?")
    expect(visitor.main).to_contain_text(HUW.full_name)
    visitor.submit("Erase this person", status=400)
    expect(visitor.error_summary()).to_contain_text("Enter the reason for erasing this person")
    visitor.page.get_by_label("Why is this person being erased?").fill(
        "His request of 6 December (DPA-2026-031)"
    )
    visitor.submit("Erase this person")
    expect(visitor.success_banner()).to_contain_text(f"{HUW.full_name} has been erased.")
    expect(visitor.main.get_by_role("heading", level=1)).to_have_text(
        f"Account of Erased person {huw_id}"
    )
    # His evidence is gone, and its address says so (not a storage error).
    visitor.goto(f"/cpd/activities/{ACTIVITIES[HUW.email]}/evidence", status=410)
    expect(visitor.main.get_by_role("heading", level=1)).to_have_text("This file was deleted")
    expect(visitor.main).to_contain_text("deleted under the retention schedule")
    visitor.sign_out()

    # Anyone checking the certificate learns only that it was withdrawn.
    visitor.goto(f"/verify/{code}")
    expect(visitor.main).to_contain_text("This certificate was withdrawn at the holder's request.")
    for absent in (HUW.full_name, "Erased person", "Awarded to", CORE_TITLE_START):
        expect(visitor.main).not_to_contain_text(absent)
    # He can no longer sign in.
    visitor.goto("/sign-in")
    visitor.page.get_by_label("Email address").fill(HUW.email)
    visitor.page.get_by_label("Password", exact=True).fill(HUW.password)
    visitor.submit("Sign in", status=400)


CORE_TITLE_START = "IFSS Family Focussed Intervention"
