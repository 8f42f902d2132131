"""Helpers for the cohort, booking, register and calendar page tests."""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from tests.conftest import login
from tests.courses.helpers import snapshot
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


def page(response: Any) -> str:
    """The page's text with entities decoded, so messages can be matched as written."""
    return html_lib.unescape(response.get_data(as_text=True))


def signed_in(client: FlaskClient, user: User) -> FlaskClient:
    db.session.commit()
    return login(client, user)


def follow(client: FlaskClient, response: Any) -> str:
    """The page a redirect leads to (where the flashed message is shown)."""
    assert response.status_code == 302, response.status_code
    return page(client.get(response.headers["Location"]))


def field_error(text: str, field_id: str) -> str | None:
    """The error message shown next to the field with this id, if any."""
    match = re.search(
        rf'<p id="{re.escape(field_id)}-error" class="govuk-error-message">(.*?)</p>', text, re.S
    )
    if match is None:
        return None
    return " ".join(re.sub(r"<[^>]+>", "", match.group(1)).split()).removeprefix("Error: ")


def summary_errors(text: str) -> list[str]:
    """The messages in the error summary at the top of the page."""
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', text, re.S)
    if match is None:
        return []
    items = re.findall(r"<li>(.*?)</li>", match.group(0), re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", item).split()) for item in items]


def summary_links(text: str) -> list[str]:
    """Where the error summary's links point."""
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', text, re.S)
    return re.findall(r'href="#([^"]+)"', match.group(0)) if match else []


def banners(text: str) -> list[tuple[str, str]]:
    """The flashed messages on a page, as (kind, message): kind is "success" or "important"."""
    found = re.findall(
        r'<div class="govuk-notification-banner( govuk-notification-banner--success)?".*?'
        r'<p class="govuk-notification-banner__heading">(.*?)</p>',
        text,
        re.S,
    )
    return [
        ("success" if kind else "important", " ".join(message.split())) for kind, message in found
    ]


def count(model: Any, *where: Any) -> int:
    query = select(func.count()).select_from(model)
    for condition in where:
        query = query.where(condition)
    return int(db.session.execute(query).scalar_one())


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
        ]
    for index, person in enumerate(facilitators):
        data += [
            (f"facilitators-{index}-user_id", str(person.id)),
            (f"facilitators-{index}-professional_title", "Intervention Specialist"),
        ]
    for name, value in fields.items():
        data.append((name, value))
    return MultiDict(data)
