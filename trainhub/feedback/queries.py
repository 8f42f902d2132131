"""Read-side helpers for the feedback pages."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ScalarSelect, Select, case, func, or_, select
from sqlalchemy.orm import joinedload

from trainhub.auth.models import User
from trainhub.auth.roles import Role
from trainhub.courses.models import Booking, Cohort, CohortFacilitator
from trainhub.extensions import db
from trainhub.feedback.models import (
    TEXT,
    FeedbackAnswer,
    FeedbackRequest,
    FeedbackResponse,
    ImpactRequest,
    QuestionnaireItem,
    ReportNarrative,
)

#: Booking statuses of people who attended a cohort (all its days or some).
ATTENDED_BOOKINGS = ("attended", "partially_attended")


def requests_of(user_id: int) -> list[FeedbackRequest]:
    """A learner's feedback requests, newest cohort first."""
    query = (
        select(FeedbackRequest)
        .join(Cohort, Cohort.id == FeedbackRequest.cohort_id)
        .where(FeedbackRequest.user_id == user_id)
        .options(joinedload(FeedbackRequest.cohort).joinedload(Cohort.course))
        .order_by(FeedbackRequest.responded, Cohort.last_day.desc())
    )
    return list(db.session.execute(query).scalars())


def request_for_page(request_id: int) -> FeedbackRequest | None:
    query = (
        select(FeedbackRequest)
        .where(FeedbackRequest.id == request_id)
        .options(joinedload(FeedbackRequest.cohort).joinedload(Cohort.course))
    )
    return db.session.execute(query).scalar_one_or_none()


def cohorts_with_feedback(actor: User) -> Select[Cohort]:
    """Cohorts whose attendees were asked, or that have responses (a recorded cohort's
    paper forms), newest first.

    Trainers see the cohorts they facilitate or scheduled (as ``can_view_cohort_feedback``
    lets them open); managers and admins see all.
    """
    asked = select(FeedbackRequest.id).where(FeedbackRequest.cohort_id == Cohort.id).exists()
    answered = select(FeedbackResponse.id).where(FeedbackResponse.cohort_id == Cohort.id).exists()
    query = (
        select(Cohort)
        .where(or_(asked, answered))
        .options(joinedload(Cohort.course))
        .order_by(Cohort.first_day.desc(), Cohort.id.desc())
    )
    if not actor.has_role(Role.MANAGER, Role.ADMIN):
        query = query.where(
            or_(Cohort.id.in_(facilitated_cohorts(actor.id)), Cohort.created_by_id == actor.id)
        )
    return query


def recorded_attendees(cohorts: Select[Any]) -> ScalarSelect[Any]:
    """How many attended the recorded cohorts among ``cohorts`` (a select of their ids),
    as a scalar subquery.

    A cohort recorded from records sent no feedback requests: its attendees were handed the
    paper forms, so they count as the people asked (and its responses stay within them).
    """
    return (
        select(func.count(Booking.id))
        .join(Cohort, Cohort.id == Booking.cohort_id)
        .where(
            Booking.cohort_id.in_(cohorts),
            Cohort.recorded.is_(True),
            Booking.status.in_(ATTENDED_BOOKINGS),
        )
        .scalar_subquery()
    )


