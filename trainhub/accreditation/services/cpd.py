"""The CPD / CQF credit bank: banking, reversal, external activities, yearly totals."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import insert, select
from sqlalchemy.orm import selectinload

from trainhub.accreditation.models.applications import Application
from trainhub.accreditation.models.certificates import Certificate
from trainhub.accreditation.models.cpd import (
    APPROVED,
    COURSE,
    EXTERNAL,
    LEVEL,
    PENDING,
    REJECTED,
    REVERSAL,
    CpdEntry,
    ExternalActivity,
)
from trainhub.accreditation.models.levels import AccreditationLevel
from trainhub.accreditation.permissions import can_decide_activity
from trainhub.accreditation.services import notices
from trainhub.accreditation.services.certificates import level_achievement, level_achievement_cy
from trainhub.accreditation.services.files import receive_upload, store_checked
from trainhub.auth.models import User
from trainhub.auth.roles import Role
from trainhub.bilingual import ENGLISH, own
from trainhub.courses.models import Completion, Course, local_today
from trainhub.errors import ConflictError, PermissionDenied, ValidationFailed
from trainhub.extensions import db, utcnow
from trainhub.financial_years import financial_year
from trainhub.uploads import EVIDENCE, Upload

__all__ = ["COURSE", "EXTERNAL", "LEVEL", "REVERSAL"]

log = logging.getLogger(__name__)
MAX_HOURS = Decimal(1000)


def bank_entry(
    user: User | int,
    source: str,
    occurred_on: dt.date,
    title: str,
    *,
    hours: Decimal | None = None,
    credits: Decimal | None = None,
    accrediting_body: str = "",
    course_id: int | None = None,
    application_id: int | None = None,
    activity_id: int | None = None,
    recorded_by: User | None = None,
    note: str = "",
    flush: bool = True,
) -> CpdEntry:
    """Add a line to the learner's CPD record (``flush=False``: many lines, one flush later)."""
    entry = _line(
        user if isinstance(user, int) else user.id,
        source,
        occurred_on,
        title,
        hours=hours,
        credits=credits,
        accrediting_body=accrediting_body,
        course_id=course_id,
        application_id=application_id,
        activity_id=activity_id,
        recorded_by_id=recorded_by.id if recorded_by else None,
        note=note,
    )
    db.session.add(entry)
    if flush:
        db.session.flush()
    return entry


def _line(
    user_id: int,
    source: str,
    occurred_on: dt.date,
    title: str,
    *,
    hours: Decimal | None = None,
    credits: Decimal | None = None,
    accrediting_body: str = "",
    course_id: int | None = None,
    application_id: int | None = None,
    activity_id: int | None = None,
    recorded_by_id: int | None = None,
    note: str = "",
) -> CpdEntry:
    """A new line as every way of banking writes it (not yet added to the session)."""
    return CpdEntry(
        user_id=user_id,
        source=source,
        occurred_on=occurred_on,
        title=title[:300],
        hours=hours or Decimal(0),
        credits=credits or Decimal(0),
        accrediting_body=accrediting_body,
        course_id=course_id,
        application_id=application_id,
        activity_id=activity_id,
        recorded_by_id=recorded_by_id,
        note=note,
    )


def _insert_lines(lines: Sequence[CpdEntry]) -> None:
    """Write new lines with one INSERT however many (the ORM writes the rows of a
    self-referencing table one by one); they are not in the session afterwards."""
    if not lines:
        return
    columns = [c.key for c in CpdEntry.__table__.columns if c.key not in ("id", "created_at")]
    db.session.execute(insert(CpdEntry), [{k: getattr(line, k) for k in columns} for line in lines])


def bank_course_certificates(issued: Sequence[Certificate]) -> None:
    """Bank the hours and credits of courses whose certificates were just issued (a whole
    register at once): one line each, written by the system, one INSERT for the lot."""
    _insert_lines(
        [
            _line(
                c.user_id,
                COURSE,
                c.awarded_on,
                c.achievement,
                hours=c.hours,
                credits=c.credits,
                accrediting_body=c.accrediting_body,
                course_id=c.course_id,
            )
            for c in issued
        ]
    )


def bank_course_completions(completions: Sequence[Completion], recorded_by: User) -> None:
    """Bank the hours and credits of completions recorded from before trainhub (no
    certificate needed): one line each dated on the real day, one INSERT for the lot."""
    courses = {
        c.id: c
        for c in db.session.execute(
            select(Course).where(Course.id.in_({c.course_id for c in completions}))
        ).scalars()
    }
    _insert_lines(
        [
            _line(
                c.user_id,
                COURSE,
                c.completed_on,
                courses[c.course_id].title,
                hours=courses[c.course_id].cpd_hours,
                credits=courses[c.course_id].credit_value,
                accrediting_body=courses[c.course_id].accrediting_body,
                course_id=c.course_id,
                recorded_by_id=recorded_by.id,
                note=_("Recorded from before trainhub"),
            )
            for c in completions
        ]
    )


