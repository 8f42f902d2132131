"""Booking: places, approval, the waitlist and its offers, and cancellation.

Every decision about a place is taken with the cohort's row locked
(``SELECT … FOR UPDATE`` on PostgreSQL; SQLite serialises writers), so the
capacity holds however many people press "Book" at the same moment.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, insert, select
from sqlalchemy.orm import selectinload

from trainhub.auth.models import User
from trainhub.courses import permissions
from trainhub.courses.models import (
    ACTIVE_STATUSES,
    LOCAL_TIME,
    Booking,
    BookingEvent,
    Cohort,
)
from trainhub.courses.queries import (
    cohort_overlaps,
    missing_prerequisites,
    places_held,
    waitlist,
    waitlist_position,
)
from trainhub.courses.services import line_managers, notices
from trainhub.courses.services.line_manager_copies import copy_line_manager
from trainhub.courses.services.needs import forget_needs, save_needs
from trainhub.courses.services.scheduling import lock_cohort
from trainhub.errors import ConflictError, PermissionDenied, ValidationFailed
from trainhub.extensions import db, utcnow

log = logging.getLogger(__name__)

#: A booking that reaches one of these will not take the learner to the course.
ENDED_STATUSES = ("cancelled", "declined")


class OfferExpired(ConflictError):
    """The offer's time ran out before the learner answered."""


@dataclass
class BookingOutcome:
    booking: Booking
    #: False when the learner already had a live booking, which is returned unchanged.
    created: bool
    #: Place on the waitlist (1 is next), when waitlisted.
    position: int | None = None


def record_change(
    booking: Booking, actor: User | None, action: str, to_status: str, reason: str = ""
) -> None:
    """Change the status and add the append-only history entry."""
    # Set from the event's side, so that the booking's history is not loaded to add one line.
    db.session.add(
        BookingEvent(
            booking=booking,
            actor_id=actor.id if actor else None,
            action=action,
            from_status=booking.status,
            to_status=to_status,
            reason=reason[:2000],
        )
    )
    booking.status = to_status
    # Needs are special category data: a booking that ends forgets them at once. A
    # cancelled cohort's are kept for its learners' move to another cohort, until the
    # retention schedule deletes them.
    if to_status in ENDED_STATUSES and action != "cohort_cancelled" and booking.id is not None:
        forget_needs([booking.id])


def record_changes(changes: Sequence[tuple[Booking, str]], actor: User | None, action: str) -> None:
    """:func:`record_change` for many saved bookings at once, in one INSERT (a register of
    hundreds: the ORM would send one statement per row on SQLite)."""
    if not changes:
        return
    db.session.execute(
        insert(BookingEvent).execution_options(render_nulls=True),
        [
            {
                "booking_id": booking.id,
                "actor_id": actor.id if actor else None,
                "action": action,
                "from_status": booking.status,
                "to_status": to_status,
                "reason": "",
            }
            for booking, to_status in changes
        ],
    )
    for booking, to_status in changes:
        booking.status = to_status
        db.session.expire(booking, ["events"])


def cutoff_at(cohort: Cohort) -> datetime:
    """From then on: no automatic promotion and no cancelling by learners."""
    return cohort.starts_at() - timedelta(days=cohort.cutoff_days)


def inside_cutoff(cohort: Cohort, now: datetime | None = None) -> bool:
    """Whether the cohort's cut-off has passed (no automatic promotion, no self-cancelling)."""
    return (now or utcnow()) >= cutoff_at(cohort)


def booking_closes_at(cohort: Cohort) -> datetime:
    """When booking stops: the end of ``bookings_close``, else the cohort's start."""
    if cohort.bookings_close is not None:
        return datetime.combine(cohort.bookings_close + timedelta(days=1), time(), LOCAL_TIME)
    return cohort.starts_at()


