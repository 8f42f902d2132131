"""Helpers for the cohort, booking, register and calendar page tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from tests.courses.helpers import snapshot
from tests.helpers import (  # noqa: F401  (this area's tests import them from here)
    banners,
    count,
    field_error,
    follow,
    login,
    page,
    summary_errors,
    summary_links,
)
from trainhub.auth.models import User
from trainhub.courses.models import Booking, BookingEvent
from trainhub.extensions import db
from trainhub.mail.models import OutboxMessage

#: Every table scheduling, booking and registers write to (with the outbox).
COHORT_TABLES = (
    "cohorts",
    "cohort_days",
    "cohort_facilitators",
    "cohort_presenters",
    "clash_overrides",
    "bookings",
    "booking_events",
    "attendances",
    "completions",
    "calendar_feeds",
    "users",
    "outbox_messages",
)


def cohort_snapshot() -> dict[str, list[tuple[Any, ...]]]:
    return snapshot(COHORT_TABLES)


def booking(booking_id: int) -> Booking:
    db.session.expire_all()
    return db.session.get_one(Booking, booking_id)


def events(booking_id: int) -> list[tuple[str, str, str]]:
    """(action, to_status, reason) of a booking's history, in order."""
    db.session.expire_all()
    rows = db.session.execute(
        select(BookingEvent.action, BookingEvent.to_status, BookingEvent.reason)
        .where(BookingEvent.booking_id == booking_id)
        .order_by(BookingEvent.id)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


def mail_to(user: User) -> list[OutboxMessage]:
    db.session.expire_all()
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.to_address == user.email)
        .order_by(OutboxMessage.id)
    )
    return list(db.session.execute(query).scalars())


@dataclass
class Day:
    """One day as the schedule form takes it."""

    date: date | None
    start: str = "09:30"
    end: str = "16:30"
    venue_id: int | None = None
    #: The ticked boxes of "Where is the day?": "venue", "online" or both (hybrid).
    where: tuple[str, ...] = ("venue",)
    platform: str = ""
    meeting_url: str = ""
    dial_in_phone: str = ""
    dial_in_code: str = ""


def cohort_form(
    days: list[Day],
    facilitators: list[User],
    *,
    title: str = "Spring cohort",
    capacity: str = "12",
    **fields: str,
) -> MultiDict[str, str]:
    """What the schedule form posts: each date as the three boxes of the GOV.UK date input,
    which share one name (day, month, year)."""
    data: list[tuple[str, str]] = [
        ("title", title),
        ("capacity", capacity),
        ("delivery_language", "en"),
        ("partner_organisation_id", "0"),
        ("waitlist_policy", "offer"),
        ("offer_hours", "48"),
        ("cutoff_days", "2"),
        ("link_shown_hours", fields.pop("link_shown_hours", "24")),
    ]
    for index, day in enumerate(days):
        name = f"days-{index}-date"
        if day.date is None:
            data += [(name, ""), (name, ""), (name, "")]
        else:
            data += [(name, str(day.date.day)), (name, str(day.date.month))]
            data += [(name, str(day.date.year))]
        data += [
            (f"days-{index}-start_time", day.start),
            (f"days-{index}-end_time", day.end),
            (f"days-{index}-venue_id", str(day.venue_id or 0)),
            *((f"days-{index}-mode", where) for where in day.where),
            (f"days-{index}-platform", day.platform),
            (f"days-{index}-meeting_url", day.meeting_url),
            (f"days-{index}-dial_in_phone", day.dial_in_phone),
            (f"days-{index}-dial_in_code", day.dial_in_code),
        ]
    for index, person in enumerate(facilitators):
        data += [
            (f"facilitators-{index}-user_id", str(person.id)),
            (f"facilitators-{index}-professional_title", "Intervention Specialist"),
        ]
    for name, value in fields.items():
        data.append((name, value))
    return MultiDict(data)
