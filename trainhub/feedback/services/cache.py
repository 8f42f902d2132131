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


def _kept(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, from this process's copy while the data has not changed since it was
    computed (``key`` names everything else it depends on); computed afresh when there is no
    cache or this transaction has changed the data itself."""
    store = _store()
    version = data_version.current() if store.size > 0 else None
    if version is None:
        return compute()
    kept = store.get(key, version)
    if kept is not None:
        # Our own bytes, made below in this process: never data from outside.
        copy: T = pickle.loads(kept)  # noqa: S301
        return copy
    data = compute()
    store.put(key, version, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
    return data


def figures(period: Period, today: dt.date | None = None) -> Figures:
    """``reporting.compute(period, today)``, kept while the data has not changed.

    The key holds the day (the open year's figures run to today, and every year's say when
    they were computed) and the anonymity floor; the version stands for everything else.
    """
    day = today or local_today()
    return _kept((period, day, reporting.min_members()), lambda: reporting.compute(period, day))


def five_years(year: int, today: dt.date | None = None) -> reporting.FiveYears:
    """``reporting.five_years(year)``, kept like :func:`figures` (in the same store)."""
    day = today or local_today()
    return _kept(
        ("five_years", year, day, reporting.min_members()),
        lambda: reporting.five_years(year, day),
    )
