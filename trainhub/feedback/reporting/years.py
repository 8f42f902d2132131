"""Five years at a glance: cohorts, attendees, completions, awards, feedback and spend for a
year and the four before it, like the fifth annual report's look-back, and the
organisation by course by financial year pivot (R43) drawn from the same attendance.

The sections' own rules (which cohorts count in a year, who attended, what an award is)
grouped by financial year, in one statement for all five years: not five computes. A year's
own statistics (``figures.compute``) read one year; only this view reads five.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any, TypedDict

from flask_babel import gettext as _
from flask_babel import pgettext
from sqlalchemy import (
    ColumnElement,
    Integer,
    Numeric,
    Select,
    String,
    case,
    func,
    or_,
    select,
)

from trainhub.accreditation.models import ACHIEVED, Application
from trainhub.auth.models import Organisation, User
from trainhub.courses.models import (
    Cohort,
    CohortAttendee,
    Completion,
    Course,
    local_today,
)
from trainhub.feedback.models import (
    FeedbackResponse,
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


class PivotCell(TypedDict):
    """Attendees of one organisation on one course in one financial year (R43): each person
    once per course and year."""

    organisation: str | None
    course: str
    year: int
    attendees: int


class FiveYears(TypedDict):
    #: Oldest first.
    years: list[YearFigures]
    #: Attendees by organisation, course and financial year, by organisation then course
    #: then year (names compared without case).
    pivot: list[PivotCell]


def _year_of(day: Any, years: list[int]) -> ColumnElement[Any]:
    """The financial year (its first calendar year) of ``day``, one of ``years``."""
    return case(*((day.between(Period(y).start, Period(y).end), y) for y in years), else_=None)


def five_years(year: int, as_at: dt.date | None = None) -> FiveYears:
    """The figures of ``year`` and the four years before it, in one statement; a cohort
    counts once delivered by ``as_at`` (today by default), as in :func:`delivery`."""
    years = list(range(year - YEARS + 1, year + 1))
    as_at = as_at or local_today()
    counts = or_(*(delivered(Period(y), as_at) for y in years))
    # The cohorts that count, with their course and year: read once (a small table) for the
    # sections that follow, each joining its rows to them by cohort.
    counted = (
        select(
            Cohort.id.label("id"),
            Cohort.course_id.label("course_id"),
            _year_of(Cohort.first_day, years).label("year"),
        )
        .where(counts)
        .cte("counted")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    # Each person once per course and year, from the cohorts' attendees (one row per person
    # and cohort, kept in step with the registers: never every mark of every day), marked
    # once more as their first course of the year: the pivot adds up the pairs, the year's
    # attendees (each person once, however many courses) the first ones, so the attendees
    # are read once for both.
    distinct_pairs = (
        select(CohortAttendee.user_id.label("user_id"), counted.c.year, counted.c.course_id)
        .join(counted, counted.c.id == CohortAttendee.cohort_id)
        .distinct()
        .subquery()
    )
    pairs = select(
        distinct_pairs,
        func.row_number()
        .over(
            partition_by=(distinct_pairs.c.user_id, distinct_pairs.c.year),
            order_by=distinct_pairs.c.course_id,
        )
        .label("nth"),
    ).subquery()
    # Grouped by ids first (a few rows per organisation, course and year), then by names.
    by_ids = (
        select(
            User.organisation_id.label("organisation_id"),
            pairs.c.course_id,
            pairs.c.year,
            func.count().label("n"),
            func.count(case((pairs.c.nth == 1, 1))).label("people"),
        )
        .select_from(pairs)
        .join(User, User.id == pairs.c.user_id)
        .group_by(User.organisation_id, pairs.c.course_id, pairs.c.year)
        .cte("by_ids")
    )
    pivot = (
        select(
            Organisation.name.label("org"),
            Course.title.label("course"),
            by_ids.c.year.label("year"),
            func.sum(by_ids.c.n).label("n"),
        )
        .select_from(by_ids)
        .join(Course, Course.id == by_ids.c.course_id)
        .outerjoin(Organisation, Organisation.id == by_ids.c.organisation_id)
        .group_by(Organisation.name, Course.title, by_ids.c.year)
    )
    # Read from the index on (cohort, course) alone: nothing else of a completion is needed.
    completed = select(counted.c.year).join_from(
        Completion, counted, counted.c.id == Completion.cohort_id
    )
    # The responses to the cohorts that count: their number and the mean of their ratings,
    # from the count and sum each response keeps (no answer is read).
    responded = (
        select(
            counted.c.year,
            func.count().label("n"),
            ratio(
                func.sum(FeedbackResponse.rating_total), func.sum(FeedbackResponse.rating_count)
            ).label("total"),
        )
        .join(counted, counted.c.id == FeedbackResponse.cohort_id)
        .group_by(counted.c.year)
    )
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
            select(rows.c.year.label("year"), func.count().label("n"))
            .select_from(rows)
            .group_by(rows.c.year)
        )

    found = tagged_union(
        {
            "year": Integer(),
            "n": Integer(),
            "total": Numeric(),
            "org": String(),
            "course": String(),
        },
        {
            "cohorts": count(select(counted.c.year)),
            # Each person once a year, however many courses they came on.
            "attendees": select(
                by_ids.c.year.label("year"), func.sum(by_ids.c.people).label("n")
            ).group_by(by_ids.c.year),
            "pivot": pivot,
            "completions": count(completed),
            "awards": count(awards),
            "responses": responded,
            "spend": select(
                SpendLine.financial_year.label("year"),
                func.sum(SpendLine.amount).label("total"),
            )
            .where(SpendLine.financial_year.in_(years))
            .group_by(SpendLine.financial_year),
        },
    )
    value = {
        kind: {row.year: row for row in found[kind] if row.year is not None}
        for kind in found
        if kind != "pivot"
    }
    floor = min_members()

    def n(kind: str, y: int) -> int:
        row = value[kind].get(y)
        return int(row.n or 0) if row is not None else 0

    result: list[YearFigures] = []
    for y in years:
        answered = n("responses", y)
        rating = value["responses"].get(y)
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
    return {
        "years": result,
        "pivot": sorted(
            (
                {
                    "organisation": r.org,
                    "course": r.course,
                    "year": int(r.year),
                    "attendees": int(r.n),
                }
                for r in found["pivot"]
            ),
            key=lambda c: ((c["organisation"] or "").casefold(), c["course"].casefold(), c["year"]),
        ),
    }


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
            Column("completions", pgettext("number who completed", "Completed")),
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


def pivot_table(figures: FiveYears) -> Table:
    """Attendees by organisation, course and financial year (R43: the workforce-development
    view), the year and the four before it."""
    years = [y["year"] for y in figures["years"]]
    cells: dict[tuple[str | None, str], dict[int, int]] = {}
    for cell in figures["pivot"]:
        cells.setdefault((cell["organisation"], cell["course"]), {})[cell["year"]] = cell[
            "attendees"
        ]
    return Table(
        "pivot",
        "workforce",
        _("Attendees by organisation and course, year by year"),
        [
            Column("organisation", _("Organisation"), "text"),
            Column("course", _("Course"), "text"),
            *[Column(f"fy{y}", financial_year_label(y)) for y in years],
            Column("total", _("Total")),
        ],
        [
            [
                organisation or _("Not recorded"),
                course,
                *[by_year.get(y, 0) for y in years],
                sum(by_year.values()),
            ]
            for (organisation, course), by_year in cells.items()
        ],
        empty=_("No training recorded in these years."),
        in_report=False,
        note=_("Each person once per course and year: attended at least one day."),
    )
