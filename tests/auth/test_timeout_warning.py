"""The idle-timeout warning: how long a sign-in has left, asked without counting as use,
and "Stay signed in", which does count (WCAG 2.2.1 Timing Adjustable)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.factories import make_user
from tests.helpers import login
from trainhub.auth.models import User, UserSession
from trainhub.extensions import db, utcnow


@pytest.fixture
def person(app: Flask) -> User:
    user = make_user(email="gwen.example@example.org", full_name="Gwen Example")
    db.session.commit()
    return user


def the_sign_in(user: User) -> UserSession:
    return db.session.execute(
        select(UserSession).where(UserSession.user_id == user.id)
    ).scalar_one()


def token_of(client: FlaskClient) -> str:
    page = client.get("/courses").get_data(as_text=True)
    (token,) = re.findall(r'data-csrf-token="([^"]+)"', page)
    return token


@pytest.mark.real_commits
def test_asking_how_long_is_left_is_not_using_trainhub(app, client, person):
    login(client, person)
    record = the_sign_in(person)
    record.last_seen_at = utcnow() - timedelta(minutes=50)
    db.session.commit()

    answer = client.get("/account/session-time")

    assert answer.status_code == 200
    assert 9 * 60 <= answer.json["seconds_left"] <= 10 * 60
    assert answer.json["can_extend"] is True
    db.session.expire_all()
    assert utcnow() - record.last_seen_at >= timedelta(minutes=50)


@pytest.mark.real_commits
def test_stay_signed_in_moves_last_active_on_at_once(app, client, person):
    app.config["WTF_CSRF_ENABLED"] = True
    login(client, person)
    token = token_of(client)
    record = the_sign_in(person)
    record.last_seen_at = utcnow() - timedelta(seconds=30)  # inside the touch interval
    db.session.commit()

    refused = client.post("/account/session-time")
    assert refused.status_code == 400  # no CSRF token: a page of another site can't ask
    answer = client.post("/account/session-time", headers={"X-CSRFToken": token})

    assert answer.status_code == 200
    assert answer.json["seconds_left"] >= 60 * 60 - 2
    db.session.expire_all()
    assert utcnow() - record.last_seen_at < timedelta(seconds=5)


@pytest.mark.real_commits
def test_near_the_end_of_its_lifetime_a_sign_in_cannot_be_extended(app, client, person):
    login(client, person)
    record = the_sign_in(person)
    record.created_at = utcnow() - timedelta(hours=11, minutes=59)
    db.session.commit()

    answer = client.get("/account/session-time").json

    assert answer["can_extend"] is False
    assert answer["seconds_left"] <= 60


def test_the_signed_in_page_carries_the_warning_and_the_settings(app, client, person):
    app.config["SESSION_TIMEOUT_WARNING"] = 300
    login(client, person)

    page = client.get("/courses").get_data(as_text=True)

    assert 'id="timeout-warning"' in page
    assert 'data-warn-seconds="300"' in page
    (left,) = re.findall(r'data-seconds-left="(\d+)"', page)
    assert 59 * 60 <= int(left) <= 60 * 60
    assert "trainhub will sign you out in 5 minutes if you do nothing" in page
    assert 'form="sign-out-form"' in page and 'id="sign-out-form"' in page


def test_an_anonymous_page_has_no_warning_and_no_time_to_ask(app, client):
    assert 'id="timeout-warning"' not in client.get("/courses").get_data(as_text=True)
    response = client.get("/account/session-time")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
