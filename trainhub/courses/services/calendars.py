"""iCalendar invitations and feeds: one event per cohort day, with a stable UID per day."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import UTC, date, timedelta
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased, selectinload

from trainhub.auth.models import User
from trainhub.courses.models import (
    REGISTER_STATUSES,
    Booking,
    CalendarFeed,
    Cohort,
    CohortDay,
    CohortFacilitator,
    local_today,
)
from trainhub.extensions import db, utcnow
from trainhub.mail.services import Attachment, external_url
from trainhub.spreadsheets import csv_text

#: How far back feeds reach, so a subscription does not grow for ever.
FEED_HISTORY = timedelta(days=180)
PRODID = "-//trainhub//IFSS training//EN"


def _domain() -> str:
    return urlsplit(str(current_app.config["BASE_URL"])).hostname or "trainhub.invalid"


def day_uid(day: CohortDay) -> str:
    """Stable for the life of the cohort: changes to the day update the same event."""
    return f"cohort-{day.cohort_id}-day-{day.day_number}@{_domain()}"


def _description(cohort: Cohort) -> str:
    lines = [cohort.course.title]
    for facilitator in cohort.facilitators:
        role = _("Lead facilitator") if facilitator.role == "lead" else _("Co-facilitator")
        title = f", {facilitator.professional_title}" if facilitator.professional_title else ""
        lines.append(f"{role}: {facilitator.user.full_name}{title}")
    lines.append(external_url("courses.cohort_detail", cohort_id=cohort.id))
    return "\n".join(lines)


def _event(day: CohortDay, sequence: int, cancelled: bool, attendee: User | None) -> Event:
    cohort = day.cohort
    event = Event()
    event.add("uid", day_uid(day))
    event.add("dtstamp", utcnow())
    event.add("dtstart", day.starts_at.astimezone(UTC))
    event.add("dtend", day.ends_at.astimezone(UTC))
    event.add(
        "summary",
        _(
            "%(title)s (day %(n)d of %(total)d)",
            title=cohort.title,
            n=day.day_number,
            total=len(cohort.days),
        ),
    )
    event.add("location", vText(f"{day.venue.name}, {' '.join(day.venue.address.split())}"))
    event.add("description", _description(cohort))
    event.add("sequence", sequence)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("url", external_url("courses.cohort_detail", cohort_id=cohort.id))
    if attendee is not None:
        organiser = vCalAddress(f"mailto:{parseaddr(current_app.config['MAIL_FROM'])[1]}")
        organiser.params["cn"] = vText("trainhub")
        event.add("organizer", organiser)
        person = vCalAddress(f"mailto:{attendee.email}")
        person.params["cn"] = vText(attendee.full_name)
        person.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", person)
    return event


def _calendar(method: str | None, name: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def invitation(cohort: Cohort, attendee: User, sequence: int, cancel: bool = False) -> Attachment:
    """METHOD:REQUEST (or CANCEL) with one VEVENT per day of the cohort."""
    calendar = _calendar("CANCEL" if cancel else "REQUEST")
    for day in cohort.days:
        calendar.add_component(_event(day, sequence, cancel, attendee))
    method = "CANCEL" if cancel else "REQUEST"
    return Attachment(
        filename="cancel.ics" if cancel else "invite.ics",
        content_type=f"text/calendar; charset=utf-8; method={method}",
        content=calendar.to_ical(),
    )


def feed(days: Iterable[CohortDay], name: str) -> bytes:
    """A published iCalendar of ``days`` (cancelled ones marked so), for a subscribed feed."""
    calendar = _calendar("PUBLISH", name)
    for day in days:
        cancelled = day.cohort.status == "cancelled"
        calendar.add_component(_event(day, day.cohort.sequence, cancelled, None))
    return bytes(calendar.to_ical())


def _day_options() -> tuple[Any, ...]:
    return (
        selectinload(CohortDay.venue),
        selectinload(CohortDay.cohort).options(
            selectinload(Cohort.course),
            selectinload(Cohort.days),
            selectinload(Cohort.facilitators).selectinload(CohortFacilitator.user),
        ),
    )


def public_days(today: date | None = None) -> list[CohortDay]:
    """Days of published open cohorts, from a while ago onward (R16); never a cohort
    recorded from records (it was never offered)."""
    since = (today or local_today()) - FEED_HISTORY
    query = (
        select(CohortDay)
        .join(Cohort)
        .where(
            Cohort.status.in_(("published", "completed")),
            Cohort.partner_organisation_id.is_(None),
            Cohort.recorded.is_(False),
            CohortDay.date >= since,
        )
        .order_by(CohortDay.date, CohortDay.start_time)
        .options(*_day_options())
    )
    return list(db.session.execute(query).scalars())


def personal_days(user: User, today: date | None = None) -> list[CohortDay]:
    """Days the person is booked on, and days they facilitate; cancellations stay as such.
    A cohort recorded from records is in no calendar: nobody was sent an invitation for it."""
    since = (today or local_today()) - FEED_HISTORY
    ended = aliased(Cohort)
    booked = (
        select(Booking.cohort_id)
        .join(ended, ended.id == Booking.cohort_id)
        .where(
            Booking.user_id == user.id,
            or_(
                Booking.status.in_(REGISTER_STATUSES),
                # Shown as cancelled to those who were sent an invitation for it.
                and_(
                    Booking.cancel_reason == "cohort",
                    ended.status == "cancelled",
                    Booking.calendar_sequence > 0,
                ),
            ),
        )
    )
    facilitated = select(CohortFacilitator.cohort_id).where(CohortFacilitator.user_id == user.id)
    query = (
        select(CohortDay)
        .join(Cohort)
        .where(
            CohortDay.date >= since,
            Cohort.status != "draft",
            Cohort.recorded.is_(False),
            or_(Cohort.id.in_(booked), Cohort.id.in_(facilitated)),
        )
        .order_by(CohortDay.date, CohortDay.start_time)
        .options(*_day_options())
    )
    return list(db.session.execute(query).scalars())


def feed_token(user: User) -> str:
    """The person's feed secret, made on first use."""
    row = db.session.get(CalendarFeed, user.id)
    if row is None:
        row = CalendarFeed(user_id=user.id, token=secrets.token_urlsafe(32))
        db.session.add(row)
        db.session.flush()
    return row.token


