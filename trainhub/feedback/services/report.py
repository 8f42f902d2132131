"""The annual report's "Training" section: what it shows, and publishing a year's figures."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from trainhub.auth.models import User
from trainhub.courses.models import local_today
from trainhub.errors import ConflictError, PermissionDenied
from trainhub.extensions import db
from trainhub.feedback import permissions, reporting
from trainhub.feedback.models import ReportSnapshot
from trainhub.feedback.reporting import Figures
from trainhub.feedback.services import charts, exports, narrative
from trainhub.financial_years import Period, financial_year, financial_year_label
from trainhub.storage import storage

log = logging.getLogger(__name__)


def deadline(year: int) -> dt.date:
    """When the annual report for ``year`` is due: ``REPORT_DEADLINE`` (MM-DD, default 30
    June) in the calendar year the financial year ends (R41)."""
    month, day = (int(p) for p in str(current_app.config["REPORT_DEADLINE"]).split("-"))
    return dt.date(year + 1, month, day)


@dataclass
class ReportYear:
    """A year whose report is being written, as the dashboard shows it."""

    period: Period
    deadline: dt.date
    checks: list[reporting.Check]
    days_left: int
    #: Close to the deadline with something still to do.
    warn: bool


def report_years(today: dt.date) -> list[ReportYear]:
    """The years whose report is being written, the one written about first: each past
    year until its report is published or its deadline passes, then the current year.

    On 10 April 2017 with a 30 June deadline: 2016-17 (unpublished), then 2017-18.
    """
    now = financial_year(today)
    published = set(
        db.session.execute(
            select(ReportSnapshot.financial_year).where(ReportSnapshot.financial_year < now)
        ).scalars()
    )
    # A deadline falls in the calendar year after its year starts, so only the last two
    # years can still be open.
    years = [y for y in (now - 2, now - 1) if y not in published and deadline(y) >= today]
    warn_from = int(current_app.config["REPORT_WARNING_DAYS"])
    found = []
    for year in [*years, now]:
        period, due = Period(year), deadline(year)
        checks = reporting.readiness(period, today)
        days_left = (due - today).days
        found.append(
            ReportYear(
                period,
                due,
                checks,
                days_left,
                warn=days_left <= warn_from and not all(c["done"] for c in checks),
            )
        )
    return found


def context(
    data: Figures,
    snapshot: ReportSnapshot | None = None,
    words: narrative.Words | Mapping[str, str] | None = None,
    years: reporting.FiveYears | None = None,
) -> dict[str, Any]:
    """What the statistics page, the PDF and the Word file draw from one period's figures,
    with a whole year's narrative (``words``, in the visitor's language or the other
    standing in) and five-year view (``years``)."""
    period = Period(data["period"]["year"], data["period"]["quarter"])
    return {
        "narrative": narrative.sections(words or {}),
        "five_years": {
            "table": reporting.five_year_table(years),
            "chart": charts.bar_chart(
                _("Attendees, year by year"),
                [
                    (financial_year_label(y["year"]), y["attendees"], f"{y['attendees']:,}")
                    for y in years["years"]
                ],
            ),
        }
        if years
        else None,
        "data": data,
        "period": period,
        "tables": reporting.build(data, years),
        "charts": charts.charts(data),
        "headline": reporting.headline(data),
        "headlines": reporting.headlines(data),
        "sections": reporting.SECTIONS,
        "quarter_label": reporting.quarter_label,
        "display": reporting.display,
        "snapshot": snapshot,
    }


def snapshot_of(year: int) -> ReportSnapshot | None:
    """The published figures of the financial year starting in ``year``, if published."""
    return db.session.execute(
        select(ReportSnapshot).where(ReportSnapshot.financial_year == year)
    ).scalar_one_or_none()


def published_years() -> dict[int, ReportSnapshot]:
    """Every published year's snapshot, by year."""
    rows = db.session.execute(select(ReportSnapshot).order_by(ReportSnapshot.financial_year))
    return {s.financial_year: s for s in rows.scalars()}


def publish(actor: User, year: int, today: dt.date | None = None) -> ReportSnapshot:
    """Freeze the year's figures, its narrative (both languages) and the PDF made from them
    (in the publishing manager's language): they never change afterwards.

    :raises PermissionDenied: when ``actor`` is not a manager.
    :raises ConflictError: when the year has not started yet, or was already published.
    """
    if not permissions.can_view_reports(actor):
        raise PermissionDenied(_("Only managers can publish the annual figures"))
    today = today or local_today()
    if year > financial_year(today):
        raise ConflictError(_("A year can be published once it has started"))
    # Lock out a second manager publishing at the same moment (the unique year decides).
    if snapshot_of(year) is not None:
        raise ConflictError(_("These figures were already published"))
    data = reporting.compute(Period(year), today)
    words = narrative.words_of(year)
    shown = context(data, words=words, years=reporting.five_years(year))
    pdf = exports.annual_report_pdf(shown | {"published_on": today})
    snapshot = ReportSnapshot(
        financial_year=year,
        data=data,
        pdf_key=storage().save(pdf),
        published_by_id=actor.id,
        narrative=words.english,
        narrative_cy=words.welsh,
    )
    db.session.add(snapshot)
    db.session.flush()
    log.info("Figures for %s published by user %s", year, actor.id)
    return snapshot
