"""Who may change the catalogue, venues and cohorts, and who may see what of them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, false, or_, select, true

from trainhub.auth.permissions import can_view_training_record, people_visible_to
from trainhub.auth.roles import EDITORS, MANAGERS, STAFF, Role

if TYPE_CHECKING:
    from trainhub.auth.models import User
    from trainhub.bilingual import TextUnit
    from trainhub.courses.models import (
        Booking,
        Cohort,
        CohortDay,
        Course,
        FollowUpSession,
        LineManagerApproval,
    )


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


def runs_cohort(user: User, cohort: Cohort) -> bool:
    """The user facilitates the cohort or scheduled it (whatever their roles)."""
    return cohort.created_by_id == user.id or any(f.user_id == user.id for f in cohort.facilitators)


def can_manage_cohort(user: User, cohort: Cohort) -> bool:
    """Managers and admins; trainers for cohorts they facilitate or scheduled."""
    if user.has_role(*MANAGERS):
        return True
    return user.has_role(Role.TRAINER) and runs_cohort(user, cohort)


def can_manage_follow_up(user: User, session: FollowUpSession) -> bool:
    """A follow-up session (R14) is run by those who manage its cohort."""
    return can_manage_cohort(user, session.cohort)


def can_see_attendee(user: User, cohort: Cohort, person: User) -> bool:
    """Whether a booking's person is named to ``user`` on ``cohort``'s pages (R49): those
    who may see the person anywhere (``auth.permissions.can_view_training_record``: the
    person, their supervisor, their own organisation's managers, admins) and those who run
    the cohort (``runs_cohort``), who need every name to take the register. Everyone
    else who manages the cohort sees the others as a count. ``attendees_visible_to`` is the
    same rule in SQL."""
    return can_view_training_record(user, person) or runs_cohort(user, cohort)


def named_attendees(user: User, cohort: Cohort, people: Iterable[User]) -> set[int]:
    """The ids of ``people`` that ``user`` sees by name on ``cohort``'s pages
    (``can_see_attendee``); pages count the rest."""
    return {person.id for person in people if can_see_attendee(user, cohort, person)}


def attendees_visible_to(user: User, cohort_id: Any, person: Any = None) -> ColumnElement[bool]:
    """``can_see_attendee`` as a SQL condition on a cohort id column and a person (``User``
    or an alias), for lists and exports across cohorts: subqueries, no extra statement."""
    from trainhub.courses.models import Cohort, CohortFacilitator

    visible = people_visible_to(user, person)
    if user.is_admin:
        return visible
    facilitated = select(CohortFacilitator.cohort_id).where(CohortFacilitator.user_id == user.id)
    scheduled = select(Cohort.id).where(Cohort.created_by_id == user.id)
    return or_(visible, cohort_id.in_(facilitated), cohort_id.in_(scheduled))


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


def can_always_see_meeting_links(user: Any, cohort: Cohort) -> bool:
    """The cohort's facilitators (and whoever scheduled it) and staff who manage it see its
    online days' meeting links at any time."""
    if not getattr(user, "is_authenticated", False):
        return False
    return runs_cohort(user, cohort) or can_manage_cohort(user, cohort)


@dataclass(frozen=True)
class MeetingLink:
    """What a reader sees of an online or hybrid day's link: the link itself, or (a learner
    booked, before the cohort's set time) when it will show."""

    url: str | None = None
    shown_from: dt.datetime | None = None


def meeting_links(
    user: Any, cohort: Cohort, booking: Booking | None, now: dt.datetime
) -> dict[int, MeetingLink]:
    """By day number, the online and hybrid days' links as ``user`` may see them: always for
    ``can_always_see_meeting_links``; for a learner whose ``booking`` is booked, from
    ``CohortDay.link_shown_from``; for anyone else, not at all (no entry)."""
    online: list[CohortDay] = [day for day in cohort.days if day.is_online]
    if not online:
        return {}
    if can_always_see_meeting_links(user, cohort):
        return {day.day_number: MeetingLink(url=day.meeting_url) for day in online}
    if booking is None or booking.status != "booked" or booking.cohort_id != cohort.id:
        return {}
    return {
        day.day_number: MeetingLink(url=day.meeting_url)
        if now >= day.link_shown_from
        else MeetingLink(shown_from=day.link_shown_from)
        for day in online
    }


def can_override_clashes(user: User) -> bool:
    return user.has_role(*MANAGERS)


def can_decide_requests(user: User) -> bool:
    return user.has_role(*MANAGERS)


def can_decide_request(user: User, learner: User) -> bool:
    """A request for a place is decided by the learner's own organisation's managers, and by
    administrators, who are asked when the learner has no organisation or it has no manager
    (``notices.approvers``). Running the cohort lets a manager see its attendees (R49), not
    decide for another employer whether its staff may go. ``requests_decided_by`` is the same
    rule in SQL."""
    if user.is_admin:
        return True
    return (
        user.has_role(Role.MANAGER)
        and user.organisation_id is not None
        and user.organisation_id == learner.organisation_id
    )


def requests_decided_by(user: User, learner: Any) -> ColumnElement[bool]:
    """``can_decide_request`` as a SQL condition on the learner (``User`` or an alias)."""
    if user.is_admin:
        return true()
    if not user.has_role(Role.MANAGER) or user.organisation_id is None:
        return false()
    condition: ColumnElement[bool] = learner.organisation_id == user.organisation_id
    return condition


def can_view_booking(user: User, booking: Booking) -> bool:
    """The learner, and those who manage the cohort and may see its attendee (R49)."""
    return booking.user_id == user.id or can_manage_booking(user, booking)


def can_manage_booking(user: User, booking: Booking) -> bool:
    """Move someone on the waiting list or give them a place: those who manage the cohort,
    when they may see the person (``can_see_attendee``)."""
    return can_manage_cohort(user, booking.cohort) and can_see_attendee(
        user, booking.cohort, booking.user
    )


def can_answer_offer(user: User, booking: Booking) -> bool:
    """An offered place is accepted or declined by its learner alone."""
    return booking.user_id == user.id


def can_decide_as_line_manager(user: User, approval: LineManagerApproval) -> bool:
    """A request for a line manager's approval is decided by the account it was sent to."""
    return approval.manager_id is not None and approval.manager_id == user.id


def can_view_access_needs(user: User, cohort: Cohort) -> bool:
    """Learners' access and dietary needs (special category data, UK GDPR article 9): the
    cohort's facilitators, who make the arrangements, and administrators; not managers,
    other trainers, assessors or whoever scheduled it without facilitating."""
    return user.is_admin or any(f.user_id == user.id for f in cohort.facilitators)


def can_change_access_needs(user: User, booking: Booking) -> bool:
    """Only the learner gives, changes or removes the needs of their booking."""
    return booking.user_id == user.id


def can_plan_demand(user: User) -> bool:
    """Trainers, managers and admins read the demand for courses (names only of the people
    they may see: ``auth.permissions.people_visible_to``)."""
    return user.has_role(*STAFF)


def can_withdraw_interest(user: User, interest: Any) -> bool:
    """A learner's interest in a course is theirs alone to see and withdraw."""
    return bool(interest.user_id == user.id)


def can_write_welsh_unit(user: User, unit: TextUnit) -> bool:
    """Whether ``user``, who edits the catalogue, may write the Welsh of one exported course
    text: a fidelity-controlled course's canonical content only as an administrator (as
    ``can_change_canonical_content``)."""
    return user.is_admin or not unit.restricted
