"""Registers, booking outcomes and course completion.

Completion belongs to the learner and the course, not to one cohort: a day
missed in one cohort can be made up by attending the same day number in a
later cohort of the same course.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import case, delete, func, insert, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import flag_modified

from trainhub.auth.models import User
from trainhub.courses import permissions
from trainhub.courses.models import (
    ATTENDANCE_STATUSES,
    ATTENDED,
    REGISTER_STATUSES,
    Attendance,
    Booking,
    Cohort,
    CohortAttendee,
    CohortDay,
    Completion,
    Course,
    local_today,
)
from trainhub.courses.services.booking import record_changes
from trainhub.courses.services.line_manager_copies import copy_line_managers
from trainhub.courses.signals import (
    course_completed,
    course_completion_withdrawn,
    last_day_attended,
)
from trainhub.errors import ConflictError, PermissionDenied, ValidationFailed
from trainhub.extensions import db

log = logging.getLogger(__name__)

MAX_MINUTES = 8 * 60


@dataclass
class Mark:
    status: str
    minutes: int | None = None


@dataclass
class RegisterRow:
    user: User
    attendance: Attendance | None
    #: On the register to make up a day missed in another cohort.
    makeup: bool = False


def register(day: CohortDay) -> list[RegisterRow]:
    """Everyone on the day's register, by name, in two queries whatever its size."""
    booked = db.session.execute(
        select(User)
        .join(Booking, Booking.user_id == User.id)
        .where(Booking.cohort_id == day.cohort_id, Booking.status.in_(REGISTER_STATUSES))
    ).scalars()
    marks = db.session.execute(
        select(Attendance)
        .where(Attendance.cohort_day_id == day.id)
        .options(joinedload(Attendance.user))
    ).scalars()
    by_user = {mark.user_id: mark for mark in marks}
    rows = [RegisterRow(user, by_user.pop(user.id, None)) for user in booked]
    # Made-up days, and marks of people whose place was cancelled after the register was taken.
    rows += [RegisterRow(mark.user, mark, makeup=mark.makeup) for mark in by_user.values()]
    return sorted(rows, key=lambda row: (row.user.full_name.casefold(), row.user.id))


def _check_marks(marks: Mapping[int, Mark], allowed: set[int]) -> None:
    unknown = set(marks) - allowed
    if unknown:
        raise ValidationFailed("register", _("Someone in the form is not on this register"))
    for user_id, mark in marks.items():
        field = f"minutes-{user_id}"
        if mark.status not in ATTENDANCE_STATUSES:
            raise ValidationFailed(
                f"status-{user_id}", _("Choose present, late, left early or absent")
            )
        if mark.status in ("late", "left_early"):
            if mark.minutes is None:
                raise ValidationFailed(field, _("Enter how many minutes, like 15"))
            if not 1 <= mark.minutes <= MAX_MINUTES:
                raise ValidationFailed(field, _("Enter a number of minutes from 1 to 480"))
        else:
            mark.minutes = None


def record_attendance(actor: User, day: CohortDay, marks: Mapping[int, Mark]) -> int:
    """Save the day's register (people left out keep their mark); returns how many changed.

    :raises PermissionDenied: when ``actor`` cannot manage the cohort.
    :raises ConflictError: when the cohort is not published or completed, was recorded from
        records, or the day has not come.
    :raises ValidationFailed: when someone marked is not on the register (or not one the
        actor may see by name), or minutes late are missing or out of range.
    """
    cohort = day.cohort
    if not permissions.can_manage_cohort(actor, cohort):
        raise PermissionDenied(_("You cannot take the register for this cohort"))
    _check_register_open(cohort)
    _check_day_has_come(day)
    rows = register(day)
    # Only people the actor sees on the register are theirs to mark (R49).
    _check_marks(marks, permissions.named_attendees(actor, cohort, (row.user for row in rows)))
    changed = 0
    new: list[dict[str, object]] = []
    for row in rows:
        mark = marks.get(row.user.id)
        if mark is None:
            continue
        attendance = row.attendance
        if attendance is None:
            new.append(
                {
                    "cohort_day_id": day.id,
                    "user_id": row.user.id,
                    "status": mark.status,
                    "minutes": mark.minutes,
                    "recorded_by_id": actor.id,
                }
            )
        elif (attendance.status, attendance.minutes) == (mark.status, mark.minutes):
            continue
        else:
            attendance.status = mark.status
            attendance.minutes = mark.minutes
            attendance.recorded_by_id = actor.id
            # The same columns in every UPDATE, so that the ORM sends them as one batch.
            for column in ("status", "minutes", "recorded_by_id"):
                flag_modified(attendance, column)
        changed += 1
    if new:
        # One INSERT for the whole register (the ORM sends one per row on SQLite).
        db.session.execute(insert(Attendance).execution_options(render_nulls=True), new)
    db.session.flush()
    refresh_attendees([cohort.id], marks.keys())
    settle_bookings(cohort, actor, final=cohort.status == "completed")
    update_completions(cohort.course, marks.keys(), actor, cohort)
    _announce_last_day(day, [uid for uid, mark in marks.items() if mark.status in ATTENDED], actor)
    log.info(
        "Register of cohort %s day %s: %s marks by user %s",
        cohort.id,
        day.day_number,
        changed,
        actor.id,
    )
    return changed


