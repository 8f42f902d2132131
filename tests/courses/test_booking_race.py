"""Capacity holds under concurrent bookings: many people press "Book" at the last seats at
the same moment (PostgreSQL row locks; SQLite serialises writers and is not tested here).

The test builds its own app on the session's PostgreSQL cluster, so it runs once, on the
backend whose locking it proves, and empties the tables itself afterwards.
"""

from __future__ import annotations

import threading

from flask import Flask
from sqlalchemy import select

from tests.courses.cohort_helpers import many_learners
from tests.factories import make_cohort
from trainhub.auth.models import User
from trainhub.courses.models import Booking, Cohort
from trainhub.courses.services.booking import book_place
from trainhub.extensions import db

PEOPLE = 30
SEATS = 5


def test_thirty_people_booking_five_seats_at_once(postgres_app: Flask) -> None:
    cohort = make_cohort(capacity=SEATS)
    learners = many_learners(PEOPLE, prefix="race")
    db.session.commit()
    cohort_id, learner_ids = cohort.id, [person.id for person in learners]
    start = threading.Barrier(PEOPLE)
    errors: list[BaseException] = []

    def book(learner_id: int) -> None:
        try:
            with postgres_app.app_context():
                try:
                    learner = db.session.get(User, learner_id)
                    cohort = db.session.get(Cohort, cohort_id)
                    assert learner is not None and cohort is not None
                    start.wait(timeout=30)
                    book_place(learner, cohort)
                    db.session.commit()
                finally:
                    db.session.remove()
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=book, args=(i,)) for i in learner_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    db.session.expire_all()
    bookings = list(
        db.session.execute(
            select(Booking).where(Booking.cohort_id == cohort_id).order_by(Booking.id)
        ).scalars()
    )
    assert len(bookings) == PEOPLE
    assert len({b.user_id for b in bookings}) == PEOPLE
    booked = [b for b in bookings if b.status == "booked"]
    waiting = [b for b in bookings if b.status == "waitlisted"]
    assert len(booked) == SEATS
    assert len(waiting) == PEOPLE - SEATS
    # The seats went to the first five to get the lock, the queue follows arrival order.
    assert bookings[:SEATS] == booked
    assert [b.queue_rank for b in waiting] == list(range(1, PEOPLE - SEATS + 1))
    assert all(b.queue_rank is None for b in booked)
