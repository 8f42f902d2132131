"""What still stands between a year's data and a complete annual report (R41): the
dashboard's checklist."""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from flask_babel import gettext as _
from sqlalchemy import func, select

from trainhub.courses.models import Attendance, CohortDay
from trainhub.extensions import db
from trainhub.feedback.models import (
    FeedbackAnswer,
    FeedbackResponse,
    ReportSnapshot,
    TrainingBudget,
)
from trainhub.feedback.reporting.periods import period_cohorts
from trainhub.feedback.reporting.quotes import picked_answers
from trainhub.financial_years import Period


class Check(TypedDict):
    key: str
    done: bool
    #: What the dashboard says, in the reader's language.
    text: str


def readiness(period: Period, today: dt.date) -> list[Check]:
    """Registers taken, an allocation recorded, quotes chosen, the figures published."""
    marked = select(Attendance.id).where(Attendance.cohort_day_id == CohortDay.id).exists()
    registers = db.session.execute(
        select(func.count(CohortDay.id)).where(
            CohortDay.cohort_id.in_(period_cohorts(period)),
            CohortDay.date <= today,
            ~marked,
        )
    ).scalar_one()
    allocation = db.session.execute(
        select(TrainingBudget.id).where(TrainingBudget.financial_year == period.year)
    ).first()
    chosen = db.session.execute(
        select(func.count(FeedbackAnswer.id))
        .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
        .where(
            FeedbackAnswer.id.in_(picked_answers()),
            FeedbackResponse.quote_consent.is_(True),
            FeedbackResponse.cohort_id.in_(period_cohorts(period)),
        )
    ).scalar_one()
    published = db.session.execute(
        select(ReportSnapshot.id).where(ReportSnapshot.financial_year == period.year)
    ).first()
    return [
        {
            "key": "registers",
            "done": registers == 0,
            "text": _("Registers taken for every training day so far")
            if registers == 0
            else _("%(n)d training day(s) without a register", n=registers),
        },
        {
            "key": "allocation",
            "done": allocation is not None,
            "text": _("Training allocation recorded")
            if allocation
            else _("No training allocation recorded"),
        },
        {
            "key": "quotes",
            "done": chosen > 0,
            "text": _("%(n)d quote(s) chosen for the report", n=chosen)
            if chosen
            else _("No quotes chosen for the report"),
        },
        {
            "key": "published",
            "done": published is not None,
            "text": _("Figures published") if published else _("Figures not yet published"),
        },
    ]
