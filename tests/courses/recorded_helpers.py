"""A cohort recorded from records, as the history area lands one: completed, never
published, its attendees' bookings attended, every day's mark in, their completions
recorded. Written directly (no rules, no signals, no mail)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from tests.factories import make_booking, make_cohort, make_user
from trainhub.auth.models import User
from trainhub.courses.models import Attendance, Cohort, Completion, Course, local_today
from trainhub.courses.services.attendance import refresh_attendees
from trainhub.extensions import db


def recorded_cohort(
    attendees: int | Sequence[User] = 3,
    *,
    course: Course | None = None,
    start: dt.date | None = None,
    days: int = 1,
    facilitators: list[User] | None = None,
    facilitator_names: str = "",
) -> Cohort:
    """A cohort delivered before trainhub (10 days ago by default), entered from its paper
    register: everyone came every day and completed."""
    start = start or local_today() - dt.timedelta(days=10)
    cohort = make_cohort(
        course,
        days=days if course is None else None,
        start=start,
        status="completed",
        facilitators=facilitators,
        recorded=True,
        facilitator_names=facilitator_names,
    )
    people = (
        [make_user(roles=["learner"]) for _ in range(attendees)]
        if isinstance(attendees, int)
        else list(attendees)
    )
    for person in people:
        make_booking(cohort, person, status="attended")
        db.session.add_all(
            Attendance(cohort_day_id=day.id, user_id=person.id, status="present")
            for day in cohort.days
        )
        db.session.add(
            Completion(
                user_id=person.id,
                course_id=cohort.course_id,
                completed_on=cohort.last_day,
                cohort_id=cohort.id,
                recorded=True,
            )
        )
    db.session.flush()
    refresh_attendees([cohort.id])
    return cohort


def attendees_of(cohort: Cohort) -> list[User]:
    return [booking.user for booking in cohort.bookings]
