"""A certificate in Welsh and English, in a real browser (issue 20): a learner browsing in
Welsh chooses Cymraeg for their Open Badge and downloads it and their certificate (one PDF,
Welsh first, both course names); anyone checking the certificate sees both names, each
marked with its language. Every page is audited with axe-core (``Visitor``).

Interface strings new with this part arrive with the merged catalogue: the Welsh steps name
them through ``cy`` (the msgid until then) and assert on the course's own Welsh."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.conftest import Person, Visitor, core_completer, cy
from tests.pdf_text import pdf_text
from trainhub.accreditation.services.credential_keys import generate
from trainhub.courses.models import Course
from trainhub.extensions import db

pytestmark = pytest.mark.browser

#: A learner with a completed core course (so a certificate) who reads trainhub in Welsh.
LOWRI = Person("lowri.dwyieithog@example.org", "lowri-browser-2026", "Lowri Dwyieithog")
CORE_CY = "Ymyriad sy'n Canolbwyntio ar y Teulu IFSS: y cwrs craidd"


@pytest.fixture(scope="module", autouse=True)
def welsh_certificate(live_app: Flask, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Lowri's certificate, issued while the core course has a Welsh title (taken away after:
    the live app is shared by the journeys)."""
    keys = tmp_path_factory.mktemp("credential-keys")
    generate(keys)
    live_app.config["CREDENTIALS_KEY_DIR"] = str(keys)
    with live_app.app_context():
        core = db.session.execute(select(Course).where(Course.code == "IFSS-CORE")).scalar_one()
        core.title_cy = CORE_CY
        core_completer(LOWRI, days_ago=12)
        english = core.title
        db.session.commit()
        db.session.remove()
    yield english
    with live_app.app_context():
        core = db.session.execute(select(Course).where(Course.code == "IFSS-CORE")).scalar_one()
        core.title_cy = None
        db.session.commit()
        db.session.remove()


def _download(page: Page, visitor: Visitor, link: str) -> Path:
    with page.expect_download() as download:
        visitor.main.get_by_role("link", name=re.compile(re.escape(link))).first.click()
    return Path(download.value.path())


def test_a_learner_in_welsh_takes_a_welsh_badge_and_a_bilingual_certificate(
    visitor: Visitor, page: Page, welsh_certificate: str
) -> None:
    english = welsh_certificate
    visitor.goto("/language/cy?next=/sign-in")
    visitor.sign_in(LOWRI)
    visitor.goto("/my/certificates")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    # The course is named in Welsh on a Welsh page.
    expect(visitor.main.get_by_role("table")).to_contain_text(CORE_CY)

    # Their account says English (the default), so the choice starts there: they choose Cymraeg.
    choice = visitor.main.get_by_role("group", name=cy("Language of your Open Badges"))
    expect(choice.get_by_label("English", exact=True)).to_be_checked()
    choice.get_by_label("Cymraeg", exact=True).check()
    visitor.submit(cy("Use this language"))
    expect(page).to_have_url(re.compile(r"/my/certificates\?language=cy"))
    expect(choice.get_by_label("Cymraeg", exact=True)).to_be_checked()

    token = _download(page, visitor, cy("Signed badge (.jwt)")).read_text()
    claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    assert claims["name"] == CORE_CY
    assert claims["credentialSubject"]["achievement"]["inLanguage"] == "cy"

    # One certificate, Welsh first, both names.
    pdf = _download(page, visitor, cy("PDF")).read_bytes()
    assert pdf.startswith(b"%PDF")
    # (Without spaces: a long name wraps at a hyphen as well as at a space.)
    text = pdf_text(pdf).replace(" ", "")
    assert text.index(CORE_CY.replace(" ", "")) < text.index(english.replace(" ", ""))

    # Anyone checking it sees both names, each in its own language.
    visitor.follow(visitor.main.get_by_role("table").get_by_role("link").first)
    expect(page).to_have_url(re.compile(r"/verify/[0-9A-Z]{12}$"))
    expect(visitor.main.locator('[lang="cy"]', has_text=CORE_CY)).to_have_count(1)
    expect(visitor.main.locator('[lang="en"]', has_text=english)).to_have_count(1)

    # In English too.
    visitor.goto(f"/language/en?next={page.url.removeprefix(visitor.base_url)}")
    expect(visitor.main.locator('[lang="cy"]', has_text=CORE_CY)).to_have_count(1)
    expect(visitor.main.locator('[lang="en"]', has_text=english)).to_have_count(1)