def bank_level_awards(applications: Sequence[Application], recorded_by: User) -> None:
    """Bank the hours and credits of levels awarded before trainhub, dated on the award,
    one INSERT for the lot."""
    levels = {
        lv.id: lv
        for lv in db.session.execute(
            select(AccreditationLevel).where(
                AccreditationLevel.id.in_({a.level_id for a in applications})
            )
        ).scalars()
    }
    lines = []
    for application in applications:
        level = levels[application.level_id]
        assert application.achieved_on is not None
        lines.append(
            _line(
                application.user_id,
                LEVEL,
                application.achieved_on,
                level_achievement(level),
                hours=level.cpd_hours,
                credits=level.credit_value,
                accrediting_body=level.accrediting_body,
                application_id=application.id,
                recorded_by_id=recorded_by.id,
                note=_("Recorded from before trainhub"),
            )
        )
    _insert_lines(lines)


def reverse_course_lines(user_ids: Iterable[int], course_id: int, reason: str) -> int:
    """Cancel out the course lines of ``course_id`` for these people that are not reversed
    yet (their completion was withdrawn), as the system, in a fixed number of queries;
    returns how many lines were reversed."""
    query = (
        select(CpdEntry)
        .where(
            CpdEntry.user_id.in_(list(user_ids)),
            CpdEntry.course_id == course_id,
            CpdEntry.source == COURSE,
        )
        .options(selectinload(CpdEntry.reversed_by))
    )
    open_lines = [e for e in db.session.execute(query).scalars() if e.reversed_by is None]
    _insert_lines([reversal_of(entry, None, reason) for entry in open_lines])
    for entry in open_lines:  # written by id: let ``reversed_by`` load again
        db.session.expire(entry, ["reversed_by"])
    return len(open_lines)


def can_correct_cpd(actor: User) -> bool:
    """Whether ``actor`` may reverse lines of other people's CPD records."""
    return actor.is_admin or actor.has_role(Role.MANAGER)


def reverse_entry(actor: User | None, entry: CpdEntry, reason: str) -> CpdEntry:
    """Cancel a line out with a negative one; the original stays (``actor`` None: the system).

    :raises PermissionDenied: when ``actor`` is neither a manager nor an administrator.
    :raises ValidationFailed: on ``reason`` when it is empty or the line is itself a reversal.
    :raises ConflictError: when the line has already been reversed.
    """
    if actor is not None and not can_correct_cpd(actor):
        raise PermissionDenied(_("Only a manager or an administrator can correct CPD records"))
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationFailed("reason", _("Enter the reason for the correction"))
    if entry.source == REVERSAL:
        raise ValidationFailed("reason", _("A correction cannot itself be reversed"))
    # The unique reverses_id refuses a second reversal made at the same moment.
    already = db.session.execute(
        select(CpdEntry.id).where(CpdEntry.reverses_id == entry.id)
    ).first()
    if already is not None:
        raise ConflictError(_("This line has already been reversed"))
    reversal = reversal_of(entry, actor, reason)
    db.session.add(reversal)
    db.session.flush()
    # The link was written by id: let ``entry.reversed_by`` load again, or a caller that
    # read it before (None) would try to reverse the line a second time.
    db.session.expire(entry, ["reversed_by"])
    log.info("CPD entry %s reversed by %s", entry.id, actor.id if actor else "the system")
    return reversal


def reversal_of(entry: CpdEntry, actor: User | None, reason: str) -> CpdEntry:
    """The line that cancels ``entry`` out, in the same financial year (not yet added)."""
    return CpdEntry(
        user_id=entry.user_id,
        source=REVERSAL,
        occurred_on=entry.occurred_on,
        title=entry.title,
        hours=-entry.hours,
        credits=-entry.credits,
        accrediting_body=entry.accrediting_body,
        course_id=entry.course_id,
        application_id=entry.application_id,
        activity_id=entry.activity_id,
        reverses_id=entry.id,
        recorded_by_id=actor.id if actor else None,
        note=reason,
    )


def ledger(user: User) -> list[CpdEntry]:
    """Every line of the learner's record, in date order, each with its reversal loaded
    (pages offer "Reverse" only on lines not reversed yet)."""
    query = (
        select(CpdEntry)
        .where(CpdEntry.user_id == user.id)
        .order_by(CpdEntry.occurred_on, CpdEntry.id)
        .options(selectinload(CpdEntry.reversed_by))
    )
    return list(db.session.execute(query).scalars())


@dataclass(frozen=True)
class YearTotal:
    start_year: int
    hours: Decimal
    credits: Decimal


def totals_by_year(entries: Iterable[CpdEntry]) -> list[YearTotal]:
    """Hours and credits per financial year (April to March), latest year first."""
    hours: dict[int, Decimal] = defaultdict(Decimal)
    credits: dict[int, Decimal] = defaultdict(Decimal)
    for entry in entries:
        year = financial_year(entry.occurred_on)
        hours[year] += entry.hours
        credits[year] += entry.credits
    return [YearTotal(y, hours[y], credits[y]) for y in sorted(hours, reverse=True)]


