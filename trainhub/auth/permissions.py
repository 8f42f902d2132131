"""Who may do what with accounts, and the declarations every view wears.

Every route says who may reach it with exactly one of ``public``, ``signed_in``,
``role_required(...)`` or ``allowed(predicate)``; each records an ``Access`` on the view
function, and ``trainhub.boundary.load`` adds the object predicate it checks. The access
matrix test reads ``access_of(view)`` for every endpoint, so an undeclared route fails.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import wraps
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import ColumnElement, or_, true

from trainhub.auth.roles import Role

if TYPE_CHECKING:
    from trainhub.auth.models import User

P = ParamSpec("P")
R = TypeVar("R")
F = TypeVar("F", bound=Callable[..., Any])

#: The attribute of a view function that holds its ``Access``.
ACCESS_ATTRIBUTE = "trainhub_access"


@dataclass(frozen=True)
class Access:
    """Who may reach a view, as declared on it.

    ``public`` views answer visitors; otherwise visitors are sent to sign in. ``roles``
    (when not empty) are the roles of which a signed-in user needs one, else 403;
    ``checks`` name the predicates the view applies (to the user, or to the object it
    loads) before it acts, each a 403 when it says no.
    """

    public: bool = False
    roles: frozenset[Role] = field(default_factory=frozenset)
    checks: tuple[str, ...] = ()


def access_of(view: Callable[..., Any]) -> Access | None:
    """The declared access of ``view``, or None when it declares nothing."""
    access = getattr(view, ACCESS_ATTRIBUTE, None)
    return access if isinstance(access, Access) else None


def _declare(view: Any, **changes: Any) -> None:
    current = access_of(view) or Access()
    setattr(view, ACCESS_ATTRIBUTE, replace(current, **changes))


def add_check(view: Any, name: str) -> None:
    """Record that ``view`` applies the predicate ``name`` (``boundary.load`` calls this)."""
    current = access_of(view) or Access()
    setattr(view, ACCESS_ATTRIBUTE, replace(current, checks=(*current.checks, name)))


def checks(*predicates: Callable[..., bool]) -> Callable[[F], F]:
    """Declare the object predicates a view applies itself (through a shared loader that
    calls ``boundary.authorise``), so the access matrix reads them like ``@load``'s."""

    def declare(view: F) -> F:
        for predicate in predicates:
            add_check(view, predicate.__name__)
        return view

    return declare


def public(view: F) -> F:
    """Anyone may reach this view, signed in or not (any object checks are its own)."""
    _declare(view, public=True)
    return view


def signed_in(view: F) -> F:
    """Any signed-in user; visitors are sent to the sign-in page."""
    wrapped = login_required(view)
    _declare(wrapped, public=False)
    return wrapped


def role_required(*roles: Role) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Anonymous visitors go to sign-in; signed-in users without one of ``roles`` get 403."""
    needed = frozenset(Role(role) for role in roles)

    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
            if not current_user.has_role(*needed):
                abort(403)
            return view(*args, **kwargs)

        guarded: Callable[P, R] = login_required(wrapped)
        _declare(guarded, public=False, roles=needed)
        return guarded

    return decorator


def allowed(predicate: Callable[[User], bool]) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """A signed-in user for whom ``predicate(user)`` holds (a rule that is not a role list:
    a supervisor, say); visitors are sent to sign in, anyone else gets 403."""

    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
            if not predicate(current_user):
                abort(403)
            return view(*args, **kwargs)

        guarded: Callable[P, R] = login_required(wrapped)
        add_check(guarded, predicate.__name__)
        _declare(guarded, public=False)
        return guarded

    return decorator


def can_view_training_record(actor: User, person: User) -> bool:
    """Whether ``actor`` may see ``person``'s personal data (DOMAIN.md R49): the person,
    their supervisor, admins, and the managers of the person's own organisation.

    Learner data from an organisation is shared only with that organisation's managers, so a
    learner with no organisation is seen by no manager here: only by admins (and, in a
    cohort's context, by those who run the cohort: ``courses.permissions.can_see_attendee``).
    ``people_visible_to`` is the same rule as a SQL condition; keep the two together.
    """
    return (
        actor.id == person.id
        or (person.supervisor_id is not None and person.supervisor_id == actor.id)
        or actor.is_admin
        or (
            actor.has_role(Role.MANAGER)
            and person.organisation_id is not None
            and person.organisation_id == actor.organisation_id
        )
    )


def can_manage_agreements(actor: User) -> bool:
    """Data-sharing agreements are recorded by administrators (the controller's side);
    managers see them on the organisation's page."""
    return bool(actor.is_authenticated and actor.is_admin)


def can_change_agreement(actor: User, _agreement: Any) -> bool:
    """``can_manage_agreements`` for an agreement loaded by ``boundary.load``."""
    return can_manage_agreements(actor)


def people_visible_to(actor: User, person: Any = None) -> ColumnElement[bool]:
    """``can_view_training_record`` as a condition on ``person`` (``User`` or an alias of
    it), for lists and exports that filter in SQL: the same people, no extra statement."""
    from trainhub.auth.models import User

    who: Any = person if person is not None else User
    if actor.is_admin:
        return true()
    condition = or_(who.id == actor.id, who.supervisor_id == actor.id)
    if actor.has_role(Role.MANAGER) and actor.organisation_id is not None:
        condition = or_(condition, who.organisation_id == actor.organisation_id)
    return condition
