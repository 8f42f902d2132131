"""Five years at a glance: cohorts, attendees, completions, awards, feedback and spend for a
year and the four before it, like the fifth annual report's look-back.

The sections' own rules (which cohorts count in a year, who attended, what an award is)
grouped by financial year, in one statement for all five years: not five computes.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any, TypedDict

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Integer, Numeric, Select, case, func, or_, select

from trainhub.accreditation.models import ACHIEVED, Application
from trainhub.courses.models import (
    ATTENDED,
    Attendance,
    Cohort,
    CohortDay,
    Completion,
    local_today,
)
from trainhub.feedback.models import (
    RATING,
    FeedbackAnswer,
    FeedbackResponse,
    QuestionnaireItem,
    SpendLine,
)
from trainhub.feedback.reporting._sql import mean, money, ratio, tagged_union
from trainhub.feedback.reporting.anonymity import hide_below_floor, min_members
from trainhub.feedback.reporting.delivery import delivered
from trainhub.feedback.reporting.tables import Column, Table, as_decimal
from trainhub.financial_years import Period, financial_year_label

#: How many years the view looks back over, the year itself included.
YEARS = 5


class YearFigures(TypedDict):
    year: int
    cohorts: int
    attendees: int
    completions: int
    awards: int
    responses: int
    #: The mean of every rating given that year, to two places; None below the anonymity
    #: floor (fewer responses) or without ratings.
    mean: str | None
    #: Pounds and pence, "0.00" for none.
    spend: str


class FiveYears(TypedDict):
    #: Oldest first.
    years: list[YearFigures]


def _year_of(day: Any, years: list[int]) -> ColumnElement[Any]:
    """The financial year (its first calendar year) of ``day``, one of ``years``."""
    return case(*((day.between(Period(y).start, Period(y).end), y) for y in years), else_=None)


def five_years(year: int, as_at: dt.date | None = None) -> FiveYears:
    """The figures of ``year`` and the four years before it, in one statement; a cohort
    counts once delivered by ``as_at`` (today by default), as in :func:`delivery`."""
    years = list(range(year - YEARS + 1, year + 1))
    as_at = as_at or local_today()
    counts = or_(*(delivered(Period(y), as_at) for y in years))
    cohort_year = _year_of(Cohort.first_day, years).label("year")
    cohorts = select(cohort_year, Cohort.id.label("id")).where(counts)
    attended = (
        select(cohort_year, Attendance.user_id.label("id"))
        .join(CohortDay, CohortDay.cohort_id == Cohort.id)
        .join(Attendance, Attendance.cohort_day_id == CohortDay.id)
        .where(counts, Attendance.status.in_(ATTENDED))
        .distinct()
    )
    completed = (
        select(cohort_year, Completion.id.label("id"))
        .join(Cohort, Cohort.id == Completion.cohort_id)
        .where(counts)
    )
    responses = (
        select(cohort_year, FeedbackResponse.id.label("id"))
        .join(Cohort, Cohort.id == FeedbackResponse.cohort_id)
        .where(counts)
    )
    # Added up per cohort first (the answers' covering index, as ``ratings`` does), then
    # per year.
    per_cohort = (
        select(
            FeedbackResponse.cohort_id.label("cohort_id"),
            func.count(FeedbackAnswer.rating).label("ratings"),
            func.sum(FeedbackAnswer.rating).label("total"),
        )
        .select_from(FeedbackAnswer)
        .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
        .join(QuestionnaireItem, QuestionnaireItem.id == FeedbackAnswer.item_id)
        .where(
            FeedbackResponse.cohort_id.in_(select(Cohort.id).where(counts)),
            QuestionnaireItem.kind == RATING,
        )
        .group_by(FeedbackResponse.cohort_id)
        .subquery()
    )
    ratings = select(
        cohort_year, per_cohort.c.ratings.label("ratings"), per_cohort.c.total.label("total")
    ).join(per_cohort, per_cohort.c.cohort_id == Cohort.id)
    awards = select(
        _year_of(Application.achieved_on, years).label("year"), Application.id.label("id")
    ).where(
        Application.status == ACHIEVED,
        Application.achieved_on >= Period(years[0]).start,
        Application.achieved_on <= Period(years[-1]).end,
    )

    def count(inner: Select[Any]) -> Select[Any]:
        rows = inner.subquery()
        return (
            select(rows.c.year.label("year"), func.count(rows.c.id).label("n"))
            .select_from(rows)
            .group_by(rows.c.year)
        )

    rated = ratings.subquery()
    found = tagged_union(
        {"year": Integer(), "n": Integer(), "total": Numeric()},
        {
            "cohorts": count(cohorts),
            # Each person once a year, however many courses they came on.
            "attendees": count(attended),
            "completions": count(completed),
            "awards": count(awards),
            "responses": count(responses),
            "ratings": select(
                rated.c.year.label("year"),
                func.sum(rated.c.ratings).label("n"),
                ratio(func.sum(rated.c.total), func.sum(rated.c.ratings)).label("total"),
            )
            .select_from(rated)
            .group_by(rated.c.year),
            "spend": select(
                SpendLine.financial_year.label("year"),
                func.sum(SpendLine.amount).label("total"),
            )
            .where(SpendLine.financial_year.in_(years))
            .group_by(SpendLine.financial_year),
        },
    )
    value = {kind: {row.year: row for row in found[kind] if row.year is not None} for kind in found}
    floor = min_members()

    def n(kind: str, y: int) -> int:
        row = value[kind].get(y)
        return int(row.n or 0) if row is not None else 0

    result: list[YearFigures] = []
    for y in years:
        answered = n("responses", y)
        rating = value["ratings"].get(y)
        average = hide_below_floor(answered, partial(_mean_of, rating), floor).value
        spend = value["spend"].get(y)
        result.append(
            {
                "year": y,
                "cohorts": n("cohorts", y),
                "attendees": n("attendees", y),
                "completions": n("completions", y),
                "awards": n("awards", y),
                "responses": answered,
                "mean": average,
                "spend": money(spend.total if spend is not None else None),
            }
        )
    return {"years": result}


def _mean_of(row: Any) -> str | None:
    return mean(row.total) if row is not None else None


def five_year_table(figures: FiveYears) -> Table:
    """The five years side by side, oldest first."""
    return Table(
        "five_years",
        "five_years",
        _("Five years at a glance"),
        [
            Column("year", _("Financial year"), "text"),
            Column("cohorts", _("Cohorts")),
            Column("attendees", _("Attendees")),
            Column("completions", _("Completed")),
            Column("awards", _("Levels awarded")),
            Column("responses", _("Feedback responses")),
            Column("mean", _("Mean rating (out of 5)"), "mean"),
            Column("spend", _("Spend"), "money"),
        ],
        [
            [
                financial_year_label(y["year"]),
                y["cohorts"],
                y["attendees"],
                y["completions"],
                y["awards"],
                y["responses"],
                as_decimal(y["mean"]),
                as_decimal(y["spend"]),
            ]
            for y in figures["years"]
        ],
        note=_(
            "Each year as its figures stand today. A mean rating from too few responses to "
            "keep them anonymous is not shown."
        ),
    )
