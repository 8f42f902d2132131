"""Sign-ins kept on the server: the rules that start, keep and end them.

Each browser's session cookie holds the random token of one ``UserSession``; the database
keeps only its hash. Ending the record (signing out, a new password, deactivation, "sign
out everywhere", too long idle or too long altogether) signs that browser out, even if
someone kept a copy of its cookie.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm.attributes import set_committed_value

from trainhub.auth.models import User, UserSession
from trainhub.errors import NotFound, PermissionDenied
from trainhub.extensions import db, utcnow
from trainhub.text import one_line

log = logging.getLogger(__name__)

#: Why a sign-in ended (``UserSession.end_reason``).
SIGNED_OUT = "signed_out"
PASSWORD_CHANGED = "password_changed"  # noqa: S105  (a reason, not a password)
PASSWORD_RESET = "password_reset"  # noqa: S105  (a reason, not a password)
EMAIL_CHANGED = "email_changed"
DEACTIVATED = "deactivated"
ENDED_BY_USER = "ended_by_user"
ENDED_BY_ADMIN = "ended_by_admin"
IDLE = "idle"
EXPIRED = "expired"
END_REASONS = (
    SIGNED_OUT,
    PASSWORD_CHANGED,
    PASSWORD_RESET,
    EMAIL_CHANGED,
    DEACTIVATED,
    ENDED_BY_USER,
    ENDED_BY_ADMIN,
    IDLE,
    EXPIRED,
)
USER_AGENT_LENGTH = 300


def token_hash(token: str) -> str:
    """The SHA-256 of a browser's token: all the database keeps of it."""
    return hashlib.sha256(token.encode()).hexdigest()


def idle_timeout() -> timedelta:
    """How long a sign-in may go unused (``SESSION_IDLE_TIMEOUT``)."""
    return timedelta(seconds=int(current_app.config["SESSION_IDLE_TIMEOUT"]))


def max_age() -> timedelta:
    """How long a sign-in may last however used (``SESSION_MAX_AGE``)."""
    return timedelta(seconds=int(current_app.config["SESSION_MAX_AGE"]))


def start_session(user: User, user_agent: str, ip_address: str | None) -> str:
    """Record a new sign-in of ``user``; returns the token for the browser's cookie.

    The owner's sign-ins older than ``SESSION_RETENTION_DAYS`` are deleted on the way.
    """
    now = utcnow()
    token = secrets.token_urlsafe(32)
    retention = timedelta(days=int(current_app.config["SESSION_RETENTION_DAYS"]))
    db.session.execute(
        delete(UserSession).where(
            UserSession.user_id == user.id, UserSession.created_at < now - retention
        )
    )
    db.session.add(
        UserSession(
            token_hash=token_hash(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            # One line, without NUL (which PostgreSQL cannot store) or other controls.
            user_agent=one_line(user_agent or "")[:USER_AGENT_LENGTH],
            ip_address=one_line(ip_address or "")[:45],
        )
    )
    log.info("User %s signed in", user.id)
    return token


def why_over(sign_in: UserSession, now: datetime) -> str | None:
    """Why this sign-in no longer lets its browser in (an ``END_REASONS`` value), or None."""
    if sign_in.ended_at is not None:
        return sign_in.end_reason or SIGNED_OUT
    if now - sign_in.created_at >= max_age():
        return EXPIRED
    if now - sign_in.last_seen_at >= idle_timeout():
        return IDLE
    return None


def is_active(sign_in: UserSession, now: datetime) -> bool:
    """Whether this sign-in still lets its browser in."""
    return why_over(sign_in, now) is None


def end_sessions(user: User, reason: str, keep: UserSession | None = None) -> int:
    """End every open sign-in of ``user`` (but ``keep``); returns how many were open."""
    query = update(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None)
    )
    if keep is not None:
        query = query.where(UserSession.id != keep.id)
    result = db.session.execute(query.values(ended_at=utcnow(), end_reason=reason))
    ended = int(result.rowcount or 0)  # type: ignore[attr-defined]
    if ended:
        log.info("%d sign-in(s) of user %s ended: %s", ended, user.id, reason)
    return ended


def end_session(sign_in: UserSession, reason: str) -> None:
    """End one sign-in (if still open) for ``reason``, an ``END_REASONS`` value."""
    if sign_in.ended_at is None:
        sign_in.ended_at = utcnow()
        sign_in.end_reason = reason
        log.info("Sign-in %s of user %s ended: %s", sign_in.id, sign_in.user_id, reason)


def end_own_session(user: User, session_id: int) -> UserSession:
    """A person ends one of their own sign-ins from the sessions page (another device's).

    :raises NotFound: when the sign-in is not theirs, does not exist or has already ended.
    """
    sign_in = db.session.get(UserSession, session_id)
    if sign_in is None or sign_in.user_id != user.id or not is_active(sign_in, utcnow()):
        raise NotFound()
    end_session(sign_in, ENDED_BY_USER)
    return sign_in