def booking_problems(cohort: Cohort, learner: User, now: datetime | None = None) -> list[str]:
    """Why the learner cannot book this cohort themselves (empty when they can)."""
    now = now or utcnow()
    if cohort.status != "published":
        return [_("This cohort is not open for booking.")]
    partner = cohort.partner_organisation
    if partner is not None and partner.id != learner.organisation_id:
        return [_("This cohort is only for %(partner)s.", partner=partner.name)]
    if cohort.is_closed:
        return [_("Places on this cohort are arranged by your organisation and the training team.")]
    if any(f.user_id == learner.id for f in cohort.facilitators):
        return [_("You facilitate this cohort, so you cannot book a place on it.")]
    if cohort.bookings_open is not None and now < datetime.combine(
        cohort.bookings_open, time(), LOCAL_TIME
    ):
        return [_("Booking opens on %(date)s.", date=_format(cohort.bookings_open))]
    if now >= booking_closes_at(cohort):
        return [_("Booking for this cohort has closed.")]
    problems = []
    no_line_manager = line_managers.line_manager_problem(cohort, learner)
    if no_line_manager:
        problems.append(no_line_manager)
    missing = missing_prerequisites(cohort.course, learner)
    if missing:
        problems.append(
            _(
                "Complete these courses first: %(courses)s.",
                courses=", ".join(course.title for course in missing),
            )
        )
    return problems + overlaps(cohort, learner, own=True)


def overlaps(cohort: Cohort, learner: User, own: bool = False) -> list[str]:
    """The learner's other live bookings whose days overlap this cohort's, as messages."""
    return [
        _("You are already booked on “%(title)s”, which overlaps this cohort.", title=other.title)
        if own
        else _(
            "%(name)s is already booked on “%(title)s”, which overlaps this cohort.",
            name=learner.full_name,
            title=other.title,
        )
        for other in cohort_overlaps(cohort.id, learner.id)
    ]


def _format(value: date) -> str:
    from flask_babel import format_date

    return format_date(value, "d MMMM yyyy")


def _live_booking(cohort_id: int, learner_id: int) -> Booking | None:
    query = select(Booking).where(Booking.cohort_id == cohort_id, Booking.user_id == learner_id)
    return db.session.execute(query.execution_options(populate_existing=True)).scalar_one_or_none()


def _lock(booking: Booking) -> None:
    """Lock the booking's cohort, then read the booking again: while this transaction waited
    for the lock another may have changed it (an offer passed on, a cancellation)."""
    lock_cohort(booking.cohort_id)
    db.session.refresh(booking)


#: For the line managers' decisions (``services.line_managers``).
lock_booking = _lock


def _seat_free(cohort: Cohort) -> bool:
    return cohort.places_left(places_held(cohort.id)) > 0


def _join_waitlist(booking: Booking, actor: User | None, action: str) -> int:
    top = db.session.execute(
        select(func.max(Booking.queue_rank)).where(Booking.cohort_id == booking.cohort_id)
    ).scalar_one()
    booking.queue_rank = (top or 0) + 1
    record_change(booking, actor, action, "waitlisted")
    db.session.flush()
    position = waitlist_position(booking)
    assert position is not None
    return position


def book_place(
    actor: User,
    cohort: Cohort,
    learner: User | None = None,
    now: datetime | None = None,
) -> BookingOutcome:
    """Book ``learner`` (by default the actor) onto ``cohort``, or waitlist them when full.

    Learners booking themselves must meet every rule of :func:`booking_problems`;
    on a course for IFST members their booking is a request for a manager; on a course that
    needs the line manager's approval, a request for their line manager first
    (``line_managers``).
    Trainers and managers adding someone skip the window, the prerequisites and the
    approval, never the capacity or the learner's other bookings' days.

    :raises PermissionDenied: when ``actor`` books someone else onto a cohort they cannot
        manage.
    :raises ConflictError: when the cohort is not published, or a booking rule refuses the
        learner (the messages joined).
    """
    learner = learner or actor
    by_staff = learner.id != actor.id
    if by_staff and not permissions.can_manage_cohort(actor, cohort):
        raise PermissionDenied(_("You cannot book other people onto this cohort"))
    now = now or utcnow()
    lock_cohort(cohort.id)
    existing = _live_booking(cohort.id, learner.id)
    if existing is not None and existing.stands:
        return BookingOutcome(existing, created=False, position=waitlist_position(existing))
    if cohort.status != "published":
        raise ConflictError(_("This cohort is not open for booking."))
    if by_staff:
        problems = overlaps(cohort, learner)
        if any(f.user_id == learner.id for f in cohort.facilitators):
            problems.insert(
                0,
                _(
                    "%(name)s facilitates this cohort and cannot book a place on it.",
                    name=learner.full_name,
                ),
            )
    else:
        problems = booking_problems(cohort, learner, now)
    if problems:
        raise ConflictError(" ".join(problems))
    booking = existing or Booking(cohort=cohort, user=learner, status="new")
    booking.cancel_reason = None
    booking.late_cancellation = False
    booking.offer_expires_at = None
    db.session.add(booking)
    if not by_staff and cohort.course.line_manager_approval:
        # The line manager first; the organisation's managers after them (IFST courses).
        record_change(booking, actor, "requested", "requested")
        db.session.flush()
        line_managers.ask_line_manager(booking, now)
        log.info("Booking %s requested (line manager's approval needed)", booking.id)
        return BookingOutcome(booking, created=True)
    if not by_staff and cohort.course.audience == "ifst_only":
        record_change(booking, actor, "requested", "requested")
        db.session.flush()
        notices.request_received(booking)
        log.info("Booking %s requested (approval needed)", booking.id)
        return BookingOutcome(booking, created=True)
    outcome = _place_or_queue(booking, actor, "booked")
    if outcome.position is None:
        notices.booking_confirmed(booking)
    else:
        notices.waitlisted(booking, outcome.position)
    return outcome


