"""Shared helpers for the cohort tests: people, scheduling input, the outbox and calendars."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time, timedelta
from typing import Any

from icalendar import Calendar
from sqlalchemy import select

from tests.factories import PASSWORD_HASH, make_user
from tests.helpers import count, outbox  # noqa: F401  (this area's tests import them from here)
from trainhub.auth.models import User, UserRole
from trainhub.courses.models import Booking, BookingEvent, Cohort, Course, Venue, local_today
from trainhub.courses.services.scheduling import CohortInput, DayInput, FacilitatorInput
from trainhub.extensions import db
from trainhub.mail.models import OutboxMessage

#: Where the test configuration's BASE_URL puts calendar UIDs.
DOMAIN = "trainhub.example.org"


def trainer(**overrides: Any) -> User:
    return make_user(roles=["trainer"], **overrides)


def manager(**overrides: Any) -> User:
    return make_user(roles=["manager"], **overrides)


def learner(**overrides: Any) -> User:
    return make_user(roles=["learner"], **overrides)


def many_learners(n: int, prefix: str = "crowd", **overrides: Any) -> list[User]:
    """``n`` learners written in one flush (the factory flushes one at a time)."""
    users = []
    for index in range(n):
        user = User(
            email=f"{prefix}{index}@example.org",
            full_name=f"{prefix.title()} Learner {index:04d}",
            **overrides,
        )
        user.password_hash = PASSWORD_HASH
        user.role_rows = [UserRole(role="learner")]
        users.append(user)
    db.session.add_all(users)
    db.session.flush()
    return users


def book_directly(cohort: Cohort, users: Sequence[User], status: str = "booked") -> None:
    """Bookings written in one flush, without rules or mail."""
    db.session.add_all(Booking(cohort=cohort, user=user, status=status) for user in users)
    db.session.flush()


def in_days(n: int) -> date:
    return local_today() + timedelta(days=n)


def days_input(
    venue: Venue | int,
    dates: Sequence[date | None],
    start: time = time(9, 30),
    end: time = time(16, 30),
) -> list[DayInput]:
    venue_id = venue if isinstance(venue, int) else venue.id
    return [DayInput(day, start, end, venue_id) for day in dates]


def cohort_data(
    venue: Venue | int,
    dates: Sequence[date | None],
    facilitators: Sequence[User],
    **overrides: Any,
) -> CohortInput:
    values: dict[str, Any] = {
        "title": "Core practice, spring",
        "capacity": 12,
        "days": days_input(venue, dates),
        "facilitators": [FacilitatorInput(f.id, "Intervention Specialist") for f in facilitators],
    }
    values.update(overrides)
    return CohortInput(**values)


def subjects(to: User | str | None = None) -> list[str]:
    return [message.subject for message in outbox(to)]


def calendar_of(message: OutboxMessage) -> Calendar:
    """The iCalendar attachment of a message, parsed."""
    [attachment] = [a for a in message.attachments if a.content_type.startswith("text/calendar")]
    return Calendar.from_ical(attachment.content)


def events(calendar: Calendar) -> list[Any]:
    return [component for component in calendar.walk("VEVENT")]


def reload(booking: Booking) -> Booking:
    db.session.flush()
    db.session.refresh(booking)
    return booking


def statuses(cohort: Cohort) -> dict[int, str]:
    """Learner id → booking status on the cohort."""
    db.session.flush()
    rows = db.session.execute(
        select(Booking.user_id, Booking.status).where(Booking.cohort_id == cohort.id)
    )
    return {user_id: status for user_id, status in rows}


def actions(booking: Booking) -> list[str]:
    db.session.flush()
    query = (
        select(BookingEvent.action)
        .where(BookingEvent.booking_id == booking.id)
        .order_by(BookingEvent.id)
    )
    return list(db.session.execute(query).scalars())


def prerequisite(course: Course, required: Course) -> None:
    course.prerequisites.append(required)
    db.session.flush()
