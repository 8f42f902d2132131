"""Wales's clock: the time zone every date people see is in, and today's date there."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from zoneinfo import ZoneInfo

#: Wales keeps UK time (GMT, BST in summer).
LOCAL_TIME = ZoneInfo("Europe/London")


def local_today() -> dt.date:
    """Today's date in Wales."""
    return dt.datetime.now(LOCAL_TIME).date()


@lru_cache(maxsize=16)
def _bank_holidays(year: int) -> frozenset[dt.date]:
    import holidays  # 50 ms to import: only when a cohort's days are checked, not at start

    return frozenset(holidays.country_holidays("GB", subdiv="WLS", years=year))


def bank_holidays_in_wales(years: Iterable[int]) -> frozenset[dt.date]:
    """The bank holidays in Wales of these years (the ``holidays`` package; worked out once
    a year and kept)."""
    return frozenset().union(*(_bank_holidays(year) for year in set(years)))
