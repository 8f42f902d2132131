"""Accounts imported from a CSV file: every row checked, then all made or none."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from trainhub.auth import choices
from trainhub.auth.models import Organisation, User
from trainhub.auth.roles import Role
from trainhub.auth.services.accounts import AccountData, new_account
from trainhub.auth.services.emails import check_email, normalise_email
from trainhub.auth.services.passwords import send_invitation
from trainhub.errors import PermissionDenied, ValidationFailed
from trainhub.extensions import db
from trainhub.text import has_control_characters

log = logging.getLogger(__name__)


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
    data.roles = (roles - {""}) or {Role.LEARNER}
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

    :raises PermissionDenied: when ``actor`` is not an administrator (problems with the
        file are returned, not raised).
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
            data.email: new_account(
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
