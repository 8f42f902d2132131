"""Account rules: registration, sign-in, password reset, admin changes, CSV import."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from werkzeug.security import check_password_hash, generate_password_hash

from trainhub.auth import choices, sign_ins
from trainhub.auth.models import Organisation, User, UserRole
from trainhub.errors import PermissionDenied, ValidationFailed
from trainhub.extensions import db, utcnow
from trainhub.mail.services import external_url, queue_templated_mail, recently_mailed
from trainhub.text import has_control_characters

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
#: Compared against when no account matches, so sign-in takes as long either way.
_DUMMY_HASH = generate_password_hash("no account has this password")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_email(email: str, field_name: str = "email") -> str:
    """The address normalised, or ``ValidationFailed`` when it is not an email address."""
    try:
        validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise ValidationFailed(
            field_name, _("Enter an email address in the right format, like name@example.org")
        ) from error
    if len(email.strip()) > 254:
        raise ValidationFailed(field_name, _("Email addresses are 254 characters or fewer"))
    return normalise_email(email)


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
    problem = password_problem(password, email, full_name)
    if problem:
        raise ValidationFailed("password", problem)


def find_user_by_email(email: str) -> User | None:
    return db.session.execute(
        select(User).where(User.email == normalise_email(email))
    ).scalar_one_or_none()


def _email_taken(email: str, except_id: int | None = None) -> bool:
    query = select(User.id).where(User.email == normalise_email(email))
    if except_id is not None:
        query = query.where(User.id != except_id)
    return db.session.execute(query).first() is not None


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
    roles: set[str] = field(default_factory=lambda: {"learner"})
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


def _profile_values(data: ProfileData) -> dict[str, Any]:
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
    for name, value in _profile_values(data).items():
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


def _check_new_account(
    email: str,
    full_name: str,
    password: str | None,
    profile: ProfileData | None,
    check_unique: bool = True,
) -> str:
    """Every rule about a new account (the address unique unless told not to check);
    returns the address normalised."""
    email = check_email(email)
    if check_unique and _email_taken(email):
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


def _new_account(
    email: str,
    full_name: str,
    roles: Iterable[str],
    password: str | None = None,
    profile: ProfileData | None = None,
    check_unique: bool = True,
) -> User:
    """A new account with a unique email and, when given, a strong password.

    Everything is checked before the account is added to the session.
    """
    email = _check_new_account(email, full_name, password, profile, check_unique)
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


#: How long an address that was just written to is left alone (registration and reset alike).
MAIL_AGAIN_AFTER = timedelta(minutes=2)


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
    """
    if not current_app.config["SELF_REGISTRATION"]:
        raise PermissionDenied(_("Self-registration is switched off"))
    email = _check_new_account(email, profile.full_name, None, profile, check_unique=False)
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
    _send_password_link(
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
    values = _profile_values(profile)
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
            _insert(UserRole).values(user_id=user.id, role="learner").on_conflict_do_nothing()
        )
    return user


def create_password(user: User, password: str) -> None:
    """The owner of a self-registered address creates their password from the link e-mailed
    to it, which proves the address is theirs: the account is confirmed and may sign in."""
    reset_password(user, password)
    user.last_login_at = utcnow()
    log.info("User %s created their password and confirmed their address", user.id)


def invite_learner(email: str, full_name: str, organisation_id: int | None) -> User:
    """A learner account made for someone else (e.g. a partner's list), with an invitation."""
    user = _new_account(email, full_name, {"learner"})
    user.organisation_id = organisation_id
    db.session.flush()
    send_invitation(user)
    log.info("Learner %s invited", user.id)
    return user


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
        # Counted in the database, so that guesses sent in parallel all count.
        db.session.execute(
            update(User).where(User.id == user.id).values(failed_logins=User.failed_logins + 1)
        )
        db.session.refresh(user, ["failed_logins"])
        if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
            _lock(user, now)
        return None
    if not user.active or not user.email_confirmed:
        return None  # the same answer as a wrong password: it tells nobody the account exists
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    return user


