"""Self-registration, and learners invited by someone else."""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite

from trainhub.auth.models import User, UserRole
from trainhub.auth.roles import Role
from trainhub.auth.services.accounts import (
    ProfileData,
    check_new_account,
    new_account,
    profile_values,
)
from trainhub.auth.services.emails import find_user_by_email
from trainhub.auth.services.passwords import MAIL_AGAIN_AFTER, mail_password_link, send_invitation
from trainhub.errors import PermissionDenied
from trainhub.extensions import db, utcnow
from trainhub.mail.services import external_url, queue_templated_mail, recently_mailed

log = logging.getLogger(__name__)


def register_learner(email: str, profile: ProfileData) -> User | None:
    """Self-registration, answered the same way whether or not the address has an account.

    Nobody chooses a password here. A new address gets a learner account with no password,
    unconfirmed; an address whose account was never confirmed has it made again from this
    profile (links sent before stop working). Either way the address is e-mailed a link to
    create the password, the only way into the account, so whoever registers someone else's
    address gets nothing out of it. An address with a confirmed account gets no new account:
    its owner is told that someone tried. Every path runs the same statements and writes one
    message, and none if the address was written to in the last two minutes (a reset
    request too), so neither the page nor the work done tells them apart. Returns the
    account waiting for its password, or None.

    :raises PermissionDenied: when self-registration is switched off.
    :raises ValidationFailed: on the field at fault (the address malformed, the profile).
    """
    if not current_app.config["SELF_REGISTRATION"]:
        raise PermissionDenied(_("Self-registration is switched off"))
    email = check_new_account(email, profile.full_name, None, profile, check_unique=False)
    if recently_mailed(email, MAIL_AGAIN_AFTER):
        log.info("Registration asked again for an address within two minutes: not sent")
        return None
    pending = _claim_address(email, profile)
    if pending is None:
        existing = find_user_by_email(email)  # the statement a new account's role costs
        if existing is not None:
            queue_templated_mail(
                existing,
                "registration_taken",
                lambda: _("Someone tried to create a trainhub account with your email address"),
                {
                    "sign_in": external_url("auth.login"),
                    "reset": external_url("auth.password_forgotten"),
                },
            )
            log.info("Registration asked for the address of account %s", existing.id)
        return None
    mail_password_link(
        pending, "confirm", "registration_confirm", lambda: _("Create your trainhub password")
    )
    log.info("Learner %s registered (or registered again): link sent", pending.id)
    return pending


def _insert(model: Any) -> postgresql.Insert | sqlite.Insert:
    """An INSERT that can say what to do about a conflict (both backends have ON CONFLICT)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)


def _claim_address(email: str, profile: ProfileData) -> User | None:
    """Make an unconfirmed learner account without a password for ``email``, or make an
    unconfirmed, active one again (this profile, no password, ``created_at`` now, so that
    older links stop working); None when the address belongs to any other account.

    One statement whatever the address, which two registrations at once cannot race into
    a duplicate, then one for the learner role (kept if the account already had it).
    """
    values = profile_values(profile)
    values.update(email=email, password_hash=None, email_confirmed=False, created_at=utcnow())
    statement = _insert(User).values(values)
    statement = statement.on_conflict_do_update(
        index_elements=[User.email],
        set_={name: statement.excluded[name] for name in values if name != "email"},
        where=User.email_confirmed.is_(False) & User.active.is_(True),
    )
    user = db.session.scalars(
        statement.returning(User), execution_options={"populate_existing": True}
    ).one_or_none()
    if user is not None:
        db.session.execute(
            _insert(UserRole).values(user_id=user.id, role=Role.LEARNER).on_conflict_do_nothing()
        )
    return user


def invite_learner(email: str, full_name: str, organisation_id: int | None) -> User:
    """A learner account made for someone else (e.g. a partner's list), with an invitation.

    :raises ValidationFailed: when the address is malformed or taken, or the name empty.
    """
    user = new_account(email, full_name, {Role.LEARNER})
    user.organisation_id = organisation_id
    db.session.flush()
    send_invitation(user)
    log.info("Learner %s invited", user.id)
    return user
