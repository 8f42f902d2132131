"""Follow-up and booster sessions of a cohort (R14): trainers add them from the cohort page,
the cohort's learners are told and see them, and each has its own register.

They are rows of their own (``FollowUpSession``), not cohort days, so the completion rule
(all core days, ``attendance.update_completions``), certificates, the accreditation gate and
the course statistics, which all read cohort days, never count them. The report counts them
apart (``trainhub.feedback.reporting.sessions``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from trainhub.auth.models import User, UserRole
from trainhub.auth.roles import Role
from trainhub.courses import permissions
from trainhub.courses.models import (
    ATTENDANCE_STATUSES,
    REGISTER_STATUSES,
    Booking,
    Cohort,
    FollowUpAttendance,
    FollowUpFacilitator,
    FollowUpSession,
    Venue,
    local_today,
)
from trainhub.errors import ConflictError, PermissionDenied, ValidationFailed
from trainhub.extensions import db
from trainhub.mail.services import external_url, queue_templated_mails

log = logging.getLogger(__name__)

#: How long after a cohort's first day a follow-up may be: boosters come months later.
LATEST_YEARS = 3


@dataclass
class FollowUpInput:
    title: str
    date: dt.date | None
    start_time: dt.time | None
    end_time: dt.time | None
    venue_id: int | None
    facilitator_ids: list[int] = field(default_factory=list)
    notes: str = ""


@dataclass
class FollowUpRow:
    user: User
    attendance: FollowUpAttendance | None


def _check(cohort: Cohort, data: FollowUpInput) -> None:
    data.title = " ".join(data.title.split())
    if not data.title:
        raise ValidationFailed("title", _("Enter a title, like Safety Planning booster"))
    if len(data.title) > 300:
        raise ValidationFailed("title", _("The title must be 300 characters or fewer"))
    if data.date is None:
        raise ValidationFailed("date", _("Enter the date of the session"))
    if data.date < cohort.first_day:
        raise ValidationFailed(
            "date",
            _(
                "A follow-up session cannot be before the cohort's first day, %(date)s",
                date=cohort.first_day.strftime("%d/%m/%Y"),
            ),
        )
    if data.date.year > cohort.first_day.year + LATEST_YEARS:
        raise ValidationFailed(
            "date", _("A follow-up session must be within three years of the cohort")
        )
    if data.start_time is None:
        raise ValidationFailed("start_time", _("Enter the time the session starts, like 09:30"))
    if data.end_time is None:
        raise ValidationFailed("end_time", _("Enter the time the session ends, like 12:30"))
    if data.end_time <= data.start_time:
        raise ValidationFailed("end_time", _("The session must end after it starts"))
    venue = db.session.get(Venue, data.venue_id) if data.venue_id else None
    if venue is None or not venue.is_active:
        raise ValidationFailed("venue_id", _("Choose a venue"))
    if not data.facilitator_ids:
        raise ValidationFailed("facilitator_ids", _("Choose at least one facilitator"))
    trainers = set(
        db.session.execute(
            select(UserRole.user_id)
            .join(User, User.id == UserRole.user_id)
            .where(
                UserRole.role == Role.TRAINER,
                User.active.is_(True),
                UserRole.user_id.in_(data.facilitator_ids),
            )
        ).scalars()
    )
    if set(data.facilitator_ids) - trainers:
        raise ValidationFailed("facilitator_ids", _("Choose facilitators from the trainers"))


def add_follow_up(actor: User, cohort: Cohort, data: FollowUpInput) -> FollowUpSession:
    """A follow-up or booster session of ``cohort``; everyone booked on the cohort is told.

    :raises PermissionDenied: when ``actor`` cannot manage the cohort.
    :raises ConflictError: when the cohort is cancelled, recorded from records or an event.
    :raises ValidationFailed: on the field at fault.
    """
    if not permissions.can_manage_cohort(actor, cohort):
        raise PermissionDenied(_("You cannot add sessions to this cohort"))
    if cohort.is_cancelled:
        raise ConflictError(_("This cohort was cancelled: it can have no follow-up sessions"))
    if cohort.recorded:
        raise ConflictError(_("A cohort recorded from records can have no follow-up sessions"))
    if cohort.is_event:
        raise ConflictError(_("An event has no follow-up sessions: schedule another event"))
    _check(cohort, data)
    session = FollowUpSession(
        cohort=cohort,
        title=data.title,
        date=data.date,
        start_time=data.start_time,
        end_time=data.end_time,
        venue_id=data.venue_id,
        notes=data.notes.strip(),
        created_by_id=actor.id,
    )
    session.facilitators = [
        FollowUpFacilitator(user_id=user_id, position=n)
        for n, user_id in enumerate(dict.fromkeys(data.facilitator_ids))
    ]
    db.session.add(session)
    db.session.flush()
    if cohort.status in ("published", "completed"):
        _tell_learners(session)
    log.info("Follow-up session %s of cohort %s added by %s", session.id, cohort.id, actor.id)
    return session


def _learners(cohort_id: int) -> list[User]:
    """The cohort's learners: those with a place on its register."""
    return list(
        db.session.execute(
            select(User)
            .join(Booking, Booking.user_id == User.id)
            .where(Booking.cohort_id == cohort_id, Booking.status.in_(REGISTER_STATUSES))
            .order_by(User.full_name, User.id)
        ).scalars()
    )


