"""Places left and the booking-status sets: one rule each (``trainhub/courses/models``,
``trainhub/courses/places.py``), asked by the services and by the pages alike."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import make_booking, make_cohort, make_course, make_user
from tests.helpers import login, page
from trainhub.courses.models import (
    ACTIVE_STATUSES,
    BOOKING_STATUSES,
    COHORT_STATUSES,
    FREEABLE_STATUSES,
    LIVE_COHORT_STATUSES,
    PLACE_STATUSES,
    STANDING_STATUSES,
    Booking,
    Cohort,
)
from trainhub.courses.places import places_left, places_taken
from trainhub.courses.queries import PlaceCounts


@pytest.mark.once
def test_the_status_sets_are_made_of_the_others() -> None:
    assert set(STANDING_STATUSES) == set(ACTIVE_STATUSES) | set(PLACE_STATUSES)
    assert (
        set(FREEABLE_STATUSES)
        == set(ACTIVE_STATUSES) & set(PLACE_STATUSES)
        == {
            "offered",
            "booked",
        }
    )
    assert len(set(STANDING_STATUSES)) == len(STANDING_STATUSES)
    assert set(STANDING_STATUSES) == set(BOOKING_STATUSES) - {"declined", "cancelled"}


@pytest.mark.once
@pytest.mark.parametrize("status", BOOKING_STATUSES)
def test_a_bookings_properties_follow_the_sets(status: str) -> None:
    booking = Booking(status=status)
    assert booking.is_active == (status in ACTIVE_STATUSES)
    assert booking.holds_place == (status in PLACE_STATUSES)
    assert booking.stands == (status in STANDING_STATUSES)
    assert booking.frees_place_when_cancelled == (status in FREEABLE_STATUSES)
    assert booking.is_request == (status == "requested")
    assert booking.is_waiting == (status == "waitlisted")
    assert booking.is_offer == (status == "offered")
    assert booking.is_cancelled == (status == "cancelled")


@pytest.mark.once
@pytest.mark.parametrize("status", COHORT_STATUSES)
def test_a_cohorts_properties_follow_its_status(status: str) -> None:
    cohort = Cohort(status=status)
    assert cohort.is_live == (status in LIVE_COHORT_STATUSES)
    assert cohort.is_draft == (status == "draft")
    assert cohort.is_published == (status == "published")
    assert cohort.is_cancelled == (status == "cancelled")
    assert cohort.has_registers == (status in ("published", "completed"))


@pytest.mark.once
def test_places_left_never_go_below_nothing() -> None:
    cohort = Cohort(capacity=20)
    assert cohort.places_left(0) == 20
    assert cohort.places_left(19) == 1
    assert cohort.places_left(20) == 0
    assert cohort.places_left(23) == 0  # staff booked past the capacity
    assert places_left(cohort, None) == 20 and places_taken(None) == 0
    assert places_left(cohort, PlaceCounts(held=5, waiting=2)) == 15
    assert places_taken(PlaceCounts(held=5)) == 5


def test_an_overbooked_cohort_shows_no_places_left(app: Flask, client: FlaskClient) -> None:
    course = make_course(code="FULL-1", title="Full course")
    cohort = make_cohort(course, capacity=2, title="Overbooked cohort")
    for _ in range(3):
        make_booking(cohort)
    make_booking(cohort, status="cancelled")
    learner = make_user()
    login(client, learner)

    text = page(client.get(f"/cohorts/{cohort.id}"))
    assert "0 of 2 left" in text
    assert "This cohort is full. Join the waiting list" in text
    assert "full: waiting list" in page(client.get("/courses/FULL-1"))


def test_a_learner_who_attended_sees_their_booking_not_a_button(
    app: Flask, client: FlaskClient
) -> None:
    cohort = make_cohort(capacity=10, title="Attended cohort")
    learner = make_user()
    make_booking(cohort, learner, status="partially_attended")
    make_booking(cohort)
    login(client, learner)

    text = page(client.get(f"/cohorts/{cohort.id}"))
    assert "8 of 10 left" in text
    assert "Your booking:" in text and "Book a place" not in text
