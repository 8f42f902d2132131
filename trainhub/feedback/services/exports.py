"""The figures as files: CSV per table, an Excel workbook, the annual-report PDF, and the
per-learner (named) exports that only managers may download, each one audited (R42)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select

from trainhub import audit
from trainhub.auth.choices import LOCAL_AUTHORITIES, PROFESSIONAL_BACKGROUNDS, SECTORS
from trainhub.auth.models import Organisation, User
from trainhub.auth.permissions import people_visible_to
from trainhub.courses.models import REGISTER_STATUSES, Booking, Cohort, Completion, Course
from trainhub.courses.permissions import attendees_visible_to
from trainhub.errors import PermissionDenied
from trainhub.extensions import db
from trainhub.feedback import permissions
from trainhub.feedback.reporting import Quote, Table, period_cohorts, workforce_members
from trainhub.financial_years import Period
from trainhub.pdf import render_pdf
from trainhub.spreadsheets import csv_text, sheet_name


def table_csv(table: Table) -> str:
    """One header row and one row per line of the table (the total too, labelled)."""
    rows = table.rows + ([table.total] if table.total else [])
    return csv_text([c.label for c in table.columns], rows)


def workbook(
    tables: Sequence[Table],
    title: str,
    quotes: Sequence[Quote],
    headline: str | Sequence[str] = (),
) -> bytes:
    """A "Summary" sheet (the title and ``headline``, from ``reporting.headline``: one row per
    sentence), one sheet per table (openpyxl), numbers as numbers, then the selected quotes.

    Sheet names are ``spreadsheets.sheet_name``; text is written as text, as it reads (a
    cell typed as a string is never a formula, so it needs no apostrophe as CSV does).
    """
    book = Workbook()
    used: set[str] = set()
    cover = book.active
    assert cover is not None
    cover.title = sheet_name(_("Summary"), used)
    _append(cover, [title])
    cover["A1"].font = Font(bold=True, size=14)
    for sentence in [headline] if isinstance(headline, str) else headline:
        _append(cover, [str(sentence)])
    _append(cover, [_("Each table of the report is on its own sheet.")])
    cover.column_dimensions["A"].width = 100
    for cell in cover["A"][1:]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for table in tables:
        sheet = book.create_sheet(sheet_name(table.title, used))
        _append(sheet, [c.label for c in table.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        rows = table.rows + ([table.total] if table.total else [])
        for row in rows:
            _append(sheet, row)
        for column, cells in zip(table.columns, sheet.columns, strict=False):
            letter = cells[0].column_letter
            sheet.column_dimensions[letter].width = 40 if column.kind == "text" else 16
            if column.kind in ("money", "mean", "number"):
                for cell in cells[1:]:
                    cell.number_format = "#,##0.00"
    sheet = book.create_sheet(sheet_name(_("Quotes"), used))
    _append(sheet, [_("Course"), _("Comment")])
    for quote in quotes:
        _append(sheet, [quote["course"], quote["text"]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _append(sheet: Worksheet, values: Sequence[Any]) -> None:
    """One row: decimals as numbers, text as text (openpyxl takes "=…" for a formula)."""
    sheet.append([float(v) if isinstance(v, Decimal) else v for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def annual_report_pdf(context: Mapping[str, Any]) -> bytes:
    """The annual report's "Training" section as a PDF, from ``report.context``."""
    return render_pdf("feedback/report_pdf.html", **context)


def _require_named(actor: User, what: str, period: Period) -> None:
    if not permissions.can_download_named_exports(actor):
        raise PermissionDenied(_("Only managers can download exports with learners' names"))
    label = period.fy + (f" Q{period.quarter}" if period.quarter else "")
    audit.record(actor, "report.named_export", f"{what} {label}")


def attendees_csv(actor: User, period: Period) -> str:
    """Everyone on a register of the period's cohorts whom ``actor`` may see by name
    (``courses.permissions.can_see_attendee``, R49: their own organisation's learners and
    the attendees of cohorts they run; admins everyone), audited.

    :raises PermissionDenied: when ``actor`` may not download named exports.
    """
    _require_named(actor, "attendees", period)
    completed = (
        select(Completion.id)
        .where(Completion.user_id == Booking.user_id, Completion.cohort_id == Booking.cohort_id)
        .exists()
    )
    rows = db.session.execute(
        select(
            User.full_name,
            User.email,
            Organisation.name,
            User.professional_background,
            User.sector,
            User.local_authority,
            Course.title,
            Cohort.title,
            Cohort.first_day,
            Booking.status,
            completed,
        )
        .join(User, User.id == Booking.user_id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .join(Cohort, Cohort.id == Booking.cohort_id)
        .join(Course, Course.id == Cohort.course_id)
        .where(
            Cohort.id.in_(period_cohorts(period)),
            Booking.status.in_(REGISTER_STATUSES),
            attendees_visible_to(actor, Cohort.id),
        )
        .order_by(Cohort.first_day, Cohort.id, User.full_name)
    )
    header = [
        _("Name"),
        _("Email"),
        _("Organisation"),
        _("Professional background"),
        _("Sector"),
        _("Local authority area"),
        _("Course"),
        _("Cohort"),
        _("First day"),
        _("Booking status"),
        pgettext("number who completed", "Completed"),
    ]
    return csv_text(
        header,
        (
            [
                name,
                email,
                org or "",
                PROFESSIONAL_BACKGROUNDS.get(bg or "", ""),
                SECTORS.get(sector or "", ""),
                LOCAL_AUTHORITIES.get(la or "", ""),
                course,
                cohort,
                first_day.isoformat(),
                status,
                _("Yes") if done else _("No"),
            ]
            for name, email, org, bg, sector, la, course, cohort, first_day, status, done in rows
        ),
    )


def workforce_csv(actor: User, period: Period, today: dt.date) -> str:
    """Each IFST member ``actor`` may see (``auth.permissions.can_view_training_record``,
    R49: their own organisation's; admins everyone): core completion, levels and clock, by
    name (audited).

    :raises PermissionDenied: when ``actor`` may not download named exports.
    """
    _require_named(actor, "IFST workforce", period)
    members = workforce_members(min(today, period.end), people_visible_to(actor))
    header = [
        _("Name"),
        _("Email"),
        _("Organisation"),
        _("Core training completed on"),
        _("Levels held"),
        _("Open application (level)"),
        _("Application status"),
        _("Accreditation clock"),
        _("Award due on"),
    ]
    return csv_text(
        header,
        (
            [
                m["name"],
                m["email"],
                m["organisation"] or "",
                m["core_completed_on"] or "",
                " ".join(str(n) for n in m["levels"]),
                m["open_level"] or "",
                m["open_status"] or "",
                m["clock"] or "",
                m["due_on"] or "",
            ]
            for m in members
        ),
    )
