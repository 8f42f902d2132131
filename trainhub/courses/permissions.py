"""Who may change the catalogue, venues and cohorts, and who may see what of them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from trainhub.auth.roles import EDITORS, MANAGERS, STAFF, Role

if TYPE_CHECKING:
    from trainhub.auth.models import User
    from trainhub.courses.models import Booking, Cohort, Course


def can_edit_catalogue(user: User) -> bool:
    return user.has_role(*EDITORS)


def can_edit_course(user: User, course: Course) -> bool:
    return can_edit_catalogue(user)


def can_change_canonical_content(user: User, course: Course) -> bool:
    """Agenda, outcomes and identity of a fidelity-controlled course: admins only."""
    return user.is_admin or not course.fidelity_controlled


def can_manage_venues(user: User) -> bool:
    return user.has_role(*EDITORS)


def can_schedule_cohorts(user: User) -> bool:
    return user.has_role(*STAFF)


def can_see_all_cohorts(user: User) -> bool:
    return user.has_role(*MANAGERS)


def can_manage_cohort(user: User, cohort: Cohort) -> bool:
    """Managers and admins; trainers for cohorts they facilitate or scheduled."""
    if user.has_role(*MANAGERS):
        return True
    return user.has_role(Role.TRAINER) and (
        cohort.created_by_id == user.id or any(f.user_id == user.id for f in cohort.facilitators)
    )


def can_view_cohort(user: Any, cohort: Cohort, booked: bool = False) -> bool:
    """Published open cohorts are public; closed and draft ones are for staff, the partner's
    learners, and anyone holding a booking on it (``booked``). A cohort recorded from records
    is for staff and its own attendees only: it was never offered to anyone."""
    signed_in = getattr(user, "is_authenticated", False)
    if signed_in and (can_manage_cohort(user, cohort) or user.has_role(Role.TRAINER)):
        return True
    if cohort.status == "draft":
        return False
    if cohort.recorded:
        return bool(signed_in) and booked
    if not cohort.is_closed or (signed_in and booked):
        return True
    return bool(signed_in) and user.organisation_id == cohort.partner_organisation_id


def can_override_clashes(user: User) -> bool:
    return user.has_role(*MANAGERS)


def can_decide_requests(user: User) -> bool:
    return user.has_role(*MANAGERS)


def can_view_booking(user: User, booking: Booking) -> bool:
    return booking.user_id == user.id or can_manage_cohort(user, booking.cohort)


def can_manage_booking(user: User, booking: Booking) -> bool:
    """Move someone on the waiting list or give them a place: those who manage the cohort."""
    return can_manage_cohort(user, booking.cohort)


def can_answer_offer(user: User, booking: Booking) -> bool:
    """An offered place is accepted or declined by its learner alone."""
    return booking.user_id == user.id
