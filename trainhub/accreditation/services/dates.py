"""Calendar arithmetic the accreditation rules need: months, financial years."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the 31st becomes the month's last day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def financial_year(day: dt.date) -> int:
    """The year the financial year (April to March) containing ``day`` starts in."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_label(start_year: int) -> str:
    """2016 → "2016-17", as the annual reports write it."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def financial_year_bounds(start_year: int) -> tuple[dt.date, dt.date]:
    return dt.date(start_year, 4, 1), dt.date(start_year + 1, 3, 31)
