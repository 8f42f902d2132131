"""Which period the figures are of (R35) and which cohorts count in it: a cohort counts in
the period of its first day. The financial year itself lives in ``trainhub.financial_years``."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, and_, select

from trainhub.courses.models import REGISTER_STATUSES, Cohort, local_today
from trainhub.errors import ValidationFailed
from trainhub.financial_years import Period, financial_year, financial_year_label

#: Cohorts that count: scheduled and not cancelled (drafts were never offered).
DELIVERED_STATUSES = ("published", "completed")
#: A booking that filled one of the places.
FILLED_STATUSES = REGISTER_STATUSES
#: The first year anyone can ask about.
FIRST_YEAR = 2000

_FY = re.compile(r"^\s*(\d{4})\s*[-/\u2013]\s*(\d{2}|\d{4})\s*$")


def parse_year(text: str | None, today: dt.date | None = None) -> int:
    """ "2016-17" → 2016.

    :raises ValidationFailed: on ``fy`` when the text is not a financial year like 2016-17,
        its years do not follow on, it is before 2000-01 or it has not started yet.
    """
    today = today or local_today()
    match = _FY.match(text or "")
    if not match:
        raise ValidationFailed("fy", _("Enter a financial year like 2016-17"))
    start, end = int(match[1]), int(match[2])
    if end % 100 != (start + 1) % 100 or (end >= 1000 and end != start + 1):
        raise ValidationFailed(
            "fy",
            _("A financial year runs April to March, like 2016-17: the years must follow on"),
        )
    if start < FIRST_YEAR:
        raise ValidationFailed("fy", _("Choose a financial year from 2000-01 onwards"))
    if start > financial_year(today):
        raise ValidationFailed(
            "fy",
            _(
                "%(fy)s has not started yet: choose %(now)s or an earlier year",
                fy=financial_year_label(start),
                now=financial_year_label(financial_year(today)),
            ),
        )
    return start


def parse_period(fy: str | None, quarter: str | None, today: dt.date | None = None) -> Period:
    """The year (and quarter: "1" to "4", or empty or "all" for the whole year) asked for.

    :raises ValidationFailed: on ``fy`` as :func:`parse_year` does, and on ``quarter`` when
        it is not 1 to 4 or the whole year.
    """
    year = parse_year(fy, today)
    if quarter in (None, "", "all"):
        return Period(year)
    if quarter not in ("1", "2", "3", "4"):
        raise ValidationFailed("quarter", _("Choose a quarter from 1 to 4, or the whole year"))
    return Period(year, int(quarter))


def in_period(period: Period) -> ColumnElement[bool]:
    """The cohorts that count in the period, as a condition on ``Cohort`` itself (cheaper than
    ``Cohort.id.in_(period_cohorts(period))`` where the statement reads cohorts anyway).

    Courses only: events (R18) are counted apart (``reporting.sessions``), and follow-up
    sessions (R14) are not cohorts at all."""
    return and_(
        Cohort.kind == "course",
        Cohort.status.in_(DELIVERED_STATUSES),
        Cohort.first_day >= period.start,
        Cohort.first_day <= period.end,
    )


def period_cohorts(period: Period) -> Select[Any]:
    """The ids of the cohorts that count in the period, to use in an IN."""
    return select(Cohort.id).where(in_period(period))
