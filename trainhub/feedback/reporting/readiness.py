"""What still stands between a year's data and a complete annual report (R41): the
dashboard's checklist."""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, or_, select

from trainhub.courses.models import Attendance, Cohort, CohortDay, Course
from trainhub.extensions import db
from trainhub.feedback.models import (
    FeedbackAnswer,
    FeedbackResponse,
    ReportSnapshot,
    TrainingBudget,
)
from trainhub.feedback.reporting.periods import in_period, period_cohorts
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
            else ngettext(
                "%(num)d training day without a register",
                "%(num)d training days without a register",
                registers,
            ),
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
            "text": ngettext(
                "%(num)d quote chosen for the report",
                "%(num)d quotes chosen for the report",
                chosen,
            )
            if chosen
            else _("No quotes chosen for the report"),
        },
        {
            "key": "published",
            "done": published is not None,
            "text": _("Figures published") if published else _("Figures not yet published"),
        },
        _cpd_hours_check(period, today),
    ]


def _cpd_hours_check(period: Period, today: dt.date) -> Check:
    """A course delivered in the year (a cohort's last day come) with no CPD hours: its
    attendees' CPD statements would show none."""
    missing = list(
        db.session.execute(
            select(Course.title)
            .where(
                Course.id.in_(
                    select(Cohort.course_id).where(in_period(period), Cohort.last_day <= today)
                ),
                or_(Course.cpd_hours.is_(None), Course.cpd_hours <= 0),
            )
            .order_by(Course.title)
        ).scalars()
    )
    return {
        "key": "cpd_hours",
        "done": not missing,
        "text": _("Every course delivered this year has its CPD hours")
        if not missing
        else ngettext(
            "%(num)d course delivered this year has no CPD hours: %(courses)s",
            "%(num)d courses delivered this year have no CPD hours: %(courses)s",
            len(missing),
            courses=", ".join(missing),
        ),
    }
