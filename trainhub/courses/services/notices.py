"""The messages booking and scheduling send, each in the recipient's language."""

from __future__ import annotations

from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from trainhub.auth.models import User, UserRole
from trainhub.auth.roles import Role
from trainhub.courses.models import REGISTER_STATUSES, Booking, Cohort
from trainhub.courses.services import calendars, joining
from trainhub.courses.services.line_manager_copies import copy_line_manager
from trainhub.extensions import db
from trainhub.mail.services import Attachment, external_url, queue_templated_mail


def _context(cohort: Cohort, **extra: Any) -> dict[str, Any]:
    return {
        "cohort": cohort,
        "link": external_url("courses.cohort_detail", cohort_id=cohort.id),
        **extra,
    }


def _invitation(booking: Booking, cancel: bool = False) -> Attachment:
    """The next calendar SEQUENCE for this person and cohort, never going backwards."""
    booking.calendar_sequence = max(booking.calendar_sequence + 1, booking.cohort.sequence)
    if booking.calendar_per_day:
        _replace_per_day_events(booking, cancel)
    with force_locale(booking.user.preferred_language or "en"):  # the recipient's language
        return calendars.invitation(booking.cohort, booking.user, booking.calendar_sequence, cancel)


def _replace_per_day_events(booking: Booking, cancel: bool) -> None:
    """Cancel the events a learner was sent for each day before cohorts became one series,
    in a message of its own (a message carries one calendar method), ahead of the one that
    brings the series: otherwise the days would show twice, or stay after a cancellation."""
    with force_locale(booking.user.preferred_language or "en"):
        attachment = calendars.per_day_cancellation(
            booking.cohort, booking.user, booking.calendar_sequence
        )
    queue_templated_mail(
        booking.user,
        "calendar_per_day_replaced",
        lambda: _("Calendar update: %(title)s", title=booking.cohort.shown_title),
        _context(booking.cohort, cancel=cancel),
        [attachment],
    )
    booking.calendar_per_day = False


def joining_context(cohort: Cohort) -> dict[str, Any]:
    """The cohort's joining instructions for a message (``mail/_joining.txt``)."""
    found = joining.joining_of(cohort.id)
    return {
        "instructions": found.text,
        "files": [
            (f.filename, external_url("courses.joining_file", cohort_id=cohort.id, file_id=f.id))
            for f in found.files
        ],
    }


def booking_confirmed(booking: Booking, moved_from: Cohort | None = None) -> None:
    """Tell the learner they have a place, with the calendar invitation and the joining
    instructions (and their line manager, where their organisation asks for that; and, when
    they were moved from a cancelled cohort, which one)."""
    queue_templated_mail(
        booking.user,
        "booking_confirmed",
        lambda: _("Booked: %(title)s", title=booking.cohort.shown_title),
        _context(booking.cohort, moved_from=moved_from, **joining_context(booking.cohort)),
        [_invitation(booking)],
    )
    copy_line_manager(booking, "booked")


def waitlisted(booking: Booking, position: int, moved_from: Cohort | None = None) -> None:
    """Tell the learner they are on the waiting list, and where."""
    queue_templated_mail(
        booking.user,
        "booking_waitlisted",
        lambda: _("On the waiting list: %(title)s", title=booking.cohort.shown_title),
        _context(booking.cohort, position=position, moved_from=moved_from),
    )


def offer_made(booking: Booking, moved_from: Cohort | None = None) -> None:
    """Tell the learner a place is offered to them, and until when."""
    queue_templated_mail(
        booking.user,
        "booking_offer",
        lambda: _("A place for you: %(title)s", title=booking.cohort.shown_title),
        _context(
            booking.cohort,
            booking=booking,
            moved_from=moved_from,
            offer_link=external_url("courses.offer_respond", booking_id=booking.id),
        ),
    )


def offer_expired(booking: Booking) -> None:
    """Tell the learner their offer ran out and the place went on."""
    queue_templated_mail(
        booking.user,
        "offer_expired",
        lambda: _("Offer expired: %(title)s", title=booking.cohort.shown_title),
        _context(booking.cohort),
    )


