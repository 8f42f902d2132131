"""Invariants of places and the waitlist under any sequence of bookings, cancellations and
answers to offers: capacity is never exceeded, and the waitlist keeps arrival order.

Each example is checked against a small model of the rules and rolled back afterwards
(services only flush), so examples do not see each other's rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.courses.cohort_helpers import learner, statuses
from tests.factories import make_cohort
from trainhub.auth.models import User
from trainhub.courses.models import ACTIVE_STATUSES, Booking, Cohort
from trainhub.courses.queries import places_held, waitlist
from trainhub.courses.services.booking import (
    book_place,
    cancel_booking,
    respond_to_offer,
)
from trainhub.extensions import db

PEOPLE = 7

steps = st.lists(
    st.tuples(
        st.sampled_from(["book", "cancel", "accept", "decline"]),
        st.integers(min_value=0, max_value=PEOPLE - 1),
    ),
    max_size=30,
)


@dataclass
class Model:
    """What the rules say should happen, outside the cut-off and with learners booking
    themselves: places are held by "booked" and "offered", everyone else waits in order."""

    capacity: int
    policy: str
    holders: dict[int, str] = field(default_factory=dict)
    queue: list[int] = field(default_factory=list)

    def book(self, person: int) -> None:
        if person in self.holders or person in self.queue:
            return
        if len(self.holders) < self.capacity and not self.queue:
            self.holders[person] = "booked"
        else:
            self.queue.append(person)

    def cancel(self, person: int) -> None:
        if person in self.queue:
            self.queue.remove(person)
        elif person in self.holders:
            del self.holders[person]
            self.fill()

    def answer(self, person: int, accept: bool) -> None:
        if self.holders.get(person) != "offered":
            return
        if accept:
            self.holders[person] = "booked"
        else:
            del self.holders[person]
            self.fill()

    def fill(self) -> None:
        while len(self.holders) < self.capacity and self.queue:
            head = self.queue.pop(0)
            self.holders[head] = "booked" if self.policy == "auto_book" else "offered"


def _booking(cohort: Cohort, person: User) -> Booking | None:
    return db.session.execute(
        select(Booking).where(Booking.cohort_id == cohort.id, Booking.user_id == person.id)
    ).scalar_one_or_none()


def _act(cohort: Cohort, person: User, action: str) -> None:
    if action == "book":
        book_place(person, cohort)
        return
    booking = _booking(cohort, person)
    if booking is None:
        return
    if action == "cancel" and booking.status in ACTIVE_STATUSES:
        cancel_booking(person, booking)
    elif action in ("accept", "decline") and booking.status == "offered":
        respond_to_offer(person, booking, accept=action == "accept")


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    capacity=st.integers(min_value=1, max_value=4),
    policy=st.sampled_from(["auto_book", "offer"]),
    actions=steps,
)
def test_places_never_exceed_capacity_and_the_waitlist_keeps_arrival_order(
    app: Flask, capacity: int, policy: str, actions: list[tuple[str, int]]
) -> None:
    try:
        cohort = make_cohort(capacity=capacity, waitlist_policy=policy)
        people = [learner() for _ in range(PEOPLE)]
        model = Model(capacity, policy)
        for action, index in actions:
            person = people[index]
            _act(cohort, person, action)
            if action == "book":
                model.book(person.id)
            elif action == "cancel":
                model.cancel(person.id)
            else:
                model.answer(person.id, accept=action == "accept")

            assert places_held(cohort.id) <= capacity
            queue = waitlist(cohort.id)
            assert [b.user_id for b in queue] == model.queue
            ranks = [b.queue_rank for b in queue]
            assert all(rank is not None for rank in ranks)
            assert ranks == sorted(set(ranks))  # type: ignore[type-var]
            live = {
                user_id: status
                for user_id, status in statuses(cohort).items()
                if status in ("booked", "offered")
            }
            assert live == model.holders
    finally:
        db.session.rollback()
