"""Booking: places, approval, the waitlist and its offers, cancellation and the cut-off
(issue 3, "Booking and waitlist")."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests.courses.cohort_helpers import (
    actions,
    calendar_of,
    count,
    events,
    in_days,
    learner,
    manager,
    outbox,
    prerequisite,
    reload,
    statuses,
    subjects,
    trainer,
)
from tests.factories import make_booking, make_cohort, make_course, make_organisation
from tests.helpers import QueryCounter
from trainhub.auth.models import User
from trainhub.courses.models import Booking, BookingEvent, Cohort, Completion
from trainhub.courses.queries import places_held, waitlist, waitlist_position
from trainhub.courses.services.booking import (
    OfferExpired,
    add_learner,
    book_from_waitlist,
    book_place,
    cancel_booking,
    cutoff_at,
    decide_request,
    expire_offers,
    fill_freed_places,
    move_in_waitlist,
    respond_to_offer,
)
from trainhub.courses.services.scheduling import cancel_cohort
from trainhub.errors import ConflictError, PermissionDenied, ValidationFailed
from trainhub.extensions import db, utcnow

pytestmark = pytest.mark.usefixtures("app")


def full_cohort(capacity: int = 1, waiting: int = 2, **overrides: Any) -> tuple[Cohort, list[User]]:
    """A published cohort with ``capacity`` people booked and ``waiting`` on the waitlist,
    all through the service; the people in arrival order."""
    lead = trainer()
    cohort = make_cohort(capacity=capacity, facilitators=[lead], created_by_id=lead.id, **overrides)
    people = [learner() for _ in range(capacity + waiting)]
    for person in people:
        book_place(person, cohort)
    return cohort, people


def booking_of(cohort: Cohort, person: User) -> Booking:
    db.session.flush()
    return db.session.execute(
        select(Booking).where(Booking.cohort_id == cohort.id, Booking.user_id == person.id)
    ).scalar_one()


def lead_of(cohort: Cohort) -> User:
    lead = cohort.lead
    assert lead is not None
    return lead.user


# Booking a place -------------------------------------------------------------------------


def test_booking_a_free_place_confirms_it_with_a_calendar_invitation() -> None:
    cohort = make_cohort(days=2)
    person = learner()

    outcome = book_place(person, cohort)
    db.session.commit()

    assert outcome.created and outcome.position is None
    assert outcome.booking.status == "booked"
    assert actions(outcome.booking) == ["booked"]
    [message] = outbox(person)
    assert message.subject == f"Booked: {cohort.title}"
    [attachment] = message.attachments
    assert attachment.content_type == "text/calendar; charset=utf-8; method=REQUEST"
    calendar = calendar_of(message)
    assert calendar["METHOD"] == "REQUEST"
    [series] = events(calendar)  # both days, one recurring event
    assert series["RRULE"]["FREQ"] == ["DAILY"]


def test_a_full_cohort_waitlists_in_arrival_order_with_positions() -> None:
    cohort = make_cohort(capacity=2)
    people = [learner() for _ in range(5)]

    outcomes = [book_place(person, cohort) for person in people]

    assert [o.booking.status for o in outcomes] == ["booked"] * 2 + ["waitlisted"] * 3
    assert [o.position for o in outcomes] == [None, None, 1, 2, 3]
    assert [b.user_id for b in waitlist(cohort.id)] == [p.id for p in people[2:]]
    assert subjects(people[3]) == [f"On the waiting list: {cohort.title}"]
    assert count(Booking) == 5


def test_booking_twice_returns_the_existing_booking() -> None:
    cohort = make_cohort(capacity=1)
    booked, waiting = learner(), learner()
    first = book_place(booked, cohort)
    book_place(waiting, cohort)

    again = book_place(booked, cohort)
    waiting_again = book_place(waiting, cohort)

    assert not again.created and again.booking.id == first.booking.id
    assert not waiting_again.created and waiting_again.position == 1
    assert count(Booking) == 2
    assert len(subjects(booked)) == 1


def test_missing_prerequisites_are_named_until_completed() -> None:
    foundation = make_course(title="IFSS Foundation")
    core = make_course(title="IFSS Core")
    prerequisite(core, foundation)
    cohort = make_cohort(core)
    person = learner()

    with pytest.raises(ConflictError, match="Complete these courses first: IFSS Foundation"):
        book_place(person, cohort)
    assert count(Booking) == 0

    db.session.add(
        Completion(user_id=person.id, course_id=foundation.id, completed_on=in_days(-10))
    )
    assert book_place(person, cohort).booking.status == "booked"


def test_an_overlapping_cohort_is_refused_by_name() -> None:
    person = learner()
    day = in_days(30)
    first = make_cohort(start=day, title="Safety planning, Cardiff")
    book_place(person, first)
    clashing = make_cohort(start=day)

    with pytest.raises(ConflictError, match="Safety planning, Cardiff"):
        book_place(person, clashing)

    evening = make_cohort(start=day)
    evening.days[0].start_time, evening.days[0].end_time = time(17, 0), time(19, 0)
    assert book_place(person, evening).booking.status == "booked"


def test_a_cancelled_booking_does_not_block_an_overlapping_cohort() -> None:
    person = learner()
    first = make_cohort(start=in_days(30))
    cancel_booking(person, book_place(person, first).booking)

    assert book_place(person, make_cohort(start=in_days(30))).booking.status == "booked"


def colleagues() -> tuple[User, User]:
    """A learner and a manager of their organisation, who decides their requests (R49)."""
    organisation = make_organisation()
    return learner(organisation_id=organisation.id), manager(organisation_id=organisation.id)


def test_an_ifst_only_course_needs_a_managers_approval() -> None:
    organisation = make_organisation()
    own_manager = manager(organisation_id=organisation.id)
    other_manager = manager()
    cohort = make_cohort(make_course(audience="ifst_only"))
    person = learner(organisation_id=organisation.id)

    outcome = book_place(person, cohort)

    assert outcome.created and outcome.booking.status == "requested"
    assert subjects(person) == [f"Request received: {cohort.title}"]
    assert subjects(own_manager) == [f"A place to approve: {cohort.title}"]
    assert subjects(other_manager) == []


def test_a_request_is_approved_with_an_invitation() -> None:
    cohort = make_cohort(make_course(audience="ifst_only"))
    person, boss = colleagues()
    booking = book_place(person, cohort).booking

    decide_request(boss, booking, approve=True)

    assert booking.status == "booked"
    [approved] = [m for m in outbox(person) if m.subject.startswith("Request approved")]
    assert calendar_of(approved)["METHOD"] == "REQUEST"
    assert actions(booking) == ["requested", "approved"]
    with pytest.raises(ConflictError, match="already been decided"):
        decide_request(boss, booking, approve=False)


def test_a_request_approved_when_full_joins_the_waitlist() -> None:
    cohort = make_cohort(make_course(audience="ifst_only"), capacity=1)
    make_booking(cohort)
    person, boss = colleagues()
    booking = book_place(person, cohort).booking

    decide_request(boss, booking, approve=True)

    assert booking.status == "waitlisted"
    assert waitlist_position(booking) == 1
    [approved] = [m for m in outbox(person) if m.subject.startswith("Request approved")]
    assert approved.attachments == []


def test_a_request_is_declined_with_the_reason() -> None:
    cohort = make_cohort(make_course(audience="ifst_only"))
    person, boss = colleagues()
    booking = book_place(person, cohort).booking

    decide_request(boss, booking, approve=False, reason="Not an IFST member")

    assert booking.status == "declined"
    [declined] = [m for m in outbox(person) if m.subject.startswith("Request declined")]
    assert "Not an IFST member" in declined.body


def test_only_another_manager_decides_a_request() -> None:
    cohort = make_cohort(make_course(audience="ifst_only"))
    boss = manager()
    own = book_place(boss, cohort).booking
    booking = book_place(learner(), cohort).booking

    with pytest.raises(PermissionDenied):
        decide_request(lead_of(cohort), booking, approve=True)
    with pytest.raises(PermissionDenied):
        decide_request(boss, own, approve=True)
    assert booking.status == own.status == "requested"


def test_staff_adding_someone_skips_approval_but_not_capacity() -> None:
    cohort = make_cohort(make_course(audience="ifst_only"), capacity=1)
    first, second = learner(), learner()

    assert add_learner(manager(), cohort, first).booking.status == "booked"
    assert add_learner(manager(), cohort, second).booking.status == "waitlisted"
    with pytest.raises(PermissionDenied):
        book_place(trainer(), cohort, learner())


def test_staff_cannot_book_someone_onto_an_overlapping_cohort() -> None:
    person = learner()
    day = in_days(30)
    book_place(person, make_cohort(start=day, title="Safety planning, Cardiff"))
    clashing = make_cohort(start=day)

    with pytest.raises(ConflictError, match=f"{person.full_name} is already booked on “Safety"):
        add_learner(manager(), clashing, person)
    assert booking_of_or_none(clashing, person) is None


def test_approving_a_request_rechecks_the_learners_other_days() -> None:
    person, boss = colleagues()
    day = in_days(30)
    request = book_place(person, make_cohort(make_course(audience="ifst_only"), start=day)).booking
    # Booked by some other route since the request (e.g. an earlier import).
    make_booking(make_cohort(start=day, title="Booked since"), person)

    with pytest.raises(ConflictError, match="Booked since"):
        decide_request(boss, request, approve=True)


def booking_of_or_none(cohort: Cohort, person: User) -> Booking | None:
    query = select(Booking).where(Booking.cohort_id == cohort.id, Booking.user_id == person.id)
    return db.session.execute(query).scalar_one_or_none()


# Who can book what, and when --------------------------------------------------------------


def test_a_draft_cohort_is_not_bookable() -> None:
    cohort = make_cohort(status="draft")

    with pytest.raises(ConflictError, match="not open for booking"):
        book_place(learner(), cohort)


def test_a_closed_cohort_is_not_bookable_by_the_public() -> None:
    partner = make_organisation("Cardiff University")
    cohort = make_cohort(partner_organisation_id=partner.id)

    with pytest.raises(ConflictError, match="only for Cardiff University"):
        book_place(learner(), cohort)
    with pytest.raises(ConflictError, match="arranged by your organisation"):
        book_place(learner(organisation_id=partner.id), cohort)
    assert count(Booking) == 0
    assert add_learner(manager(), cohort, learner()).booking.status == "booked"


def test_booking_opens_on_its_date() -> None:
    opens = in_days(10)
    cohort = make_cohort(bookings_open=opens)
    person = learner()

    with pytest.raises(ConflictError, match="Booking opens on"):
        book_place(person, cohort)
    later = cutoff_at(cohort) - timedelta(days=18)
    assert later.date() >= opens
    assert book_place(person, cohort, now=later).booking.status == "booked"


def test_booking_closes_at_the_end_of_its_closing_date() -> None:
    cohort = make_cohort(bookings_close=in_days(5))

    with pytest.raises(ConflictError, match="has closed"):
        book_place(learner(), cohort, now=utcnow() + timedelta(days=7))
    assert book_place(learner(), cohort, now=utcnow() + timedelta(days=4)).created


def test_booking_closes_when_the_first_day_starts() -> None:
    cohort = make_cohort()

    with pytest.raises(ConflictError, match="has closed"):
        book_place(learner(), cohort, now=cohort.starts_at())


# Cancelling and the waitlist ----------------------------------------------------------------


def test_a_cancellation_before_the_cutoff_offers_the_place_to_the_first_waiting() -> None:
    cohort, (booked, first, second) = full_cohort()
    now = utcnow()

    cancel_booking(booked, booking_of(cohort, booked), reason="Clash with court", now=now)

    cancelled = booking_of(cohort, booked)
    assert (cancelled.status, cancelled.cancel_reason) == ("cancelled", "learner")
    assert not cancelled.late_cancellation
    offer = booking_of(cohort, first)
    assert offer.status == "offered"
    assert offer.queue_rank is None
    assert offer.offer_expires_at == now + timedelta(hours=48)
    assert booking_of(cohort, second).status == "waitlisted"
    assert waitlist_position(booking_of(cohort, second)) == 1
    assert subjects(first)[-1] == f"A place for you: {cohort.title}"
    [notice] = [m for m in outbox(booked) if m.subject.startswith("Cancelled")]
    assert calendar_of(notice)["METHOD"] == "CANCEL"


def test_an_offer_never_runs_past_the_cutoff() -> None:
    cohort, (booked, first, _second) = full_cohort()
    now = cutoff_at(cohort) - timedelta(hours=5)

    cancel_booking(booked, booking_of(cohort, booked), now=now)

    assert booking_of(cohort, first).offer_expires_at == cutoff_at(cohort)


def test_with_auto_book_the_first_waiting_gets_the_place() -> None:
    cohort, (booked, first, second) = full_cohort(waitlist_policy="auto_book")

    cancel_booking(booked, booking_of(cohort, booked))

    assert statuses(cohort) == {booked.id: "cancelled", first.id: "booked", second.id: "waitlisted"}
    assert subjects(first)[-1] == f"Booked: {cohort.title}"
    assert actions(booking_of(cohort, first)) == ["waitlisted", "promoted"]


def test_a_learner_cannot_cancel_inside_the_cutoff() -> None:
    cohort, (booked, _first, _second) = full_cohort()
    inside = cutoff_at(cohort) + timedelta(minutes=1)

    with pytest.raises(ConflictError, match="too close to the start"):
        cancel_booking(booked, booking_of(cohort, booked), now=inside)

    assert statuses(cohort)[booked.id] == "booked"


def test_a_learner_may_leave_the_waitlist_inside_the_cutoff() -> None:
    cohort, (_booked, first, _second) = full_cohort()

    cancel_booking(first, booking_of(cohort, first), now=cutoff_at(cohort))

    assert booking_of(cohort, first).status == "cancelled"
    assert not booking_of(cohort, first).late_cancellation


def test_staff_cancel_inside_the_cutoff_is_late_and_promotes_nobody() -> None:
    cohort, (booked, first, _second) = full_cohort()
    inside = cutoff_at(cohort) + timedelta(hours=1)

    cancel_booking(lead_of(cohort), booking_of(cohort, booked), reason="Phoned in", now=inside)

    cancelled = booking_of(cohort, booked)
    assert (cancelled.status, cancelled.cancel_reason) == ("cancelled", "staff")
    assert cancelled.late_cancellation
    assert actions(cancelled)[-1] == "cancelled_late"  # kept even if they book again
    assert booking_of(cohort, first).status == "waitlisted"
    assert fill_freed_places(cohort, actor=None, now=inside) == 0
    assert booking_of(cohort, first).status == "waitlisted"


def test_someone_else_cannot_cancel_a_booking() -> None:
    cohort, (booked, _first, _second) = full_cohort()

    with pytest.raises(PermissionDenied):
        cancel_booking(learner(), booking_of(cohort, booked))
    with pytest.raises(PermissionDenied):
        cancel_booking(trainer(), booking_of(cohort, booked))


def test_a_cancelled_booking_cannot_be_cancelled_again_but_can_be_rebooked() -> None:
    cohort = make_cohort(capacity=1)
    person = learner()
    booking = book_place(person, cohort).booking
    cancel_booking(person, booking)

    with pytest.raises(ConflictError, match="not active"):
        cancel_booking(person, booking)
    again = book_place(person, cohort)

    assert again.created and again.booking.id == booking.id
    assert again.booking.status == "booked"
    assert again.booking.cancel_reason is None
    assert count(Booking) == 1
    assert actions(booking) == ["booked", "cancelled", "booked"]


def test_rejoining_the_waitlist_goes_to_the_end() -> None:
    cohort, (_booked, first, second) = full_cohort()
    cancel_booking(first, booking_of(cohort, first))

    outcome = book_place(first, cohort)

    assert outcome.position == 2
    assert [b.user_id for b in waitlist(cohort.id)] == [second.id, first.id]


# Offers -----------------------------------------------------------------------------------


def _offered(policy: str = "offer") -> tuple[Cohort, Booking, User, User]:
    """A cohort of one place whose holder cancelled: ``first`` has the offer, ``second`` waits."""
    cohort, (booked, first, second) = full_cohort(waitlist_policy=policy)
    cancel_booking(booked, booking_of(cohort, booked))
    return cohort, booking_of(cohort, first), first, second


def test_accepting_an_offer_books_the_place() -> None:
    cohort, offer, first, _second = _offered()

    respond_to_offer(first, offer, accept=True)

    assert offer.status == "booked"
    assert offer.offer_expires_at is None
    assert subjects(first)[-1] == f"Booked: {cohort.title}"
    assert calendar_of(outbox(first)[-1])["METHOD"] == "REQUEST"


def test_declining_an_offer_passes_it_to_the_next() -> None:
    cohort, offer, first, second = _offered()

    respond_to_offer(first, offer, accept=False)

    assert (offer.status, offer.cancel_reason) == ("cancelled", "offer_declined")
    assert booking_of(cohort, second).status == "offered"


def test_an_offer_is_answered_only_by_its_learner_and_only_once() -> None:
    _cohort, offer, first, second = _offered()

    with pytest.raises(PermissionDenied):
        respond_to_offer(second, offer, accept=True)
    respond_to_offer(first, offer, accept=True)
    with pytest.raises(ConflictError, match="no open offer"):
        respond_to_offer(first, offer, accept=True)


def test_an_expired_offer_is_refused_and_passes_to_the_next() -> None:
    cohort, offer, first, second = _offered()
    assert offer.offer_expires_at is not None
    late = offer.offer_expires_at + timedelta(minutes=1)

    with pytest.raises(OfferExpired, match="expired"):
        respond_to_offer(first, offer, accept=True, now=late)

    assert (offer.status, offer.cancel_reason) == ("cancelled", "offer_expired")
    assert subjects(first)[-1] == f"Offer expired: {cohort.title}"
    next_offer = booking_of(cohort, second)
    assert next_offer.status == "offered"
    assert next_offer.offer_expires_at == late + timedelta(hours=48)


def test_the_sweep_expires_only_offers_whose_time_is_up() -> None:
    cohort, offer, _first, second = _offered()
    _other, other_offer, _other_first, _other_second = _offered()
    assert offer.offer_expires_at is not None and other_offer.offer_expires_at is not None
    other_offer.offer_expires_at = offer.offer_expires_at + timedelta(hours=5)
    db.session.flush()
    now = offer.offer_expires_at + timedelta(hours=1)

    assert expire_offers(now) == 1

    assert reload(offer).status == "cancelled"
    assert booking_of(cohort, second).status == "offered"
    assert reload(other_offer).status == "offered"
    assert expire_offers(now) == 0


def test_an_offer_expiring_at_the_cutoff_leaves_the_place_to_the_trainers() -> None:
    cohort, offer, _first, second = _offered()
    assert offer.offer_expires_at is not None
    at_cutoff = cutoff_at(cohort)

    assert expire_offers(at_cutoff + timedelta(days=3)) == 1

    assert booking_of(cohort, second).status == "waitlisted"


# Staff and the waitlist ---------------------------------------------------------------------


def test_staff_move_people_up_and_down_with_a_reason() -> None:
    cohort, (_booked, first, second, third) = full_cohort(waiting=3)
    lead = lead_of(cohort)

    move_in_waitlist(lead, booking_of(cohort, third), up=True, reason="Priority referral")

    assert [b.user_id for b in waitlist(cohort.id)] == [first.id, third.id, second.id]
    assert waitlist_position(booking_of(cohort, third)) == 2
    [event] = db.session.execute(
        select(BookingEvent).where(
            BookingEvent.booking_id == booking_of(cohort, third).id,
            BookingEvent.action == "moved_up",
        )
    ).scalars()
    assert (event.actor_id, event.reason) == (lead.id, "Priority referral")
    # The person passed over has the move in their history too.
    assert actions(booking_of(cohort, second))[-1] == "moved_down"

    move_in_waitlist(lead, booking_of(cohort, first), up=False, reason="Asked to wait")

    assert [b.user_id for b in waitlist(cohort.id)] == [third.id, first.id, second.id]
    assert "moved_down" in actions(booking_of(cohort, first))


def test_moving_in_the_waitlist_needs_a_reason_staff_and_a_neighbour() -> None:
    cohort, (booked, first, second) = full_cohort()
    lead = lead_of(cohort)

    with pytest.raises(ValidationFailed) as no_reason:
        move_in_waitlist(lead, booking_of(cohort, second), up=True, reason="  ")
    assert no_reason.value.field == "reason"
    with pytest.raises(PermissionDenied):
        move_in_waitlist(second, booking_of(cohort, second), up=True, reason="Me first")
    with pytest.raises(ConflictError, match="Already first"):
        move_in_waitlist(lead, booking_of(cohort, first), up=True, reason="x")
    with pytest.raises(ConflictError, match="Already last"):
        move_in_waitlist(lead, booking_of(cohort, second), up=False, reason="x")
    with pytest.raises(ConflictError, match="Only people on the waiting list"):
        move_in_waitlist(lead, booking_of(cohort, booked), up=True, reason="x")
    assert [b.user_id for b in waitlist(cohort.id)] == [first.id, second.id]


def test_a_trainer_books_from_the_waitlist_only_into_a_free_place() -> None:
    cohort, (booked, first, second) = full_cohort()
    lead = lead_of(cohort)
    inside = cutoff_at(cohort) + timedelta(hours=1)

    with pytest.raises(ConflictError, match="no free place"):
        book_from_waitlist(lead, booking_of(cohort, second))
    cancel_booking(lead, booking_of(cohort, booked), now=inside)
    book_from_waitlist(lead, booking_of(cohort, second), reason="Could come at short notice")

    assert statuses(cohort) == {booked.id: "cancelled", first.id: "waitlisted", second.id: "booked"}
    assert actions(booking_of(cohort, second))[-1] == "booked_by_hand"
    assert subjects(second)[-1] == f"Booked: {cohort.title}"
    with pytest.raises(PermissionDenied):
        book_from_waitlist(learner(), booking_of(cohort, first))


def test_waitlisted_people_are_not_jumped_by_a_new_booking() -> None:
    cohort, (booked, first, _second) = full_cohort()
    lead = lead_of(cohort)
    cancel_booking(lead, booking_of(cohort, booked), now=cutoff_at(cohort) + timedelta(hours=1))

    newcomer = add_learner(manager(), cohort, learner())

    assert newcomer.booking.status == "waitlisted"
    assert newcomer.position == 3
    assert booking_of(cohort, first).status == "waitlisted"


def test_booking_events_keep_the_history() -> None:
    cohort, (booked, first, _second) = full_cohort()
    cancel_booking(booked, booking_of(cohort, booked))
    respond_to_offer(first, booking_of(cohort, first), accept=True)

    rows = db.session.execute(
        select(BookingEvent.action, BookingEvent.from_status, BookingEvent.to_status)
        .where(BookingEvent.booking_id == booking_of(cohort, first).id)
        .order_by(BookingEvent.id)
    ).all()

    assert [tuple(r) for r in rows] == [
        ("waitlisted", "new", "waitlisted"),
        ("offered", "waitlisted", "offered"),
        ("offer_accepted", "offered", "booked"),
    ]


# Decisions taken on what another transaction has just changed --------------------------------


def test_an_offer_accepted_after_the_sweep_passed_it_on_is_refused(app: Flask) -> None:
    cohort, offer, first, second = _offered()
    db.session.commit()
    assert offer.status == "offered"  # the learner's page loaded the offer…
    assert offer.offer_expires_at is not None
    expires = offer.offer_expires_at
    with app.app_context():  # …then the sweep, in another process, passed it on
        assert expire_offers(expires + timedelta(seconds=1)) == 1
        db.session.commit()

    with pytest.raises(ConflictError, match="no open offer"):
        respond_to_offer(first, offer, accept=True, now=expires - timedelta(seconds=1))

    assert places_held(cohort.id) == 1
    assert statuses(cohort)[second.id] == "offered"


def test_booking_a_cohort_cancelled_meanwhile_is_refused(app: Flask) -> None:
    cohort = make_cohort()
    person = learner()
    db.session.commit()
    assert cohort.status == "published"  # the learner's page loaded the cohort…
    with app.app_context():  # …then a manager cancelled it
        cancel_cohort(manager(), db.session.get_one(Cohort, cohort.id), "Venue flooded")
        db.session.commit()

    with pytest.raises(ConflictError, match="not open for booking"):
        book_place(person, cohort)

    assert count(Booking) == 0


def test_cancelling_a_booking_the_sweep_already_ended_changes_nothing(app: Flask) -> None:
    cohort, offer, first, second = _offered()
    db.session.commit()
    assert offer.status == "offered"
    assert offer.offer_expires_at is not None
    with app.app_context():
        expire_offers(offer.offer_expires_at + timedelta(seconds=1))
        db.session.commit()

    with pytest.raises(ConflictError, match="not active"):
        cancel_booking(first, offer)

    assert statuses(cohort)[second.id] == "offered"
    assert places_held(cohort.id) == 1


def test_recording_a_change_does_not_read_the_bookings_history(
    count_queries: QueryCounter,
) -> None:
    cohort, (booked, _first, _second) = full_cohort(waitlist_policy="auto_book")
    db.session.commit()
    before = count_queries.count

    cancel_booking(booked, booking_of(cohort, booked))
    db.session.flush()

    reads = [s for s in count_queries.statements[before:] if "FROM booking_events" in s]
    assert reads == []
    assert actions(booking_of(cohort, booked))[-1] == "cancelled"


def test_staff_cannot_book_a_facilitator_onto_their_own_cohort() -> None:
    cohort = make_cohort()
    with pytest.raises(ConflictError, match="facilitates this cohort"):
        add_learner(manager(), cohort, lead_of(cohort))


def test_the_calendar_invitation_is_in_the_learners_language() -> None:
    from flask_babel import force_locale

    person = learner(preferred_language="en")
    cohort = make_cohort(days=2)
    with force_locale("cy"):  # a Welsh-speaking trainer books them
        add_learner(manager(), cohort, person)

    [invite] = outbox(person)
    assert "Lead facilitator" in str(events(calendar_of(invite))[0]["DESCRIPTION"])


# Clashes checked again when a place is offered ------------------------------------------------


def clash_with(cohort: Cohort, person: User, title: str) -> None:
    """``person`` booked on another cohort at the same time as ``cohort`` (as when a cohort
    moves after they joined the waiting list)."""
    make_booking(make_cohort(start=cohort.first_day, title=title), person)


def test_a_waiting_person_booked_elsewhere_meanwhile_is_passed_over_and_keeps_waiting() -> None:
    cohort, (booked, first, second) = full_cohort()
    clash_with(cohort, first, "Moved onto the same day")

    cancel_booking(booked, booking_of(cohort, booked), reason="Sick")

    assert booking_of(cohort, first).status == "waitlisted"
    assert booking_of(cohort, second).status == "offered"
    assert waitlist_position(booking_of(cohort, first)) == 1


def test_an_offer_is_not_accepted_over_a_clash_and_stays_open() -> None:
    cohort, (booked, first, _second) = full_cohort()
    cancel_booking(booked, booking_of(cohort, booked), reason="Sick")
    offer = booking_of(cohort, first)
    assert offer.status == "offered"
    clash_with(cohort, first, "Booked since the offer")

    with pytest.raises(ConflictError, match=r"Booked since the offer.*or decline this place"):
        respond_to_offer(first, offer, accept=True)
    assert reload(offer).status == "offered" and offer.offer_expires_at is not None
    respond_to_offer(first, offer, accept=False)  # declining still works
    assert reload(offer).status == "cancelled"


def test_a_trainer_cannot_book_a_waiting_person_over_a_clash() -> None:
    cohort, (booked, first, _second) = full_cohort(cutoff_days=60)  # inside the cut-off
    cancel_booking(lead_of(cohort), booking_of(cohort, booked), reason="Sick")
    clash_with(cohort, first, "Booked elsewhere")

    with pytest.raises(ConflictError, match="Booked elsewhere"):
        book_from_waitlist(lead_of(cohort), booking_of(cohort, first))
    assert booking_of(cohort, first).status == "waitlisted"
