"""Line managers in a real browser (issue 21, part "Line managers"): a learner names their
line manager on their account page and asks for a place on a course that needs the line
manager's approval; the line manager approves on their requests page (an account) or through
the e-mailed link (no account, never signed in); the learner's booking is then confirmed.
Every page is axe-audited."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import Person, Visitor
from trainhub.auth.models import Organisation, User, UserRole
from trainhub.courses.models import Course
from trainhub.extensions import db
from trainhub.mail.models import OutboxMessage

pytestmark = pytest.mark.browser

#: Learners on a course that needs their line manager's approval.
CERI = Person("ceri.jenkins@example.org", "ceri-browser-2026", "Ceri Jenkins")
DAFYDD = Person("dafydd.rees@example.org", "dafydd-browser-2026", "Dafydd Rees")
#: Ceri's line manager, who has an account.
MARED = Person("mared.thomas@example.org", "mared-browser-2026", "Mared Thomas")
#: Dafydd's line manager, who has no account: only an e-mail address.
NO_ACCOUNT = "gwen.price@council.example"
COHORTS: dict[str, int] = {}


@pytest.fixture(scope="module", autouse=True)
def line_manager_world(live_app: Flask) -> Iterator[None]:
    from tests.factories import make_cohort, make_course, set_test_password

    with live_app.app_context():
        cardiff = db.session.execute(
            select(Organisation).where(Organisation.name == "Cardiff Council")
        ).scalar_one()
        for who in (CERI, DAFYDD, MARED):
            user = User(email=who.email, full_name=who.full_name, organisation=cardiff)
            user.role_rows = [UserRole(role="learner")]
            set_test_password(user, who.password)
            db.session.add(user)
        course: Course = make_course(
            title="Supervising practice safely", line_manager_approval=True
        )
        COHORTS["first"] = make_cohort(course, title="Supervising practice, Cardiff").id
        COHORTS["second"] = make_cohort(course, title="Supervising practice, Newport").id
        db.session.commit()
        db.session.remove()
    yield


def request_a_place(visitor: Visitor, cohort_id: int) -> None:
    visitor.goto(f"/cohorts/{cohort_id}")
    visitor.submit("Request a place")
    expect(visitor.success_banner()).to_contain_text("Request sent to your line manager")
    expect(visitor.main).to_contain_text("Awaiting approval")


def see_booked(visitor: Visitor, person: Person, cohort_id: int) -> None:
    visitor.sign_in(person)
    visitor.goto(f"/cohorts/{cohort_id}")
    expect(visitor.main).to_contain_text("Booked")
    visitor.click_link("See your booking")
    expect(visitor.main).to_contain_text("Line manager approved")


def test_a_line_manager_with_an_account_approves_on_their_page(visitor: Visitor) -> None:
    visitor.sign_in(CERI)
    visitor.goto("/account")
    visitor.click_link("Name your line manager")
    visitor.page.get_by_label("Your line manager's email address").fill(MARED.email)
    visitor.submit("Save line manager")
    expect(visitor.success_banner()).to_contain_text(f"Your line manager is now {MARED.full_name}")
    request_a_place(visitor, COHORTS["first"])
    expect(visitor.main).to_contain_text(f"Waiting for your line manager, {MARED.full_name}")
    visitor.sign_out()

    visitor.sign_in(MARED)
    visitor.goto("/account")
    visitor.click_link("Requests from people you line manage")
    expect(visitor.main.get_by_role("heading", name=CERI.full_name)).to_be_visible()
    visitor.submit(f"Approve {CERI.full_name}")
    expect(visitor.success_banner()).to_contain_text(
        f"You approved the request from {CERI.full_name}"
    )
    expect(visitor.main).to_contain_text("No requests are waiting for your decision.")
    visitor.sign_out()

    see_booked(visitor, CERI, COHORTS["first"])


def test_a_line_manager_without_an_account_approves_through_the_link(
    visitor: Visitor, live_app: Flask
) -> None:
    visitor.sign_in(DAFYDD)
    visitor.goto(f"/cohorts/{COHORTS['second']}")
    expect(visitor.main).to_contain_text("This course needs your line manager's approval")
    visitor.click_link("Name your line manager")
    visitor.page.get_by_label("Your line manager's email address").fill(NO_ACCOUNT)
    visitor.submit("Save line manager", status=400)
    expect(visitor.error_summary()).to_contain_text("Enter your line manager's name")
    visitor.page.get_by_label("Your line manager's name").fill("Gwen Price")
    visitor.submit("Save line manager")
    request_a_place(visitor, COHORTS["second"])
    visitor.sign_out()

    with live_app.app_context():
        body = db.session.execute(
            select(OutboxMessage.body).where(OutboxMessage.to_address == NO_ACCOUNT)
        ).scalar_one()
        db.session.remove()
    match = re.search(r"(/line-manager/decide/[A-Za-z0-9_-]+)", body)
    assert match is not None, body
    link = match.group(1)

    # Opened by someone who has never signed in: the request, and the choice.
    visitor.page.context.clear_cookies()
    visitor.goto(link)
    expect(visitor.main.get_by_role("heading", level=1)).to_have_text(
        f"Approve training for {DAFYDD.full_name}"
    )
    visitor.submit("Approve")
    expect(visitor.main).to_contain_text("You approved this request")
    expect(visitor.main.get_by_role("button", name="Approve")).to_have_count(0)
    assert visitor.page.context.cookies() == []  # no session was ever given

    see_booked(visitor, DAFYDD, COHORTS["second"])
