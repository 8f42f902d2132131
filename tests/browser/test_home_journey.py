"""The home page's next actions in a real browser, in English and Welsh: a learner with an
offer of a place and feedback owed, a trainer with a register due today, a manager with a
request for a place to decide; each follows the action's link to the page where it is done.
(Welsh wording of the new sentences arrives when the lead merges the translations: the
Welsh visits check the structure and the addresses.)"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.browser.conftest import Person, Visitor
from tests.factories import (
    PASSWORD,
    make_booking,
    make_cohort,
    make_organisation,
    make_user,
)
from trainhub.courses.models import local_today
from trainhub.extensions import db, utcnow
from trainhub.feedback.models import FeedbackRequest

pytestmark = pytest.mark.browser

LEARNER = Person("lowri.home@example.org", PASSWORD, "Lowri Home")
TRAINER = Person("tomos.home@example.org", PASSWORD, "Tomos Home")
MANAGER = Person("mared.home@example.org", PASSWORD, "Mared Home")
#: The addresses of each person's actions, filled in by ``people``.
LINKS: dict[str, str] = {}


@pytest.fixture(scope="module", autouse=True)
def people(live_app: Flask) -> Iterator[None]:
    with live_app.app_context():
        today = local_today()
        learner = make_user(roles=["learner"], email=LEARNER.email, full_name=LEARNER.full_name)
        ended = make_cohort(start=today - timedelta(days=14), status="completed", title="Past day")
        request = FeedbackRequest(cohort=ended, user=learner)
        db.session.add(request)
        offered = make_cohort(title="Offered cohort")
        offer = make_booking(
            offered, learner, status="offered", offer_expires_at=utcnow() + timedelta(hours=40)
        )
        trainer = make_user(roles=["trainer"], email=TRAINER.email, full_name=TRAINER.full_name)
        running = make_cohort(start=today, title="Running today", facilitators=[trainer])
        make_booking(running)
        organisation = make_organisation("Home Journey Council")
        make_user(
            roles=["manager"],
            email=MANAGER.email,
            full_name=MANAGER.full_name,
            organisation=organisation,
        )
        asking = make_user(roles=["learner"], organisation=organisation)
        make_booking(make_cohort(title="Needs approval"), asking, status="requested")
        db.session.flush()
        LINKS.update(
            offer=f"/bookings/{offer.id}/offer",
            feedback=f"/feedback/{request.id}",
            register=f"/cohorts/{running.id}/days/1/register",
            cofacilitator=f"/cohorts/{running.id}",
            approvals="/approvals",
        )
        db.session.commit()
        db.session.remove()
    yield


def actions(visitor: Visitor) -> list[str]:
    """The addresses the home page's list of next actions links to, in order."""
    links = visitor.main.locator("#actions > li > a")
    expect(links.first).to_be_visible()
    return [links.nth(i).get_attribute("href") or "" for i in range(links.count())]


def in_welsh(visitor: Visitor) -> None:
    visitor.goto("/language/cy?next=/")
    expect(visitor.page.locator("html")).to_have_attribute("lang", "cy")


def test_a_learner_follows_their_offer_and_the_feedback_they_owe(visitor: Visitor) -> None:
    visitor.sign_in(LEARNER)
    visitor.goto("/")
    expect(visitor.main.get_by_role("heading", name="What you need to do next")).to_be_visible()
    assert actions(visitor) == [LINKS["offer"], LINKS["feedback"]]
    expect(visitor.main).to_contain_text("A place on Offered cohort is offered to you")
    expect(visitor.main).to_contain_text("Give your feedback on Past day")
    expect(visitor.main.get_by_role("heading", name="Everything else")).to_be_visible()

    visitor.follow(visitor.main.get_by_role("link", name="A place on Offered cohort", exact=False))
    assert visitor.page.url.endswith(LINKS["offer"])
    visitor.goto("/")
    visitor.follow(visitor.main.get_by_role("link", name="Give your feedback on Past day"))
    assert visitor.page.url.endswith(LINKS["feedback"])

    in_welsh(visitor)
    assert actions(visitor) == [LINKS["offer"], LINKS["feedback"]]
    visitor.follow(visitor.main.locator(f'#actions a[href="{LINKS["feedback"]}"]'))
    assert visitor.page.url.endswith(LINKS["feedback"])


def test_a_trainer_takes_todays_register_from_home(visitor: Visitor) -> None:
    visitor.sign_in(TRAINER)
    visitor.goto("/")
    assert actions(visitor) == [LINKS["register"], LINKS["cofacilitator"]]
    expect(visitor.main).to_contain_text("Take the register for Running today, day 1")

    visitor.follow(visitor.main.get_by_role("link", name="Take the register for Running today"))
    assert visitor.page.url.endswith(LINKS["register"])

    in_welsh(visitor)
    assert actions(visitor) == [LINKS["register"], LINKS["cofacilitator"]]
    visitor.follow(visitor.main.locator(f'#actions a[href="{LINKS["register"]}"]'))
    assert visitor.page.url.endswith(LINKS["register"])


def test_a_manager_goes_from_home_to_the_requests_to_decide(visitor: Visitor) -> None:
    visitor.sign_in(MANAGER)
    visitor.goto("/")
    links = actions(visitor)
    assert links[0] == LINKS["approvals"]
    expect(visitor.main).to_contain_text("1 request for a place is waiting for your decision")
    expect(visitor.main).to_contain_text("annual report")

    visitor.follow(visitor.main.get_by_role("link", name="1 request for a place", exact=False))
    assert visitor.page.url.endswith(LINKS["approvals"])
    expect(visitor.main).to_contain_text("Needs approval")

    in_welsh(visitor)
    assert actions(visitor)[0] == LINKS["approvals"]
    visitor.follow(visitor.main.locator(f'#actions a[href="{LINKS["approvals"]}"]'))
    assert visitor.page.url.endswith(LINKS["approvals"])
