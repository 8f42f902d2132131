"""Levels awarded before trainhub, signed off on paper."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import insert, select

from trainhub.accreditation.models import (
    ACHIEVED,
    OPEN_STATUSES,
    AccreditationLevel,
    Application,
    ApplicationEvent,
)
from trainhub.accreditation.services import certificates as certificate_service
from trainhub.accreditation.services import cpd
from trainhub.auth.models import User
from trainhub.extensions import db, utcnow
from trainhub.history.models import AWARD, HistoryImport
from trainhub.history.services.common import (
    People,
    check_name,
    check_past,
    existing_keys,
    require_recorder,
    write_records,
)
from trainhub.history.services.drafts import AwardDraft
from trainhub.history.services.outcome import Outcome

MAX_CERTIFICATE_NUMBER = 100


def award_key(email: str, level: int) -> str:
    """E-mail + level: a person holds a level once."""
    return f"{email.strip().lower()}|L{level}"


def _levels() -> dict[int, AccreditationLevel]:
    return {lv.number: lv for lv in db.session.execute(select(AccreditationLevel)).scalars()}


def record_awards(
    actor: User,
    drafts: Sequence[AwardDraft],
    *,
    source: HistoryImport | None = None,
    certificates: bool = False,
    invite: bool = False,
    dry_run: bool = False,
) -> Outcome:
    """Record levels awarded before trainhub: each counts in the financial year of its date,
    banks the level's CPD on that date and keeps its assessor (an account or a name) and old
    certificate number; a trainhub certificate only when asked. Someone who holds the level
    already is skipped; someone with an application for it open in trainhub is a problem.

    Every draft is checked first; with any problem nothing is written. A fixed number of
    queries however many rows (certificates, when asked, one each).

    :raises PermissionDenied: when ``actor`` is not a manager or an administrator.
    """
    require_recorder(actor)
    outcome = Outcome()
    levels = _levels()
    assessors = [d.assessor for d in drafts if "@" in d.assessor]
    people = People([d.email for d in drafts] + assessors, actor)
    checked = []
    seen: dict[str, int | None] = {}
    for draft in drafts:
        level = levels.get(draft.level)
        if level is None:
            outcome.problem(
                draft.line,
                _(
                    "there is no Level %(level)s; the levels are %(levels)s",
                    level=draft.level,
                    levels=", ".join(str(n) for n in sorted(levels)),
                ),
            )
        check_past(outcome, draft.line, draft.awarded_on, _("the award date"))
        if "@" in draft.assessor and draft.assessor.strip().lower() not in people.known:
            outcome.problem(
                draft.line,
                _(
                    "the assessor %(email)s has no account: give their name instead",
                    email=draft.assessor,
                ),
            )
        elif "@" not in draft.assessor:
            check_name(outcome, draft.line, draft.assessor, _("the assessor's name"))
        if len(draft.old_certificate_number) > MAX_CERTIFICATE_NUMBER:
            outcome.problem(
                draft.line,
                _(
                    "the old certificate number is longer than %(n)d characters",
                    n=MAX_CERTIFICATE_NUMBER,
                ),
            )
        email = people.check(outcome, draft.line, draft.email, draft.full_name, draft.organisation)
        if level is None or email is None:
            continue
        key = award_key(email, level.number)
        if key in seen:
            outcome.problem(
                draft.line, _("the same award is also on line %(line)s", line=seen[key])
            )
            continue
        seen[key] = draft.line
        checked.append((key, email, level, draft))
    done = existing_keys(AWARD, [key for key, *_rest in checked])
    ids = {people.known[e].id: e for _k, e, _l, _d in checked if e in people.known}
    held: dict[tuple[str, int], str] = {}
    if ids:
        query = select(Application.user_id, Application.level_id, Application.status).where(
            Application.user_id.in_(ids),
            Application.status.in_((ACHIEVED, *OPEN_STATUSES)),
        )
        for user_id, level_id, found in db.session.execute(query):
            if held.get((ids[user_id], level_id)) != ACHIEVED:
                held[(ids[user_id], level_id)] = found
    todo: list[tuple[str, str, AccreditationLevel, AwardDraft]] = []
    for key, email, level, draft in checked:
        status = held.get((email, level.id))
        if key in done or status == ACHIEVED:
            outcome.skipped.append(
                _("%(email)s holds Level %(level)d already", email=email, level=level.number)
            )
        elif status is not None:
            outcome.problem(
                draft.line,
                _(
                    "%(email)s has an application for Level %(level)d open in trainhub: "
                    "finish or withdraw it first",
                    email=email,
                    level=level.number,
                ),
            )
        else:
            todo.append((key, email, level, draft))
            outcome.added.append(
                _(
                    "%(email)s was awarded Level %(level)d on %(date)s",
                    email=email,
                    level=level.number,
                    date=format_date(draft.awarded_on),
                )
            )
    if outcome.problems:
        outcome.added.clear()
        outcome.sort()
        return outcome
    if dry_run or not todo:
        people.describe_new(outcome)
        return outcome
    users = people.make_accounts(outcome, invite=invite)
    applications = _write(actor, todo, users)
    if certificates:
        for application in applications:
            certificate_service.issue_for_level(application)
    outcome.record_ids = write_records(
        actor,
        AWARD,
        [
            {
                "natural_key": key,
                "occurred_on": draft.awarded_on,
                "user_id": users[email].id,
                "application_id": application.id,
                "line": draft.line,
                "details": {
                    "assessor": draft.assessor.strip(),
                    "old_certificate_number": draft.old_certificate_number.strip(),
                },
            }
            for (key, email, _level, draft), application in zip(todo, applications, strict=True)
        ],
        source,
        "history.award_recorded",
        [
            _(
                "Recorded that %(email)s was awarded Level %(level)d on %(date)s",
                email=email,
                level=level.number,
                date=draft.awarded_on.isoformat(),
            )
            for _k, email, level, draft in todo
        ],
    )
    return outcome


def _write(actor: User, todo: list[Any], users: dict[str, User]) -> list[Application]:
    """The achieved applications, their first events and CPD lines; returned in ``todo``'s
    order."""
    now = utcnow()
    rows = [
        {
            "user_id": users[email].id,
            "level_id": level.id,
            "status": ACHIEVED,
            "recorded": True,
            "achieved_on": draft.awarded_on,
            "closed_at": now,
            "assessor_id": users[draft.assessor.strip().lower()].id
            if "@" in draft.assessor
            else None,
        }
        for _k, email, level, draft in todo
    ]
    db.session.execute(insert(Application).execution_options(render_nulls=True), rows)
    wanted = {(row["user_id"], row["level_id"]) for row in rows}
    found = {
        (a.user_id, a.level_id): a
        for a in db.session.execute(
            select(Application).where(
                Application.user_id.in_({u for u, _l in wanted}),
                Application.recorded.is_(True),
                Application.status == ACHIEVED,
            )
        ).scalars()
    }
    applications = [found[(row["user_id"], row["level_id"])] for row in rows]
    db.session.execute(
        insert(ApplicationEvent),
        [
            {
                "application_id": a.id,
                "actor_id": actor.id,
                "kind": "recorded",
                "from_status": None,
                "to_status": ACHIEVED,
                "note": _("Awarded before trainhub; recorded from records"),
            }
            for a in applications
        ],
    )
    cpd.bank_level_awards(applications, recorded_by=actor)
    return applications
