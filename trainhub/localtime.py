"""Wales's clock: the time zone every date people see is in, and today's date there."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

#: Wales keeps UK time (GMT, BST in summer).
LOCAL_TIME = ZoneInfo("Europe/London")


def local_today() -> dt.date:
    """Today's date in Wales."""
    return dt.datetime.now(LOCAL_TIME).date()
