"""A cohort recorded from records (delivered before trainhub): its register is read only,
it is in no calendar, and only staff and its own attendees see its page."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from tests.courses.recorded_helpers import recorded_cohort
from tests.factories import make_cohort, make_organisation, make_user
from tests.helpers import as_user, outbox, page
from trainhub.courses.models import Attendance, Booking, local_today
from trainhub.courses.services import attendance
from trainhub.courses.services.attendance import Mark
from trainhub.courses.services.calendars import personal_days, public_days
from trainhub.errors import ConflictError
from trainhub.extensions import db

REFUSED = (
    "This cohort was recorded from records: withdraw it and record it again to change its register"
)


def marks() -> list[tuple[int, str]]:
    db.session.expire_all()
    rows = db.session.execute(
        select(Attendance.user_id, Attendance.status).order_by(Attendance.id)
    ).all()
    return [(user_id, status) for user_id, status in rows]


# The register ------------------------------------------------------------------------------


def test_the_services_refuse_to_change_a_recorded_register(app: Flask) -> None:
    manager = make_user(roles=["manager"])
    cohort = recorded_cohort(2)
    someone, other = (b.user for b in cohort.bookings)
    outsider = make_user(roles=["learner"])
    day = cohort.days[0]
    before = marks()

    with pytest.raises(ConflictError, match=REFUSED):
        attendance.record_attendance(manager, day, {someone.id: Mark("absent")})
    with pytest.raises(ConflictError, match=REFUSED):
        attendance.mark_all_present(manager, day)
    with pytest.raises(ConflictError, match=REFUSED):
        attendance.add_makeup_attendee(manager, day, outsider)

    assert marks() == before == [(someone.id, "present"), (other.id, "present")]


def test_a_recorded_register_page_is_read_only_and_a_post_is_refused(app: Flask) -> None:
    # An administrator: the recorded attendees belong to no organisation (R49).
    manager = make_user(roles=["manager", "admin"])
    cohort = recorded_cohort(2, facilitator_names="Gwen Davies")
    someone = cohort.bookings[0].user
    url = f"/cohorts/{cohort.id}/days/1/register"
    client = as_user(app, manager)

    text = page(client.get(url))
    assert "Recorded from records" in text
    assert "Save the register" not in text
    assert "Mark everyone not yet marked as present" not in text
    assert "Someone making up a missed day" not in text
    assert someone.full_name in text
    assert "Present" in text

    before = marks()
    response = client.post(url, data={f"status-{someone.id}": "absent", "save": "1"})
    assert response.status_code == 409
    assert REFUSED in page(response)
    assert marks() == before

    response = client.post(f"{url}/makeup", data={"email": make_user().email})
    assert response.status_code == 400
    assert REFUSED in page(response)
    assert marks() == before
    assert outbox() == []


def test_a_live_register_still_saves(app: Flask) -> None:
    organisation = make_organisation()
    manager = make_user(roles=["manager"], organisation=organisation)
    cohort = make_cohort(start=local_today())
    person = make_user(organisation=organisation)
    db.session.add(Booking(cohort=cohort, user=person, status="booked"))
    db.session.flush()

    assert attendance.record_attendance(manager, cohort.days[0], {person.id: Mark("present")}) == 1


# Calendars and the cohort page -------------------------------------------------------------


def test_a_recorded_cohort_is_in_no_calendar(app: Flask) -> None:
    trainer = make_user(roles=["trainer"])
    cohort = recorded_cohort(1, facilitators=[trainer])
    person = cohort.bookings[0].user
    live = make_cohort(start=cohort.first_day, facilitators=[trainer])
    db.session.add(Booking(cohort=live, user=person, status="attended"))
    db.session.flush()

    assert [d.cohort for d in public_days()] == [live]
    assert [d.cohort for d in personal_days(person)] == [live]
    assert [d.cohort for d in personal_days(trainer)] == [live]


def test_only_staff_and_its_attendees_see_a_recorded_cohort(app: Flask) -> None:
    trainer = make_user(roles=["trainer"], full_name="Tomos Trainer")
    cohort = recorded_cohort(1, facilitators=[trainer], facilitator_names="Gwen Davies\nAled Rees")
    attendee = cohort.bookings[0].user
    url = f"/cohorts/{cohort.id}"

    response = as_user(app, None).get(url)
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]
    assert as_user(app, make_user(roles=["learner"])).get(url).status_code == 403

    text = page(as_user(app, attendee).get(url))
    assert "Book a place" not in text
    assert "Join the waiting list" not in text
    assert "Request a place" not in text

    text = page(as_user(app, make_user(roles=["manager"])).get(url))
    assert "Recorded from records" in text
    for name in ("Tomos Trainer", "Gwen Davies", "Aled Rees"):
        assert name in text
