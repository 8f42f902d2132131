"""Passwords: the strength rule, changing one, and the e-mailed links that set one
(reset, invitation, the confirmation of a self-registered address)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from trainhub.auth import sign_ins
from trainhub.auth.models import User
from trainhub.auth.services.emails import find_user_by_email, normalise_email
from trainhub.errors import PermissionDenied, ValidationFailed
from trainhub.extensions import db, utcnow
from trainhub.mail.services import external_url, queue_templated_mail, recently_mailed

log = logging.getLogger(__name__)


MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 128
#: A few of the most used passwords that pass the length rule.
COMMON_PASSWORDS = frozenset(
    {
        "password123",
        "password1234",
        "1234567890",
        "qwertyuiop",
        "123456789a",
        "iloveyou12",
        "passw0rd123",
        "welcome123",
        "changeme123",
        "trainhub123",
    }
)


def password_problem(password: str, email: str = "", full_name: str = "") -> str | None:
    """Why a password is too weak, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Password must be %(n)d characters or more", n=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _("Password must be %(n)d characters or fewer", n=MAX_PASSWORD_LENGTH)
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(lowered)) < 4:
        return _("Password is too easy to guess: use three random words, for example")
    local_part = normalise_email(email).split("@")[0]
    if (local_part and local_part in lowered and len(local_part) >= 4) or (
        full_name and lowered == full_name.replace(" ", "").lower()
    ):
        return _("Password must not contain your email address or name")
    return None


def check_password_strength(password: str, email: str = "", full_name: str = "") -> None:
    """Refuse a weak password (see ``password_problem``).

    :raises ValidationFailed: on ``password`` when it is too short, too long, too common or
        made of the person's address or name.
    """
    problem = password_problem(password, email, full_name)
    if problem:
        raise ValidationFailed("password", problem)


#: How long an address that was just written to is left alone (registration and reset alike).
MAIL_AGAIN_AFTER = timedelta(minutes=2)


def change_password(user: User, current: str, new: str) -> None:
    """A new password, which ends every sign-in of the account (the caller starts a new one
    for the browser it was changed on).

    :raises ValidationFailed: on ``current_password`` when it is wrong, on ``password`` when the
        new one is too weak.
    """
    if not user.check_password(current):
        raise ValidationFailed("current_password", _("Your current password is not right"))
    check_password_strength(new, user.email, user.full_name)
    user.set_password(new)
    sign_ins.end_sessions(user, sign_ins.PASSWORD_CHANGED)


# Password reset --------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _password_fingerprint(user: User) -> str:
    # Changes whenever the password or the email address does: every link is single-use,
    # and links sent to an old address stop working when an admin changes it.
    return user.credentials_fingerprint()


#: The links of the "set your password" page. A "confirm" link, sent to a self-registered
#: address, leads to "Create your password" instead (``auth.register_confirm``).
PASSWORD_LINKS = ("reset", "invite")


def make_reset_token(user: User, kind: str = "reset") -> str:
    """A signed link token; ``kind`` is "reset", "invite" or "confirm" (the last two live
    longer). Each works once: setting a password changes the fingerprint it holds."""
    return _serializer().dumps({"u": user.id, "p": _password_fingerprint(user), "k": kind})


def _max_age(kind: str) -> int:
    key = "INVITATION_MAX_AGE" if kind in ("invite", "confirm") else "PASSWORD_RESET_MAX_AGE"
    return int(current_app.config[key])


def user_for_reset_token(token: str, kinds: Iterable[str] = PASSWORD_LINKS) -> User | None:
    """The user a still-valid, unused link of one of ``kinds`` belongs to, or None."""
    longest = max(_max_age(kind) for kind in kinds)
    try:
        data, signed_at = _serializer().loads(token, max_age=longest, return_timestamp=True)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or data.get("k", "reset") not in kinds:
        return None
    if (utcnow() - signed_at).total_seconds() > _max_age(str(data.get("k", "reset"))):
        return None
    user = db.session.get(User, data.get("u"))
    if user is None or not user.active or data.get("p") != _password_fingerprint(user):
        return None
    # Signed before the account was made, or made again by a new registration: void. (The
    # token's time is in whole seconds.)
    if signed_at < user.created_at.replace(microsecond=0):
        return None
    return user


def mail_password_link(
    user: User, kind: str, template: str, subject: Callable[[], str], **context: Any
) -> None:
    """Queue the e-mail carrying a signed link of ``kind`` ("reset", "invite" or "confirm")
    to ``user``, rendered from ``template``.
    """
    endpoint = "auth.register_confirm" if kind == "confirm" else "auth.password_reset"
    link = external_url(endpoint, token=make_reset_token(user, kind))
    context.update(link=link, hours=_max_age(kind) // 3600)
    queue_templated_mail(user, template, subject, context)


@dataclass(frozen=True)
class _Address:
    """An e-mail address with no account behind it, written to in the asker's language."""

    email: str
    preferred_language: str


def request_password_reset(email: str, language: str = "en") -> None:
    """E-mail a reset link to an active account (to one never confirmed, the link to create
    its password), and to any other address a message saying that it has no account that
    can be reset: the same queries and one message either way (none if the address was
    written to in the last two minutes), so that neither the answer nor the work done tells
    whether an account exists. ``language`` is the asker's.
    """
    address = normalise_email(email)
    user = find_user_by_email(address)
    if recently_mailed(address, MAIL_AGAIN_AFTER):
        log.info("Password reset asked again for an address within two minutes: not sent")
        return
    if user is not None and user.active and not user.email_confirmed:
        mail_password_link(
            user,
            "confirm",
            "registration_confirm",
            lambda: _("Create your trainhub password"),
            asked_to_reset=True,
        )
        return
    if user is not None and user.active:
        mail_password_link(
            user, "reset", "password_reset", lambda: _("Reset your trainhub password")
        )
        return
    log.info("Password reset asked for an unknown or inactive address")
    register = current_app.config["SELF_REGISTRATION"]
    queue_templated_mail(
        user if user is not None else _Address(address, language),
        "password_reset_no_account",
        lambda: _("Resetting your trainhub password"),
        {
            "deactivated": user is not None,
            "register": external_url("auth.register") if register else None,
        },
    )


def send_invitation(user: User) -> None:
    """Invite a person whose account someone else created to set their password."""
    mail_password_link(user, "invite", "invitation", lambda: _("Your trainhub account"))


def send_password_link(actor: User, user: User) -> None:
    """An admin sends a person a link: an invitation if they never set a password.

    :raises PermissionDenied: when ``actor`` is not an administrator.
    """
    if not actor.is_admin:
        raise PermissionDenied(_("Only an administrator can change accounts"))
    if user.password_hash is None:
        send_invitation(user)
    else:
        mail_password_link(
            user, "reset", "password_reset", lambda: _("Reset your trainhub password")
        )


def reset_password(user: User, password: str) -> None:
    """Set a new password from a link (which proves the address is the person's); it also
    lifts a sign-in lock and ends every sign-in of the account.

    :raises ValidationFailed: on ``password`` when it is too weak.
    """
    check_password_strength(password, user.email, user.full_name)
    user.set_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.email_confirmed = True
    sign_ins.end_sessions(user, sign_ins.PASSWORD_RESET)


def create_password(user: User, password: str) -> None:
    """The owner of a self-registered address creates their password from the link e-mailed
    to it, which proves the address is theirs: the account is confirmed and may sign in.

    :raises ValidationFailed: on ``password`` when it is too weak.
    """
    reset_password(user, password)
    user.last_login_at = utcnow()
    log.info("User %s created their password and confirmed their address", user.id)
