"""The anonymity floor (k = ``FEEDBACK_MIN_RESPONSES``, 5 unless set): a breakdown of fewer
responses than k is never shown, so no one can be recognised from their answers.

This is its one home. Every breakdown (a statement's mean, a course's, a trainer's, a
cohort's results with its comments) passes through :func:`hide_below_floor`, which gives
back the breakdown only when it may be shown, and otherwise its n, the floor and the
reason to show instead. Pages and templates show what they get.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import current_app
from flask_babel import gettext as _

T = TypeVar("T")


def min_members() -> int:
    """k: breakdowns of fewer responses than this are not shown."""
    return int(current_app.config.get("FEEDBACK_MIN_RESPONSES", 5))


@dataclass(frozen=True)
class Floored(Generic[T]):
    """A breakdown behind the floor: ``value`` is None unless ``shown``."""

    #: The responses the breakdown is made of.
    n: int
    #: The floor it was held to.
    floor: int
    shown: bool
    value: T | None

    @property
    def reason(self) -> str:
        """Why nothing is shown ("" when the breakdown is shown), in the reader's language."""
        if self.shown:
            return ""
        return _(
            "%(n)d responses so far (n = %(n)d). Results are shown from %(floor)d responses, "
            "so that no one can be recognised from their answers.",
            n=self.n,
            floor=self.floor,
        )


def hide_below_floor(n: int, load: Callable[[], T], floor: int | None = None) -> Floored[T]:
    """The breakdown ``load`` makes, if its ``n`` responses reach the floor; otherwise
    nothing but n, the floor and the reason (``load`` is then never called, so what must
    stay hidden is not even read).

    ``floor`` is :func:`min_members` unless given (a caller holding many breakdowns reads
    the setting once).
    """
    floor = min_members() if floor is None else floor
    shown = n >= floor
    return Floored(n=n, floor=floor, shown=shown, value=load() if shown else None)