def _tell_learners(session: FollowUpSession) -> int:
    """One e-mail to each learner on the cohort, in their own language."""
    venue = db.session.get(Venue, session.venue_id)
    link = external_url("courses.cohort_detail", cohort_id=session.cohort_id)
    return queue_templated_mails(
        "follow_up_invitation",
        (
            (
                learner,
                lambda: _("Follow-up session: %(title)s", title=session.title),
                {"session": session, "cohort": session.cohort, "venue": venue, "link": link},
            )
            for learner in _learners(session.cohort_id)
        ),
    )


def register(session: FollowUpSession) -> list[FollowUpRow]:
    """The session's register: the cohort's learners, and anyone marked whose place has
    since gone, by name, in two queries whatever its size."""
    booked = _learners(session.cohort_id)
    marks = db.session.execute(
        select(FollowUpAttendance)
        .where(FollowUpAttendance.session_id == session.id)
        .options(selectinload(FollowUpAttendance.user))
    ).scalars()
    by_user = {mark.user_id: mark for mark in marks}
    rows = [FollowUpRow(user, by_user.pop(user.id, None)) for user in booked]
    rows += [FollowUpRow(mark.user, mark) for mark in by_user.values()]
    return sorted(rows, key=lambda row: (row.user.full_name.casefold(), row.user.id))


def record_attendance(actor: User, session: FollowUpSession, marks: Mapping[int, str]) -> int:
    """Save the marks (user id → ``ATTENDANCE_STATUSES``); returns how many changed. Never
    touches the cohort's completion: a follow-up is outside the completion rule (R14).

    :raises PermissionDenied: when ``actor`` cannot manage the cohort.
    :raises ConflictError: before the cohort is published, or before the session's day.
    :raises ValidationFailed: on ``status-<id>`` for a mark that is not a status, on
        ``register`` for someone not on the register.
    """
    cohort = session.cohort
    if not permissions.can_manage_cohort(actor, cohort):
        raise PermissionDenied(_("You cannot take this register"))
    if cohort.status not in ("published", "completed"):
        raise ConflictError(_("Publish the cohort before taking its register"))
    if session.date > local_today():
        raise ConflictError(_("This register opens on the day of the session"))
    rows = {row.user.id: row for row in register(session)}
    if set(marks) - set(rows):
        raise ValidationFailed("register", _("Someone in the form is not on this register"))
    for user_id, status in marks.items():
        if status not in ATTENDANCE_STATUSES:
            raise ValidationFailed(
                f"status-{user_id}", _("Choose present, late, left early or absent")
            )
    changed = 0
    for user_id, status in marks.items():
        mark = rows[user_id].attendance
        if mark is None:
            db.session.add(
                FollowUpAttendance(
                    session_id=session.id, user_id=user_id, status=status, recorded_by_id=actor.id
                )
            )
        elif mark.status != status:
            mark.status = status
            mark.recorded_by_id = actor.id
        else:
            continue
        changed += 1
    db.session.flush()
    log.info("Register of follow-up session %s: %d marks changed", session.id, changed)
    return changed


def sessions_for(cohort_id: int) -> list[FollowUpSession]:
    """The cohort's follow-up sessions with their venue and facilitators, in one statement
    (the cohort page's count stays fixed however many there are)."""
    return list(
        db.session.execute(
            select(FollowUpSession)
            .where(FollowUpSession.cohort_id == cohort_id)
            .order_by(FollowUpSession.date, FollowUpSession.start_time, FollowUpSession.id)
            .options(
                joinedload(FollowUpSession.venue),
                joinedload(FollowUpSession.facilitators).joinedload(FollowUpFacilitator.user),
            )
        )
        .unique()
        .scalars()
    )


def session_for_page(session_id: int) -> FollowUpSession | None:
    """A follow-up session with its cohort (and the cohort's facilitators, for the check)."""
    return db.session.execute(
        select(FollowUpSession)
        .where(FollowUpSession.id == session_id)
        .options(
            joinedload(FollowUpSession.venue),
            joinedload(FollowUpSession.cohort).selectinload(Cohort.facilitators),
        )
    ).scalar_one_or_none()
