"""Open Badges in a real browser: a learner downloads their signed badge and makes a public
link to it; a visitor opens the link, checks the badge on the verification page (pasted,
then the baked image uploaded) and sees it is valid; the learner withdraws the link."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import Person, Visitor, core_completer
from trainhub.accreditation.services.credential_keys import generate
from trainhub.extensions import db

pytestmark = pytest.mark.browser

#: A learner with a completed core course, so a certificate and its badge.
CERI = Person("ceri.badge@example.org", "ceri-browser-2026", "Ceri Bowen")
CORE_TITLE_START = "IFSS Family Focussed Intervention"


@pytest.fixture(scope="module", autouse=True)
def badge_holder(live_app: Flask, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    keys = tmp_path_factory.mktemp("credential-keys")
    generate(keys)
    live_app.config["CREDENTIALS_KEY_DIR"] = str(keys)  # not the project's instance folder
    with live_app.app_context():
        core_completer(CERI, days_ago=10)
        db.session.commit()
        db.session.remove()
    yield


def _download(page: Page, visitor: Visitor, link: str) -> Path:
    with page.expect_download() as download:
        visitor.main.get_by_role("link", name=re.compile(re.escape(link))).click()
    return Path(download.value.path())


def test_a_shared_badge_checks_out_as_valid_until_the_link_is_withdrawn(
    visitor: Visitor, page: Page
) -> None:
    visitor.sign_in(CERI)
    visitor.goto("/my/certificates")
    expect(visitor.main.get_by_role("heading", name="Your Open Badges")).to_be_visible()
    token = _download(page, visitor, "Signed badge (.jwt)").read_text()
    assert token.count(".") == 2
    baked = _download(page, visitor, "Badge image (.svg)")
    assert "<openbadges:credential>" in baked.read_text()
    baked_png = _download(page, visitor, "Badge image (.png)")
    assert baked_png.read_bytes().startswith(b"\x89PNG")

    visitor.follow(visitor.main.get_by_role("button", name=re.compile("^Make a public link")))
    expect(visitor.success_banner()).to_contain_text("Public link made.")
    visitor.follow(visitor.main.get_by_role("link", name=re.compile("^Open the public page")))
    public_path = page.url.removeprefix(visitor.base_url)
    assert public_path.startswith("/badges/")
    visitor.sign_out()

    # Someone the learner gave the link to.
    visitor.goto(public_path)
    expect(visitor.main.get_by_role("heading", level=1)).to_contain_text(CORE_TITLE_START)
    expect(visitor.main).to_contain_text(CERI.full_name)
    expect(visitor.main.get_by_role("img")).to_be_visible()
    visitor.goto("/verify")
    visitor.page.get_by_label("Paste the badge").fill(token)
    visitor.submit("Check badge")
    expect(visitor.main.locator(".govuk-panel")).to_contain_text("Valid badge")
    expect(visitor.main).to_contain_text(CERI.full_name)

    # The baked image, uploaded, is the same badge.
    visitor.click_link("Check another badge")
    visitor.page.get_by_label("Or upload the badge file").set_input_files(str(baked))
    visitor.submit("Check badge")
    expect(visitor.main.locator(".govuk-panel")).to_contain_text("Valid badge")

    visitor.click_link("Check another badge")
    visitor.page.get_by_label("Or upload the badge file").set_input_files(str(baked_png))
    visitor.submit("Check badge")
    expect(visitor.main.locator(".govuk-panel")).to_contain_text("Valid badge")

    # Something that is not a badge: the field says what is wrong.
    visitor.click_link("Check another badge")
    visitor.page.get_by_label("Paste the badge").fill("not a badge at all")
    visitor.submit("Check badge", status=400)
    expect(visitor.error_summary()).to_contain_text("This is not a badge")

    # The learner withdraws the link.
    visitor.sign_in(CERI)
    visitor.goto("/my/certificates")
    visitor.follow(visitor.main.get_by_role("link", name=re.compile("^Withdraw the link")))
    expect(visitor.main.get_by_role("heading", level=1)).to_have_text(
        "Withdraw the public link to this badge?"
    )
    visitor.submit("Withdraw the link")
    expect(visitor.success_banner()).to_contain_text("Public link withdrawn.")
    expect(
        visitor.main.get_by_role("button", name=re.compile("^Make a public link"))
    ).to_be_visible()
    visitor.sign_out()

    visitor.goto(public_path, status=410)
    expect(visitor.main.get_by_role("heading", level=1)).to_have_text(
        "This badge link has been withdrawn"
    )
    expect(visitor.main).not_to_contain_text(CERI.full_name)
