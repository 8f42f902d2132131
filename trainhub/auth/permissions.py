"""Who may do what with accounts, and the decorator every non-public view wears."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from flask import abort
from flask_login import current_user, login_required

if TYPE_CHECKING:
    from trainhub.auth.models import User

P = ParamSpec("P")
R = TypeVar("R")


def role_required(*roles: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Anonymous visitors go to sign-in; signed-in users without one of ``roles`` get 403."""

    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return login_required(wrapped)

    return decorator


def can_view_training_record(actor: User, person: User) -> bool:
    """The person, their supervisor, their own organisation's managers, and admins.

    Learner data from an organisation is shared only with that organisation's
    managers (DOMAIN.md R49).
    """
    return (
        actor.id == person.id
        or (person.supervisor_id is not None and person.supervisor_id == actor.id)
        or actor.is_admin
        or (
            actor.has_role("manager")
            and person.organisation_id is not None
            and person.organisation_id == actor.organisation_id
        )
    )