def _lock(user: User, now: datetime) -> None:
    seconds = int(current_app.config["LOGIN_LOCKOUT_SECONDS"])
    locked_recently = user.locked_until is not None and user.locked_until > now - timedelta(days=1)
    user.locked_until = now + timedelta(seconds=seconds)
    user.failed_logins = 0
    log.warning("Account %s locked after repeated wrong passwords", user.id)
    if user.active and not locked_recently:  # one warning a day, however long it goes on
        queue_templated_mail(
            user,
            "account_locked",
            lambda: _("Your trainhub account has been locked for a while"),
            {
                "minutes": seconds // 60,
                "link": external_url("auth.password_reset", token=make_reset_token(user)),
            },
        )


def update_profile(user: User, profile: ProfileData) -> None:
    _check_profile(profile)
    _apply_profile(user, profile)


def change_password(user: User, current: str, new: str) -> None:
    """A new password, which ends every sign-in of the account (the caller starts a new one
    for the browser it was changed on)."""
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


def _send_password_link(
    user: User, kind: str, template: str, subject: Callable[[], str], **context: Any
) -> None:
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
        _send_password_link(
            user,
            "confirm",
            "registration_confirm",
            lambda: _("Create your trainhub password"),
            asked_to_reset=True,
        )
        return
    if user is not None and user.active:
        _send_password_link(
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
    _send_password_link(user, "invite", "invitation", lambda: _("Your trainhub account"))


def send_password_link(actor: User, user: User) -> None:
    """An admin sends a person a link: an invitation if they never set a password."""
    if not actor.is_admin:
        raise PermissionDenied(_("Only an administrator can change accounts"))
    if user.password_hash is None:
        send_invitation(user)
    else:
        _send_password_link(
            user, "reset", "password_reset", lambda: _("Reset your trainhub password")
        )


def reset_password(user: User, password: str) -> None:
    """Set a new password from a link (which proves the address is the person's); it also
    lifts a sign-in lock and ends every sign-in of the account."""
    check_password_strength(password, user.email, user.full_name)
    user.set_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.email_confirmed = True
    sign_ins.end_sessions(user, sign_ins.PASSWORD_RESET)


# Administration -------------------------------------------------------------


def create_first_admin(email: str, full_name: str, password: str) -> User:
    """An administrator made from the command line (whoever runs it owns the server)."""
    user = _new_account(email, full_name, {"admin"}, password)
    db.session.flush()
    log.info("Administrator %s created from the command line", user.id)
    return user


def create_user(actor: User, data: AccountData) -> User:
    if not actor.is_admin:
        raise PermissionDenied(_("Only an administrator can create accounts"))
    supervisor = _find_supervisor(data.supervisor_email, data.email)
    user = _new_account(data.email, data.full_name, data.roles, profile=data)
    user.supervisor = supervisor
    db.session.flush()
    send_invitation(user)
    log.info("User %s created by %s", user.id, actor.id)
    return user


def update_user(actor: User, user: User, data: AccountData) -> None:
    if not actor.is_admin:
        raise PermissionDenied(_("Only an administrator can change accounts"))
    email = check_email(data.email)
    if _email_taken(email, except_id=user.id):
        raise ValidationFailed("email", _("An account with this email address already exists"))
    if actor.id == user.id and "admin" not in data.roles:
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


def save_organisation(
    actor: User, organisation: Organisation | None, name: str, sector: str | None, active: bool
) -> Organisation:
    """Create (``organisation`` None) or change an organisation in the managed list."""
    if not actor.has_role("admin", "manager"):
        raise PermissionDenied(_("Only an administrator or manager can change organisations"))
    name = " ".join(name.split())
    query = select(Organisation.id).where(func.lower(Organisation.name) == name.lower())
    if organisation is not None:
        query = query.where(Organisation.id != organisation.id)
    if db.session.execute(query).first() is not None:
        raise ValidationFailed("name", _("There is already an organisation with this name"))
    if organisation is None:
        organisation = Organisation(name=name)
        db.session.add(organisation)
    organisation.name = name
    organisation.sector = sector or None
    organisation.is_active = active
    db.session.flush()
    return organisation


# CSV import -----------------------------------------------------------------

IMPORT_COLUMNS = (
    "email",
    "full_name",
    "roles",
    "organisation",
    "sector",
    "local_authority",
    "professional_background",
    "job_title",
    "ifst_member",
    "supplies_family_support",
    "preferred_language",
    "supervisor_email",
)
IMPORT_EXAMPLE = (
    "sam.example@example.org",
    "Sam Example",
    "learner",
    "",
    "local_authority",
    "cardiff",
    "social_worker",
    "Social Worker",
    "no",
    "yes",
    "en",
    "",
)
REQUIRED_COLUMNS = ("email", "full_name")
_TRUE = {"yes", "y", "true", "1"}
_FALSE = {"no", "n", "false", "0", ""}
MAX_IMPORT_ROWS = 20000


@dataclass
class ImportError_:
    line: int
    message: str


@dataclass
class ImportResult:
    created: list[User] = field(default_factory=list)
    errors: list[ImportError_] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _choice(value: str, options: dict[str, Any], what: Any) -> str | None:
    value = value.strip()
    if not value:
        return None
    key = value.lower().replace(" ", "_").replace("-", "_")
    if key in options:
        return key
    for option_key, label in options.items():
        if str(label).lower() == value.lower():
            return option_key
    raise ValueError(_("unknown %(what)s “%(value)s”", what=what, value=value))


def _flag(value: str, what: Any) -> bool:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(_("%(what)s must be yes or no, not “%(value)s”", what=what, value=value))


def _parse_row(
    values: dict[str, str], email: str, organisations: dict[str, int], problems: list[str]
) -> AccountData:
    """One CSV row as account data; each problem found is appended to ``problems``."""
    data = AccountData(full_name=values.get("full_name", ""), email=email)

    def check(parse: Callable[..., Any], *args: Any) -> Any:
        try:
            return parse(*args)
        except ValueError as error:
            problems.append(str(error))
            return None

    roles = {r.strip().lower() for r in values.get("roles", "").replace(",", ";").split(";")}
    data.roles = (roles - {""}) or {"learner"}
    bad_roles = data.roles - set(choices.ROLES)
    if bad_roles:
        problems.append(_("unknown role(s): %(roles)s", roles=", ".join(sorted(bad_roles))))
    org_name = values.get("organisation", "")
    if org_name and org_name.lower() not in organisations:
        problems.append(_("unknown organisation “%(name)s”", name=org_name))
    elif org_name:
        data.organisation_id = organisations[org_name.lower()]
    data.sector = check(_choice, values.get("sector", ""), choices.SECTORS, _l("sector"))
    data.local_authority = check(
        _choice, values.get("local_authority", ""), choices.LOCAL_AUTHORITIES, _l("local authority")
    )
    data.professional_background = check(
        _choice,
        values.get("professional_background", ""),
        choices.PROFESSIONAL_BACKGROUNDS,
        _l("professional background"),
    )
    for flag in ("ifst_member", "supplies_family_support"):
        setattr(data, flag, bool(check(_flag, values.get(flag, ""), flag)))
    data.preferred_language = values.get("preferred_language", "").lower() or "en"
    if data.preferred_language not in choices.LANGUAGES:
        problems.append(_("preferred_language must be en or cy"))
    data.job_title = values.get("job_title", "")
    data.supervisor_email = values.get("supervisor_email", "")
    return data


def import_users(
    actor: User,
    text: str,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Validate every row of a users CSV, then create all the accounts or none.

    Each new account gets an invitation to set its password. Returns the
    created users, or the errors with their line numbers (nothing is written).
    """
    if not actor.is_admin:
        raise PermissionDenied(_("Only an administrator can import accounts"))
    result = ImportResult()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [h for h in header if h and h not in IMPORT_COLUMNS]
    if missing or unknown:
        if missing:
            result.errors.append(
                ImportError_(1, _("missing column(s): %(cols)s", cols=", ".join(missing)))
            )
        if unknown:
            result.errors.append(
                ImportError_(1, _("unknown column(s): %(cols)s", cols=", ".join(unknown)))
            )
        return result
    reader.fieldnames = header

    organisations = {
        o.name.lower(): o.id for o in db.session.execute(select(Organisation)).scalars()
    }
    existing = set(db.session.execute(select(User.email)).scalars())
    seen: dict[str, int] = {}
    rows: list[tuple[int, AccountData, list[str]]] = []
    for row in reader:
        line = reader.line_num
        if len(rows) >= MAX_IMPORT_ROWS:
            result.errors.append(
                ImportError_(
                    line, _("too many rows: import at most %(n)d at a time", n=MAX_IMPORT_ROWS)
                )
            )
            break
        values = {k: (v or "").strip() for k, v in row.items() if k}
        if not any(values.values()):
            continue
        problems: list[str] = []
        raw_email = values.get("email", "")
        try:
            email = check_email(raw_email)
        except ValidationFailed:
            email = normalise_email(raw_email)
            problems.append(_("“%(email)s” is not an email address", email=raw_email))
        else:
            if email in existing:
                problems.append(_("an account with %(email)s already exists", email=email))
            elif email in seen:
                problems.append(
                    _("%(email)s is also on line %(line)d", email=email, line=seen[email])
                )
        seen.setdefault(email, line)
        if not values.get("full_name"):
            problems.append(_("full_name is empty"))
        for column in ("full_name", "job_title"):
            if len(values.get(column, "")) > 200:
                problems.append(_("%(column)s is longer than 200 characters", column=column))
            if has_control_characters(values.get(column, "")):
                problems.append(
                    _(
                        "%(column)s has line breaks or hidden characters: write it on one line",
                        column=column,
                    )
                )
        rows.append((line, _parse_row(values, email, organisations, problems), problems))
        if progress:
            progress(1)
    # A supervisor may be an existing account or any row of the file, above or below.
    for line, data, problems in rows:
        supervisor = normalise_email(data.supervisor_email)
        if supervisor and supervisor == data.email:
            problems.append(_("a person cannot supervise themselves"))
        elif supervisor and supervisor not in existing and supervisor not in seen:
            problems.append(_("supervisor %(email)s has no account", email=data.supervisor_email))
        result.errors.extend(ImportError_(line, problem) for problem in problems)
    result.errors.sort(key=lambda error: error.line)
    if not rows and not result.errors:
        result.errors.append(ImportError_(1, _("the file has no rows to import")))
    if result.errors:
        return result

    # Every row is valid: create the accounts, then link supervisors (they may be rows too).
    with db.session.no_autoflush:
        created = {
            data.email: _new_account(
                data.email, data.full_name, data.roles, profile=data, check_unique=False
            )
            for _line, data, _problems in rows
        }
        wanted = {normalise_email(d.supervisor_email) for _l, d, _p in rows} - set(created) - {""}
        supervisors = dict(created)
        if wanted:
            query = select(User).where(User.email.in_(wanted))
            supervisors.update((u.email, u) for u in db.session.execute(query).scalars())
        for _line, data, _problems in rows:
            if data.supervisor_email:
                created[data.email].supervisor = supervisors[normalise_email(data.supervisor_email)]
    db.session.flush()
    for user in created.values():
        send_invitation(user)
    result.created = list(created.values())
    log.info("%d users imported by %s", len(result.created), actor.id)
    return result


def seed_organisations(entries: Iterable[tuple[str, str]] | None = None) -> list[Organisation]:
    """Add the partner organisations that are missing (case-insensitive). Idempotent."""
    from trainhub.auth.seed_data import ORGANISATIONS

    known = {name.lower() for name in db.session.execute(select(Organisation.name)).scalars()}
    added = []
    for name, sector in entries if entries is not None else ORGANISATIONS:
        if name.lower() not in known:
            organisation = Organisation(name=name, sector=sector)
            db.session.add(organisation)
            added.append(organisation)
            known.add(name.lower())
    db.session.flush()
    return added