def _place_or_queue(booking: Booking, actor: User | None, action: str) -> BookingOutcome:
    """A place when one is free and nobody is waiting for it; else the end of the waitlist."""
    cohort = booking.cohort
    nobody_waiting = not db.session.execute(
        select(Booking.id)
        .where(Booking.cohort_id == cohort.id, Booking.status == "waitlisted")
        .limit(1)
    ).first()
    if _seat_free(cohort) and nobody_waiting:
        booking.queue_rank = None
        record_change(booking, actor, action, "booked")
        db.session.flush()
        log.info("Booking %s: place on cohort %s", booking.id, cohort.id)
        return BookingOutcome(booking, created=True)
    position = _join_waitlist(booking, actor, "waitlisted" if action == "booked" else action)
    log.info("Booking %s: waitlisted at %s on cohort %s", booking.id, position, cohort.id)
    return BookingOutcome(booking, created=True, position=position)


#: For the line managers' decisions (``services.line_managers``).
place_or_queue = _place_or_queue


def add_learner(actor: User, cohort: Cohort, learner: User) -> BookingOutcome:
    """A trainer or manager books someone by hand (still never beyond capacity).

    :raises PermissionDenied: when ``actor`` cannot manage the cohort.
    :raises ConflictError: when the cohort is not published, or the learner cannot be booked.
    """
    if cohort.status != "published":
        raise ConflictError(_("Publish the cohort before booking people onto it"))
    return book_place(actor, cohort, learner)


def cancel_booking(
    actor: User, booking: Booking, reason: str = "", now: datetime | None = None
) -> None:
    """The learner cancels before the cut-off; staff may cancel at any time (late is counted).

    :raises PermissionDenied: when ``actor`` is neither the learner nor manages the cohort.
    :raises ConflictError: when the booking is not active, the cohort not open, or a learner
        cancels a place inside the cut-off.
    """
    now = now or utcnow()
    cohort = booking.cohort
    own = actor.id == booking.user_id
    if not own and not permissions.can_manage_cohort(actor, cohort):
        raise PermissionDenied(_("You cannot cancel this booking"))
    _lock(booking)
    if booking.status not in ACTIVE_STATUSES:
        raise ConflictError(_("This booking is not active, so there is nothing to cancel"))
    if cohort.status != "published":
        raise ConflictError(_("This cohort is no longer open, so its bookings cannot change"))
    had_place = booking.frees_place_when_cancelled
    if booking.status == "requested":
        line_managers.withdraw(booking)
    late = inside_cutoff(cohort, now)
    if own and late and had_place and not permissions.can_manage_cohort(actor, cohort):
        raise ConflictError(
            _(
                "It is too close to the start to cancel online: please tell the trainers, "
                "who can release your place."
            )
        )
    # A late cancellation is kept in the history, which a later rebooking does not rewrite.
    action = "cancelled_late" if late and had_place else "cancelled"
    record_change(booking, actor, action, "cancelled", reason=reason)
    booking.cancel_reason = "learner" if own else "staff"
    booking.late_cancellation = late and had_place
    booking.queue_rank = None
    booking.offer_expires_at = None
    notices.booking_cancelled(
        booking,
        by_staff=not own,
        had_place=had_place and booking.calendar_sequence > 0,
        reason=reason,
    )
    if had_place:
        copy_line_manager(booking, "cancelled")
    db.session.flush()
    if had_place:
        fill_freed_places(cohort, actor=None, now=now)