def end_other_sessions(user: User, current: UserSession | None) -> int:
    """A person signs out of every browser but the one they are using."""
    return end_sessions(user, ENDED_BY_USER, keep=current)


def sign_out_everywhere(actor: User, user: User) -> int:
    """An administrator ends every sign-in of an account (a lost laptop, a leaver).

    :raises PermissionDenied: when ``actor`` is not an administrator.
    """
    if not actor.is_admin:
        raise PermissionDenied(_("Only an administrator can change accounts"))
    ended = end_sessions(user, ENDED_BY_ADMIN)
    log.info("User %s signed out everywhere by %s (%d sessions)", user.id, actor.id, ended)
    return ended


def seconds_left(sign_in: UserSession, now: datetime) -> int:
    """How long this sign-in lets its browser in without another request: until its idle
    timeout, or its maximum age if that comes first (0 once over)."""
    ends = min(sign_in.last_seen_at + idle_timeout(), sign_in.created_at + max_age())
    return max(0, int((ends - now).total_seconds()))


def can_extend(sign_in: UserSession, now: datetime) -> bool:
    """Whether using trainhub now would give this sign-in more time: not when its maximum
    age comes before a fresh idle timeout would."""
    return sign_in.created_at + max_age() > now + idle_timeout()


# Per request: written in a short transaction of its own, outside the request's, so that a
# page that commits nothing still keeps its sign-in alive and nothing else is committed.


def note_activity(sign_in: UserSession, now: datetime, *, asked: bool = False) -> None:
    """Move "last active" on, at most once every ``SESSION_TOUCH_INTERVAL`` seconds, or at
    once when the person ``asked`` to stay signed in (the timeout warning's button)."""
    interval = timedelta(seconds=int(current_app.config["SESSION_TOUCH_INTERVAL"]))
    if not asked and now - sign_in.last_seen_at < interval:
        return
    # A database that refuses writes (a standby, a full disk) must not stop people reading
    # pages: "last active" is tried again on the next request.
    _write_apart(sign_in, "Could not note activity on sign-in %s", last_seen_at=now)


def close_lapsed(sign_in: UserSession, reason: str, now: datetime) -> None:
    """Record that an idle or expired sign-in ended (the first time its cookie comes back)."""
    if sign_in.ended_at is not None:
        return
    # It is over all the same (its times say so); the row is closed on a later visit.
    if _write_apart(
        sign_in, "Could not record the end of sign-in %s", ended_at=now, end_reason=reason
    ):
        log.info("Sign-in %s of user %s ended: %s", sign_in.id, sign_in.user_id, reason)


def _write_apart(sign_in: UserSession, failure: str, **values: object) -> bool:
    """Write ``values`` onto a still-open sign-in in a short transaction of its own, and onto
    the loaded row as committed; False (``failure`` logged) when the database refuses."""
    try:
        with db.engine.begin() as connection:
            connection.execute(
                update(UserSession)
                .where(UserSession.id == sign_in.id, UserSession.ended_at.is_(None))
                .values(**values)
            )
    except SQLAlchemyError:
        log.warning(failure, sign_in.id, exc_info=True)
        return False
    for name, value in values.items():
        set_committed_value(sign_in, name, value)
    return True


# How a sign-in is shown -------------------------------------------------------------------

_BROWSERS = (
    ("Edge", re.compile(r"\bEdg(e|A|iOS)?/")),
    ("Opera", re.compile(r"\bOPR/|\bOpera\b")),
    ("Samsung Internet", re.compile(r"\bSamsungBrowser/")),
    ("Firefox", re.compile(r"\bFirefox/|\bFxiOS/")),
    ("Chrome", re.compile(r"\bChrome/|\bCriOS/|\bChromium/")),
    ("Safari", re.compile(r"\bVersion/[\d.]+.*\bSafari/")),
)
_SYSTEMS = (
    ("Windows", re.compile(r"\bWindows\b")),
    ("iPhone", re.compile(r"\biPhone\b")),
    ("iPad", re.compile(r"\biPad\b")),
    ("Android", re.compile(r"\bAndroid\b")),
    ("ChromeOS", re.compile(r"\bCrOS\b")),
    ("macOS", re.compile(r"\bMacintosh\b|\bMac OS X\b")),
    ("Linux", re.compile(r"\bLinux\b")),
)


def known_browser(user_agent: str) -> str | None:
    """ "Firefox on Windows" from a User-Agent header, as far as it tells; None if nothing."""
    browser = next((name for name, pattern in _BROWSERS if pattern.search(user_agent)), None)
    system = next((name for name, pattern in _SYSTEMS if pattern.search(user_agent)), None)
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    return browser or system


def describe_browser(user_agent: str) -> str:
    """ "Firefox on Windows" from a User-Agent header, as far as it tells."""
    return known_browser(user_agent) or _("Unknown browser")