def counts_by_cohort(cohort_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(asked, answered) for each of these cohorts, in one query: requests sent and
    answered; for a recorded cohort, its attendees and its paper responses."""
    requests = (
        select(func.count(FeedbackRequest.id))
        .where(FeedbackRequest.cohort_id == Cohort.id)
        .scalar_subquery()
    )
    responded = (
        select(func.count(FeedbackRequest.id))
        .where(FeedbackRequest.cohort_id == Cohort.id, FeedbackRequest.responded.is_(True))
        .scalar_subquery()
    )
    responses = (
        select(func.count(FeedbackResponse.id))
        .where(FeedbackResponse.cohort_id == Cohort.id)
        .scalar_subquery()
    )
    attendees = (
        select(func.count(Booking.id))
        .where(Booking.cohort_id == Cohort.id, Booking.status.in_(ATTENDED_BOOKINGS))
        .scalar_subquery()
    )
    recorded = Cohort.recorded.is_(True)
    rows = db.session.execute(
        select(
            Cohort.id,
            case((recorded, attendees), else_=requests),
            case((recorded, responses), else_=responded),
        ).where(Cohort.id.in_(cohort_ids))
    )
    return {cohort_id: (int(asked), int(done)) for cohort_id, asked, done in rows}


def facilitated_cohorts(user_id: int) -> Select[Any]:
    return select(CohortFacilitator.cohort_id).where(CohortFacilitator.user_id == user_id)


def cohort_counts(cohort_id: int) -> tuple[int, int]:
    """(asked, answered) for one cohort."""
    return counts_by_cohort([cohort_id]).get(cohort_id, (0, 0))


def comments(cohort_ids: Select[Any]) -> list[tuple[QuestionnaireItem, str]]:
    """Written answers, in an order that says nothing about who answered when."""
    query = (
        select(QuestionnaireItem, FeedbackAnswer.text)
        .join(FeedbackAnswer, FeedbackAnswer.item_id == QuestionnaireItem.id)
        .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
        .where(
            FeedbackResponse.cohort_id.in_(cohort_ids),
            QuestionnaireItem.kind == TEXT,
            FeedbackAnswer.text != "",
        )
        .order_by(QuestionnaireItem.position, FeedbackAnswer.text)
    )
    return [(item, text) for item, text in db.session.execute(query)]


def answer_for_quote(answer_id: int) -> FeedbackAnswer | None:
    query = (
        select(FeedbackAnswer)
        .where(FeedbackAnswer.id == answer_id)
        .options(joinedload(FeedbackAnswer.response), joinedload(FeedbackAnswer.item))
    )
    return db.session.execute(query).scalar_one_or_none()


# The home page's next actions: each a fixed number of statements, whatever the data.


def feedback_owed(user_id: int) -> list[FeedbackRequest]:
    """The cohorts the learner was asked about and has not answered for, oldest first."""
    query = (
        select(FeedbackRequest)
        .join(Cohort, Cohort.id == FeedbackRequest.cohort_id)
        .where(FeedbackRequest.user_id == user_id, FeedbackRequest.responded.is_(False))
        .options(joinedload(FeedbackRequest.cohort).joinedload(Cohort.course))
        .order_by(Cohort.last_day, FeedbackRequest.id)
    )
    return list(db.session.execute(query).scalars())


def impact_owed(user_id: int) -> list[ImpactRequest]:
    """The follow-up impact surveys the learner was asked and has not answered, oldest
    first."""
    query = (
        select(ImpactRequest)
        .where(ImpactRequest.user_id == user_id, ImpactRequest.responded.is_(False))
        .options(joinedload(ImpactRequest.course))
        .order_by(ImpactRequest.created_at, ImpactRequest.id)
    )
    return list(db.session.execute(query).scalars())


def years_with_narrative(years: list[int]) -> set[int]:
    """Which of these financial years have some of the report's narrative written."""
    query = (
        select(ReportNarrative.financial_year)
        .where(ReportNarrative.financial_year.in_(years), func.trim(ReportNarrative.text) != "")
        .distinct()
    )
    return set(db.session.execute(query).scalars())


def years_lacking_welsh_narrative(years: list[int]) -> set[int]:
    """Which of these financial years have a section of the narrative in English with no
    Welsh yet (``trainhub.bilingual``)."""
    welsh = func.coalesce(func.trim(ReportNarrative.text_cy), "")
    query = (
        select(ReportNarrative.financial_year)
        .where(
            ReportNarrative.financial_year.in_(years),
            func.trim(ReportNarrative.text) != "",
            welsh == "",
        )
        .distinct()
    )
    return set(db.session.execute(query).scalars())