def reset_feed_token(user: User) -> str:
    """A new secret: the old address stops working at once."""
    row = db.session.get(CalendarFeed, user.id)
    if row is None:
        return feed_token(user)
    row.token = secrets.token_urlsafe(32)
    row.created_at = utcnow()
    return row.token


def user_for_feed_token(token: str) -> User | None:
    """The active user whose private calendar feed has this token, or None."""
    if not token or len(token) > 64 or not all(c.isalnum() or c in "-_" for c in token):
        return None
    query = (
        select(User)
        .join(CalendarFeed, CalendarFeed.user_id == User.id)
        .where(CalendarFeed.token == token, User.active.is_(True))
    )
    return db.session.execute(query).scalar_one_or_none()


#: The public calendar's CSV columns, one row per cohort day (R16).
CSV_COLUMNS = (
    "cohort_id",
    "course_code",
    "course",
    "cohort",
    "day",
    "date",
    "start",
    "end",
    "venue",
    "address",
    "language",
    "status",
)


def _csv_row(day: CohortDay) -> list[object]:
    """One cohort day as a row of ``CSV_COLUMNS``."""
    cohort = day.cohort
    return [
        cohort.id,
        cohort.course.code,
        cohort.course.title,
        cohort.title,
        day.day_number,
        day.date.isoformat(),
        day.start_time.strftime("%H:%M"),
        day.end_time.strftime("%H:%M"),
        day.venue.name,
        " ".join(day.venue.address.split()),
        cohort.delivery_language,
        cohort.status,
    ]


def calendar_csv(days: Iterable[CohortDay]) -> str:
    """The training calendar for spreadsheets, formula-safe (``spreadsheets.csv_text``)."""
    return csv_text(CSV_COLUMNS, (_csv_row(day) for day in days))
