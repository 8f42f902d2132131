"""Moving a cancelled cohort's learners to another cohort of the same course, in one step.

Those who held a place, had an offer or were waiting when the cohort was cancelled go
ahead of the target's waiting list in their old order: booked (or offered a place) while
places are free, then at the front of its queue. Anyone the target does not suit (a clash,
as booking checks it) stays where they are, with the reason. Each move is recorded on both
bookings ("moved_away" on the old one, which is how nobody is moved twice, and "moved_in"
on the new one) and each learner gets one e-mail: the booking mail, saying where from.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import aliased, selectinload

from trainhub.auth.models import User
from trainhub.courses import permissions
from trainhub.courses.models import Booking, BookingEvent, Cohort
from trainhub.courses.queries import places_held
from trainhub.courses.services import notices
from trainhub.courses.services.booking import cutoff_at, overlaps, record_change
from trainhub.courses.services.needs import carry_needs
from trainhub.courses.services.scheduling import lock_cohort
from trainhub.errors import ConflictError, PermissionDenied, ValidationFailed
from trainhub.extensions import db, utcnow

log = logging.getLogger(__name__)

#: "book": places (then the front of the queue); "offer": offers of places (then the front
#: of the queue), each to be accepted before it expires like any other offer.
MOVE_MODES = ("book", "offer")
#: What a booking was when its cohort was cancelled, for it to be moved.
MOVABLE_STATUSES = ("booked", "offered", "waitlisted")


@dataclass
class MoveLine:
    """One learner of the cancelled cohort and what the move would do for them."""

    old: Booking
    #: "booked", "offered", "waitlisted" (``position`` on the target's list), or "refused".
    outcome: str
    position: int | None = None
    problem: str = ""
    #: The queue rank given on the target's waiting list (below everyone already on it).
    rank: int | None = None

    @property
    def learner(self) -> User:
        return self.old.user


@dataclass
class MovePlan:
    source: Cohort
    target: Cohort
    mode: str
    lines: list[MoveLine] = field(default_factory=list)

    def with_outcome(self, outcome: str) -> list[MoveLine]:
        return [line for line in self.lines if line.outcome == outcome]

    @property
    def moving(self) -> list[MoveLine]:
        return [line for line in self.lines if line.outcome != "refused"]


def movable_bookings(source: Cohort) -> list[Booking]:
    """The bookings cancelled with ``source`` that held a place, an offer or a place in the
    queue, not moved yet: places and offers first, then the queue, each in the old order."""
    cancelled = aliased(BookingEvent)
    moved = exists().where(
        BookingEvent.booking_id == Booking.id, BookingEvent.action == "moved_away"
    )
    query = (
        select(Booking)
        .join(
            cancelled,
            and_(cancelled.booking_id == Booking.id, cancelled.action == "cohort_cancelled"),
        )
        .where(
            Booking.cohort_id == source.id,
            Booking.status == "cancelled",
            Booking.cancel_reason == "cohort",
            cancelled.from_status.in_(MOVABLE_STATUSES),
            ~moved,
        )
        .order_by(case((cancelled.from_status == "waitlisted", 1), else_=0), cancelled.id)
        .options(selectinload(Booking.user))
    )
    return list(db.session.execute(query).scalars())


def move_targets(actor: User, source: Cohort, now: datetime | None = None) -> list[Cohort]:
    """Where ``source``'s learners may go: the same course's published cohorts that have not
    started, which ``actor`` manages, soonest first."""
    now = now or utcnow()
    query = (
        select(Cohort)
        .where(
            Cohort.course_id == source.course_id,
            Cohort.id != source.id,
            Cohort.status == "published",
            Cohort.recorded.is_(False),
            Cohort.first_day >= now.date() - timedelta(days=1),
        )
        .order_by(Cohort.first_day, Cohort.id)
        .options(selectinload(Cohort.days), selectinload(Cohort.facilitators))
    )
    return [
        cohort
        for cohort in db.session.execute(query).scalars()
        if cohort.starts_at() > now and permissions.can_manage_cohort(actor, cohort)
    ]


def _check(actor: User, source: Cohort, target: Cohort | None, mode: str, now: datetime) -> Cohort:
    if not permissions.can_manage_cohort(actor, source):
        raise PermissionDenied(_("You cannot move this cohort's learners"))
    if source.status != "cancelled":
        raise ConflictError(_("Only a cancelled cohort's learners can be moved"))
    if target is None or target.id not in {c.id for c in move_targets(actor, source, now)}:
        raise ValidationFailed(
            "target",
            _("Choose a published cohort of the same course that has not started"),
        )
    if mode not in MOVE_MODES:
        raise ValidationFailed("mode", _("Choose whether to book them or offer them places"))
    if mode == "offer" and cutoff_at(target) <= now:
        raise ValidationFailed(
            "mode",
            _("This cohort is too close to its start for offers: book them instead"),
        )
    return target


def plan_move(
    actor: User, source: Cohort, target: Cohort | None, mode: str, now: datetime | None = None
) -> MovePlan:
    """What moving ``source``'s learners to ``target`` would do, for the confirmation page
    (nothing is written).

    :raises PermissionDenied: when ``actor`` cannot manage the cancelled cohort.
    :raises ConflictError: when ``source`` is not cancelled.
    :raises ValidationFailed: on ``target`` when it is not one of :func:`move_targets`, on
        ``mode`` when it is unknown (or "offer" inside the target's cut-off).
    """
    now = now or utcnow()
    target = _check(actor, source, target, mode, now)
    plan = MovePlan(source, target, mode)
    bookings = movable_bookings(source)
    already = set(
        db.session.execute(
            select(Booking.user_id).where(
                Booking.cohort_id == target.id,
                Booking.user_id.in_([b.user_id for b in bookings]),
                Booking.status.not_in(("cancelled", "declined")),
            )
        ).scalars()
    )
    facilitators = {f.user_id for f in target.facilitators}
    free = target.places_left(places_held(target.id))
    queued = 0
    for old in bookings:
        learner = old.user
        problems = []
        if learner.id in already:
            problems.append(
                _("%(name)s already has a booking on this cohort.", name=learner.full_name)
            )
        elif learner.id in facilitators:
            problems.append(
                _(
                    "%(name)s facilitates this cohort and cannot book a place on it.",
                    name=learner.full_name,
                )
            )
        else:
            problems = overlaps(target, learner)
        if problems:
            plan.lines.append(MoveLine(old, "refused", problem=" ".join(problems)))
        elif free > 0:
            free -= 1
            plan.lines.append(MoveLine(old, "booked" if mode == "book" else "offered"))
        else:
            queued += 1
            plan.lines.append(MoveLine(old, "waitlisted", position=queued))
    return plan


def move_learners(
    actor: User, source: Cohort, target: Cohort | None, mode: str, now: datetime | None = None
) -> MovePlan:
    """Move (or offer places to) ``source``'s learners on ``target``, ahead of its waiting
    list, all in the caller's transaction; returns what was done.

    :raises ConflictError: when nobody is left to move (all moved already, or every one
        refused); and as :func:`plan_move`.
    """
    now = now or utcnow()
    if target is not None:
        # Both cohorts' rows, in id order so two moves never wait on each other.
        for cohort_id in sorted({source.id, target.id}):
            lock_cohort(cohort_id)
        db.session.refresh(source)
    plan = plan_move(actor, source, target, mode, now)
    if not plan.moving:
        raise ConflictError(
            _("Nobody is left to move: everyone has been moved already or cannot go")
            if plan.lines
            else _("Nobody is left to move: everyone has been moved already")
        )
    target = plan.target
    waiting = plan.with_outcome("waitlisted")
    if waiting:
        lowest = db.session.execute(
            select(func.min(Booking.queue_rank)).where(
                Booking.cohort_id == target.id, Booking.status == "waitlisted"
            )
        ).scalar_one()
        first_rank = (lowest if lowest is not None else 1) - len(waiting)
        for index, line in enumerate(waiting):
            line.rank = first_rank + index
    existing = {
        booking.user_id: booking
        for booking in db.session.execute(
            select(Booking).where(
                Booking.cohort_id == target.id,
                Booking.user_id.in_([line.learner.id for line in plan.moving]),
            )
        ).scalars()
    }
    expires = min(now + timedelta(hours=target.offer_hours), cutoff_at(target))
    for line in plan.moving:
        new = existing.get(line.learner.id) or Booking(
            cohort=target, user=line.learner, status="new"
        )
        new.cancel_reason = None
        new.late_cancellation = False
        new.offer_expires_at = expires if line.outcome == "offered" else None
        new.queue_rank = line.rank
        db.session.add(new)
        record_change(new, actor, "moved_in", line.outcome, reason=source.title)
        db.session.flush()
        carry_needs(line.old, new)  # before the old booking's ending forgets them
        record_change(line.old, actor, "moved_away", "cancelled", reason=target.title)
        db.session.flush()
        if line.outcome == "booked":
            notices.booking_confirmed(new, moved_from=source)
        elif line.outcome == "offered":
            notices.offer_made(new, moved_from=source)
        else:
            assert line.position is not None
            notices.waitlisted(new, line.position, moved_from=source)
    db.session.flush()
    log.info(
        "Cohort %s: %d learners moved to cohort %s (%s) by user %s",
        source.id,
        len(plan.moving),
        target.id,
        mode,
        actor.id,
    )
    return plan
