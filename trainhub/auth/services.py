"""Account rules: registration, sign-in, password reset, admin changes, CSV import."""

from __future__ import annotations

import csv
import hashlib
import io
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from trainhub.auth import choices
from trainhub.auth.models import Organisation, User, UserRole
from trainhub.errors import PermissionDenied, ValidationFailed
from trainhub.extensions import db, utcnow
from trainhub.mail.services import external_url, queue_templated_mail

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
_DUMMY_HASH = "scrypt:32768:8:1$dummysaltdummysa$" + "0" * 128


def normalise_email(email: str) -> str:
    return email.strip().lower()


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


def _apply_profile(user: User, data: ProfileData) -> None:
    for f in fields(ProfileData):
        value = getattr(data, f.name)
        if isinstance(value, str):
            value = value.strip()
        setattr(user, f.name, value if value != "" or f.name == "job_title" else None)
    if (
        user.organisation_id is not None
        and db.session.get(Organisation, user.organisation_id) is None
    ):
        raise ValidationFailed("organisation_id", _("Choose an organisation from the list"))


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


def _resolve_supervisor(user: User, email: str) -> None:
    if not email.strip():
        user.supervisor = None
        return
    supervisor = find_user_by_email(email)
    if supervisor is None:
        raise ValidationFailed("supervisor_email", _("There is no account with that email address"))
    if supervisor.id is not None and supervisor.id == user.id:
        raise ValidationFailed("supervisor_email", _("A person cannot supervise themselves"))
    user.supervisor = supervisor


def _new_account(
    email: str,
    full_name: str,
    roles: Iterable[str],
    password: str | None = None,
    profile: ProfileData | None = None,
) -> User:
    """A new account with a unique email and, when given, a strong password."""
    if _email_taken(email):
        raise ValidationFailed("email", _("An account with this email address already exists"))
    if password is not None:
        check_password_strength(password, email, full_name)
    user = User(email=normalise_email(email), full_name=full_name.strip())
    if profile is not None:
        _apply_profile(user, profile)
    if password is not None:
        user.set_password(password)
    _set_roles(user, roles)
    db.session.add(user)
    return user


def register_learner(email: str, password: str, profile: ProfileData) -> User:
    """Self-registration: a new learner account, signed in straight away by the caller."""
    if not current_app.config["SELF_REGISTRATION"]:
        raise PermissionDenied(_("Self-registration is switched off"))
    user = _new_account(email, profile.full_name, {"learner"}, password, profile)
    db.session.flush()
    log.info("Learner %s registered", user.id)
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
        user.failed_logins += 1
        if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
            _lock(user, now)
        return None
    if not user.active:
        return None
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    return user


def _lock(user: User, now: datetime) -> None:
    seconds = int(current_app.config["LOGIN_LOCKOUT_SECONDS"])
    user.locked_until = now + timedelta(seconds=seconds)
    user.failed_logins = 0
    log.warning("Account %s locked after repeated wrong passwords", user.id)
    if user.active:
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
    _apply_profile(user, profile)


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise ValidationFailed("current_password", _("Your current password is not right"))
    check_password_strength(new, user.email, user.full_name)
    user.set_password(new)


# Password reset --------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _password_fingerprint(user: User) -> str:
    # Changes whenever the password does, which makes every link single-use.
    return hashlib.sha256((user.password_hash or "unset").encode()).hexdigest()[:16]


def make_reset_token(user: User, kind: str = "reset") -> str:
    """A signed link token; ``kind`` is "reset" or "invite" (which lives longer)."""
    return _serializer().dumps({"u": user.id, "p": _password_fingerprint(user), "k": kind})


def _max_age(kind: str) -> int:
    key = "INVITATION_MAX_AGE" if kind == "invite" else "PASSWORD_RESET_MAX_AGE"
    return int(current_app.config[key])


def user_for_reset_token(token: str) -> User | None:
    """The user a still-valid, unused password link belongs to, or None."""
    longest = max(_max_age("reset"), _max_age("invite"))
    try:
        data, signed_at = _serializer().loads(token, max_age=longest, return_timestamp=True)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict):
        return None
    if (utcnow() - signed_at).total_seconds() > _max_age(str(data.get("k", "reset"))):
        return None
    user = db.session.get(User, data.get("u"))
    if user is None or not user.active or data.get("p") != _password_fingerprint(user):
        return None
    return user


