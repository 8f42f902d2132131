"""Two-step verification: an authenticator app's code (TOTP, RFC 6238, with pyotp) after the
password, ten one-time recovery codes for a lost device, and the roles that must use it.

Setting up: ``start_setup`` makes a secret (shown as a QR code), ``confirm_setup`` turns it on
once the person types a current code, and gives back their recovery codes, the only time
they exist unhashed. Signing in: ``complete_sign_in`` takes a code or a recovery code for an
account whose password was right; a wrong one counts toward the account's lock like a wrong
password. A code is accepted from the 30 seconds before to the 30 seconds after its own, and
never twice (``last_used_step``, moved on by one conditional UPDATE, so two requests racing
with the same code cannot both pass). Recovery codes are used up the same way.
"""

from __future__ import annotations

import hmac
import logging
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import pyotp
import segno
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import delete, func, or_, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from trainhub import audit, sealing
from trainhub.auth.models import RecoveryCode, TwoFactorAuthenticator, User
from trainhub.auth.roles import Role
from trainhub.auth.services.authentication import count_failed_sign_in, is_locked, note_sign_in
from trainhub.errors import ConflictError, PermissionDenied, ValidationFailed
from trainhub.extensions import db, utcnow
from trainhub.mail.services import external_url, queue_templated_mail

log = logging.getLogger(__name__)

RESET = audit.describe("account.two_factor_reset", _l("Two-step verification reset"))

#: How many recovery codes a person gets at a time.
RECOVERY_CODE_COUNT = 10
#: Recovery codes: 10 characters from an alphabet without look-alikes (no 0/O, 1/I/L), about
#: 49 bits each, shown as two groups of five.
RECOVERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECOVERY_LENGTH = 10
#: Salted like passwords (werkzeug), with a lighter work factor than a password's scrypt: a
#: code is random, not chosen by a person, so no dictionary shortens the search, and up to
#: ten are checked at each use.
RECOVERY_HASH_METHOD = "pbkdf2:sha256:20000"
#: Time steps either side of now whose codes are accepted (a phone's clock a little out).
VALID_WINDOW = 1
#: How many of the digits a code has.
CODE_DIGITS = 6

_CODE = re.compile(r"\d{6}")
#: ``_use_code``'s answer when the secret cannot be opened.
UNREADABLE = "unreadable"


# Who must use it ------------------------------------------------------------------------------


def required_roles() -> frozenset[str]:
    """The roles ``TWO_FACTOR_REQUIRED_ROLES`` names (comma-separated, or a list)."""
    setting = current_app.config.get("TWO_FACTOR_REQUIRED_ROLES") or ""
    names: Iterable[str] = setting.split(",") if isinstance(setting, str) else setting
    known = {role.value for role in Role}
    return frozenset(name.strip().lower() for name in names if name.strip().lower() in known)


def is_required(user: User) -> bool:
    """Whether ``user`` holds a role that must use two-step verification."""
    return not user.roles.isdisjoint(required_roles())


# Reading ----------------------------------------------------------------------------------------


def authenticator_of(user: User) -> TwoFactorAuthenticator | None:
    """The person's authenticator, set up or still being set up (None without one)."""
    found: TwoFactorAuthenticator | None = db.session.get(TwoFactorAuthenticator, user.id)
    return found


def is_enabled(user: User) -> bool:
    """Whether signing in with a password asks ``user`` for a code."""
    authenticator = authenticator_of(user)
    return authenticator is not None and authenticator.confirmed_at is not None


@dataclass(frozen=True)
class Status:
    """What a person's account page and the admin's page say about it."""

    enabled: bool
    since: datetime | None
    recovery_codes_left: int
    required: bool


def status(user: User) -> Status:
    """Whether two-step verification is on (since when), and recovery codes not yet used."""
    authenticator = authenticator_of(user)
    enabled = authenticator is not None and authenticator.confirmed_at is not None
    left = recovery_codes_left(user) if enabled else 0
    since = authenticator.confirmed_at if authenticator is not None else None
    return Status(enabled, since if enabled else None, left, is_required(user))


def recovery_codes_left(user: User) -> int:
    query = select(func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
    )
    return int(db.session.execute(query).scalar_one())


# Setting up -------------------------------------------------------------------------------------


def start_setup(user: User) -> TwoFactorAuthenticator:
    """A new secret for ``user`` to add to their app (any earlier unfinished one replaced).

    :raises ConflictError: when two-step verification is already on (turn it off first).
    """
    authenticator = authenticator_of(user)
    if authenticator is not None and authenticator.confirmed_at is not None:
        raise ConflictError(_("Two-step verification is already on for your account."))
    if authenticator is None:
        authenticator = TwoFactorAuthenticator(user_id=user.id)
        db.session.add(authenticator)
    authenticator.secret = pyotp.random_base32()
    authenticator.created_at = utcnow()
    authenticator.last_used_step = None
    db.session.flush()
    return authenticator


