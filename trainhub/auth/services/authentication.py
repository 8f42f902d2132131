"""Signing in with a password, and the lock that repeated wrong guesses set."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import update
from werkzeug.security import check_password_hash, generate_password_hash

from trainhub.auth.models import TwoFactorAuthenticator, User
from trainhub.auth.services.emails import find_user_by_email
from trainhub.auth.services.passwords import make_reset_token
from trainhub.extensions import db, utcnow
from trainhub.mail.services import external_url, queue_templated_mail

log = logging.getLogger(__name__)


#: Compared against when no account matches, so sign-in takes as long either way.
_DUMMY_HASH = generate_password_hash("no account has this password")


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None (the caller says nothing more).

    After ``LOGIN_MAX_FAILURES`` wrong passwords in a row the account is locked for
    ``LOGIN_LOCKOUT_SECONDS`` and its owner is told by e-mail; the caller commits
    either way, so that the count is kept.
    """
    user = find_user_by_email(email)
    now = utcnow()
    if user is None or user.password_hash is None or (user.locked_until or now) > now:
        check_password_hash(_DUMMY_HASH, password)  # same work whether or not it can succeed
        return None
    if not user.check_password(password):
        count_failed_sign_in(user, now)
        return None
    if not user.active or not user.email_confirmed:
        return None  # the same answer as a wrong password: it tells nobody the account exists
    if not _asks_for_code(user):
        note_sign_in(user, now)
    # Else the count goes on until the code is right too (``two_factor.complete_sign_in``),
    # so a known password cannot keep clearing it between guesses at the code.
    return user


def count_failed_sign_in(user: User, now: datetime, warning: str = "account_locked") -> None:
    """One more wrong password or code in a row; the account is locked at the limit, and its
    owner warned with the mail template ``warning``."""
    # Counted in the database, so that guesses sent in parallel all count.
    db.session.execute(
        update(User).where(User.id == user.id).values(failed_logins=User.failed_logins + 1)
    )
    db.session.refresh(user, ["failed_logins"])
    if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
        _lock(user, now, warning)


def note_sign_in(user: User, now: datetime) -> None:
    """A sign-in completed: the count of wrong guesses starts again."""
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now


def is_locked(user: User, now: datetime) -> bool:
    """Whether sign-in is refused for now after too many wrong passwords or codes."""
    return user.locked_until is not None and user.locked_until > now


def _asks_for_code(user: User) -> bool:
    authenticator = db.session.get(TwoFactorAuthenticator, user.id)
    return authenticator is not None and authenticator.confirmed_at is not None


def _lock(user: User, now: datetime, warning: str = "account_locked") -> None:
    seconds = int(current_app.config["LOGIN_LOCKOUT_SECONDS"])
    locked_recently = user.locked_until is not None and user.locked_until > now - timedelta(days=1)
    user.locked_until = now + timedelta(seconds=seconds)
    user.failed_logins = 0
    log.warning("Account %s locked after repeated wrong passwords or codes", user.id)
    if user.active and not locked_recently:  # one warning a day, however long it goes on
        queue_templated_mail(
            user,
            warning,
            lambda: _("Your trainhub account has been locked for a while"),
            {
                "minutes": seconds // 60,
                "link": external_url("auth.password_reset", token=make_reset_token(user)),
            },
        )