def _send_password_link(user: User, kind: str, template: str, subject: Callable[[], str]) -> None:
    link = external_url("auth.password_reset", token=make_reset_token(user, kind))
    queue_templated_mail(user, template, subject, {"link": link, "hours": _max_age(kind) // 3600})


def request_password_reset(email: str) -> None:
    """Send a reset link if an active account exists; say nothing either way."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        log.info("Password reset asked for an unknown or inactive address")
        return
    _send_password_link(user, "reset", "password_reset", lambda: _("Reset your trainhub password"))


def send_invitation(user: User) -> None:
    """Invite a person whose account someone else created to set their password."""
    _send_password_link(user, "invite", "invitation", lambda: _("Your trainhub account"))


def reset_password(user: User, password: str) -> None:
    check_password_strength(password, user.email, user.full_name)
    user.set_password(password)


# Administration -------------------------------------------------------------


def create_first_admin(email: str, full_name: str, password: str) -> User:
    """An administrator made from the command line (whoever runs it owns the server)."""
    if "@" not in email or not full_name.strip():
        raise ValidationFailed("email", _("Give an email address and a full name"))
    user = _new_account(email, full_name, {"admin"}, password)
    db.session.flush()
    log.info("Administrator %s created from the command line", user.id)
    return user


def create_user(actor: User, data: AccountData) -> User:
    if not actor.is_admin:
        raise PermissionDenied(_("Only an administrator can create accounts"))
    user = _new_account(data.email, data.full_name, data.roles, profile=data)
    _resolve_supervisor(user, data.supervisor_email)
    db.session.flush()
    send_invitation(user)
    log.info("User %s created by %s", user.id, actor.id)
    return user


def update_user(actor: User, user: User, data: AccountData) -> None:
    if not actor.is_admin:
        raise PermissionDenied(_("Only an administrator can change accounts"))
    if _email_taken(data.email, except_id=user.id):
        raise ValidationFailed("email", _("An account with this email address already exists"))
    if actor.id == user.id and "admin" not in data.roles:
        raise ValidationFailed("roles", _("You cannot remove your own administrator role"))
    user.email = normalise_email(data.email)
    _apply_profile(user, data)
    _set_roles(user, data.roles)
    _resolve_supervisor(user, data.supervisor_email)
    log.info("User %s changed by %s", user.id, actor.id)


def set_user_active(actor: User, user: User, active: bool) -> None:
    if not actor.is_admin:
        raise PermissionDenied(_("Only an administrator can change accounts"))
    if actor.id == user.id and not active:
        raise PermissionDenied(_("You cannot deactivate your own account"))
    user.active = active
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
    rows: list[tuple[int, AccountData]] = []
    for row in reader:
        line = reader.line_num
        if len(rows) + len(result.errors) >= MAX_IMPORT_ROWS:
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
        email = normalise_email(values.get("email", ""))
        if not email or "@" not in email or " " in email or "." not in email.split("@")[-1]:
            problems.append(_("“%(email)s” is not an email address", email=values.get("email", "")))
        elif email in existing:
            problems.append(_("an account with %(email)s already exists", email=email))
        elif email in seen:
            problems.append(_("%(email)s is also on line %(line)d", email=email, line=seen[email]))
        seen.setdefault(email, line)
        if not values.get("full_name"):
            problems.append(_("full_name is empty"))
        data = _parse_row(values, email, organisations, problems)
        if data.supervisor_email and normalise_email(data.supervisor_email) not in existing | set(
            seen
        ):
            problems.append(_("supervisor %(email)s has no account", email=data.supervisor_email))
        for problem in problems:
            result.errors.append(ImportError_(line, problem))
        rows.append((line, data))
        if progress:
            progress(1)
    if not rows and not result.errors:
        result.errors.append(ImportError_(1, _("the file has no rows to import")))
    if result.errors:
        return result

    # Every row is valid: create accounts first, then supervisors (they may be in the file).
    created: dict[str, User] = {}
    for _line, data in rows:
        created[data.email] = _new_account(data.email, data.full_name, data.roles, profile=data)
    db.session.flush()
    for _line, data in rows:
        if data.supervisor_email:
            _resolve_supervisor(created[data.email], data.supervisor_email)
        send_invitation(created[data.email])
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
