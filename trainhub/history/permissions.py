"""Who may record history (past cohorts, completions, awards, paper feedback)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from trainhub.auth.roles import MANAGERS

if TYPE_CHECKING:
    from trainhub.auth.models import User


def can_record_history(user: User) -> bool:
    """Managers and administrators bring a partnership's history in and withdraw it."""
    return user.has_role(*MANAGERS)
