"""Follow-up and booster sessions of a cohort (R14): added by those who run the cohort, told
to its learners, with their own registers, never counted toward completion."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from tests.courses.cohort_helpers import learner, trainer
from tests.factories import make_booking, make_cohort, make_course, make_venue
from tests.helpers import (
    as_user,
    banners,
    count,
    field_error,
    follow,
    outbox,
    page,
)
from trainhub.auth.models import User
from trainhub.courses.models import (
    Cohort,
    Completion,
    FollowUpAttendance,
    FollowUpSession,
    Venue,
    local_today,
)
from trainhub.courses.services.attendance import Mark, record_attendance
from trainhub.courses.services.follow_ups import FollowUpInput, add_follow_up
from trainhub.courses.services.follow_ups import record_attendance as record_follow_up
from trainhub.courses.services.follow_ups import register as follow_up_register
from trainhub.errors import ConflictError, PermissionDenied, ValidationFailed
from trainhub.extensions import db

pytestmark = pytest.mark.usefixtures("app")


def ran(days_ago: int = 14) -> tuple[Cohort, User, Venue]:
    """A published one-day cohort that ran ``days_ago`` days ago, its lead and a venue."""
    lead = trainer(full_name="Tegan Trainer")
    venue = make_venue(name="Cardiff Bay Hub")
    cohort = make_cohort(
        make_course(title="Safety Planning", duration_days=1),
        facilitators=[lead],
        start=local_today() - timedelta(days=days_ago),
        venue=venue,
        title="Safety Planning, spring",
    )
    return cohort, lead, venue


def data(venue: Venue, lead: User, **overrides: object) -> FollowUpInput:
    values: dict[str, object] = {
        "title": "Safety Planning booster",
        "date": local_today(),
        "start_time": time(10, 0),
        "end_time": time(12, 0),
        "venue_id": venue.id,
        "facilitator_ids": [lead.id],
    }
    values.update(overrides)
    return FollowUpInput(**values)  # type: ignore[arg-type]


# The service ------------------------------------------------------------------------------


def test_a_follow_up_is_added_and_the_cohorts_learners_are_told() -> None:
    cohort, lead, venue = ran()
    booked, waiting = learner(), learner()
    make_booking(cohort, booked, "attended")
    make_booking(cohort, waiting, "waitlisted", queue_rank=1)

    session = add_follow_up(lead, cohort, data(venue, lead))

    assert session.cohort_id == cohort.id
    assert [f.user_id for f in session.facilitators] == [lead.id]
    assert [m.subject for m in outbox(booked)] == ["Follow-up session: Safety Planning booster"]
    assert "does not change whether you have completed" in outbox(booked)[0].body
    assert outbox(waiting) == []


@pytest.mark.parametrize(
    ("field", "overrides", "message"),
    [
        ("title", {"title": "  "}, "Enter a title, like Safety Planning booster"),
        ("date", {"date": None}, "Enter the date of the session"),
        ("start_time", {"start_time": None}, "Enter the time the session starts, like 09:30"),
        ("end_time", {"end_time": time(9, 0)}, "The session must end after it starts"),
        ("venue_id", {"venue_id": None}, "Choose a venue"),
        ("facilitator_ids", {"facilitator_ids": []}, "Choose at least one facilitator"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_written(
    field: str, overrides: dict[str, object], message: str
) -> None:
    cohort, lead, venue = ran()

    with pytest.raises(ValidationFailed) as refused:
        add_follow_up(lead, cohort, data(venue, lead, **overrides))

    assert (refused.value.field, refused.value.message) == (field, message)
    assert count(FollowUpSession) == 0


def test_a_follow_up_cannot_come_before_the_cohort_nor_be_led_by_a_learner() -> None:
    cohort, lead, venue = ran()
    with pytest.raises(ValidationFailed) as early:
        add_follow_up(lead, cohort, data(venue, lead, date=cohort.first_day - timedelta(days=1)))
    assert early.value.field == "date"
    with pytest.raises(ValidationFailed) as not_trainer:
        add_follow_up(lead, cohort, data(venue, lead, facilitator_ids=[learner().id]))
    assert not_trainer.value.field == "facilitator_ids"


def test_only_those_who_run_the_cohort_add_sessions_and_never_to_a_cancelled_one() -> None:
    cohort, lead, venue = ran()
    with pytest.raises(PermissionDenied):
        add_follow_up(trainer(), cohort, data(venue, lead))
    cohort.status = "cancelled"
    with pytest.raises(ConflictError):
        add_follow_up(lead, cohort, data(venue, lead))
    assert count(FollowUpSession) == 0


def test_the_register_is_the_cohorts_learners_and_opens_on_the_day() -> None:
    cohort, lead, venue = ran()
    came, cancelled = learner(full_name="Ann Attender"), learner()
    make_booking(cohort, came, "booked")
    make_booking(cohort, cancelled, "cancelled")
    later = add_follow_up(lead, cohort, data(venue, lead, date=local_today() + timedelta(days=7)))
    today = add_follow_up(lead, cohort, data(venue, lead))

    assert [row.user.id for row in follow_up_register(today)] == [came.id]
    with pytest.raises(ConflictError):
        record_follow_up(lead, later, {came.id: "present"})
    with pytest.raises(ValidationFailed) as stranger:
        record_follow_up(lead, today, {cancelled.id: "present"})
    assert stranger.value.field == "register"
    with pytest.raises(ValidationFailed) as bad:
        record_follow_up(lead, today, {came.id: "asleep"})
    assert bad.value.field == f"status-{came.id}"

    assert record_follow_up(lead, today, {came.id: "late"}) == 1
    assert record_follow_up(lead, today, {came.id: "late"}) == 0
    assert record_follow_up(lead, today, {came.id: "present"}) == 1
    assert db.session.execute(select(FollowUpAttendance.status)).scalars().all() == ["present"]


def test_a_follow_up_never_counts_toward_completion() -> None:
    """R14: attending the follow-up does not complete a course whose core day was missed,
    and missing it does not take away a completion."""
    cohort, lead, venue = ran()
    missed, completed = learner(), learner()
    make_booking(cohort, missed, "booked")
    make_booking(cohort, completed, "booked")
    record_attendance(
        lead, cohort.days[0], {missed.id: Mark("absent"), completed.id: Mark("present")}
    )
    session = add_follow_up(lead, cohort, data(venue, lead))

    record_follow_up(lead, session, {missed.id: "present", completed.id: "absent"})

    assert db.session.execute(select(Completion.user_id)).scalars().all() == [completed.id]


# The pages --------------------------------------------------------------------------------


def test_a_trainer_adds_a_session_from_the_cohort_page_and_takes_its_register(app: Flask) -> None:
    cohort, lead, venue = ran()
    ann = learner(full_name="Ann Attender")
    make_booking(cohort, ann, "attended")
    client = as_user(app, lead)

    cohort_page = page(client.get(f"/cohorts/{cohort.id}"))
    assert "No follow-up sessions yet." in cohort_page
    form = client.get(f"/cohorts/{cohort.id}/follow-ups/new")
    assert form.status_code == 200
    assert "Safety Planning, spring: follow-up session" in page(form)

    refused = client.post(
        f"/cohorts/{cohort.id}/follow-ups/new",
        data={"title": "Booster", "start_time": "14:00", "end_time": "13:00", "venue_id": venue.id},
    )
    assert refused.status_code == 400
    assert field_error(page(refused), "date") == "Enter the date of the session"
    assert count(FollowUpSession) == 0

    today = local_today()
    backwards = client.post(
        f"/cohorts/{cohort.id}/follow-ups/new",
        data={
            "title": "Booster",
            "date": [str(today.day), str(today.month), str(today.year)],
            "start_time": "14:00",
            "end_time": "13:00",
            "venue_id": venue.id,
            "facilitator_ids": lead.id,
        },
    )
    assert backwards.status_code == 400
    assert field_error(page(backwards), "end_time") == "The session must end after it starts"
    added = client.post(
        f"/cohorts/{cohort.id}/follow-ups/new",
        data={
            "title": "Booster",
            "date": [str(today.day), str(today.month), str(today.year)],
            "start_time": "10:00",
            "end_time": "12:00",
            "venue_id": venue.id,
            "facilitator_ids": lead.id,
        },
    )
    shown = follow(client, added)
    assert ("success", "Follow-up session added. The cohort's learners have been told.") in (
        banners(shown)
    )
    assert "Booster" in shown and "Tegan Trainer" in shown
    session = db.session.execute(select(FollowUpSession)).scalar_one()

    register = client.get(f"/follow-ups/{session.id}/register")
    assert register.status_code == 200 and "Ann Attender" in page(register)
    saved = client.post(f"/follow-ups/{session.id}/register", data={f"status-{ann.id}": "present"})
    assert ("success", "Register saved: 1 mark changed.") in banners(follow(client, saved))
    assert count(FollowUpAttendance, FollowUpAttendance.user_id == ann.id) == 1

    wrong = client.post(f"/follow-ups/{session.id}/register", data={f"status-{ann.id}": "asleep"})
    assert wrong.status_code == 400
    assert (
        field_error(page(wrong), f"status-{ann.id}") == "Choose present, late, left early or absent"
    )


def test_learners_on_the_cohort_see_its_sessions_and_others_do_not(app: Flask) -> None:
    cohort, lead, venue = ran()
    ann, stranger = learner(), learner()
    make_booking(cohort, ann, "attended")
    add_follow_up(lead, cohort, data(venue, lead, title="Booster for spring"))

    assert "Booster for spring" in page(as_user(app, ann).get(f"/cohorts/{cohort.id}"))
    assert "Booster for spring" not in page(as_user(app, stranger).get(f"/cohorts/{cohort.id}"))
    assert "Booster for spring" not in page(as_user(app, None).get(f"/cohorts/{cohort.id}"))
    session_id = db.session.execute(select(FollowUpSession.id)).scalar_one()
    assert as_user(app, trainer()).get(f"/follow-ups/{session_id}/register").status_code == 403
    assert as_user(app, ann).get(f"/follow-ups/{session_id}/register").status_code == 403
    assert as_user(app, lead).get("/follow-ups/999999/register").status_code == 404


def test_a_persons_follow_up_marks_are_in_their_data_export() -> None:
    from trainhub.privacy.queries import person_data

    cohort, lead, venue = ran()
    ann = learner()
    make_booking(cohort, ann, "attended")
    session = add_follow_up(lead, cohort, data(venue, lead, title="Booster for spring"))
    record_follow_up(lead, session, {ann.id: "present"})

    (row,) = person_data(ann).records["follow_up_attendance"]
    assert (row["session"], row["status"]) == ("Booster for spring", "present")
