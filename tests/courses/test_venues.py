"""Venues: the service rules and the trainer's pages."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.courses.helpers import admin, count, html, learner, trainer
from tests.factories import make_user, make_venue
from tests.helpers import login
from trainhub.courses.models import Venue
from trainhub.courses.services.catalogue import VenueInput, save_venue
from trainhub.errors import PermissionDenied, ValidationFailed
from trainhub.extensions import db


def venue(name: str) -> Venue:
    db.session.expire_all()
    return db.session.execute(select(Venue).where(Venue.name == name)).scalar_one()


def venue_rows() -> list[tuple]:
    db.session.expire_all()
    query = select(
        Venue.id, Venue.name, Venue.address, Venue.capacity, Venue.accessibility_notes
    ).order_by(Venue.id)
    return [tuple(row) for row in db.session.execute(query)]


def venue_form(**overrides: str) -> dict[str, str]:
    values = {
        "name": "Canolfan Hyfforddi Trelái",
        "address": "1 Heol Enghraifft\nCaerdydd",
        "capacity": "18",
        "accessibility_notes": "Step-free access; hearing loop",
        "is_active": "y",
    }
    values.update(overrides)
    return values


# The service ---------------------------------------------------------------------------


def test_trainer_creates_a_venue(app: Flask) -> None:
    data = VenueInput(name="  Training   Room 1 ", address=" 2 Example Road \n", capacity=20)

    save_venue(trainer(), None, data)
    db.session.commit()

    saved = venue("Training Room 1")
    assert saved.address == "2 Example Road"
    assert saved.capacity == 20
    assert saved.is_active


def test_trainer_edits_a_venue(app: Flask) -> None:
    existing = make_venue(name="Room A", capacity=12)
    db.session.commit()

    save_venue(trainer(), existing, VenueInput(name="Room A", address="Upstairs", capacity=16))
    db.session.commit()

    assert venue("Room A").capacity == 16
    assert venue("Room A").address == "Upstairs"


@pytest.mark.parametrize("name", ["ROOM A", "room a", "  Room   A  "])
def test_duplicate_venue_name_is_refused_whatever_its_case(app: Flask, name: str) -> None:
    make_venue(name="Room A")
    db.session.commit()
    before = venue_rows()

    with pytest.raises(ValidationFailed) as caught:
        save_venue(admin(), None, VenueInput(name=name, address="x", capacity=10))
    db.session.rollback()

    assert caught.value.field == "name"
    assert caught.value.message == "There is already a venue with this name"
    assert venue_rows() == before


def test_renaming_a_venue_onto_another_is_refused(app: Flask) -> None:
    make_venue(name="Room A")
    other = make_venue(name="Room B")
    db.session.commit()
    before = venue_rows()

    with pytest.raises(ValidationFailed):
        save_venue(admin(), other, VenueInput(name="room a", address="x", capacity=10))
    db.session.rollback()

    assert venue_rows() == before


def test_a_venue_may_keep_or_recase_its_own_name(app: Flask) -> None:
    room = make_venue(name="Room A")
    db.session.commit()

    save_venue(trainer(), room, VenueInput(name="ROOM A", address="x", capacity=10))
    db.session.commit()

    assert venue("ROOM A").id == room.id


@pytest.mark.parametrize("capacity", [0, -5])
def test_capacity_must_be_at_least_one(app: Flask, capacity: int) -> None:
    with pytest.raises(ValidationFailed) as caught:
        save_venue(trainer(), None, VenueInput(name="Room", address="x", capacity=capacity))
    db.session.rollback()

    assert caught.value.field == "capacity"
    assert count(Venue) == 0


@pytest.mark.parametrize("roles", [["learner"], ["assessor"], ["manager"]])
def test_only_trainers_and_admins_manage_venues(app: Flask, roles: list[str]) -> None:
    with pytest.raises(PermissionDenied):
        save_venue(make_user(roles=roles), None, VenueInput(name="R", address="x", capacity=5))

    assert count(Venue) == 0


def test_duplicate_check_folds_welsh_letters(app: Flask) -> None:
    make_venue(name="NEUADD ŴYL")
    db.session.commit()

    with pytest.raises(ValidationFailed):
        save_venue(admin(), None, VenueInput(name="Neuadd ŵyl", address="x", capacity=10))


# The pages -------------------------------------------------------------------------------


def test_trainer_adds_a_venue_through_the_form(app: Flask, client: FlaskClient) -> None:
    login(client, trainer())
    db.session.commit()

    response = client.post("/venues/new", data=venue_form())

    assert response.status_code == 302
    assert response.headers["Location"] == "/venues"
    listing = client.get("/venues").get_data(as_text=True)
    assert "Venue saved." in listing
    assert html("Canolfan Hyfforddi Trelái") in listing
    assert venue("Canolfan Hyfforddi Trelái").capacity == 18


def test_trainer_edits_a_venue_through_the_form(app: Flask, client: FlaskClient) -> None:
    room = make_venue(name="Room A", capacity=12)
    actor = trainer()
    db.session.commit()
    login(client, actor)

    assert "Room A" in client.get(f"/venues/{room.id}").get_data(as_text=True)
    response = client.post(
        f"/venues/{room.id}", data=venue_form(name="Room A", capacity="30", is_active="")
    )

    assert response.status_code == 302
    saved = venue("Room A")
    assert saved.capacity == 30
    assert not saved.is_active


def test_duplicate_name_in_the_form_is_a_400_with_the_error_on_the_name(
    app: Flask, client: FlaskClient
) -> None:
    make_venue(name="Room A")
    actor = trainer()
    db.session.commit()
    login(client, actor)
    before = venue_rows()

    response = client.post("/venues/new", data=venue_form(name="room A"))

    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert '<a href="#name">There is already a venue with this name</a>' in text
    assert 'id="name-error"' in text
    assert venue_rows() == before


@pytest.mark.parametrize("capacity", ["0", "10001", ""])
def test_capacity_out_of_range_in_the_form_is_refused(
    app: Flask, client: FlaskClient, capacity: str
) -> None:
    actor = trainer()
    db.session.commit()
    login(client, actor)

    response = client.post("/venues/new", data=venue_form(capacity=capacity))

    assert response.status_code == 400
    assert 'href="#capacity"' in response.get_data(as_text=True)
    assert count(Venue) == 0


def test_unknown_venue_is_404(app: Flask, client: FlaskClient) -> None:
    actor = trainer()
    db.session.commit()
    login(client, actor)

    assert client.get("/venues/999999").status_code == 404


@pytest.mark.parametrize("path", ["/venues", "/venues/new"])
def test_learner_is_refused_the_venue_pages(app: Flask, client: FlaskClient, path: str) -> None:
    person = learner()
    db.session.commit()
    login(client, person)

    assert client.get(path).status_code == 403


def test_learner_posting_a_venue_is_refused_and_nothing_is_saved(
    app: Flask, client: FlaskClient
) -> None:
    person = learner()
    db.session.commit()
    login(client, person)

    response = client.post("/venues/new", data=venue_form())

    assert response.status_code == 403
    assert count(Venue) == 0


@pytest.mark.once
def test_anonymous_visitor_is_sent_to_sign_in(app: Flask, client: FlaskClient) -> None:
    response = client.get("/venues")

    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_venue_list_is_paged_and_lists_active_venues_first(app: Flask, client: FlaskClient) -> None:
    for n in range(30):
        make_venue(name=f"Room {n:02d}", is_active=n != 0)
    actor = trainer()
    db.session.commit()
    login(client, actor)

    first = client.get("/venues").get_data(as_text=True)
    second = client.get("/venues?page=2").get_data(as_text=True)

    assert "Room 01" in first
    assert "Room 25" in first
    assert "Room 26" not in first
    assert "Room 26" in second
    assert "Room 00" in second  # the one not available comes last
    assert 'href="/venues?page=2"' in first
