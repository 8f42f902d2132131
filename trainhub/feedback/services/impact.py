"""The follow-up impact survey (R34): some months after completing a course, a learner is
asked whether their practice has changed (safety plans instead of written agreements, more
confidence), once per completion, with one reminder.

Anonymous like the end-of-course feedback: the request (who was asked, reminded, has
answered) and the response (what was said) are separate rows with no link between them,
and the request keeps no date of the answer.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select
from sqlalchemy.orm import joinedload

from trainhub.auth.models import User
from trainhub.courses.models import Completion
from trainhub.errors import ConflictError, PermissionDenied, ValidationFailed
from trainhub.extensions import db, utcnow
from trainhub.feedback.models import (
    RATING,
    RATING_VALUES,
    TEXT,
    YES_NO,
    ImpactAnswer,
    ImpactRequest,
    ImpactResponse,
)
from trainhub.feedback.services import notices
from trainhub.jobs import run_alone
from trainhub.localtime import local_today

log = logging.getLogger(__name__)

#: The version of the questions below: a response keeps the one it answered.
VERSION = 1
#: Completions this many days older than the survey's time are no longer asked: a first
#: run (or a job stopped for weeks) does not ask about training long past.
LATEST_AFTER_DAYS = 28
#: The one reminder, this many days after asking.
REMIND_AFTER_DAYS = 14
MAX_REMINDERS = 1
MAX_TEXT = 4000
#: A yes-or-no question's answers: yes 1, no 0, and "does not apply" kept as no answer.
YES, NO, NOT_APPLICABLE = "yes", "no", "not_applicable"


@dataclass(frozen=True)
class Question:
    #: Stable: the report adds up answers by it.
    key: str
    #: ``YES_NO``, ``RATING`` (1 strongly disagree to 5 strongly agree) or ``TEXT``.
    kind: str
    text: Any
    #: A yes-or-no question that may not apply to someone's work.
    may_not_apply: bool = False


#: The survey, in order (DOMAIN.md R34 and §4.3: safety plans replacing written agreements;
#: training "easy to transfer into their day to day work").
QUESTIONS = (
    Question("practice_changed", YES_NO, _l("Has your practice changed since the training?")),
    Question(
        "safety_plans",
        YES_NO,
        _l("Do you now use safety plans instead of written agreements?"),
        may_not_apply=True,
    ),
    Question(
        "confidence_motivation",
        RATING,
        _l("I am more confident helping families find the motivation to change."),
    ),
    Question(
        "confidence_risk",
        RATING,
        _l("I am more confident working with families where there is risk."),
    ),
    Question(
        "transfer",
        RATING,
        _l("I have been able to use what I learned in my day-to-day work."),
    ),
    Question(
        "example",
        TEXT,
        _l("Tell us about something you now do differently because of the training."),
    ),
)


def after_days() -> int:
    """How long after completing a course the survey is sent (``IMPACT_SURVEY_AFTER_DAYS``)."""
    return int(current_app.config.get("IMPACT_SURVEY_AFTER_DAYS", 91))


def send_impact_surveys(today: dt.date | None = None, now: dt.datetime | None = None) -> int:
    """Ask everyone whose completion reached the survey's time (not a completion recorded
    from records, not an inactive account), once each; how many were asked.

    Part of ``flask feedback remind``: two runs at the same moment ask each person once
    (the second waits for the first; the completion is unique among the requests).
    """
    run_alone("feedback impact")
    today = today or local_today()
    due_on = today - timedelta(days=after_days())
    asked = select(ImpactRequest.id).where(ImpactRequest.completion_id == Completion.id)
    due = db.session.execute(
        select(Completion.id, Completion.user_id, Completion.course_id)
        .join(User, User.id == Completion.user_id)
        .where(
            Completion.recorded.is_(False),
            Completion.completed_on <= due_on,
            Completion.completed_on > due_on - timedelta(days=LATEST_AFTER_DAYS),
            User.active.is_(True),
            ~asked.exists(),
        )
        .order_by(Completion.id)
    ).all()
    if not due:
        return 0
    created = now or utcnow()
    db.session.execute(
        insert(ImpactRequest),
        [
            {
                "completion_id": c.id,
                "user_id": c.user_id,
                "course_id": c.course_id,
                "created_at": created,
            }
            for c in due
        ],
    )
    requests = list(
        db.session.execute(
            select(ImpactRequest)
            .where(ImpactRequest.completion_id.in_([c.id for c in due]))
            .options(joinedload(ImpactRequest.user), joinedload(ImpactRequest.course))
            .order_by(ImpactRequest.id)
        ).scalars()
    )
    notices.impact_survey_requested(requests)
    log.info("Impact survey sent to %d learner(s)", len(requests))
    return len(requests)


def send_impact_reminders(now: dt.datetime | None = None) -> int:
    """The one reminder, ``REMIND_AFTER_DAYS`` after asking, to those who have not answered."""
    run_alone("feedback impact")
    now = now or utcnow()
    query = (
        select(ImpactRequest)
        .join(User, User.id == ImpactRequest.user_id)
        .where(
            ImpactRequest.responded.is_(False),
            ImpactRequest.reminders_sent < MAX_REMINDERS,
            ImpactRequest.created_at <= now - timedelta(days=REMIND_AFTER_DAYS),
            User.active.is_(True),
        )
        .options(joinedload(ImpactRequest.user), joinedload(ImpactRequest.course))
        .order_by(ImpactRequest.id)
    )
    requests = list(db.session.execute(query).scalars())
    notices.impact_survey_reminders(requests)
    for request in requests:
        request.reminders_sent += 1
        request.last_reminded_at = now
    db.session.flush()
    log.info("Sent %d impact survey reminder(s)", len(requests))
    return len(requests)


def requests_of(user_id: int) -> list[ImpactRequest]:
    """A learner's impact surveys, those still to answer first, newest first."""
    query = (
        select(ImpactRequest)
        .where(ImpactRequest.user_id == user_id)
        .options(joinedload(ImpactRequest.course))
        .order_by(ImpactRequest.responded, ImpactRequest.created_at.desc(), ImpactRequest.id)
    )
    return list(db.session.execute(query).scalars())


