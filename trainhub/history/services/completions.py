"""A person's completion of a course before trainhub (the core on 12 May 2014, say)."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import insert, select

from trainhub.accreditation.services import certificates as certificate_service
from trainhub.accreditation.services import cpd
from trainhub.accreditation.services.files import receive_upload, store_checked
from trainhub.auth.models import User
from trainhub.courses.models import Completion, Course
from trainhub.errors import ValidationFailed
from trainhub.extensions import db
from trainhub.history.models import COMPLETION, HistoryImport
from trainhub.history.services.common import (
    People,
    check_past,
    courses_by_code,
    existing_keys,
    require_recorder,
    unknown_course,
    write_records,
)
from trainhub.history.services.drafts import CompletionDraft
from trainhub.history.services.outcome import Outcome
from trainhub.uploads import EVIDENCE, Upload


def completion_key(email: str, course_code: str, completed_on: object) -> str:
    """E-mail + course + date: the same completion recorded twice is one."""
    return f"{email.strip().lower()}|{course_code.strip().upper()}|{completed_on}"


def _describe(email: str, course: Course, draft: CompletionDraft) -> str:
    return _(
        "%(email)s completed %(code)s on %(date)s",
        email=email,
        code=course.code,
        date=format_date(draft.completed_on),
    )


def record_completions(
    actor: User,
    drafts: Sequence[CompletionDraft],
    *,
    source: HistoryImport | None = None,
    evidence: Upload | None = None,
    certificates: bool = False,
    invite: bool = False,
    dry_run: bool = False,
) -> Outcome:
    """Record that people completed courses before trainhub, on their real dates: each
    counts for prerequisites, eligibility, the workforce figures and the level clocks from
    that date, and banks the course's CPD on it; a certificate only when asked. Someone who
    holds a completion of the course already is skipped (one completion per course).

    Every draft is checked first; with any problem nothing is written. A fixed number of
    queries however many rows.

    :raises PermissionDenied: when ``actor`` is not a manager or an administrator.
    :raises ValidationFailed: on ``evidence`` when the file is refused (the upload rules of
        workbooks) or given for more than one completion.
    """
    require_recorder(actor)
    outcome = Outcome()
    courses = courses_by_code()
    people = People((d.email for d in drafts), actor)
    checked = []
    seen: dict[str, int | None] = {}
    for draft in drafts:
        course = courses.get(draft.course_code.strip().upper())
        if course is None:
            outcome.problem(draft.line, unknown_course(draft.course_code, courses))
        check_past(outcome, draft.line, draft.completed_on, _("the completion date"))
        email = people.check(outcome, draft.line, draft.email, draft.full_name, draft.organisation)
        if course is None or email is None:
            continue
        key = completion_key(email, course.code, draft.completed_on)
        if key in seen:
            outcome.problem(
                draft.line, _("the same completion is also on line %(line)s", line=seen[key])
            )
            continue
        seen[key] = draft.line
        checked.append((key, email, course, draft))
    if outcome.problems:
        outcome.sort()
        return outcome
    if evidence is not None and len(checked) != 1:
        raise ValidationFailed("evidence", _("Give an evidence file for one completion at a time"))
    done = existing_keys(COMPLETION, [key for key, *_rest in checked])
    ids = {people.known[e].id: e for _k, e, _c, _d in checked if e in people.known}
    held: set[tuple[str, int]] = set()
    if ids:
        query = select(Completion.user_id, Completion.course_id).where(
            Completion.user_id.in_(ids), Completion.course_id.in_({c.id for *_r, c, _d in checked})
        )
        held = {(ids[user_id], course_id) for user_id, course_id in db.session.execute(query)}
    todo: list[tuple[str, str, Course, CompletionDraft]] = []
    for key, email, course, draft in checked:
        if key in done:
            outcome.skipped.append(_describe(email, course, draft))
        elif (email, course.id) in held or any(
            (e, c.id) == (email, course.id) for _k, e, c, _d in todo
        ):
            outcome.skipped.append(
                _("%(email)s has completed %(code)s already", email=email, code=course.code)
            )
        else:
            todo.append((key, email, course, draft))
            outcome.added.append(_describe(email, course, draft))
    stored = receive_upload(actor, evidence, EVIDENCE, "evidence") if evidence else None
    if dry_run or not todo:
        people.describe_new(outcome)
        return outcome
    users = people.make_accounts(outcome, invite=invite)
    rows = [
        {
            "user_id": users[email].id,
            "course_id": course.id,
            "completed_on": draft.completed_on,
            "cohort_id": None,
            "recorded": True,
        }
        for _k, email, course, draft in todo
    ]
    db.session.execute(insert(Completion).execution_options(render_nulls=True), rows)
    wanted = {(row["user_id"], row["course_id"]) for row in rows}
    completions = [
        c
        for c in db.session.execute(
            select(Completion).where(
                Completion.user_id.in_({u for u, _c in wanted}),
                Completion.course_id.in_({c for _u, c in wanted}),
            )
        ).scalars()
        if (c.user_id, c.course_id) in wanted
    ]
    cpd.bank_course_completions(completions, recorded_by=actor)
    if certificates:
        certificate_service.issue_for_completions(completions)
    evidence_fields = {}
    if stored is not None:
        evidence_fields = {
            "evidence_filename": stored.filename,
            "evidence_content_type": stored.content_type,
            "evidence_size": stored.size,
            "evidence_key": stored.sha256,
        }
    outcome.record_ids = write_records(
        actor,
        COMPLETION,
        [
            {
                "natural_key": key,
                "occurred_on": draft.completed_on,
                "user_id": users[email].id,
                "course_id": course.id,
                "line": draft.line,
                **evidence_fields,
            }
            for key, email, course, draft in todo
        ],
        source,
        "history.completion_recorded",
        [
            _(
                "Recorded that %(email)s completed %(code)s on %(date)s",
                email=email,
                code=course.code,
                date=draft.completed_on.isoformat(),
            )
            for _k, email, course, draft in todo
        ],
    )
    if stored is not None:
        store_checked(stored)
    return outcome
