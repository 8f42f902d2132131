"""Accounts: profiles, roles, supervisors, and the accounts administrators make and change."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import insert, select

from trainhub.auth import choices, sign_ins
from trainhub.auth.models import Organisation, User, UserRole
from trainhub.auth.roles import Role
from trainhub.auth.services.emails import (
    check_email,
    email_taken,
    find_user_by_email,
    normalise_email,
)
from trainhub.auth.services.passwords import check_password_strength, send_invitation
from trainhub.errors import PermissionDenied, ValidationFailed
from trainhub.extensions import db
from trainhub.text import has_control_characters

log = logging.getLogger(__name__)


@dataclass
class ProfileData:
    """What a person may say about themselves."""

    full_name: str
    organisation_id: int | None = None
    sector: str | None = None
    local_authority: str | None = None
    professional_background: str | None = None
    job_title: str = ""
    ifst_member: bool = False
    supplies_family_support: bool = False
    preferred_language: str = "en"


@dataclass
class AccountData(ProfileData):
    """What an administrator may set on an account."""

    email: str = ""
    roles: set[str] = field(default_factory=lambda: {Role.LEARNER})
    supervisor_email: str = ""


_PROFILE_CHOICES = {
    "sector": choices.SECTORS,
    "local_authority": choices.LOCAL_AUTHORITIES,
    "professional_background": choices.PROFESSIONAL_BACKGROUNDS,
    "preferred_language": choices.LANGUAGES,
}


def _check_profile(data: ProfileData) -> None:
    """Every rule about a profile, checked before anything is written."""
    name = data.full_name.strip()
    if not name:
        raise ValidationFailed("full_name", _("Enter your full name"))
    if len(name) > 200 or len(data.job_title.strip()) > 200:
        field_name = "full_name" if len(name) > 200 else "job_title"
        raise ValidationFailed(field_name, _("Use 200 characters or fewer"))
    for field_name, value in (("full_name", name), ("job_title", data.job_title)):
        if has_control_characters(value):
            raise ValidationFailed(
                field_name, _("Write this on one line, without hidden characters")
            )
    for field_name, options in _PROFILE_CHOICES.items():
        value = getattr(data, field_name)
        if value and value not in options:
            raise ValidationFailed(field_name, _("Choose from the list"))
    if data.organisation_id is not None:
        organisation = db.session.get(Organisation, data.organisation_id)
        if organisation is None:
            raise ValidationFailed("organisation_id", _("Choose an organisation from the list"))


def profile_values(data: ProfileData) -> dict[str, Any]:
    """The columns of a profile that ``_check_profile`` accepted, as they are stored."""
    values: dict[str, Any] = {}
    for f in fields(ProfileData):
        value = getattr(data, f.name)
        if isinstance(value, str):
            value = value.strip()
        values[f.name] = value if value != "" or f.name == "job_title" else None
    return values


def _apply_profile(user: User, data: ProfileData) -> None:
    """Write a profile that ``_check_profile`` accepted."""
    for name, value in profile_values(data).items():
        setattr(user, name, value)


def _set_roles(user: User, roles: Iterable[str]) -> None:
    wanted = set(roles)
    unknown = wanted - set(choices.ROLES)
    if unknown:
        raise ValidationFailed(
            "roles", _("Unknown role: %(role)s", role=", ".join(sorted(unknown)))
        )
    if not wanted:
        raise ValidationFailed("roles", _("Choose at least one role"))
    user.role_rows = [row for row in user.role_rows if row.role in wanted] + [
        UserRole(role=role) for role in sorted(wanted - user.roles)
    ]


def _find_supervisor(email: str, own_email: str) -> User | None:
    """The account named as supervisor (None for nobody), checked but not yet assigned."""
    if not email.strip():
        return None
    if normalise_email(email) == normalise_email(own_email):
        raise ValidationFailed("supervisor_email", _("A person cannot supervise themselves"))
    supervisor = find_user_by_email(email)
    if supervisor is None:
        raise ValidationFailed("supervisor_email", _("There is no account with that email address"))
    return supervisor


def check_new_account(
    email: str,
    full_name: str,
    password: str | None,
    profile: ProfileData | None,
    check_unique: bool = True,
) -> str:
    """Every rule about a new account (the address unique unless told not to check);
    returns the address normalised.

    :raises ValidationFailed: on the field at fault: the address (malformed or taken), the
        password (too weak) or the profile.
    """
    email = check_email(email)
    if check_unique and email_taken(email):
        raise ValidationFailed("email", _("An account with this email address already exists"))
    if password is not None:
        check_password_strength(password, email, full_name)
    if profile is not None:
        _check_profile(profile)
    elif not full_name.strip():
        raise ValidationFailed("full_name", _("Enter your full name"))
    elif has_control_characters(full_name.strip()):
        raise ValidationFailed("full_name", _("Write this on one line, without hidden characters"))
    return email


def new_account(
    email: str,
    full_name: str,
    roles: Iterable[str],
    password: str | None = None,
    profile: ProfileData | None = None,
    check_unique: bool = True,
) -> User:
    """A new account with a unique email and, when given, a strong password.

    Everything is checked before the account is added to the session.

    :raises ValidationFailed: as ``check_new_account``, or on ``roles`` for an unknown role or
        none.
    """
    email = check_new_account(email, full_name, password, profile, check_unique)
    return _add_account(email, full_name, roles, password, profile)


def _add_account(
    email: str,
    full_name: str,
    roles: Iterable[str],
    password: str | None,
    profile: ProfileData | None,
) -> User:
    user = User(email=email, full_name=full_name.strip())
    if profile is not None:
        _apply_profile(user, profile)
    if password is not None:
        user.set_password(password)
    _set_roles(user, roles)
    db.session.add(user)
    return user


def update_profile(user: User, profile: ProfileData) -> None:
    """A person changes what they say about themselves.

    :raises ValidationFailed: on the profile field at fault (empty or long name, hidden
        characters, a choice not in the list, an unknown organisation).
    """
    _check_profile(profile)
    _apply_profile(user, profile)


# Administration -------------------------------------------------------------


def create_first_admin(email: str, full_name: str, password: str) -> User:
    """An administrator made from the command line (whoever runs it owns the server).

    :raises ValidationFailed: when the address is malformed or taken, or the password weak.
    """
    user = new_account(email, full_name, {Role.ADMIN}, password)
    db.session.flush()
    log.info("Administrator %s created from the command line", user.id)
    return user


def create_user(actor: User, data: AccountData) -> User:
    """An administrator makes an account, which is sent an invitation to set its password.

    :raises PermissionDenied: when ``actor`` is not an administrator.
    :raises ValidationFailed: on the field at fault (address, profile, roles, supervisor).
    """
    if not actor.is_admin:
        raise PermissionDenied(_("Only an administrator can create accounts"))
    supervisor = _find_supervisor(data.supervisor_email, data.email)
    user = new_account(data.email, data.full_name, data.roles, profile=data)
    user.supervisor = supervisor
    db.session.flush()
    send_invitation(user)
    log.info("User %s created by %s", user.id, actor.id)
    return user


def update_user(actor: User, user: User, data: AccountData) -> None:
    """An administrator changes an account; a new address ends its sign-ins and voids its links.

    :raises PermissionDenied: when ``actor`` is not an administrator.
    :raises ValidationFailed: on the field at fault (address malformed or taken, profile, roles
        or removing one's own administrator role, supervisor).
    """
    if not actor.is_admin:
        raise PermissionDenied(_("Only an administrator can change accounts"))
    email = check_email(data.email)
    if email_taken(email, except_id=user.id):
        raise ValidationFailed("email", _("An account with this email address already exists"))
    if actor.id == user.id and Role.ADMIN not in data.roles:
        raise ValidationFailed("roles", _("You cannot remove your own administrator role"))
    _check_profile(data)
    supervisor = _find_supervisor(data.supervisor_email, email)
    if email != user.email:  # links and sign-ins made for the old address stop working
        sign_ins.end_sessions(user, sign_ins.EMAIL_CHANGED)
    user.email = email
    _apply_profile(user, data)
    _set_roles(user, data.roles)
    user.supervisor = supervisor
    log.info("User %s changed by %s", user.id, actor.id)


def set_user_active(actor: User, user: User, active: bool) -> None:
    """An administrator deactivates an account (ending its sign-ins) or reactivates it
    (lifting a sign-in lock).

    :raises PermissionDenied: when ``actor`` is not an administrator, or deactivates themselves.
    """
    if not actor.is_admin:
        raise PermissionDenied(_("Only an administrator can change accounts"))
    if actor.id == user.id and not active:
        raise PermissionDenied(_("You cannot deactivate your own account"))
    user.active = active
    if active:  # reactivating also lifts a sign-in lock
        user.locked_until = None
        user.failed_logins = 0
    else:
        sign_ins.end_sessions(user, sign_ins.DEACTIVATED)
    log.info("User %s %s by %s", user.id, "activated" if active else "deactivated", actor.id)


def add_accounts_without_passwords(
    people: Iterable[tuple[str, str, int | None]], invite: bool = False
) -> dict[str, User]:
    """Learner accounts for people known only from records (``(email, full name,
    organisation id)``, addresses already checked and not taken), in a fixed number of
    queries however many. They have no password, so they can't sign in until invited;
    nobody is e-mailed unless ``invite``. Returns the new accounts by address.
    """
    rows = [
        {"email": normalise_email(email), "full_name": name.strip(), "organisation_id": org}
        for email, name, org in people
    ]
    if not rows:
        return {}
    db.session.execute(insert(User), rows)
    made = {
        user.email: user
        for user in db.session.execute(
            select(User).where(User.email.in_([row["email"] for row in rows]))
        ).scalars()
    }
    db.session.execute(
        insert(UserRole), [{"user_id": user.id, "role": Role.LEARNER} for user in made.values()]
    )
    if invite:
        for user in made.values():
            send_invitation(user)
    log.info("%d accounts made from records", len(made))
    return made
