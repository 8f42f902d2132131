"""Asking attendees for feedback, taking their answers once, and reminding those who have not.

The request (who was asked, reminded, has answered) and the response (what was said) are
separate rows with no link between them: answers are anonymous by construction.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, insert, select
from sqlalchemy.orm import joinedload, selectinload

from trainhub.auth.models import User
from trainhub.courses.models import Cohort, local_today
from trainhub.errors import ConflictError, PermissionDenied, ValidationFailed
from trainhub.extensions import db, utcnow
from trainhub.feedback import permissions
from trainhub.feedback.models import (
    RATING,
    RATING_VALUES,
    FeedbackAnswer,
    FeedbackRequest,
    FeedbackResponse,
    Questionnaire,
)
from trainhub.feedback.services import notices
from trainhub.jobs import run_alone

log = logging.getLogger(__name__)

MAX_TEXT = 4000
#: Automatic reminders: the first this many days after the request, at most this many.
REMIND_AFTER_DAYS = 7
MAX_REMINDERS = 2
#: A trainer's reminder is refused if everyone was reminded this recently.
REMINDER_GAP = timedelta(hours=24)


def request_feedback(cohort: Cohort, user_ids: Iterable[int]) -> list[FeedbackRequest]:
    """Ask these attendees of ``cohort`` for feedback, each once however often it is called."""
    ids = set(user_ids)
    if not ids:
        return []
    asked = set(
        db.session.execute(
            select(FeedbackRequest.user_id).where(
                FeedbackRequest.cohort_id == cohort.id, FeedbackRequest.user_id.in_(ids)
            )
        ).scalars()
    )
    new = sorted(ids - asked)
    if not new:
        return []
    db.session.execute(
        insert(FeedbackRequest), [{"cohort_id": cohort.id, "user_id": uid} for uid in new]
    )
    requests = list(
        db.session.execute(
            select(FeedbackRequest)
            .where(FeedbackRequest.cohort_id == cohort.id, FeedbackRequest.user_id.in_(new))
            .options(joinedload(FeedbackRequest.user))
            .order_by(FeedbackRequest.user_id)
        ).scalars()
    )
    notices.feedback_requested([r for r in requests if r.user.active], cohort)
    log.info("Feedback requested from %d attendee(s) of cohort %s", len(requests), cohort.id)
    return requests


def submit_response(
    actor: User,
    request: FeedbackRequest,
    questionnaire: Questionnaire,
    answers: Mapping[str, int | str | None],
    quote_consent: bool,
    today: dt.date | None = None,
) -> FeedbackResponse:
    """Record the answers once; a second submission keeps the first and is refused.

    ``answers`` maps item keys to a rating (rating items) or text (text items).

    :raises PermissionDenied: when the request is someone else's.
    :raises ConflictError: when the request was already answered.
    :raises ValidationFailed: on ``item_<key>`` when a statement has no rating from 1 to 5
        or a written answer is longer than ``MAX_TEXT``.
    """
    if request.user_id != actor.id:
        raise PermissionDenied(_("This feedback request is for someone else"))
    # Lock the request: two tabs submitting at once must not both get through.
    locked = db.session.execute(
        select(FeedbackRequest).where(FeedbackRequest.id == request.id).with_for_update()
    ).scalar_one()
    db.session.refresh(locked)
    if locked.responded:
        raise ConflictError(
            _("You have already given feedback on this course. Your first answers are kept.")
        )
    rows = []
    for item in questionnaire.items:
        value = answers.get(item.key)
        if item.kind == RATING:
            if value not in RATING_VALUES:
                raise ValidationFailed(
                    f"item_{item.key}", _("Choose a rating from 1 to 5 for each statement")
                )
            rows.append(FeedbackAnswer(item_id=item.id, rating=int(value)))
        else:
            text = str(value or "").strip()
            if len(text) > MAX_TEXT:
                raise ValidationFailed(
                    f"item_{item.key}",
                    _("Answers must be %(n)d characters or fewer", n=MAX_TEXT),
                )
            if text:
                rows.append(FeedbackAnswer(item_id=item.id, text=text))
    today = today or local_today()
    response = FeedbackResponse(
        cohort_id=request.cohort_id,
        questionnaire_id=questionnaire.id,
        quote_consent=quote_consent,
        submitted_on=today,
        answers=rows,
    )
    db.session.add(response)
    locked.responded = True
    db.session.flush()
    log.info("Feedback received for cohort %s", request.cohort_id)
    return response


def _remind(requests: Iterable[FeedbackRequest], now: dt.datetime) -> int:
    """Remind each of these (active) people, stamping the reminder with ``now``: the next
    automatic run measures its week from the time this run was for."""
    active = [r for r in requests if r.user.active]
    notices.feedback_reminders(active)
    for request in active:
        request.reminders_sent += 1
        request.last_reminded_at = now
    db.session.flush()
    return len(active)


def _unanswered() -> Select[FeedbackRequest]:
    return (
        select(FeedbackRequest)
        .where(FeedbackRequest.responded.is_(False))
        .options(selectinload(FeedbackRequest.user), selectinload(FeedbackRequest.cohort))
        .order_by(FeedbackRequest.id)
    )


def remind_cohort(actor: User, cohort: Cohort) -> int:
    """A trainer's or manager's reminder to the cohort's attendees who have not answered;
    how many were reminded.

    :raises PermissionDenied: when ``actor`` may not see the cohort's feedback.
    :raises ConflictError: when the cohort was recorded from records (its feedback was
        given on paper: nobody was asked), everyone has answered, everyone who has not was
        reminded in the last 24 hours, or none of them has an active account.
    """
    if not permissions.can_view_cohort_feedback(actor, cohort):
        raise PermissionDenied(_("You cannot send reminders for this cohort"))
    if cohort.recorded:
        raise ConflictError(
            _(
                "This cohort was recorded from records: its feedback was given on paper, "
                "so there is nobody to remind"
            )
        )
    requests = list(
        db.session.execute(_unanswered().where(FeedbackRequest.cohort_id == cohort.id)).scalars()
    )
    if not requests:
        raise ConflictError(_("Everyone asked has already answered"))
    recent = utcnow() - REMINDER_GAP
    due = [r for r in requests if r.last_reminded_at is None or r.last_reminded_at < recent]
    if not due:
        raise ConflictError(_("Everyone who has not answered was reminded in the last 24 hours"))
    sent = _remind(due, utcnow())
    if not sent:
        raise ConflictError(_("The people who have not answered no longer have active accounts"))
    return sent


def send_reminders(now: dt.datetime | None = None) -> int:
    """The automatic reminders (``flask feedback remind``, daily): a week apart, at most two.

    Two runs at the same moment send each reminder once: the second waits for the first.
    """
    run_alone("feedback remind")
    now = now or utcnow()
    cutoff = now - timedelta(days=REMIND_AFTER_DAYS)
    query = _unanswered().where(
        FeedbackRequest.reminders_sent < MAX_REMINDERS,
        FeedbackRequest.created_at <= cutoff,
        (FeedbackRequest.last_reminded_at.is_(None)) | (FeedbackRequest.last_reminded_at <= cutoff),
    )
    sent = _remind(db.session.execute(query).scalars(), now)
    log.info("Sent %d feedback reminder(s)", sent)
    return sent
