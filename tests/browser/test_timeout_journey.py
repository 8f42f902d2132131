"""The idle-timeout warning in a real browser (WCAG 2.2.1 Timing Adjustable): a signed-in
page warns before the sign-in ends for want of use, "Stay signed in" keeps it, and a sign-in
that ended anyway sends the page to the sign-in page saying why. The warning is set to open
a few seconds after the page loads; the test waits for the dialog, never for a time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import DEMO, Visitor
from trainhub.auth.models import User, UserSession
from trainhub.extensions import db, utcnow

pytestmark = pytest.mark.browser

#: The sign-in lasts an hour idle, and the warning opens this many seconds after a page loads.
OPENS_AFTER = 3


@pytest.fixture(autouse=True)
def early_warning(live_app: Flask) -> Iterator[None]:
    idle = live_app.config["SESSION_IDLE_TIMEOUT"]
    live_app.config["SESSION_TIMEOUT_WARNING"] = idle - OPENS_AFTER
    yield
    live_app.config["SESSION_TIMEOUT_WARNING"] = 120


def last_active(app: Flask, email: str) -> UserSession:
    with app.app_context():
        sign_in = db.session.execute(
            select(UserSession)
            .join(User)
            .where(User.email == email, UserSession.ended_at.is_(None))
            .order_by(UserSession.id.desc())
        ).scalar_one()
        db.session.expunge(sign_in)
        return sign_in


def idle_for_an_hour(app: Flask, sign_in: UserSession) -> None:
    with app.app_context():
        found = db.session.get(UserSession, sign_in.id)
        assert found is not None
        found.last_seen_at = utcnow() - timedelta(hours=1, minutes=1)
        db.session.commit()


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_the_warning_opens_and_stay_signed_in_keeps_the_sign_in(
    visitor: Visitor, live_app: Flask, lang: str
) -> None:
    person = DEMO["learner"]
    visitor.sign_in(person)
    if lang == "cy":
        visitor.follow(visitor.header.get_by_role("link", name="Cymraeg"))
    visitor.goto("/account")
    before = last_active(live_app, person.email).last_seen_at

    dialog = visitor.page.locator("dialog#timeout-warning")
    expect(dialog).to_be_visible()
    expect(visitor.page.locator("html")).to_have_attribute("lang", lang)
    visitor.audit()  # the open dialog too
    stay = dialog.locator('[data-action="stay"]')
    expect(stay).to_be_focused()  # a modal dialog takes the focus to its first button
    stay.click()
    expect(dialog).to_be_hidden()
    assert last_active(live_app, person.email).last_seen_at > before
    visitor.follow(visitor.page.locator("#sign-out-form button"))


def test_a_sign_in_that_ended_sends_the_page_to_sign_in_saying_why(
    visitor: Visitor, live_app: Flask
) -> None:
    person = DEMO["trainer"]
    visitor.sign_in(person)
    visitor.goto("/account")
    # Meanwhile the sign-in has gone unused for an hour (another tab, a laptop asleep):
    # the warning asks the server first, learns it is over and reloads the page.
    idle_for_an_hour(live_app, last_active(live_app, person.email))
    expect(visitor.page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(visitor.main).to_contain_text(
        "You were signed out because you had not used trainhub for 60 minutes."
    )
    visitor.audit()