def request_for_page(request_id: int) -> ImpactRequest | None:
    """One survey request with its course, for its page (None when there is none)."""
    query = (
        select(ImpactRequest)
        .where(ImpactRequest.id == request_id)
        .options(joinedload(ImpactRequest.course))
    )
    return db.session.execute(query).scalar_one_or_none()


def _answer(question: Question, value: int | str | None) -> ImpactAnswer | None:
    """The row for one answer (None when there is nothing to keep).

    :raises ValidationFailed: on ``q_<key>`` when it is missing or out of range.
    """
    field = f"q_{question.key}"
    if question.kind == YES_NO:
        allowed = (YES, NO, NOT_APPLICABLE) if question.may_not_apply else (YES, NO)
        if value not in allowed:
            raise ValidationFailed(field, _("Answer yes or no"))
        if value == NOT_APPLICABLE:
            return None
        return ImpactAnswer(key=question.key, value=1 if value == YES else 0)
    if question.kind == RATING:
        if value not in RATING_VALUES:
            raise ValidationFailed(field, _("Choose a rating from 1 to 5 for each statement"))
        return ImpactAnswer(key=question.key, value=int(value))
    text = str(value or "").strip()
    if len(text) > MAX_TEXT:
        raise ValidationFailed(field, _("Answers must be %(n)d characters or fewer", n=MAX_TEXT))
    return ImpactAnswer(key=question.key, text=text) if text else None


def submit_impact_response(
    actor: User,
    request: ImpactRequest,
    answers: Mapping[str, int | str | None],
    today: dt.date | None = None,
) -> ImpactResponse:
    """Record the answers once, without the person's name.

    ``answers`` maps question keys to "yes"/"no"/"not_applicable", a rating or text.

    :raises PermissionDenied: when the survey is someone else's.
    :raises ConflictError: when it was already answered.
    :raises ValidationFailed: on ``q_<key>`` for a missing or out-of-range answer.
    """
    if request.user_id != actor.id:
        raise PermissionDenied(_("This survey is for someone else"))
    locked = db.session.execute(
        select(ImpactRequest).where(ImpactRequest.id == request.id).with_for_update()
    ).scalar_one()
    db.session.refresh(locked)
    if locked.responded:
        raise ConflictError(
            _("You have already answered this survey. Your first answers are kept.")
        )
    rows = [row for q in QUESTIONS for row in [_answer(q, answers.get(q.key))] if row is not None]
    response = ImpactResponse(
        course_id=request.course_id,
        version=VERSION,
        submitted_on=today or local_today(),
        answers=rows,
    )
    db.session.add(response)
    locked.responded = True
    db.session.flush()
    log.info("Impact survey answered for course %s", request.course_id)
    return response