def fill_freed_places(cohort: Cohort, actor: User | None, now: datetime | None = None) -> int:
    """Give free places to the waitlist in order, by the cohort's policy; returns how many.
    Someone booked elsewhere at an overlapping time since joining is passed over (and stays
    waiting). Inside the cut-off nothing happens automatically: trainers fill places by hand.
    """
    now = now or utcnow()
    if cohort.status != "published" or inside_cutoff(cohort, now):
        return 0
    lock_cohort(cohort.id)
    free = cohort.places_left(places_held(cohort.id))
    moved = 0
    for booking in waitlist(cohort.id):
        if moved >= free:
            break
        if cohort_overlaps(cohort.id, booking.user_id):
            # Booked elsewhere at the same time since they joined (a cohort moved): passed
            # over for this place, still waiting, offered one once the clash is gone.
            continue
        booking.queue_rank = None
        if cohort.waitlist_policy == "auto_book":
            record_change(booking, actor, "promoted", "booked")
            notices.booking_confirmed(booking)
        else:
            booking.offer_expires_at = min(
                now + timedelta(hours=cohort.offer_hours), cutoff_at(cohort)
            )
            record_change(booking, actor, "offered", "offered")
            db.session.flush()
            notices.offer_made(booking)
        moved += 1
    db.session.flush()
    return moved


def respond_to_offer(
    actor: User, booking: Booking, accept: bool, now: datetime | None = None
) -> None:
    """The learner accepts or declines the place offered to them; a declined place goes on to
    the next person.

    :raises PermissionDenied: when the offer is someone else's.
    :raises ConflictError: when there is no open offer on the booking.
    :raises OfferExpired: (a ``ConflictError``) when the offer ran out first; it is passed on.
    :raises ConflictError: on accepting, when the learner has been booked elsewhere at an
        overlapping time since the offer (it stays open: they cancel that or decline this).
    """
    if actor.id != booking.user_id:
        raise PermissionDenied(_("This offer is for someone else"))
    now = now or utcnow()
    _lock(booking)
    if booking.status != "offered":
        raise ConflictError(_("There is no open offer on this booking"))
    if booking.offer_expires_at is not None and now >= booking.offer_expires_at:
        _expire(booking, now)
        raise OfferExpired(_("This offer has expired and the place has gone to the next person"))
    if accept:
        clashes = overlaps(booking.cohort, booking.user, own=True)
        if clashes:  # booked elsewhere at the same time since the offer: it stays open
            raise ConflictError(
                " ".join(
                    [
                        *clashes,
                        _("Cancel that booking first, or decline this place."),
                    ]
                )
            )
    booking.offer_expires_at = None
    if accept:
        record_change(booking, actor, "offer_accepted", "booked")
        notices.booking_confirmed(booking)
        return
    record_change(booking, actor, "offer_declined", "cancelled")
    booking.cancel_reason = "offer_declined"
    db.session.flush()
    fill_freed_places(booking.cohort, actor=None, now=now)


def _expire(booking: Booking, now: datetime) -> None:
    record_change(booking, None, "offer_expired", "cancelled")
    booking.cancel_reason = "offer_expired"
    booking.offer_expires_at = None
    notices.offer_expired(booking)
    db.session.flush()
    fill_freed_places(booking.cohort, actor=None, now=now)


def expire_offers(now: datetime | None = None) -> int:
    """Pass expired offers to the next person; run every few minutes (`flask cohorts sweep`)."""
    now = now or utcnow()
    query = (
        select(Booking)
        .where(Booking.status == "offered", Booking.offer_expires_at <= now)
        .order_by(Booking.offer_expires_at)
        .options(selectinload(Booking.cohort), selectinload(Booking.user))
    )
    passed = 0
    for booking in list(db.session.execute(query).scalars()):
        _lock(booking)
        # Accepted or declined while this sweep waited for the lock: nothing to pass on.
        expires = booking.offer_expires_at
        if booking.status == "offered" and expires is not None and expires <= now:
            _expire(booking, now)
            passed += 1
    return passed


