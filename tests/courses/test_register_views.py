"""Registers: marks, "mark all present", make-up days, completion, the sign-in sheet."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.courses.cohort_view_helpers import (
    banners,
    cohort_snapshot,
    count,
    field_error,
    follow,
    login,
    page,
    summary_errors,
    summary_links,
)
from tests.factories import make_booking, make_cohort, make_course, make_organisation, make_user
from tests.helpers import QueryCounter
from trainhub.auth.models import User
from trainhub.courses.models import Attendance, Booking, Cohort, Completion, local_today
from trainhub.extensions import db


@pytest.fixture
def trainer(app: Flask) -> User:
    return make_user(roles=["trainer"], full_name="Tegan Trainer")


@pytest.fixture
def two_day(trainer: User) -> Cohort:
    return make_cohort(
        days=2, facilitators=[trainer], start=local_today() - timedelta(days=1), title="Core"
    )


def marks(day_id: int) -> dict[int, tuple[str, int | None]]:
    db.session.expire_all()
    rows = db.session.execute(
        select(Attendance.user_id, Attendance.status, Attendance.minutes).where(
            Attendance.cohort_day_id == day_id
        )
    )
    return {row.user_id: (row.status, row.minutes) for row in rows}


def people(cohort: Cohort, *names: str) -> list[User]:
    result = []
    for name in names:
        person = make_user(full_name=name)
        make_booking(cohort, person)
        result.append(person)
    return result


def test_the_register_lists_everyone_booked_by_name(
    client: FlaskClient, trainer: User, two_day: Cohort
) -> None:
    people(two_day, "Zed Last", "Amy First")
    make_booking(two_day, make_user(full_name="Wyn Waiting"), "waitlisted", queue_rank=1)
    login(client, trainer)

    response = client.get(f"/cohorts/{two_day.id}/days/1/register")

    assert response.status_code == 200
    text = page(response)
    assert "Register: day 1" in text
    assert text.index("Amy First") < text.index("Zed Last")
    assert "Wyn Waiting" not in text
    assert "Printable sign-in sheet (PDF)" in text
    assert f"/cohorts/{two_day.id}/days/2/register" in text


def test_a_register_before_its_day_lists_who_is_booked_read_only(
    client: FlaskClient, trainer: User
) -> None:
    cohort = make_cohort(days=2, facilitators=[trainer], start=local_today() + timedelta(days=3))
    people(cohort, "Amy First")
    login(client, trainer)

    text = page(client.get(f"/cohorts/{cohort.id}/days/1/register"))

    assert "This register opens on" in text and "Amy First" in text
    assert "Save the register" not in text and 'type="radio"' not in text


def test_an_unknown_day_is_not_found(client: FlaskClient, trainer: User, two_day: Cohort) -> None:
    login(client, trainer)

    assert client.get(f"/cohorts/{two_day.id}/days/3/register").status_code == 404
    assert client.get(f"/cohorts/{two_day.id}/days/3/sign-in-sheet.pdf").status_code == 404


def test_taking_the_register(client: FlaskClient, trainer: User, two_day: Cohort) -> None:
    amy, bryn, cai = people(two_day, "Amy", "Bryn", "Cai")
    login(client, trainer)
    url = f"/cohorts/{two_day.id}/days/1/register"

    response = client.post(
        url,
        data={
            f"status-{amy.id}": "present",
            f"status-{bryn.id}": "late",
            f"minutes-{bryn.id}": "15",
            f"status-{cai.id}": "absent",
            f"minutes-{cai.id}": "",
            "save": "1",
        },
    )

    assert response.headers["Location"] == url
    text = follow(client, response)
    assert banners(text) == [("success", "Register saved: 3 marks changed.")]
    assert marks(two_day.days[0].id) == {
        amy.id: ("present", None),
        bryn.id: ("late", 15),
        cai.id: ("absent", None),
    }
    assert f'id="status-{amy.id}" name="status-{amy.id}" type="radio" value="present" checked' in (
        text
    )


def test_late_without_minutes_is_shown_on_that_person_and_nothing_is_saved(
    client: FlaskClient, trainer: User, two_day: Cohort
) -> None:
    amy, bryn = people(two_day, "Amy", "Bryn")
    login(client, trainer)
    before = cohort_snapshot()

    response = client.post(
        f"/cohorts/{two_day.id}/days/1/register",
        data={f"status-{amy.id}": "present", f"status-{bryn.id}": "late", "save": "1"},
    )

    assert response.status_code == 400
    text = page(response)
    assert summary_errors(text) == ["Enter how many minutes, like 15"]
    assert summary_links(text) == [f"minutes-{bryn.id}"]
    assert field_error(text, f"minutes-{bryn.id}") == "Enter how many minutes, like 15"
    assert field_error(text, f"minutes-{amy.id}") is None
    # What was chosen stays chosen.
    assert 'value="late" checked' in text
    assert cohort_snapshot() == before


def test_minutes_that_are_not_a_number_are_refused(
    client: FlaskClient, trainer: User, two_day: Cohort
) -> None:
    [amy] = people(two_day, "Amy")
    login(client, trainer)

    response = client.post(
        f"/cohorts/{two_day.id}/days/1/register",
        data={f"status-{amy.id}": "left_early", f"minutes-{amy.id}": "half an hour"},
    )

    assert response.status_code == 400
    message = "Enter the minutes as a whole number, like 15"
    assert summary_errors(page(response)) == [message]
    assert field_error(page(response), f"minutes-{amy.id}") == message
    assert count(Attendance) == 0


def test_someone_not_on_the_register_cannot_be_marked(
    client: FlaskClient, trainer: User, two_day: Cohort
) -> None:
    stranger = make_user()
    login(client, trainer)

    response = client.post(
        f"/cohorts/{two_day.id}/days/1/register", data={f"status-{stranger.id}": "present"}
    )

    assert response.status_code == 400
    assert summary_errors(page(response)) == ["Someone in the form is not on this register"]
    assert count(Attendance) == 0


def test_mark_all_present_fills_in_only_the_unmarked(
    client: FlaskClient, trainer: User, two_day: Cohort
) -> None:
    amy, bryn, cai = people(two_day, "Amy", "Bryn", "Cai")
    day = two_day.days[0]
    db.session.add(Attendance(cohort_day_id=day.id, user_id=amy.id, status="absent"))
    login(client, trainer)

    # Bryn's mark, chosen on the page before pressing the button, is kept.
    response = client.post(
        f"/cohorts/{two_day.id}/days/1/register",
        data={"mark_all": "1", f"status-{amy.id}": "absent", f"status-{bryn.id}": "absent"},
    )

    assert banners(follow(client, response)) == [("success", "Register saved: 2 marks changed.")]
    assert marks(day.id) == {
        amy.id: ("absent", None),
        bryn.id: ("absent", None),
        cai.id: ("present", None),
    }


def test_attending_every_day_completes_the_course(
    client: FlaskClient, trainer: User, two_day: Cohort
) -> None:
    amy, bryn = people(two_day, "Amy", "Bryn")
    login(client, trainer)
    for number in (1, 2):
        client.post(
            f"/cohorts/{two_day.id}/days/{number}/register",
            data={
                f"status-{amy.id}": "present",
                f"status-{bryn.id}": "absent" if number == 2 else "present",
            },
        )

    completed = db.session.execute(
        select(Completion.user_id).where(Completion.course_id == two_day.course_id)
    ).scalars()
    assert list(completed) == [amy.id]
    outcomes = db.session.execute(
        select(Booking.user_id, Booking.status).where(Booking.cohort_id == two_day.id)
    )
    assert {row.user_id: row.status for row in outcomes} == {
        amy.id: "attended",
        bryn.id: "partially_attended",
    }


def test_a_missed_day_is_made_up_in_a_later_cohort(
    client: FlaskClient, trainer: User, two_day: Cohort
) -> None:
    [amy] = people(two_day, "Amy")
    day_one = two_day.days[0]
    db.session.add(Attendance(cohort_day_id=day_one.id, user_id=amy.id, status="absent"))
    db.session.add(Attendance(cohort_day_id=two_day.days[1].id, user_id=amy.id, status="present"))
    later = make_cohort(two_day.course, facilitators=[trainer], start=local_today())
    login(client, trainer)
    url = f"/cohorts/{later.id}/days/1/register"

    unknown = client.post(f"{url}/makeup", data={"email": "nobody@example.org"})
    response = client.post(f"{url}/makeup", data={"email": amy.email})

    assert unknown.status_code == 400
    assert "There is no account with this email address" in summary_errors(page(unknown))
    assert response.headers["Location"] == url
    text = follow(client, response)
    assert banners(text) == [("success", "Amy added to this register as present.")]
    assert "(making up this day)" in text
    assert count(Completion, Completion.user_id == amy.id) == 1

    again = client.post(f"{url}/makeup", data={"email": amy.email})
    assert again.status_code == 400
    assert "Amy is already on this register" in summary_errors(page(again))


def test_a_draft_cohorts_register_cannot_be_taken(client: FlaskClient, trainer: User) -> None:
    draft = make_cohort(facilitators=[trainer], status="draft")
    [amy] = people(draft, "Amy")
    login(client, trainer)

    response = client.post(
        f"/cohorts/{draft.id}/days/1/register", data={f"status-{amy.id}": "present"}
    )

    assert response.status_code == 409
    assert summary_errors(page(response)) == ["Publish the cohort before taking its register"]
    assert count(Attendance) == 0


def test_the_sign_in_sheet_is_a_pdf(client: FlaskClient, trainer: User, two_day: Cohort) -> None:
    people(two_day, "Amy")
    login(client, trainer)

    response = client.get(f"/cohorts/{two_day.id}/days/2/sign-in-sheet.pdf")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert f"sign-in-cohort-{two_day.id}-day-2.pdf" in response.headers["Content-Disposition"]


def _attendees(cohort: Cohort, number: int) -> None:
    organisations = [make_organisation() for _ in range(3)]
    for n in range(number):
        person = make_user(organisation=organisations[n % 3])
        make_booking(cohort, person)
        if n % 2:
            db.session.add(
                Attendance(cohort_day_id=cohort.days[0].id, user_id=person.id, status="present")
            )
    db.session.commit()


def _register_queries(client: FlaskClient, counter: QueryCounter, url: str, number: int) -> int:
    counter.statements.clear()
    response = client.get(url)
    assert response.status_code == 200
    assert page(response).count('name="minutes-') == number
    return counter.count


def test_the_register_takes_the_same_queries_for_40_or_400_attendees(
    client: FlaskClient, trainer: User, count_queries: QueryCounter
) -> None:
    big = make_cohort(
        make_course(duration_days=2),
        facilitators=[trainer],
        capacity=500,
        start=local_today() - timedelta(days=7),
    )
    login(client, trainer)
    url = f"/cohorts/{big.id}/days/1/register"

    _attendees(big, 40)
    with_40 = _register_queries(client, count_queries, url, 40)
    _attendees(big, 360)
    with_400 = _register_queries(client, count_queries, url, 400)

    assert with_40 == with_400, count_queries.statements
    assert with_400 <= 20, count_queries.statements


def test_marking_everyone_present_takes_the_same_queries_for_40_or_400(
    client: FlaskClient, trainer: User, count_queries: QueryCounter
) -> None:
    counts = []
    for number in (40, 400):
        big = make_cohort(
            make_course(duration_days=2),
            facilitators=[trainer],
            capacity=500,
            start=local_today() - timedelta(days=7),
        )
        _attendees(big, number)
        login(client, trainer)
        count_queries.statements.clear()
        response = client.post(f"/cohorts/{big.id}/days/1/register", data={"mark_all": "1"})
        assert response.status_code == 302
        counts.append(count_queries.count)

    assert counts[0] == counts[1], count_queries.statements
