"""The view boundary, written once: load or 404, authorise or 403, act, commit or roll back.

A view declares who may reach it (``trainhub.auth.permissions``), loads its object with
``@load`` (404 when missing, 403 when the object's predicate says no, both recorded for the
access matrix), validates its form, and hands the one service call to ``act``:

- success: commit, flash the success message, and the view redirects;
- ``ValidationFailed``: roll back, put the message on the form's field (or flash it when
  there is no form), and the view re-renders with ``form_page`` (400);
- ``ConflictError`` / ``PermissionDenied``: roll back, and flash the message (or, with
  ``conflict="form"``, put it at the top of the form);
- ``NotFound``: roll back and answer 404.

A failed action always rolls back, so nothing a service flushed before it refused is
committed by a later write in the same request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Generic, Literal, TypeVar

from flask import abort, flash
from flask_login import current_user

from trainhub.auth.permissions import add_check
from trainhub.errors import (
    ConflictError,
    NotFound,
    PermissionDenied,
    TrainhubError,
    ValidationFailed,
)
from trainhub.extensions import db, login_manager
from trainhub.forms import add_field_error, form_page

__all__ = ["Outcome", "act", "authorise", "by_id", "form_page", "load"]

T = TypeVar("T")
Obj = TypeVar("Obj")

#: What a success message may be: fixed text, or made from what the service returned
#: (text, ``(text, category)``, or None for no message).
Success = str | Callable[[Any], "str | tuple[str, str] | None"] | None


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What became of an action: its value when it succeeded, else the domain error."""

    value: T | None = None
    error: TrainhubError | None = None

    def __bool__(self) -> bool:
        return self.error is None

    @property
    def invalid(self) -> bool:
        """The input broke a rule about one field (``ValidationFailed``)."""
        return isinstance(self.error, ValidationFailed)

    @property
    def conflict(self) -> bool:
        """The state of things refused the action (``ConflictError`` or ``PermissionDenied``)."""
        return isinstance(self.error, ConflictError | PermissionDenied)

    @property
    def result(self) -> T:
        """The service's value (only after a success)."""
        assert self.error is None, "an action that failed has no result"
        return self.value  # type: ignore[return-value]


def act(
    call: Callable[[], T],
    form: Any = None,
    *,
    success: Success = None,
    conflict: Literal["flash", "form"] = "flash",
    show_errors: bool = True,
    refusal_counts: bool = False,
    check_only: bool = False,
) -> Outcome[T]:
    """Run one service call as the request's unit of work.

    :param call: the service call, taking no arguments (a lambda over the view's values).
    :param form: where a ``ValidationFailed`` message goes; without a form it is flashed.
    :param success: flashed ("success") after the commit; a callable gets the call's value.
    :param conflict: ``"form"`` puts a conflict's message at the top of ``form`` instead
        of flashing it. The view picks the status: ``form_page`` gives 400; a view that
        answers 409 reads ``Outcome.conflict``.
    :param show_errors: False when the view shows ``Outcome.error`` itself (a register
        whose errors belong to rows rather than to a form's fields).
    :param refusal_counts: the service wrote down its refusal before raising (a wrong code
        counted toward the sign-in lock): commit that instead of rolling it back.
    :param check_only: a dry run (an import's check page): the call's rules run and its
        errors are shown as above, but even a success is rolled back, and nothing is flashed.
    """
    settle = db.session.commit if refusal_counts else db.session.rollback
    try:
        value = call()
    except ValidationFailed as error:
        settle()
        if not show_errors:
            pass
        elif form is not None:
            add_field_error(form, error)
        else:
            flash(error.message, "error")
        return Outcome(error=error)
    except (ConflictError, PermissionDenied) as error:
        settle()
        if not show_errors:
            pass
        elif conflict == "form" and form is not None:
            form.form_errors.append(error.message)
        else:
            flash(error.message, "error")
        return Outcome(error=error)
    except NotFound:
        db.session.rollback()
        abort(404)
    if check_only:
        db.session.rollback()
        return Outcome(value=value)
    db.session.commit()
    message = success(value) if callable(success) else success
    if isinstance(message, tuple):
        flash(*message)
    elif message:
        flash(message, "success")
    return Outcome(value=value)


def flash_invalid(form: Any) -> None:
    """A small form posted from a list page (Approve, Decline with a reason) came back
    invalid: its first message is flashed, for the list page the view returns to."""
    for messages in form.errors.values():
        for message in messages if isinstance(messages, list) else [messages]:
            flash(str(message), "error")
            return


def authorise(allowed: bool) -> None:
    """403 unless ``allowed``; a visitor who is not signed in is asked to sign in instead."""
    if not allowed:
        if not current_user.is_authenticated:
            abort(login_manager.unauthorized())
        abort(403)


def load(
    name: str,
    loader: Callable[[Any], Obj | None],
    *,
    can: Callable[[Any, Obj], bool] | None = None,
    arg: str | None = None,
) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Give the view its object: ``loader(<the URL's arg>)`` as the keyword ``name``.

    404 when the loader finds nothing; then ``can(current_user, object)`` or 403 (a visitor
    is asked to sign in). ``arg`` is the URL variable, ``<name>_id`` unless given. The
    predicate is recorded on the view for the access matrix.
    """
    source = arg or f"{name}_id"

    def decorator(view: Callable[..., T]) -> Callable[..., T]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> T:
            found = loader(kwargs.pop(source))
            if found is None:
                abort(404)
            if can is not None:
                authorise(can(current_user, found))
            kwargs[name] = found
            return view(*args, **kwargs)

        if can is not None:
            add_check(wrapped, can.__name__)
        return wrapped

    return decorator


def by_id(model: type[Obj]) -> Callable[[Any], Obj | None]:
    """A loader for ``@load``: the row of ``model`` with the URL's id."""

    def get(ident: Any) -> Obj | None:
        return db.session.get(model, ident)

    return get
