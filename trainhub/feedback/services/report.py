"""The annual report's "Training" section: what it shows, and publishing a year's figures."""

from __future__ import annotations

import datetime as dt
import logging
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
from trainhub.feedback.services import charts, exports
from trainhub.financial_years import Period, financial_year
from trainhub.storage import storage

log = logging.getLogger(__name__)


def deadline(year: int) -> dt.date:
    """When the annual report for ``year`` is due (R41: default 31 March, configurable)."""
    month, day = (int(p) for p in str(current_app.config["REPORT_DEADLINE"]).split("-"))
    return dt.date(year + 1, month, day)


def context(data: Figures, snapshot: ReportSnapshot | None = None) -> dict[str, Any]:
    """What the statistics page and the PDF draw from one period's figures."""
    period = Period(data["period"]["year"], data["period"]["quarter"])
    return {
        "data": data,
        "period": period,
        "tables": reporting.build(data),
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
    """Freeze the year's figures and the PDF made from them: they never change afterwards.

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
    pdf = exports.annual_report_pdf(context(data) | {"published_on": today})
    snapshot = ReportSnapshot(
        financial_year=year, data=data, pdf_key=storage().save(pdf), published_by_id=actor.id
    )
    db.session.add(snapshot)
    db.session.flush()
    log.info("Figures for %s published by user %s", year, actor.id)
    return snapshot
