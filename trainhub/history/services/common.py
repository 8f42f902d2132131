"""What every kind of record checks and writes the same way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import insert, select

from trainhub.audit import AuditEvent
from trainhub.auth.models import Organisation, User
from trainhub.auth.services import (
    add_accounts_without_passwords,
    check_email,
    normalise_email,
)
from trainhub.courses.models import Course, local_today
from trainhub.errors import PermissionDenied, ValidationFailed
from trainhub.extensions import db
from trainhub.history.models import HistoryImport, HistoryRecord
from trainhub.history.permissions import can_record_history
from trainhub.history.services.outcome import Outcome
from trainhub.text import has_control_characters

#: The longest name kept for a person, venue or facilitator.
MAX_NAME = 200


def require_recorder(actor: User) -> None:
    """:raises PermissionDenied: unless ``actor`` may record history."""
    if not can_record_history(actor):
        raise PermissionDenied(_("Only a manager or an administrator can record history"))


def courses_by_code() -> dict[str, Course]:
    return {c.code.upper(): c for c in db.session.execute(select(Course)).scalars()}


def unknown_course(code: str, courses: dict[str, Course]) -> str:
    """The message for a course code trainhub doesn't have, listing the codes it has."""
    return _(
        "there is no course with the code “%(code)s”; the codes are %(codes)s",
        code=code,
        codes=", ".join(sorted(courses)),
    )


def organisations_by_name() -> dict[str, Organisation]:
    return {o.name.lower(): o for o in db.session.execute(select(Organisation)).scalars()}


def check_past(outcome: Outcome, line: int | None, day: dt.date, what: str) -> None:
    """Records are of the past: a date after today is refused."""
    if day > local_today():
        outcome.problem(
            line,
            _(
                "%(what)s %(date)s is in the future: only training that has happened can be "
                "recorded",
                what=what,
                date=day.isoformat(),
            ),
        )


def check_name(outcome: Outcome, line: int | None, value: str, what: str) -> None:
    if len(value) > MAX_NAME:
        outcome.problem(line, _("%(what)s is longer than %(n)d characters", what=what, n=MAX_NAME))
    if has_control_characters(value):
        outcome.problem(
            line,
            _("%(what)s has line breaks or hidden characters: write it on one line", what=what),
        )


class People:
    """The accounts of the people named in what is being recorded, found in one query;
    addresses nobody has yet become accounts when recording (never on a dry run).

    A new account joins the organisation its row names, else ``default`` (a closed cohort's
    partner: what the cohort was for, recorded as it was), else the recording manager's own
    organisation: so that their managers see them (R49). A row may name only the manager's own
    organisation; an administrator's any. The organisation of an account that exists already
    is never changed by a record.
    """

    def __init__(self, emails: Iterable[str], actor: User | None = None) -> None:
        wanted = {normalise_email(e) for e in emails if e.strip()}
        self.known: dict[str, User] = {}
        if wanted:
            query = select(User).where(User.email.in_(wanted))
            self.known = {u.email: u for u in db.session.execute(query).scalars()}
        self.new: dict[str, tuple[str, int | None]] = {}
        #: A manager names no organisation but their own; an administrator any.
        self.restricted = actor is not None and not actor.is_admin
        self.own: int | None = actor.organisation_id if self.restricted and actor else None
        self._organisations: dict[str, Organisation] | None = None

    def _organisation(
        self, outcome: Outcome, line: int | None, name: str, default: int | None
    ) -> tuple[bool, int | None]:
        """Whether the row's organisation is acceptable, and the id a new account gets."""
        if not name.strip():
            return True, default if default is not None else self.own
        if self._organisations is None:
            self._organisations = organisations_by_name()
        found = self._organisations.get(name.strip().lower())
        if found is None:
            outcome.problem(line, _("there is no organisation called “%(name)s”", name=name))
            return False, None
        if self.restricted and found.id != self.own:
            outcome.problem(
                line,
                _(
                    "you can record new people of your own organisation only, not of "
                    "“%(name)s”: ask an administrator",
                    name=found.name,
                ),
            )
            return False, None
        return True, found.id

    def check(
        self,
        outcome: Outcome,
        line: int | None,
        email: str,
        full_name: str,
        organisation: str = "",
        default: int | None = None,
    ) -> str | None:
        """The address normalised, or None after adding its problem; a person not known
        needs a name and will be made an account (in ``organisation``, a name from the
        managed list, else as the class says)."""
        if not email.strip():
            outcome.problem(line, _("the e-mail address is empty"))
            return None
        try:
            address = check_email(email)
        except ValidationFailed:
            outcome.problem(line, _("“%(email)s” is not an e-mail address", email=email))
            return None
        check_name(outcome, line, full_name, _("the name"))
        if address not in self.known and address not in self.new:
            if not full_name.strip():
                outcome.problem(
                    line,
                    _(
                        "%(email)s has no account yet: give their full name so one can be made",
                        email=address,
                    ),
                )
                return None
            fits, organisation_id = self._organisation(outcome, line, organisation, default)
            if not fits:
                return None
            self.new[address] = (full_name.strip(), organisation_id)
        return address

    def make_accounts(self, outcome: Outcome, invite: bool = False) -> dict[str, User]:
        """Every account needed, the new ones made; their addresses go in the outcome."""
        made = add_accounts_without_passwords(
            ((email, name, org) for email, (name, org) in self.new.items()), invite=invite
        )
        outcome.new_accounts.extend(sorted(made))
        return {**self.known, **made}

    def describe_new(self, outcome: Outcome) -> None:
        outcome.new_accounts.extend(sorted(self.new))


def existing_keys(kind: str, keys: Iterable[str]) -> set[str]:
    """The natural keys of ``kind`` already recorded (withdrawn ones too)."""
    wanted = list(set(keys))
    if not wanted:
        return set()
    query = select(HistoryRecord.natural_key).where(
        HistoryRecord.kind == kind, HistoryRecord.natural_key.in_(wanted)
    )
    return set(db.session.execute(query).scalars())


def write_records(
    actor: User,
    kind: str,
    rows: Sequence[dict[str, Any]],
    source: HistoryImport | None,
    action: str,
    details: Sequence[str],
) -> list[int]:
    """The history records and their audit events, one INSERT each however many; returns
    the records' ids in the order given."""
    if not rows:
        return []
    base = {
        "kind": kind,
        "recorded_by_id": actor.id,
        "import_id": source.id if source else None,
        "user_id": None,
        "course_id": None,
        "cohort_id": None,
        "application_id": None,
        "line": None,
        "details": {},
    }
    db.session.execute(
        insert(HistoryRecord).execution_options(render_nulls=True),
        [{**base, **row} for row in rows],
    )
    origin = _(" from %(file)s", file=source.filename) if source else ""
    db.session.execute(
        insert(AuditEvent),
        [{"actor_id": actor.id, "action": action, "detail": d + origin} for d in details],
    )
    keys = [row["natural_key"] for row in rows]
    found = dict(
        db.session.execute(
            select(HistoryRecord.natural_key, HistoryRecord.id).where(
                HistoryRecord.kind == kind, HistoryRecord.natural_key.in_(keys)
            )
        ).all()
    )
    return [found[key] for key in keys]