@dataclass
class ActivityInput:
    title: str
    occurred_on: dt.date | None
    hours: Decimal | None
    credits: Decimal | None = None
    provider: str = ""
    accrediting_body: str = ""
    description: str = ""


def log_activity(actor: User, data: ActivityInput, evidence: Upload | None) -> ExternalActivity:
    """A learner records learning done elsewhere, with evidence, for approval.

    :raises ValidationFailed: on the field at fault (title, date, hours, credits); on
        ``evidence`` for the file as ``receive_upload``.
    """
    title = " ".join(data.title.split())
    if not title:
        raise ValidationFailed("title", _("Enter what the activity was"))
    if data.occurred_on is None:
        raise ValidationFailed("occurred_on", _("Enter the date of the activity"))
    if data.occurred_on > local_today():
        raise ValidationFailed(
            "occurred_on", _("The date of the activity must be today or in the past")
        )
    if data.hours is None or not Decimal(0) < data.hours <= MAX_HOURS:
        raise ValidationFailed(
            "hours", _("Enter the hours of learning, more than 0 and up to 1000")
        )
    if data.credits is not None and not Decimal(0) <= data.credits <= MAX_HOURS:
        raise ValidationFailed("credits", _("Enter credits between 0 and 1000, or leave it empty"))
    checked = receive_upload(actor, evidence, EVIDENCE, field="evidence")
    activity = ExternalActivity(
        user_id=actor.id,
        title=title[:300],
        provider=data.provider.strip()[:200],
        occurred_on=data.occurred_on,
        hours=data.hours,
        credits=data.credits or Decimal(0),
        accrediting_body=data.accrediting_body.strip()[:200],
        description=data.description.strip(),
        evidence_filename=checked.filename,
        evidence_content_type=checked.content_type,
        evidence_size=checked.size,
        evidence_key=checked.sha256,  # the storage key: files are named by their SHA-256
        status=PENDING,
    )
    db.session.add(activity)
    db.session.flush()
    # The row first: a database that refuses it leaves no file behind.
    store_checked(checked)
    notices.activity_logged(activity, actor)
    return activity


def decide_activity(
    actor: User, activity: ExternalActivity, approve: bool, note: str = ""
) -> ExternalActivity:
    """Approve (the hours go into the ledger) or turn down an external activity.

    :raises PermissionDenied: when ``actor`` is neither the learner's supervisor nor a
        manager.
    :raises ConflictError: when the activity has already been decided.
    :raises ValidationFailed: on ``note`` when turning it down without a reason.
    """
    if not can_decide_activity(actor, activity):
        raise PermissionDenied(_("Only the learner's supervisor or a manager can approve this"))
    db.session.execute(
        select(ExternalActivity.id).where(ExternalActivity.id == activity.id).with_for_update()
    )
    db.session.refresh(activity)
    if activity.status != PENDING:
        raise ConflictError(_("This activity has already been decided"))
    note = note.strip()
    if not approve and not note:
        raise ValidationFailed("note", _("Say why the activity cannot be counted"))
    activity.status = APPROVED if approve else REJECTED
    activity.decided_by_id = actor.id
    activity.decided_at = utcnow()
    activity.decision_note = note
    if approve:
        bank_entry(
            activity.user,
            EXTERNAL,
            activity.occurred_on,
            activity.title,
            hours=activity.hours,
            credits=activity.credits,
            accrediting_body=activity.accrediting_body,
            activity_id=activity.id,
            recorded_by=actor,
        )
    db.session.flush()
    notices.activity_decided(activity)
    return activity


def welsh_titles(entries: Sequence[CpdEntry]) -> dict[int, str]:
    """The Welsh names of the courses and levels the lines bank, by line id, for a statement
    read in Welsh (two queries however many lines). A line keeps the English it was banked
    with; only a line whose title is still its course's or level's English name is given
    that course's or level's Welsh name, when one is written."""
    course_ids = {e.course_id for e in entries if e.course_id is not None}
    application_ids = {e.application_id for e in entries if e.application_id is not None}
    courses = {
        c.id: c
        for c in db.session.execute(select(Course).where(Course.id.in_(course_ids))).scalars()
    }
    levels = {
        application_id: level
        for application_id, level in db.session.execute(
            select(Application.id, AccreditationLevel)
            .join(AccreditationLevel, AccreditationLevel.id == Application.level_id)
            .where(Application.id.in_(application_ids))
        )
    }
    titles: dict[int, str] = {}
    for entry in entries:
        welsh: str | None = None
        if entry.course_id in courses:
            course = courses[entry.course_id]
            welsh = own(course.title_cy) if entry.title == course.title else None
        elif entry.application_id in levels:
            level = levels[entry.application_id]
            with force_locale(ENGLISH):
                same = entry.title == level_achievement(level)
            welsh = level_achievement_cy(level) if same else None
        if welsh is not None:
            titles[entry.id] = welsh
    return titles
