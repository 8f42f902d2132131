"""The financial year (April to March), in one place: every area, the reports and the
synthetic data count years with these."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

#: The month a financial year starts in.
FIRST_MONTH = 4
_QUARTER_STARTS = {1: (0, 4), 2: (0, 7), 3: (0, 10), 4: (1, 1)}


def financial_year(day: dt.date) -> int:
    """The year the financial year (April to March) containing ``day`` starts in."""
    return day.year if day.month >= FIRST_MONTH else day.year - 1


def financial_year_start(day: dt.date) -> dt.date:
    """1 April of the financial year containing ``day``."""
    return dt.date(financial_year(day), FIRST_MONTH, 1)


def financial_year_label(start_year: int) -> str:
    """2016 → "2016-17", as the annual reports write it."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def financial_year_bounds(start_year: int) -> tuple[dt.date, dt.date]:
    """The first and last day of the financial year starting in ``start_year``."""
    period = Period(start_year)
    return period.start, period.end


@dataclass(frozen=True)
class Period:
    """A financial year (April to March), or one quarter of it (1 is April to June)."""

    year: int
    quarter: int | None = None

    @property
    def start(self) -> dt.date:
        if self.quarter is None:
            return dt.date(self.year, FIRST_MONTH, 1)
        offset, month = _QUARTER_STARTS[self.quarter]
        return dt.date(self.year + offset, month, 1)

    @property
    def end(self) -> dt.date:
        if self.quarter is None or self.quarter == 4:
            return Period(self.year + 1).start - dt.timedelta(days=1)
        return Period(self.year, self.quarter + 1).start - dt.timedelta(days=1)

    @property
    def fy(self) -> str:
        return financial_year_label(self.year)
