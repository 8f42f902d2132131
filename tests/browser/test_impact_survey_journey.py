"""The follow-up impact survey (R34) in a real browser: a learner who completed the core
three months ago is sent the survey by the daily job and answers it from their feedback
page; a manager sees "too few answers" in "Is anyone better off?" until five people have
answered (the others through the services), then the figures."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import DEMO, Person, Visitor, core_completer
from trainhub.auth.models import User
from trainhub.courses.models import local_today
from trainhub.extensions import db
from trainhub.feedback.models import ImpactRequest
from trainhub.feedback.services import impact
from trainhub.financial_years import financial_year, financial_year_label
from trainhub.mail.models import OutboxMessage

pytestmark = pytest.mark.browser

#: Completed the core three months ago: the survey is due today.
GWEN = Person("gwen.impact@example.org", "gwen-browser-2026", "Gwen Parry")
#: Completed with her; the first three answer before the journey, the last one during it.
OTHERS = [
    Person(f"impact.other{n}@example.org", f"other-browser-{n}-2026", f"Other Learner {n}")
    for n in range(4)
]
THIS_FY = financial_year_label(financial_year(local_today()))
QUESTION = "Has your practice changed since the training?"


def answer_for(who: Person) -> None:
    """``who`` answers their survey through the service, as the page would."""
    request = db.session.execute(
        select(ImpactRequest).join(ImpactRequest.user).where(User.email == who.email)
    ).scalar_one()
    impact.submit_impact_response(
        request.user,
        request,
        {
            "practice_changed": "yes",
            "safety_plans": "yes",
            "confidence_motivation": 4,
            "confidence_risk": 4,
            "transfer": 5,
            "example": "We close cases sooner with safety plans.",
        },
    )


@pytest.fixture(scope="module", autouse=True)
def completers(live_app: Flask) -> Iterator[None]:
    with live_app.app_context():
        for who in (GWEN, *OTHERS):
            core_completer(who, days_ago=impact.after_days())
        db.session.commit()
        # The daily job (``flask feedback remind``) on the day the survey is due.
        assert impact.send_impact_surveys() >= 5
        db.session.commit()
        for who in OTHERS[:3]:
            answer_for(who)
        db.session.commit()
        db.session.remove()
    yield


def test_a_learner_answers_and_a_manager_sees_the_figures_from_five(
    visitor: Visitor, live_app: Flask
) -> None:
    with live_app.app_context():
        mailed = db.session.execute(
            select(OutboxMessage.subject).where(OutboxMessage.to_address == GWEN.email)
        ).scalars()
        assert "Has IFSS Family Focussed Intervention" in " ".join(mailed)

    # The learner finds the survey among their tasks and answers it.
    visitor.sign_in(GWEN)
    visitor.goto("/my/feedback")
    expect(visitor.main.get_by_role("heading", name="Follow-up surveys")).to_be_visible()
    visitor.follow(
        visitor.main.get_by_role("link", name=re.compile("^Answer the follow-up survey"))
    )
    expect(visitor.page.locator("h1")).to_contain_text("has your practice changed?")
    visitor.submit("Send answers", status=400)
    expect(visitor.error_summary()).to_contain_text("Answer yes or no")
    visitor.main.get_by_role("group", name=QUESTION).get_by_label("Yes").check()
    visitor.main.get_by_role(
        "group", name="Do you now use safety plans instead of written agreements?"
    ).get_by_label("This does not apply to my work").check()
    for statement in (
        "I am more confident helping families find the motivation to change.",
        "I am more confident working with families where there is risk.",
        "I have been able to use what I learned in my day-to-day work.",
    ):
        visitor.main.get_by_role("group", name=statement).get_by_label("4 Agree").check()
    visitor.main.get_by_role(
        "textbox", name=re.compile("^Tell us about something you now do differently")
    ).fill("I write safety plans with families instead of agreements.")
    visitor.submit("Send answers")
    expect(visitor.success_banner()).to_contain_text("Thank you: your answers have been sent.")
    expect(
        visitor.main.get_by_role("table", name="Follow-up surveys we asked you to answer")
    ).to_contain_text("Sent")
    visitor.sign_out()

    # Four answers: the manager sees n and the reason, nothing else.
    visitor.sign_in(DEMO["manager"])
    visitor.goto(f"/reports/statistics?fy={THIS_FY}")
    expect(visitor.main).to_contain_text("Is anyone better off?")
    expect(visitor.main).to_contain_text("Too few answers to show. 4 responses so far (n = 4).")
    expect(visitor.main).not_to_contain_text(QUESTION)
    expect(visitor.main).not_to_contain_text("safety plans with families")

    # The fifth answer: the figures show, the written examples still do not.
    with live_app.app_context():
        answer_for(OTHERS[3])
        db.session.commit()
        db.session.remove()
    visitor.goto(f"/reports/statistics?fy={THIS_FY}")
    row = visitor.main.get_by_role("row").filter(has_text=QUESTION)
    expect(row).to_contain_text("5")
    expect(row).to_contain_text("100.0%")
    expect(visitor.main).not_to_contain_text("Too few answers to show")
    expect(visitor.main).not_to_contain_text("safety plans with families")
