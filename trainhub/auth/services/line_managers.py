"""The line manager a learner names: an account found by e-mail address, or a name and an
e-mail address for someone with no account. Not the Level 6 supervisor (``supervisor_id``).

A request already sent to a line manager stays with the person asked: naming someone else
changes who is asked next time.
"""

from __future__ import annotations

import logging

from flask_babel import gettext as _

from trainhub.auth.models import LineManager, User
from trainhub.auth.services.emails import check_email, find_user_by_email
from trainhub.errors import ValidationFailed
from trainhub.extensions import db

log = logging.getLogger(__name__)


def name_line_manager(actor: User, email: str, name: str = "") -> LineManager:
    """Name (or change) ``actor``'s line manager by e-mail address.

    An active account with the address is linked (its name is used); otherwise ``name`` is
    required and the line manager is kept as that name and address.

    :raises ValidationFailed: on ``email`` when it is not an address or is the actor's own; on
        ``name`` when no account has the address and no name (or one over 200 characters)
        is given.
    """
    address = check_email(email, "email")
    if address == actor.email:
        raise ValidationFailed("email", _("Enter your line manager's email address, not your own"))
    account = find_user_by_email(address)
    if account is not None and not account.active:
        account = None
    name = " ".join(name.split())
    if account is None and not name:
        raise ValidationFailed(
            "name",
            _("Enter your line manager's name: nobody has an account with that email address"),
        )
    if len(name) > 200:
        raise ValidationFailed("name", _("The name must be 200 characters or fewer"))
    entry = actor.line_manager
    if entry is None:
        entry = LineManager(user=actor)
        db.session.add(entry)
    entry.manager = account
    entry.manager_id = account.id if account is not None else None
    entry.name = "" if account is not None else name
    entry.email = "" if account is not None else address
    db.session.flush()
    log.info("User %s named a line manager (%s)", actor.id, "account" if account else "e-mail")
    return entry


def remove_line_manager(actor: User) -> bool:
    """Forget ``actor``'s line manager; False when none was named."""
    entry = actor.line_manager
    if entry is None:
        return False
    db.session.delete(entry)
    actor.line_manager = None
    db.session.flush()
    return True
