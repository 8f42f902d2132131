"""Who may change the catalogue and venues."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trainhub.auth.models import User
    from trainhub.courses.models import Course


def can_edit_catalogue(user: User) -> bool:
    return user.has_role("trainer", "admin")


def can_edit_course(user: User, course: Course) -> bool:
    return can_edit_catalogue(user)


def can_change_canonical_content(user: User, course: Course) -> bool:
    """Agenda, outcomes and identity of a fidelity-controlled course: admins only."""
    return user.is_admin or not course.fidelity_controlled


def can_manage_venues(user: User) -> bool:
    return user.has_role("trainer", "admin")