def pending_setup(user: User) -> TwoFactorAuthenticator | None:
    """The authenticator ``user`` has started to set up and not yet confirmed, if any."""
    authenticator = authenticator_of(user)
    if authenticator is None or authenticator.confirmed_at is not None:
        return None
    try:
        authenticator.secret  # noqa: B018 (sealed under a key since removed: start again)
    except sealing.Unreadable:
        return None
    return authenticator


def provisioning_uri(user: User, authenticator: TwoFactorAuthenticator) -> str:
    """The ``otpauth://`` address the QR code carries (issuer and the person's address)."""
    issuer = str(current_app.config.get("TWO_FACTOR_ISSUER") or "trainhub")
    return pyotp.TOTP(authenticator.secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_code_svg(uri: str) -> str:
    """The QR code of ``uri`` as an inline SVG (no XML declaration, sized by its container)."""
    qr = segno.make(uri, error="m")
    svg: str = qr.svg_inline(scale=4, dark="#0b0c0c", light="#ffffff", border=4)
    return svg


def grouped_secret(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def confirm_setup(user: User, code: str) -> list[str]:
    """Turn two-step verification on once ``code`` shows the app holds the secret; returns
    the new recovery codes (shown once, only their hashes kept).

    :raises ConflictError: when there is no set-up under way (or it is already on).
    :raises ValidationFailed: on ``code`` when it is not a current code of the new secret.
    """
    authenticator = pending_setup(user)
    if authenticator is None:
        raise ConflictError(_("Start setting up two-step verification again."))
    given = re.sub(r"\s", "", code or "")
    if not given:
        raise ValidationFailed("code", _("Enter the code from your authenticator app"))
    step = _matching_step(authenticator.secret, given)
    if step is None:
        raise ValidationFailed(
            "code", _("The code is not right. Enter the code your app shows now")
        )
    authenticator.confirmed_at = utcnow()
    authenticator.last_used_step = step
    log.info("Two-step verification turned on for user %s", user.id)
    return _new_recovery_codes(user)


def regenerate_recovery_codes(user: User) -> list[str]:
    """New recovery codes for ``user``; the old ones stop working.

    :raises ConflictError: when two-step verification is not on.
    """
    if not is_enabled(user):
        raise ConflictError(_("Two-step verification is not on for your account."))
    log.info("Recovery codes of user %s made again", user.id)
    return _new_recovery_codes(user)


def turn_off(user: User, password_or_code: str) -> None:
    """Turn two-step verification off, once the person shows their password or a code.

    :raises ConflictError: when it is not on.
    :raises ValidationFailed: on ``password_or_code`` when it is neither.
    """
    authenticator = authenticator_of(user)
    if authenticator is None or authenticator.confirmed_at is None:
        raise ConflictError(_("Two-step verification is not on for your account."))
    given = password_or_code.strip()
    proved = user.check_password(given)
    if not proved and _CODE.fullmatch(given.replace(" ", "")):
        proved = _use_code(authenticator, given.replace(" ", ""), utcnow()) is True
    if not proved:
        raise ValidationFailed(
            "password_or_code", _("Enter your password, or the code your app shows now")
        )
    _remove(user)
    log.info("Two-step verification turned off by user %s", user.id)


def reset(actor: User, user: User) -> None:
    """An administrator turns off a person's two-step verification (a lost phone): audited,
    and the person is e-mailed. They set it up again (required roles at their next sign-in).

    :raises PermissionDenied: when ``actor`` is not an administrator.
    :raises ConflictError: when it is not set up.
    """
    if not actor.is_admin:
        raise PermissionDenied(_("Only an administrator can change accounts"))
    if authenticator_of(user) is None:
        raise ConflictError(
            _("%(name)s has not set up two-step verification.", name=user.full_name)
        )
    _remove(user)
    audit.record(
        actor,
        RESET,
        f"Two-step verification of account {user.id} reset",
        subject=user,
    )
    queue_templated_mail(
        user,
        "two_factor_reset",
        lambda: _("Two-step verification on your trainhub account was reset"),
        {"required": is_required(user), "link": external_url("auth.two_factor")},
    )


def _remove(user: User) -> None:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(
        delete(TwoFactorAuthenticator).where(TwoFactorAuthenticator.user_id == user.id)
    )
    db.session.expire_all()


# Signing in -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SecondStep:
    """A second step that succeeded: whether a recovery code did it, and how many are left."""

    recovery_code_used: bool
    recovery_codes_left: int


def complete_sign_in(user: User, code: str) -> SecondStep:
    """The second step of signing in: a current code from the app, or an unused recovery
    code. A wrong or replayed one counts toward the account's lock like a wrong password;
    the caller commits either way, so the count is kept.

    :raises PermissionDenied: when the account is locked (now or by this attempt) or can no
        longer sign in.
    :raises ValidationFailed: on ``code`` when it is empty, wrong, or already used.
    """
    now = utcnow()
    authenticator = authenticator_of(user)
    if not user.active or authenticator is None or authenticator.confirmed_at is None:
        raise PermissionDenied(_("Sign in again"))
    if is_locked(user, now):
        raise PermissionDenied(_locked_message())
    given = re.sub(r"[\s-]", "", code).upper()
    if not given:
        raise ValidationFailed("code", _("Enter the code from your authenticator app"))
    if _CODE.fullmatch(given):
        used = _use_code(authenticator, given, now)
        if used is True:
            note_sign_in(user, now)
            return SecondStep(False, 0)
        if used == UNREADABLE:  # nothing was checked: not a failure of the person's
            raise ValidationFailed("code", _unreadable_message())
        problem = (
            _("This code has already been used. Wait for your app to show a new code")
            if used == "replayed"
            else _("The code is not right. Enter the code your app shows now")
        )
    elif len(given) == RECOVERY_LENGTH and _use_recovery_code(user, given, now):
        note_sign_in(user, now)
        log.info("User %s signed in with a recovery code", user.id)
        return SecondStep(True, recovery_codes_left(user))
    else:
        problem = _(
            "The code is not right. Enter the 6-digit code from your app, or one of your "
            "recovery codes"
        )
    # The password was right: the warning, if it locks, says someone knows it.
    count_failed_sign_in(user, now, warning="account_locked_codes")
    if is_locked(user, now):
        raise PermissionDenied(_locked_message())
    raise ValidationFailed("code", problem)


def _unreadable_message() -> str:
    return _(
        "Your authenticator app can no longer be checked here. Sign in with one of your "
        "recovery codes, then set up two-step verification again, or ask an administrator "
        "to reset it."
    )


def _locked_message() -> str:
    minutes = int(current_app.config["LOGIN_LOCKOUT_SECONDS"]) // 60
    return ngettext(
        "Too many wrong codes or passwords in a row: your account is locked for %(num)d "
        "minute. We have emailed you about it.",
        "Too many wrong codes or passwords in a row: your account is locked for %(num)d "
        "minutes. We have emailed you about it.",
        minutes,
    )


# Codes --------------------------------------------------------------------------------------------


def _matching_step(secret: str, code: str, now: datetime | None = None) -> int | None:
    """The time step (within the window around now) whose code is ``code``, or None."""
    if not _CODE.fullmatch(code):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now or utcnow())
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _use_code(authenticator: TwoFactorAuthenticator, code: str, now: datetime) -> bool | str:
    """True when ``code`` is current and newer than the last one taken (which it becomes);
    "replayed" when it was already used (or an older one was); False when it is wrong;
    ``UNREADABLE`` when the sealed secret cannot be opened (``SECRET_KEY`` changed without a
    fallback), so no code can be checked."""
    try:
        secret = authenticator.secret
    except sealing.Unreadable:
        log.error("The authenticator secret of user %s cannot be decrypted", authenticator.user_id)
        return UNREADABLE
    step = _matching_step(secret, code, now)
    if step is None:
        return False
    # One conditional UPDATE: of two requests racing with one code, only one moves it on.
    result = db.session.execute(
        update(TwoFactorAuthenticator)
        .where(
            TwoFactorAuthenticator.user_id == authenticator.user_id,
            or_(
                TwoFactorAuthenticator.last_used_step.is_(None),
                TwoFactorAuthenticator.last_used_step < step,
            ),
        )
        .values(last_used_step=step)
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        return "replayed"
    db.session.refresh(authenticator, ["last_used_step"])
    return True


def random_recovery_code() -> str:
    return "".join(secrets.choice(RECOVERY_ALPHABET) for _n in range(RECOVERY_LENGTH))


def format_recovery_code(code: str) -> str:
    """A recovery code as shown: two groups of five (the hyphen is optional when typed)."""
    half = RECOVERY_LENGTH // 2
    return f"{code[:half]}-{code[half:]}"


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [random_recovery_code() for _n in range(RECOVERY_CODE_COUNT)]
    now = utcnow()
    db.session.add_all(
        RecoveryCode(
            user_id=user.id,
            code_hash=generate_password_hash(code, method=RECOVERY_HASH_METHOD),
            created_at=now,
        )
        for code in codes
    )
    db.session.flush()
    return [format_recovery_code(code) for code in codes]


def _use_recovery_code(user: User, given: str, now: datetime) -> bool:
    """Use up the unused recovery code ``given`` (normalised), if it is one of the person's."""
    unused = db.session.execute(
        select(RecoveryCode.id, RecoveryCode.code_hash).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    ).all()
    for row in unused:
        if check_password_hash(row.code_hash, given):
            result = db.session.execute(
                update(RecoveryCode)
                .where(RecoveryCode.id == row.id, RecoveryCode.used_at.is_(None))
                .values(used_at=now)
                .execution_options(synchronize_session=False)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]
    return False
