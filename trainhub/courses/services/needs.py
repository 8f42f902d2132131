"""Access and dietary needs: given at booking or later by the learner, read by the cohort's
facilitators and administrators (each reading of the details is audited), and forgotten
as soon as they are not needed (a cancelled booking at once; the rest by the retention
schedule, ``privacy.services.retention``)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, select, update

from trainhub import audit
from trainhub.auth.models import User
from trainhub.courses import permissions, queries
from trainhub.courses.models import ACTIVE_STATUSES, NEED_CATEGORIES, AccessNeeds, Booking, Cohort
from trainhub.errors import ConflictError, PermissionDenied, ValidationFailed
from trainhub.extensions import db

log = logging.getLogger(__name__)

#: The audit log's action for a reading of a cohort's needs.
NEEDS_VIEWED = audit.describe(
    "courses.access_needs_viewed", _l("Learners' access and dietary needs viewed")
)
#: The longest description kept (the form says so first).
DETAILS_MAX = 2000


def _clean(categories: Iterable[str], details: str) -> tuple[str, str]:
    chosen = set(categories)
    unknown = chosen - set(NEED_CATEGORIES)
    if unknown:
        raise ValidationFailed("categories", _("Choose needs from the list"))
    details = (details or "").strip()
    if len(details) > DETAILS_MAX:
        raise ValidationFailed("details", _("Enter %(max)d characters or fewer", max=DETAILS_MAX))
    return ",".join(c for c in NEED_CATEGORIES if c in chosen), details


def save_needs(
    actor: User, booking: Booking, categories: Sequence[str], details: str
) -> AccessNeeds | None:
    """Give, change or (nothing chosen and nothing written) remove the needs of ``booking``;
    returns what is kept, or None.

    :raises PermissionDenied: when ``actor`` is not the booking's learner.
    :raises ConflictError: when the booking is no longer active (cancelled, declined, or
        the course is over).
    :raises ValidationFailed: on ``categories`` for a category not in the list; on
        ``details`` when it is too long.
    """
    if not permissions.can_change_access_needs(actor, booking):
        raise PermissionDenied(_("Only the learner can change their access and dietary needs"))
    if booking.status not in ACTIVE_STATUSES:
        raise ConflictError(_("This booking is no longer active, so its needs cannot be changed"))
    chosen, details = _clean(categories, details)
    needs = queries.needs_of(booking.id)
    if not chosen and not details:
        if needs is not None:
            db.session.delete(needs)
            db.session.flush()
        return None
    if needs is None:
        needs = AccessNeeds(booking_id=booking.id)
        db.session.add(needs)
    needs.categories = chosen
    needs.details = details
    db.session.flush()
    log.info("Access needs of booking %s saved by user %s", booking.id, actor.id)
    return needs


def remove_needs(actor: User, booking: Booking) -> bool:
    """The learner takes back what they told us; returns whether there was anything.

    :raises PermissionDenied: when ``actor`` is not the booking's learner.
    """
    if not permissions.can_change_access_needs(actor, booking):
        raise PermissionDenied(_("Only the learner can change their access and dietary needs"))
    removed = forget_needs([booking.id])
    log.info("Access needs of booking %s removed by user %s", booking.id, actor.id)
    return bool(removed)


def forget_needs(booking_ids: Iterable[int]) -> int:
    """Delete the needs of these bookings (cancelled, erased, past the schedule) in one
    statement; returns how many. Raises nothing."""
    ids = [i for i in booking_ids if i is not None]
    if not ids:
        return 0
    result = db.session.execute(
        delete(AccessNeeds)
        .where(AccessNeeds.booking_id.in_(ids))
        .execution_options(synchronize_session="fetch")
    )
    return int(getattr(result, "rowcount", 0) or 0)


def carry_needs(old: Booking, new: Booking) -> None:
    """A learner moved from a cancelled cohort keeps the needs they gave (unless the new
    booking has its own already): the row moves to the new booking, so the cancelled one's
    ending forgets nothing the learner still needs. Both are flushed. Raises nothing."""
    has_own = select(exists().where(AccessNeeds.booking_id == new.id))
    if db.session.execute(has_own).scalar():
        return
    db.session.execute(
        update(AccessNeeds)
        .where(AccessNeeds.booking_id == old.id)
        .values(booking_id=new.id)
        .execution_options(synchronize_session="fetch")
    )


@dataclass(frozen=True)
class LearnerNeeds:
    """One learner's needs as the needs page shows them: plain values, so the page reads
    nothing more after the audit entry is committed."""

    name: str
    #: The booking's status (``booking_status`` shows it).
    status: str
    categories: list[str]
    details: str


def read_cohort_needs(actor: User, cohort: Cohort) -> list[LearnerNeeds]:
    """The details of every learner's needs on ``cohort``, for its facilitators and
    administrators; the reading is recorded in the audit log (who, which cohort, how many).

    :raises PermissionDenied: when ``actor`` neither facilitates the cohort nor is an
        administrator.
    """
    if not permissions.can_view_access_needs(actor, cohort):
        raise PermissionDenied(_("You cannot see the needs of this cohort's learners"))
    found = queries.cohort_needs(cohort.id)
    audit.record(
        actor,
        NEEDS_VIEWED,
        f"Access and dietary needs of cohort {cohort.id} ({cohort.title}): {len(found)} learner(s)",
    )
    return [
        LearnerNeeds(n.booking.user.full_name, n.booking.status, n.category_list, n.details)
        for n in found
    ]
