"""The view boundary (``trainhub.boundary``): load or 404, authorise or 403, act, and one
rule for commit and roll back, on routes made for these tests (both databases)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, redirect
from flask.typing import ResponseReturnValue
from flask_login import current_user

from tests.factories import make_user, make_venue
from tests.helpers import as_user, banners, count, field_error, follow, page
from trainhub.auth.permissions import access_of, role_required
from trainhub.auth.roles import Role
from trainhub.boundary import act, by_id, load
from trainhub.courses.forms.catalogue import VenueForm
from trainhub.courses.models import Venue
from trainhub.errors import ConflictError, ValidationFailed
from trainhub.extensions import db
from trainhub.forms import form_page

pytestmark = pytest.mark.own_app

FORM = {"name": "Aberystwyth hall", "address": "1 Pier Street", "capacity": "20"}


def _half_written_venue(name: str) -> Venue:
    """What a service does before it refuses: a row added and flushed."""
    venue = Venue(name=name, address="Half written", capacity=5)
    db.session.add(venue)
    db.session.flush()
    return venue


def _active(user: Any, venue: Venue) -> bool:
    return venue.is_active


@pytest.fixture
def routes(app: Flask) -> Flask:
    """A form page whose service refuses a name, a conflict, a success, and a loaded object."""

    @app.route("/boundary/venue", methods=["GET", "POST"])
    @role_required(Role.TRAINER)
    def boundary_venue() -> ResponseReturnValue:
        form = VenueForm()

        def save() -> Venue:
            venue = _half_written_venue(form.name.data or "")
            if venue.name == "Taken":
                raise ValidationFailed("name", "A venue with this name already exists")
            return venue

        if form.validate_on_submit() and act(save, form, success="Venue saved."):
            return redirect("/boundary/done")
        return form_page("courses/venue_form.html", form, venue=None)

    @app.post("/boundary/conflict")
    @role_required(Role.TRAINER)
    def boundary_conflict() -> ResponseReturnValue:
        def clash() -> None:
            _half_written_venue("Clashing")
            raise ConflictError("Someone else booked the room at the same moment")

        act(clash, success="Never shown")
        return redirect("/courses")

    @app.post("/boundary/counted")
    @role_required(Role.TRAINER)
    def boundary_counted() -> ResponseReturnValue:
        def wrong_code() -> None:
            _half_written_venue("Counted")  # what the refusal writes down (a wrong guess)
            raise ConflictError("Locked")

        act(wrong_code, refusal_counts=True)
        return redirect("/courses")

    @app.post("/boundary/check")
    @role_required(Role.TRAINER)
    def boundary_check() -> ResponseReturnValue:
        checked = act(lambda: _half_written_venue("Checked"), check_only=True, success="Never")
        return f"checked {checked.result.name}"

    @app.get("/boundary/venues/<int:venue_id>")
    @role_required(Role.TRAINER)
    @load("venue", by_id(Venue), can=_active)
    def boundary_load(venue: Venue) -> ResponseReturnValue:
        return f"{venue.name} for {current_user.full_name}"

    return app


def test_a_refused_action_rolls_back_and_shows_the_form_again_with_400(routes: Flask) -> None:
    client = as_user(routes, make_user(roles=["trainer"]))
    before = count(Venue)
    response = client.post("/boundary/venue", data={**FORM, "name": "Taken"})
    assert response.status_code == 400
    assert field_error(page(response), "name") == "A venue with this name already exists"
    assert count(Venue) == before  # the half-written row went with the rollback


def test_an_invalid_form_is_a_400_without_calling_the_service(routes: Flask) -> None:
    client = as_user(routes, make_user(roles=["trainer"]))
    response = client.post("/boundary/venue", data={**FORM, "name": ""})
    assert response.status_code == 400
    assert field_error(page(response), "name") == "Enter the venue's name"
    assert client.get("/boundary/venue").status_code == 200


def test_a_successful_action_commits_and_flashes(routes: Flask) -> None:
    client = as_user(routes, make_user(roles=["trainer"]))
    response = client.post("/boundary/venue", data=FORM)
    assert response.headers["Location"] == "/boundary/done"
    assert count(Venue, Venue.name == "Aberystwyth hall") == 1
    assert ("success", "Venue saved.") in banners(page(client.get("/courses")))


def test_a_conflict_is_flashed_and_rolled_back(routes: Flask) -> None:
    client = as_user(routes, make_user(roles=["trainer"]))
    shown = follow(client, client.post("/boundary/conflict"))
    assert ("important", "Someone else booked the room at the same moment") in banners(shown)
    assert count(Venue, Venue.name == "Clashing") == 0


def test_a_refusal_that_counts_is_committed(routes: Flask) -> None:
    """A wrong code counts toward the sign-in lock: what the refusing service wrote stays."""
    client = as_user(routes, make_user(roles=["trainer"]))
    shown = follow(client, client.post("/boundary/counted"))
    assert ("important", "Locked") in banners(shown)
    assert count(Venue, Venue.name == "Counted") == 1


def test_a_check_runs_the_rules_and_keeps_nothing(routes: Flask) -> None:
    client = as_user(routes, make_user(roles=["trainer"]))
    response = client.post("/boundary/check")
    assert page(response) == "checked Checked"
    assert count(Venue, Venue.name == "Checked") == 0
    assert not banners(page(client.get("/courses")))


def test_a_missing_object_is_404_and_a_forbidden_one_403(routes: Flask) -> None:
    open_venue, closed = make_venue(name="Open hall"), make_venue(is_active=False)
    client = as_user(routes, make_user(roles=["trainer"], full_name="Ffion Hughes"))
    assert page(client.get(f"/boundary/venues/{open_venue.id}")) == "Open hall for Ffion Hughes"
    assert client.get("/boundary/venues/999999").status_code == 404
    assert client.get(f"/boundary/venues/{closed.id}").status_code == 403


def test_the_declared_role_comes_before_the_load(routes: Flask) -> None:
    venue = make_venue()
    learner = as_user(routes, make_user(roles=["learner"]))
    assert learner.get(f"/boundary/venues/{venue.id}").status_code == 403
    assert learner.get("/boundary/venues/999999").status_code == 403  # nothing revealed
    anonymous = as_user(routes, None)
    response = anonymous.get(f"/boundary/venues/{venue.id}")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_the_declaration_is_readable_on_the_view(routes: Flask) -> None:
    access = access_of(routes.view_functions["boundary_load"])
    assert access is not None
    assert not access.public
    assert access.roles == {Role.TRAINER}
    assert access.checks == ("_active",)