def request_received(booking: Booking) -> None:
    """Tell the learner their request was received, and ask their approvers to decide it."""
    queue_templated_mail(
        booking.user,
        "booking_requested",
        lambda: _("Request received: %(title)s", title=booking.cohort.shown_title),
        _context(booking.cohort),
    )
    ask_approvers(booking)


def ask_approvers(booking: Booking) -> None:
    """Ask the learner's approvers (``approvers``) to decide their request."""
    for manager in approvers(booking.user):
        queue_templated_mail(
            manager,
            "approval_needed",
            lambda: _("A place to approve: %(title)s", title=booking.cohort.shown_title),
            _context(
                booking.cohort,
                booking=booking,
                approvals_link=external_url("courses.approvals"),
            ),
        )


def approvers(learner: User) -> list[User]:
    """Who is asked to decide the learner's request: their own organisation's managers, or
    administrators when it has none or the learner has no organisation (R49: no other
    manager may see the learner; ``queries.pending_requests`` shows them the same)."""

    def holding(role: Role) -> Select[Any]:
        return (
            select(User)
            .join(UserRole)
            .where(UserRole.role == role, User.active.is_(True))
            .order_by(User.id)
        )

    own: list[User] = []
    if learner.organisation_id is not None:
        query = holding(Role.MANAGER).where(User.organisation_id == learner.organisation_id)
        own = list(db.session.execute(query).scalars())
    return own or list(db.session.execute(holding(Role.ADMIN)).scalars())


def request_approved(booking: Booking, position: int | None) -> None:
    """Tell the learner their request was approved: a place, or the waiting list."""
    attachments = [_invitation(booking)] if booking.status == "booked" else []
    queue_templated_mail(
        booking.user,
        "booking_approved",
        lambda: _("Request approved: %(title)s", title=booking.cohort.shown_title),
        _context(booking.cohort, booking=booking, position=position or 0),
        attachments,
    )
    if booking.status == "booked":
        copy_line_manager(booking, "booked")


def request_declined(booking: Booking, reason: str) -> None:
    """Tell the learner their request was declined, and why."""
    queue_templated_mail(
        booking.user,
        "request_declined",
        lambda: _("Request declined: %(title)s", title=booking.cohort.shown_title),
        _context(booking.cohort, reason=reason),
    )


def booking_cancelled(booking: Booking, by_staff: bool, had_place: bool, reason: str = "") -> None:
    """Tell the learner their booking was cancelled (with a calendar cancellation if placed)."""
    attachments = [_invitation(booking, cancel=True)] if had_place else []
    queue_templated_mail(
        booking.user,
        "booking_cancelled",
        lambda: _("Cancelled: %(title)s", title=booking.cohort.shown_title),
        _context(booking.cohort, by_staff=by_staff, reason=reason, with_calendar=had_place),
        attachments,
    )


def cohort_changed(cohort: Cohort) -> None:
    """Everyone booked gets the cohort as it now stands, as a calendar update. Someone with
    an open offer has nothing in their calendar yet: accepting sends the days as they are."""
    bookings = db.session.execute(
        select(Booking)
        .where(Booking.cohort_id == cohort.id, Booking.status.in_(REGISTER_STATUSES))
        .options(selectinload(Booking.user))
    ).scalars()
    for booking in bookings:
        queue_templated_mail(
            booking.user,
            "cohort_changed",
            lambda: _("Changed: %(title)s", title=cohort.shown_title),
            _context(cohort),
            [_invitation(booking)],
        )


def cohort_cancelled(booking: Booking, with_calendar: bool) -> None:
    """Tell a booked learner the cohort was cancelled, with a calendar cancellation if asked."""
    attachments = [_invitation(booking, cancel=True)] if with_calendar else []
    queue_templated_mail(
        booking.user,
        "cohort_cancelled",
        lambda: _("Cancelled: %(title)s", title=booking.cohort.shown_title),
        _context(booking.cohort, with_calendar=with_calendar),
        attachments,
    )