def refresh_attendees(cohort_ids: Iterable[int], user_ids: Iterable[int] | None = None) -> None:
    """Bring ``CohortAttendee`` in step with the registers of ``cohort_ids`` (for ``user_ids``
    only, or for everyone marked on them). Every writer of attendance marks calls it once it
    has written them (and flushed): one DELETE and one INSERT … SELECT, whatever the number.

    Two registers of one cohort saved at once may both add the same person: the second add
    is skipped (the row stands for an ATTENDED mark either way).
    """
    cohorts = list(cohort_ids)
    people = None if user_ids is None else list(user_ids)
    if not cohorts or people == []:
        return
    gone = delete(CohortAttendee).where(CohortAttendee.cohort_id.in_(cohorts))
    came = (
        select(CohortDay.cohort_id, Attendance.user_id)
        .join(Attendance, Attendance.cohort_day_id == CohortDay.id)
        .where(CohortDay.cohort_id.in_(cohorts), Attendance.status.in_(ATTENDED))
        .distinct()
    )
    if people is not None:
        gone = gone.where(CohortAttendee.user_id.in_(people))
        came = came.where(Attendance.user_id.in_(people))
    db.session.execute(gone.execution_options(synchronize_session=False))
    add = (
        postgresql_insert(CohortAttendee)
        if db.session.get_bind().dialect.name == "postgresql"
        else sqlite_insert(CohortAttendee)
    )
    db.session.execute(add.from_select(["cohort_id", "user_id"], came).on_conflict_do_nothing())


def mark_all_present(actor: User, day: CohortDay) -> int:
    """Everyone without a mark yet whom ``actor`` sees on the register
    (``permissions.can_see_attendee``) is present; marks already taken stay.

    :raises PermissionDenied: when ``actor`` cannot manage the cohort.
    :raises ConflictError: when the cohort is not published or completed, was recorded from
        records, or the day has not come.
    """
    rows = [row for row in register(day) if row.attendance is None]
    named = permissions.named_attendees(actor, day.cohort, (row.user for row in rows))
    unmarked = {row.user.id: Mark("present") for row in rows if row.user.id in named}
    return record_attendance(actor, day, unmarked)


def _check_register_open(cohort: Cohort) -> None:
    """A register is taken once the cohort is published; a recorded cohort's register is its
    paper record, changed only by withdrawing the record and recording it again."""
    if cohort.recorded:
        raise ConflictError(
            _(
                "This cohort was recorded from records: withdraw it and record it again to "
                "change its register"
            )
        )
    if cohort.status not in ("published", "completed"):
        raise ConflictError(_("Publish the cohort before taking its register"))


def _check_day_has_come(day: CohortDay) -> None:
    if day.date > local_today():
        raise ConflictError(
            _("The register of day %(n)d opens on the day itself", n=day.day_number)
        )


def add_makeup_attendee(actor: User, day: CohortDay, learner: User) -> None:
    """Put someone on the register who missed this day number in an earlier cohort of the
    course, as present (the day has come, and they are there).

    :raises PermissionDenied: when ``actor`` cannot manage the cohort.
    :raises ConflictError: when the cohort is not published or completed, was recorded from
        records, or the day has not come.
    :raises ValidationFailed: on ``email`` when the learner did not miss this day earlier, or is
        already on the register.
    """
    cohort = day.cohort
    if not permissions.can_manage_cohort(actor, cohort):
        raise PermissionDenied(_("You cannot take the register for this cohort"))
    _check_register_open(cohort)
    _check_day_has_come(day)
    attended = (
        select(Attendance.id)
        .join(CohortDay, CohortDay.id == Attendance.cohort_day_id)
        .where(
            Attendance.user_id == learner.id,
            Attendance.status.in_(ATTENDED),
            CohortDay.cohort_id == Cohort.id,
            CohortDay.day_number == day.day_number,
        )
        .exists()
    )
    missed = db.session.execute(
        select(Booking.id)
        .join(Cohort)
        .where(
            Booking.user_id == learner.id,
            Cohort.course_id == cohort.course_id,
            Cohort.id != cohort.id,
            Cohort.first_day < cohort.first_day,
            Booking.status.in_(REGISTER_STATUSES),
            ~attended,
        )
        .limit(1)
    ).first()
    if missed is None:
        raise ValidationFailed(
            "email",
            _(
                "%(name)s did not miss day %(n)d in an earlier cohort of this course",
                name=learner.full_name,
                n=day.day_number,
            ),
        )
    if any(row.user.id == learner.id for row in register(day)):
        raise ValidationFailed(
            "email", _("%(name)s is already on this register", name=learner.full_name)
        )
    db.session.add(
        Attendance(
            cohort_day_id=day.id,
            user_id=learner.id,
            status="present",
            makeup=True,
            recorded_by_id=actor.id,
        )
    )
    db.session.flush()
    refresh_attendees([cohort.id], [learner.id])
    update_completions(cohort.course, [learner.id], actor, cohort)
    _announce_last_day(day, [learner.id], actor)


