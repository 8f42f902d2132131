"""The roles a person may hold, and the groups of them that pages and checks name.

Roles are rows (``user_roles.role``) holding these values; a user may hold several.
``Role`` is a ``StrEnum``, so ``Role.ADMIN == "admin"`` and code that still writes the
string keeps working. "Supervisor" is not a role: it is ``users.supervisor_id``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Role(StrEnum):
    LEARNER = "learner"
    TRAINER = "trainer"
    ASSESSOR = "assessor"
    MANAGER = "manager"
    ADMIN = "admin"


#: Those who run cohorts: schedule, take registers, manage bookings, read cohort feedback.
STAFF: frozenset[Role] = frozenset({Role.TRAINER, Role.MANAGER, Role.ADMIN})
#: Those who decide for the organisation: approvals, overrides, training records, the audit log.
MANAGERS: frozenset[Role] = frozenset({Role.MANAGER, Role.ADMIN})
#: Those who edit the catalogue and venues.
EDITORS: frozenset[Role] = frozenset({Role.TRAINER, Role.ADMIN})


def sections(user: Any) -> frozenset[str]:
    """The parts of the service ``user`` may reach, worked out once from their roles:
    the navigation and the layout's cache key both read this, so they cannot disagree.

    ``everyone`` for visitors; ``signed_in`` for any account; ``supervisor`` when someone
    names them as supervisor; then one name per role-based section.
    """
    found = {"everyone"}
    if not getattr(user, "is_authenticated", False):
        return frozenset(found)
    found.add("signed_in")
    roles = user.roles
    if user.has_supervisees():
        found.add("supervisor")
    if Role.ASSESSOR in roles:
        found.add("assessment")
    if not STAFF.isdisjoint(roles):
        found.add("cohorts")
    if Role.MANAGER in roles:
        found.add("reports")
    if Role.TRAINER in roles:
        found.add("venues")
    if not MANAGERS.isdisjoint(roles):
        found.add("administration")
    return frozenset(found)
