"""Who may do what with people's data: ``can_<verb>_<noun>(user, obj) -> bool``."""

from __future__ import annotations

from trainhub.auth.models import User


def can_export_person_data(actor: User, person: User) -> bool:
    """A subject-access export of anyone: administrators only."""
    return actor.is_admin


def can_erase_person(actor: User, person: User) -> bool:
    """Administrators, never of their own account (another administrator must do it)."""
    return actor.is_admin and actor.id != person.id
