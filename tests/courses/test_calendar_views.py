"""The training calendar page, its iCalendar and CSV exports, and private feeds."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar

from tests.courses.cohort_view_helpers import banners, follow, login, page
from tests.factories import (
    make_booking,
    make_cohort,
    make_course,
    make_organisation,
    make_user,
    make_venue,
)
from trainhub.auth.models import User
from trainhub.courses.models import Cohort, local_today
from trainhub.courses.services.calendars import feed_token
from trainhub.extensions import db


@pytest.fixture
def trainer(app: Flask) -> User:
    return make_user(roles=["trainer"], full_name="Tegan Trainer")


@pytest.fixture
def split_core(trainer: User) -> Cohort:
    """A published open 4-day cohort as 2 + 2 days a fortnight apart, facilitated by two."""
    venue = make_venue(name="Canolfan", address="1 Heol y Dwr\nBarry", capacity=20)
    course = make_course(code="CORE", title="Core training", duration_days=4)
    made = make_cohort(
        course,
        venue=venue,
        facilitators=[trainer, make_user(roles=["trainer"], full_name="Cai Cotrainer")],
        title="Core, spring",
        capacity=3,
    )
    for day, offset in zip(made.days, (0, 1, 14, 15), strict=True):
        day.date = made.first_day + timedelta(days=offset)
    made.last_day = made.days[-1].date
    return made


def events(body: bytes) -> list[dict[str, str]]:
    calendar = Calendar.from_ical(body)
    return [{key: str(value) for key, value in event.items()} for event in calendar.walk("VEVENT")]


def test_the_calendar_lists_open_cohorts_with_places_left(
    client: FlaskClient, split_core: Cohort
) -> None:
    make_booking(split_core)
    make_cohort(title="Still a draft", status="draft")
    make_cohort(title="Closed to a partner", partner_organisation_id=make_organisation().id)
    make_cohort(title="Already over", start=local_today() - timedelta(days=3))
    full = make_cohort(title="Full one", capacity=1)
    make_booking(full)
    db.session.commit()

    text = page(client.get("/calendar"))

    assert "Core, spring" in text
    assert "Canolfan" in text
    assert ">2<" in text.replace(" ", "").replace("\n", "")  # places left on the core
    assert "Full: waiting list" in text
    for hidden in ("Still a draft", "Closed to a partner", "Already over"):
        assert hidden not in text


def test_the_calendar_filters_by_course(client: FlaskClient, split_core: Cohort) -> None:
    make_cohort(title="Another course's cohort")
    db.session.commit()

    text = page(client.get("/calendar?course=core"))
    unknown = page(client.get("/calendar?course=NOPE"))

    assert "Core, spring" in text and "Another course's cohort" not in text
    assert "Core, spring" in unknown and "Another course's cohort" in unknown


def test_the_public_icalendar_has_each_cohort_as_one_series(
    client: FlaskClient, split_core: Cohort
) -> None:
    make_cohort(title="Still a draft", status="draft")
    db.session.commit()

    response = client.get("/calendar.ics")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    # The same for everyone: a shared cache may keep it a while, subscribers poll hourly.
    assert response.headers["Cache-Control"] == "public, max-age=900"
    calendar = Calendar.from_ical(response.data)
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in response.data
    assert b"X-PUBLISHED-TTL:PT1H" in response.data
    [found] = events(response.data)  # the days 2 + 2 at the same times and venue
    assert found["UID"] == f"cohort-{split_core.id}@trainhub.example.org"
    assert found["SUMMARY"] == "Core, spring"
    assert found["LOCATION"] == "Canolfan, 1 Heol y Dwr Barry"
    assert "Lead facilitator: Tegan Trainer" in found["DESCRIPTION"]
    assert "Co-facilitator: Cai Cotrainer" in found["DESCRIPTION"]
    [series] = calendar.walk("VEVENT")
    between = [split_core.first_day + timedelta(days=n) for n in range(2, 14)]
    assert [d.date() for e in series["EXDATE"] for d in (x.dt for x in e.dts)] == between
    assert "Still a draft" not in response.get_data(as_text=True)


def test_the_calendar_as_csv_has_a_row_per_day(client: FlaskClient, split_core: Cohort) -> None:
    db.session.commit()

    response = client.get("/calendar.csv")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(row["day"], row["date"]) for row in rows] == [
        (str(day.day_number), day.date.isoformat()) for day in split_core.days
    ]
    assert rows[0]["course_code"] == "CORE"
    assert rows[0]["cohort"] == "Core, spring"
    assert (rows[0]["start"], rows[0]["end"]) == ("09:30", "16:30")
    assert rows[0]["address"] == "1 Heol y Dwr Barry"


def test_a_title_a_spreadsheet_would_run_as_a_formula_is_kept_as_text(
    client: FlaskClient, split_core: Cohort
) -> None:
    split_core.title = '=HYPERLINK("https://evil.example","Book here")'
    db.session.commit()

    rows = list(csv.DictReader(io.StringIO(client.get("/calendar.csv").get_data(as_text=True))))

    assert rows[0]["cohort"] == "'" + split_core.title


def test_a_learners_private_feed_has_their_bookings(
    client: FlaskClient, split_core: Cohort
) -> None:
    learner = make_user()
    make_booking(split_core, learner)
    make_cohort(title="Not booked on this")
    token = feed_token(learner)
    db.session.commit()

    response = client.get(f"/calendar/feed/{token}.ics")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response.headers["Cache-Control"]
    [found] = events(response.data)
    assert found["UID"] == f"cohort-{split_core.id}@trainhub.example.org"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in response.data
    assert "Not booked on this" not in response.get_data(as_text=True)


def test_a_trainers_feed_has_the_days_they_facilitate(
    client: FlaskClient, split_core: Cohort, trainer: User
) -> None:
    token = feed_token(trainer)
    db.session.commit()

    found = events(client.get(f"/calendar/feed/{token}.ics").data)

    assert [e["SUMMARY"] for e in found] == ["Core, spring"]
    assert [f"Day {n}: " in found[0]["DESCRIPTION"] for n in (1, 2, 3, 4)] == [True] * 4


def test_a_feed_follows_a_cancellation(client: FlaskClient, split_core: Cohort) -> None:
    learner = make_user()
    make_booking(split_core, learner, "cancelled", cancel_reason="cohort", calendar_sequence=1)
    split_core.status = "cancelled"
    split_core.sequence = 2
    token = feed_token(learner)
    db.session.commit()

    found = events(client.get(f"/calendar/feed/{token}.ics").data)

    assert {(e["STATUS"], e["SEQUENCE"]) for e in found} == {("CANCELLED", "2")}


def calendar_name(body: bytes) -> str:
    return str(Calendar.from_ical(body)["X-WR-CALNAME"])


@pytest.mark.parametrize(
    ("owner", "asker", "name"),
    [("cy", "en", "Fy hyfforddiant IFSS"), ("en", "cy", "My IFSS training")],
)
def test_a_feed_is_named_in_its_owners_language_whoever_fetches_it(
    client: FlaskClient, split_core: Cohort, owner: str, asker: str, name: str
) -> None:
    learner = make_user(preferred_language=owner)
    make_booking(split_core, learner)
    token = feed_token(learner)
    db.session.commit()
    client.get(f"/language/{asker}")  # the calendar app's language is not the owner's

    assert calendar_name(client.get(f"/calendar/feed/{token}.ics").data) == name


def test_the_public_feed_is_named_in_english_as_its_events_are(
    client: FlaskClient, split_core: Cohort
) -> None:
    client.get("/language/cy")

    response = client.get("/calendar.ics")

    assert calendar_name(response.data) == "IFSS training calendar"
    assert "public" in response.headers["Cache-Control"]


@pytest.mark.parametrize("token", ["not-a-token", "x" * 65, "a.b", "%C5%B5"])
def test_a_bad_calendar_token_is_not_found(client: FlaskClient, token: str) -> None:
    feed_token(make_user())
    db.session.commit()

    assert client.get(f"/calendar/feed/{token}.ics").status_code == 404


def test_the_subscribe_page_gives_a_webcal_link_and_a_new_one_revokes_the_old(
    client: FlaskClient,
) -> None:
    learner = make_user()
    login(client, learner)

    text = page(client.get("/calendar/subscribe"))
    old = feed_token(learner)
    # The configured public address, whatever host the request came in on.
    assert f'href="webcal://trainhub.example.org/calendar/feed/{old}.ics"' in text
    assert f'value="https://trainhub.example.org/calendar/feed/{old}.ics"' in text
    assert client.get(f"/calendar/feed/{old}.ics").status_code == 200

    response = client.post("/calendar/subscribe")

    assert response.headers["Location"] == "/calendar/subscribe"
    text = follow(client, response)
    assert banners(text) == [("success", "New calendar address made. The old one no longer works.")]
    db.session.expire_all()
    new = feed_token(learner)
    assert new != old
    assert new in text
    assert client.get(f"/calendar/feed/{old}.ics").status_code == 404
    assert client.get(f"/calendar/feed/{new}.ics").status_code == 200


@pytest.mark.once
def test_the_subscribe_page_needs_signing_in(client: FlaskClient) -> None:
    response = client.get("/calendar/subscribe")

    assert response.headers["Location"].startswith("/sign-in")
