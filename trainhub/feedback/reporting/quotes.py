"""The comments a manager picked for the annual report: consented ones only (R32). Picking
them is ``trainhub.feedback.services.quotes``."""

from __future__ import annotations

from typing import Any, TypedDict

from sqlalchemy import Select, select

from trainhub.courses.models import Cohort, Course
from trainhub.feedback.models import FeedbackAnswer, FeedbackResponse
from trainhub.feedback.reporting._sql import rows
from trainhub.feedback.reporting.periods import period_cohorts
from trainhub.financial_years import Period


class Quote(TypedDict):
    id: int
    text: str
    course: str


def picked_answers() -> Select[Any]:
    """The answers picked for a report. Statements start from these few (a partial index
    holds them) and go out to their cohorts, not from every response of the period in: the
    IN says so to either planner."""
    return select(FeedbackAnswer.id).where(FeedbackAnswer.selected_for_report.is_(True))


def quotes(period: Period) -> list[Quote]:
    """The comments a manager picked for the period's report, whose authors consented."""
    found = rows(
        select(FeedbackAnswer.id, FeedbackAnswer.text, Course.title)
        .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
        .join(Cohort, Cohort.id == FeedbackResponse.cohort_id)
        .join(Course, Course.id == Cohort.course_id)
        .where(
            FeedbackAnswer.id.in_(picked_answers()),
            FeedbackResponse.quote_consent.is_(True),
            Cohort.id.in_(period_cohorts(period)),
        )
        .order_by(FeedbackAnswer.selected_at, FeedbackAnswer.id)
    )
    return [{"id": i, "text": text, "course": course} for i, text, course in found]
