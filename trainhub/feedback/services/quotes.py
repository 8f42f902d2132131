"""Comments attendees agreed may be quoted, and the manager's pick for the annual report."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import contains_eager

from trainhub.auth.models import User
from trainhub.courses.models import Cohort
from trainhub.errors import ConflictError, PermissionDenied
from trainhub.extensions import db, utcnow
from trainhub.feedback import permissions
from trainhub.feedback.models import TEXT, FeedbackAnswer, FeedbackResponse, QuestionnaireItem
from trainhub.feedback.reporting import period_cohorts
from trainhub.financial_years import Period


def consented(period: Period) -> Select[FeedbackAnswer]:
    """Every comment of the period whose author consented to being quoted (never the others)."""
    return (
        select(FeedbackAnswer)
        .join(QuestionnaireItem, QuestionnaireItem.id == FeedbackAnswer.item_id)
        .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
        .join(Cohort, Cohort.id == FeedbackResponse.cohort_id)
        .where(
            QuestionnaireItem.kind == TEXT,
            FeedbackAnswer.text != "",
            FeedbackResponse.quote_consent.is_(True),
            Cohort.id.in_(period_cohorts(period)),
        )
        .options(
            contains_eager(FeedbackAnswer.item),
            contains_eager(FeedbackAnswer.response)
            .contains_eager(FeedbackResponse.cohort)
            .joinedload(Cohort.course),
        )
        .order_by(FeedbackAnswer.selected_for_report.desc(), Cohort.first_day, FeedbackAnswer.id)
    )


def set_selected(actor: User, answer: FeedbackAnswer, selected: bool) -> None:
    """Pick a comment for the annual report, or put it back.

    :raises PermissionDenied: when ``actor`` is not a manager.
    :raises ConflictError: when picking a comment whose author did not agree to be quoted,
        or an answer that is not a written comment.
    """
    if not permissions.can_view_reports(actor):
        raise PermissionDenied(_("Only managers choose quotes for the annual report"))
    if selected and not answer.response.quote_consent:
        raise ConflictError(_("This attendee did not agree to be quoted"))
    if answer.item.kind != TEXT:
        raise ConflictError(_("Only written comments can be quoted"))
    answer.selected_for_report = selected
    answer.selected_by_id = actor.id if selected else None
    answer.selected_at = utcnow() if selected else None
    db.session.flush()