def _announce_last_day(day: CohortDay, user_ids: list[int], actor: User | None) -> None:
    """Tell higher areas who was there on a cohort's last day (feedback asks them)."""
    cohort = day.cohort
    if user_ids and cohort.days and cohort.days[-1].id == day.id:
        last_day_attended.send(cohort=cohort, user_ids=user_ids, actor=actor)


def settle_bookings(cohort: Cohort, actor: User | None, final: bool = False) -> None:
    """Attended, partially attended or no-show, once every day's mark is in (or at the end)."""
    days = len(cohort.days)
    attended = func.sum(case((Attendance.status.in_(ATTENDED), 1), else_=0))
    counts = {
        row.user_id: (row.marked, row.attended)
        for row in db.session.execute(
            select(
                Attendance.user_id,
                func.count(Attendance.id).label("marked"),
                attended.label("attended"),
            )
            .join(CohortDay)
            .where(CohortDay.cohort_id == cohort.id)
            .group_by(Attendance.user_id)
        )
    }
    bookings = db.session.execute(
        select(Booking).where(Booking.cohort_id == cohort.id, Booking.status.in_(REGISTER_STATUSES))
    ).scalars()
    changes = []
    for booking in bookings:
        marked, came = counts.get(booking.user_id, (0, 0))
        came = int(came or 0)
        if marked < days and not final:
            outcome = "booked"
        elif came >= days:
            outcome = "attended"
        elif came:
            outcome = "partially_attended"
        else:
            outcome = "no_show"
        if outcome != booking.status:
            changes.append((booking, outcome))
    no_shows = [booking for booking, outcome in changes if outcome == "no_show"]
    record_changes(changes, actor, "register")
    copy_line_managers(no_shows, "no_show")
    db.session.flush()


def update_completions(
    course: Course, user_ids: Iterable[int], actor: User | None, cohort: Cohort | None = None
) -> list[Completion]:
    """Record (or withdraw) completion of ``course`` for these learners; returns new ones.

    An event (a briefing, conference …, R18) is never completed: its registers say who came.
    """
    ids = set(user_ids)
    if not ids or course.is_event:
        return []
    required = course.days_to_complete
    days_done = func.count(func.distinct(CohortDay.day_number))
    progress = {
        row.user_id: (row.days, row.last)
        for row in db.session.execute(
            select(
                Attendance.user_id,
                days_done.label("days"),
                func.max(CohortDay.date).label("last"),
            )
            .join(CohortDay, CohortDay.id == Attendance.cohort_day_id)
            .join(Cohort, Cohort.id == CohortDay.cohort_id)
            .where(
                Cohort.course_id == course.id,
                Cohort.status != "cancelled",
                Attendance.status.in_(ATTENDED),
                Attendance.user_id.in_(ids),
            )
            .group_by(Attendance.user_id)
        )
    }
    existing = {
        c.user_id: c
        for c in db.session.execute(
            select(Completion).where(Completion.course_id == course.id, Completion.user_id.in_(ids))
        ).scalars()
    }
    new = []
    withdrawn = []
    for user_id in sorted(ids):
        days, last = progress.get(user_id, (0, None))
        complete = days >= required
        if complete and user_id not in existing:
            new.append(
                {
                    "user_id": user_id,
                    "course_id": course.id,
                    "completed_on": last,
                    "cohort_id": cohort.id if cohort else None,
                }
            )
        elif not complete and user_id in existing and not existing[user_id].recorded:
            # A completion recorded from before trainhub has no registers here to recount.
            withdrawn.append(user_id)
    if withdrawn:
        db.session.execute(
            delete(Completion).where(
                Completion.id.in_([existing[user_id].id for user_id in withdrawn])
            )
        )
    for user_id in withdrawn:
        log.info("Completion of %s withdrawn for user %s", course.code, user_id)
    if withdrawn:
        course_completion_withdrawn.send(user_ids=withdrawn, course_id=course.id, actor=actor)
    db.session.flush()
    created: list[Completion] = []
    if new:
        # One INSERT, read back once: a whole register may complete at the same moment.
        db.session.execute(insert(Completion).execution_options(render_nulls=True), new)
        created = list(
            db.session.execute(
                select(Completion)
                .where(
                    Completion.course_id == course.id,
                    Completion.user_id.in_([row["user_id"] for row in new]),
                )
                .order_by(Completion.user_id)
            ).scalars()
        )
    for completion in created:
        log.info("User %s completed %s", completion.user_id, course.code)
    if created:
        course_completed.send(completions=created, actor=actor)
    return created
