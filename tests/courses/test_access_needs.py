"""Access and dietary needs (special category data): given at booking, changed and removed
by the learner, read by the cohort's facilitators and admins only (audited), a marker on
the register, forgotten when the booking ends, never in a staff export."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.courses.cohort_view_helpers import (
    banners,
    count,
    field_error,
    follow,
    login,
    page,
    summary_errors,
)
from tests.factories import make_booking, make_cohort, make_user
from tests.helpers import QueryCounter
from trainhub.audit import AuditEvent
from trainhub.auth.models import User
from trainhub.courses.models import AccessNeeds, Booking, Cohort
from trainhub.courses.services import booking as booking_services
from trainhub.courses.services import needs as services
from trainhub.courses.services.scheduling import cancel_cohort
from trainhub.errors import ConflictError, PermissionDenied, ValidationFailed
from trainhub.extensions import db

SECRET = "Severe peanut allergy, carries an EpiPen"


@pytest.fixture
def learner(app: Flask) -> User:
    return make_user(full_name="Lowri Learner")


@pytest.fixture
def trainer(app: Flask) -> User:
    return make_user(roles=["trainer"], full_name="Tegan Trainer")


@pytest.fixture
def cohort(trainer: User) -> Cohort:
    return make_cohort(facilitators=[trainer], title="Spring cohort")


def needs_of(booking: Booking) -> AccessNeeds | None:
    db.session.expire_all()
    return db.session.execute(
        select(AccessNeeds).where(AccessNeeds.booking_id == booking.id)
    ).scalar_one_or_none()


def given(
    cohort: Cohort, person: User, categories: str = "allergy", details: str = SECRET
) -> Booking:
    booking = make_booking(cohort, person)
    db.session.add(AccessNeeds(booking_id=booking.id, categories=categories, details=details))
    db.session.commit()
    return booking


def test_a_learner_books_with_needs_and_sees_them_on_the_booking(
    client: FlaskClient, learner: User, cohort: Cohort
) -> None:
    login(client, learner)
    text = page(client.get(f"/cohorts/{cohort.id}"))
    assert "Access and dietary needs (optional)" in text
    assert "Only the trainers running this course and trainhub's administrators" in text
    assert "30 days after the course ends" in text

    response = client.post(
        f"/cohorts/{cohort.id}/book",
        data={"categories": ["step_free", "allergy"], "details": SECRET},
    )

    made = db.session.execute(select(Booking)).scalar_one()
    assert response.headers["Location"] == f"/bookings/{made.id}"
    text = follow(client, response)
    assert banners(text) == [("success", "Booked. We have emailed you a calendar invitation.")]
    assert "Step-free access" in text and "A food allergy" in text and SECRET in text
    needs = needs_of(made)
    assert needs is not None
    assert (needs.category_list, needs.details) == (["step_free", "allergy"], SECRET)


def test_booking_without_needs_keeps_nothing(
    client: FlaskClient, learner: User, cohort: Cohort
) -> None:
    login(client, learner)
    client.post(f"/cohorts/{cohort.id}/book", data={"details": "   "})
    assert count(Booking) == 1
    assert count(AccessNeeds) == 0
    made = db.session.execute(select(Booking)).scalar_one()
    assert "You have not told us about any access or dietary needs." in page(
        client.get(f"/bookings/{made.id}")
    )


def test_too_long_needs_are_shown_on_the_field_and_nothing_is_booked(
    client: FlaskClient, learner: User, cohort: Cohort
) -> None:
    login(client, learner)
    response = client.post(
        f"/cohorts/{cohort.id}/book", data={"categories": ["vegan"], "details": "x" * 2001}
    )
    assert response.status_code == 400
    text = page(response)
    assert field_error(text, "details") == "Enter 2000 characters or fewer (you entered 2001)"
    assert summary_errors(text) == ["Enter 2000 characters or fewer (you entered 2001)"]
    assert count(Booking) == 0 and count(AccessNeeds) == 0


def test_a_category_not_in_the_list_is_refused(
    client: FlaskClient, learner: User, cohort: Cohort
) -> None:
    login(client, learner)
    response = client.post(f"/cohorts/{cohort.id}/book", data={"categories": ["sauna"]})
    assert response.status_code == 400
    assert field_error(page(response), "categories")
    assert count(Booking) == 0 and count(AccessNeeds) == 0


def test_the_learner_changes_and_removes_their_needs(
    client: FlaskClient, learner: User, cohort: Cohort
) -> None:
    booking = given(cohort, learner)
    login(client, learner)
    text = page(client.get(f"/bookings/{booking.id}/needs"))
    assert SECRET in text  # the form shows what was given

    response = client.post(
        f"/bookings/{booking.id}/needs", data={"categories": ["vegetarian"], "details": ""}
    )
    assert response.headers["Location"] == f"/bookings/{booking.id}"
    assert banners(follow(client, response)) == [
        ("success", "Your access and dietary needs are saved.")
    ]
    needs = needs_of(booking)
    assert needs is not None and (needs.categories, needs.details) == ("vegetarian", "")

    assert "Remove your access and dietary needs?" in page(
        client.get(f"/bookings/{booking.id}/needs/remove")
    )
    response = client.post(f"/bookings/{booking.id}/needs/remove")
    assert response.headers["Location"] == f"/bookings/{booking.id}"
    assert banners(follow(client, response)) == [
        ("success", "Your access and dietary needs are deleted.")
    ]
    assert needs_of(booking) is None


def test_saving_nothing_removes_them(client: FlaskClient, learner: User, cohort: Cohort) -> None:
    booking = given(cohort, learner)
    login(client, learner)
    response = client.post(f"/bookings/{booking.id}/needs", data={"details": ""})
    assert banners(follow(client, response)) == [
        ("success", "You have not told us about any needs for this booking.")
    ]
    assert needs_of(booking) is None


def test_only_the_learner_changes_them_and_only_while_booked(
    learner: User, trainer: User, cohort: Cohort
) -> None:
    booking = given(cohort, learner)
    admin = make_user(roles=["admin"])
    with pytest.raises(PermissionDenied):
        services.save_needs(admin, booking, ["vegan"], "")
    with pytest.raises(PermissionDenied):
        services.remove_needs(trainer, booking)
    with pytest.raises(ValidationFailed) as refused:
        services.save_needs(learner, booking, ["sauna"], "")
    assert refused.value.field == "categories"
    booking.status = "attended"
    with pytest.raises(ConflictError):
        services.save_needs(learner, booking, ["vegan"], "")


def test_the_facilitator_reads_them_and_the_reading_is_audited(
    client: FlaskClient, learner: User, trainer: User, cohort: Cohort
) -> None:
    given(cohort, learner)
    login(client, trainer)

    text = page(client.get(f"/cohorts/{cohort.id}/needs"))

    assert "Lowri Learner" in text and SECRET in text and "A food allergy" in text
    [event] = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "courses.access_needs_viewed")
    ).scalars()
    assert event.actor_id == trainer.id
    assert f"cohort {cohort.id}" in event.detail and SECRET not in event.detail


@pytest.mark.parametrize("roles", [["manager"], ["trainer"], ["assessor"], ["learner"]], ids=str)
def test_other_roles_are_refused_the_needs(
    client: FlaskClient, learner: User, cohort: Cohort, roles: list[str]
) -> None:
    given(cohort, learner)
    login(client, make_user(roles=roles))
    assert client.get(f"/cohorts/{cohort.id}/needs").status_code == 403
    assert count(AuditEvent, AuditEvent.action == "courses.access_needs_viewed") == 0


def test_a_manager_who_scheduled_it_is_still_refused(client: FlaskClient, learner: User) -> None:
    manager = make_user(roles=["manager"])
    scheduled = make_cohort(created_by_id=manager.id)
    given(scheduled, learner)
    login(client, manager)
    assert client.get(f"/cohorts/{scheduled.id}/needs").status_code == 403


def test_an_admin_reads_them(client: FlaskClient, learner: User, cohort: Cohort) -> None:
    given(cohort, learner)
    login(client, make_user(roles=["admin"]))
    assert SECRET in page(client.get(f"/cohorts/{cohort.id}/needs"))


def test_the_empty_page_says_so(client: FlaskClient, trainer: User, cohort: Cohort) -> None:
    login(client, trainer)
    assert "Nobody booked on this cohort has told us about access or dietary needs." in page(
        client.get(f"/cohorts/{cohort.id}/needs")
    )


def test_the_register_shows_a_marker_without_details_to_the_facilitator_only(
    client: FlaskClient, learner: User, trainer: User, cohort: Cohort
) -> None:
    given(cohort, learner)
    make_booking(cohort, make_user(full_name="Nia Noneeds"))
    db.session.commit()
    login(client, trainer)
    text = page(client.get(f"/cohorts/{cohort.id}/days/1/register"))
    assert "Has access or dietary needs" in text
    assert text.count("Has access or dietary needs") == 1
    assert "See access and dietary needs" in text
    assert SECRET not in text and "allergy" not in text.lower()

    login(client, make_user(roles=["manager"]))
    text = page(client.get(f"/cohorts/{cohort.id}/days/1/register"))
    assert "Has access or dietary needs" not in text
    assert "See access and dietary needs" not in text


def test_the_needs_page_costs_the_same_statements_however_many_learners(
    client: FlaskClient, trainer: User, cohort: Cohort, count_queries: QueryCounter
) -> None:
    login(client, trainer)

    def statements(learners: int) -> int:
        for _ in range(learners):
            given(cohort, make_user())
        count_queries.statements.clear()
        assert client.get(f"/cohorts/{cohort.id}/needs").status_code == 200
        return count_queries.count

    assert statements(2) == statements(20)


def test_cancelling_a_booking_forgets_its_needs(
    client: FlaskClient, learner: User, cohort: Cohort
) -> None:
    booking = given(cohort, learner)
    login(client, learner)
    client.post(f"/bookings/{booking.id}/cancel", data={"reason": ""})
    assert db.session.get(Booking, booking.id).status == "cancelled"  # type: ignore[union-attr]
    assert needs_of(booking) is None


def test_a_declined_request_forgets_its_needs(learner: User, cohort: Cohort) -> None:
    booking = given(cohort, learner)
    booking.status = "requested"
    booking_services.decide_request(make_user(roles=["admin"]), booking, approve=False)
    assert needs_of(booking) is None


def test_a_cancelled_cohort_keeps_them_for_moving_its_learners(
    learner: User, trainer: User, cohort: Cohort
) -> None:
    booking = given(cohort, learner)
    cancel_cohort(trainer, cohort, "Trainer ill")
    db.session.flush()
    assert needs_of(booking) is not None


@pytest.mark.once
def test_the_needs_are_kept_apart_from_every_other_table() -> None:
    """Special category data has one table: no other model has a column for it."""
    from trainhub.extensions import db as database

    for table in database.metadata.sorted_tables:
        if table.name == "access_needs":
            continue
        for column in table.columns:
            assert "need" not in column.name, (table.name, column.name)


def test_the_cohort_page_links_to_them_for_those_who_may_read_them(
    client: FlaskClient, trainer: User, cohort: Cohort
) -> None:
    link = f'href="/cohorts/{cohort.id}/needs"'
    login(client, trainer)
    assert link in client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    login(client, make_user(roles=["manager"]))
    text = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert "Bookings and waiting list" in text and link not in text
