"""The figures of a period, computed once per data version and kept in the process.

``reporting.compute`` takes a third of a second on a Wales-scale year. The figures change
only when the data does, and every commit that changes what they read gives the data a new
version (``trainhub.data_version``), so this process keeps what it computed under
(period, day, anonymity floor) with the version it was computed at: a read costs one tiny
query while nothing has changed. Each gunicorn worker keeps its own copies and reads the
version itself, so a change made through any worker is seen by all of them at once.

Entries are kept pickled and unpickled for each reader, so no caller can change another's
copy. ``STATISTICS_CACHE_SIZE`` entries at most per app (0 turns the cache off).
"""

from __future__ import annotations

import datetime as dt
import pickle
from collections.abc import Callable, Hashable
from typing import TypeVar

from trainhub import data_version
from trainhub.courses.models import local_today
from trainhub.feedback import reporting
from trainhub.feedback.reporting import Figures
from trainhub.financial_years import Period

#: Periods kept per process when STATISTICS_CACHE_SIZE is not set (a Wales-scale year's
#: figures are some 15 KB).
DEFAULT_SIZE = 32
_EXTENSION = "trainhub.statistics_cache"
T = TypeVar("T")


def _store() -> data_version.VersionedCache:
    return data_version.cache_of(_EXTENSION, "STATISTICS_CACHE_SIZE", DEFAULT_SIZE)


def _version() -> str | None:
    """The data version to keep under: None when nothing is kept or this transaction has
    changed the data itself (compute afresh)."""
    return data_version.current() if _store().size > 0 else None


def _kept(key: Hashable, compute: Callable[[], T], version: str | None) -> T:
    """``compute()``, from this process's copy while the data has not changed since it was
    computed at ``version`` (``key`` names everything else it depends on); computed afresh
    when there is no version (:func:`_version`)."""
    if version is None:
        return compute()
    store = _store()
    kept = store.get(key, version)
    if kept is not None:
        # Our own bytes, made below in this process: never data from outside.
        copy: T = pickle.loads(kept)  # noqa: S301
        return copy
    data = compute()
    store.put(key, version, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
    return data


def _figures(period: Period, day: dt.date, version: str | None) -> Figures:
    return _kept(
        (period, day, reporting.min_members()), lambda: reporting.compute(period, day), version
    )


def _five_years(year: int, day: dt.date, version: str | None) -> reporting.FiveYears:
    return _kept(
        ("five_years", year, day, reporting.min_members()),
        lambda: reporting.five_years(year, day),
        version,
    )


def figures(period: Period, today: dt.date | None = None) -> Figures:
    """``reporting.compute(period, today)``, kept while the data has not changed.

    The key holds the day (the open year's figures run to today, and every year's say when
    they were computed) and the anonymity floor; the version stands for everything else.
    """
    return _figures(period, today or local_today(), _version())


def five_years(year: int, today: dt.date | None = None) -> reporting.FiveYears:
    """``reporting.five_years(year)`` (the pivot with it), kept like :func:`figures` (in the
    same store)."""
    return _five_years(year, today or local_today(), _version())


def statistics(
    period: Period, today: dt.date | None = None
) -> tuple[Figures, reporting.FiveYears | None]:
    """A period's figures and, for a whole year, its five-year view (the pivot's source),
    each kept like :func:`figures`, under one read of the data version."""
    day, version = today or local_today(), _version()
    data = _figures(period, day, version)
    if period.quarter is not None:
        return data, None
    return data, _five_years(period.year, day, version)