def move_in_waitlist(actor: User, booking: Booking, up: bool, reason: str) -> None:
    """Swap with the neighbour above (or below); the reason is kept with the booking.

    :raises PermissionDenied: when ``actor`` cannot manage the cohort.
    :raises ConflictError: when the booking is not waiting, or already first (last).
    :raises ValidationFailed: on ``reason`` when it is empty.
    """
    if not permissions.can_manage_cohort(actor, booking.cohort):
        raise PermissionDenied(_("You cannot change this waiting list"))
    _lock(booking)
    if booking.status != "waitlisted":
        raise ConflictError(_("Only people on the waiting list can be moved"))
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("reason", _("Give a reason for the move: it is recorded"))
    queue = waitlist(booking.cohort_id)
    index = next(i for i, b in enumerate(queue) if b.id == booking.id)
    other_index = index - 1 if up else index + 1
    if not 0 <= other_index < len(queue):
        raise ConflictError(
            _("Already first on the waiting list") if up else _("Already last on the waiting list")
        )
    other = queue[other_index]
    booking.queue_rank, other.queue_rank = other.queue_rank, booking.queue_rank
    action, passive = ("moved_up", "moved_down") if up else ("moved_down", "moved_up")
    record_change(booking, actor, action, "waitlisted", reason=reason)
    # The person swapped with moved too: their history says so, with the same reason.
    record_change(other, actor, passive, "waitlisted", reason=reason)
    db.session.flush()


def book_from_waitlist(actor: User, booking: Booking, reason: str = "") -> None:
    """A trainer gives a free place to someone on the waitlist (e.g. inside the cut-off).

    :raises PermissionDenied: when ``actor`` cannot manage the cohort.
    :raises ConflictError: when the booking is not waiting, the cohort is full, or the
        learner is booked elsewhere at an overlapping time.
    """
    if not permissions.can_manage_cohort(actor, booking.cohort):
        raise PermissionDenied(_("You cannot change this waiting list"))
    _lock(booking)
    if booking.status != "waitlisted":
        raise ConflictError(_("Only people on the waiting list can be given a place"))
    if not _seat_free(booking.cohort):
        raise ConflictError(_("There is no free place: the cohort is full"))
    clashes = overlaps(booking.cohort, booking.user)
    if clashes:
        raise ConflictError(" ".join(clashes))
    booking.queue_rank = None
    record_change(booking, actor, "booked_by_hand", "booked", reason=reason)
    notices.booking_confirmed(booking)
    db.session.flush()


def decide_request(actor: User, booking: Booking, approve: bool, reason: str = "") -> None:
    """A manager approves (a place, or the waitlist when full) or declines a request.

    :raises PermissionDenied: when ``actor`` is not a manager, decides their own request,
        or is neither an administrator nor a manager of the learner's own organisation
        (``permissions.can_decide_request``).
    :raises ConflictError: when the request was already decided, still waits for the
        learner's line manager (``line_managers``: they decide first), the cohort is no
        longer open, or the learner's other bookings overlap it.
    """
    if not permissions.can_decide_requests(actor):
        raise PermissionDenied(_("Only managers decide on requests for places"))
    if booking.user_id == actor.id:
        raise PermissionDenied(_("You cannot decide on your own request"))
    if not permissions.can_decide_request(actor, booking.user):
        raise PermissionDenied(_("Requests from this organisation go to its own managers"))
    _lock(booking)
    if booking.status != "requested":
        raise ConflictError(_("This request has already been decided"))
    if line_managers.pending_approval(booking) is not None:
        raise ConflictError(_("This request is waiting for the learner's line manager first"))
    if not approve:
        record_change(booking, actor, "declined", "declined", reason=reason)
        notices.request_declined(booking, reason)
        return
    if booking.cohort.status != "published":
        raise ConflictError(_("This cohort is no longer open for booking"))
    problems = overlaps(booking.cohort, booking.user)
    if problems:
        raise ConflictError(" ".join(problems))
    outcome = _place_or_queue(booking, actor, "approved")
    notices.request_approved(booking, outcome.position)


def book_with_needs(
    actor: User, cohort: Cohort, categories: Sequence[str], details: str
) -> BookingOutcome:
    """The learner books themselves (:func:`book_place`) and gives their access and dietary
    needs in the same step; nothing is kept when the booking is refused, and a booking they
    already had keeps its needs.

    :raises ConflictError: as :func:`book_place`.
    :raises ValidationFailed: on ``categories`` or ``details`` as ``needs.save_needs``.
    """
    outcome = book_place(actor, cohort)
    # A booking they already had keeps the needs they gave (they change them on its page).
    if outcome.created and (categories or details.strip()) and outcome.booking.is_active:
        save_needs(actor, outcome.booking, categories, details)
    return outcome
