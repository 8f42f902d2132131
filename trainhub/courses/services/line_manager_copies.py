"""Copies to line managers of their people's bookings, cancellations and no-shows, where
the learner's organisation asks for them (``Organisation.copy_line_managers``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainhub.auth.models import LineManager, Organisation, User
from trainhub.courses.models import Booking
from trainhub.extensions import db
from trainhub.mail.services import external_url, queue_templated_mail

#: What a line manager is copied on.
COPY_KINDS = ("booked", "cancelled", "no_show")


@dataclass(frozen=True)
class Address:
    """A line manager without an account, as the outbox's recipient."""

    email: str
    preferred_language: str


def copy_line_manager(booking: Booking, kind: str) -> None:
    """Copy the learner's line manager on a booking, cancellation or no-show, when the
    learner's organisation asks for it and they have named one."""
    copy_line_managers([booking], kind)


def copy_line_managers(bookings: Sequence[Booking], kind: str) -> int:
    """:func:`copy_line_manager` for many bookings (a register), in a fixed number of
    queries; returns how many were copied."""
    assert kind in COPY_KINDS
    by_user = {booking.user_id: booking for booking in bookings}
    if not by_user:
        return 0
    rows = db.session.execute(
        select(LineManager)
        .join(User, User.id == LineManager.user_id)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(LineManager.user_id.in_(by_user), Organisation.copy_line_managers.is_(True))
        .options(selectinload(LineManager.manager), selectinload(LineManager.user))
    ).scalars()
    sent = 0
    for named in rows:
        booking = by_user[named.user_id]
        recipient: Any = (
            named.manager
            if named.manager is not None
            else Address(named.email, named.preferred_language)
        )
        subjects = {
            "booked": lambda b=booking: _(
                "Booked: %(name)s, %(title)s", name=b.user.full_name, title=b.cohort.shown_title
            ),
            "cancelled": lambda b=booking: _(
                "Cancelled: %(name)s, %(title)s", name=b.user.full_name, title=b.cohort.shown_title
            ),
            "no_show": lambda b=booking: _(
                "Did not attend: %(name)s, %(title)s",
                name=b.user.full_name,
                title=b.cohort.shown_title,
            ),
        }
        queue_templated_mail(
            recipient,
            "line_manager_copy",
            subjects[kind],
            {
                "cohort": booking.cohort,
                "learner": booking.user,
                "manager_name": named.display_name,
                "kind": kind,
                "link": external_url("courses.cohort_detail", cohort_id=booking.cohort_id),
            },
        )
        sent += 1
    return sent
