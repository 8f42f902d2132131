"""Joining instructions (text, files, who sees them) and the reminders before a course
(``flask cohorts remind``): each once, never for a cancelled cohort or booking, the early
one only to those booked before it was due, registers chased, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from datetime import timedelta
from io import BytesIO

import pytest
from flask import Flask
from sqlalchemy import select

from tests.antivirus_server import MARKER, running_clamd
from tests.courses.cohort_helpers import count, in_days, learner, many_learners, outbox, trainer
from tests.factories import make_booking, make_cohort
from tests.helpers import QueryCounter, as_user, field_error, page
from tests.sample_files import pdf_bytes
from trainhub import antivirus
from trainhub.courses.models import (
    LOCAL_TIME,
    Attendance,
    Cohort,
    CohortReminder,
    JoiningFile,
    local_today,
)
from trainhub.courses.services import joining
from trainhub.courses.services.booking import book_place
from trainhub.courses.services.reminders import learner_kind, send_reminders
from trainhub.errors import ConflictError, PermissionDenied, ValidationFailed
from trainhub.extensions import db, utcnow
from trainhub.storage import storage
from trainhub.uploads import Upload

pytestmark = pytest.mark.usefixtures("app")

TEXT = "Bring a **notebook**.\n\n* Parking behind the hall\n* Step-free entrance"


def at(day: dt.date, hour: int = 7) -> dt.datetime:
    """A moment of a day in Wales, in UTC (the job's ``now``)."""
    return dt.datetime.combine(day, dt.time(hour), LOCAL_TIME).astimezone(dt.UTC)


def booked_ago(cohort: Cohort, days: int, status: str = "booked") -> int:
    """A learner booked ``days`` ago; their id."""
    person = learner()
    make_booking(cohort, person, status, created_at=utcnow() - timedelta(days=days))
    return person.id


def kinds(user_id: int) -> list[str]:
    query = select(CohortReminder.kind).where(CohortReminder.user_id == user_id)
    return sorted(db.session.execute(query).scalars())


# Joining instructions ------------------------------------------------------------------------


def test_those_who_run_the_cohort_write_the_instructions() -> None:
    lead = trainer()
    cohort = make_cohort(facilitators=[lead])
    joining.save_instructions(lead, cohort, f"  {TEXT}\r\n", 3)
    found = joining.joining_of(cohort.id)
    assert found.text == TEXT
    assert found.own_reminder_days == 3
    assert "<strong>notebook</strong>" in found.html
    assert 'class="govuk-list govuk-list--bullet"' in found.html
    with pytest.raises(PermissionDenied):
        joining.save_instructions(trainer(), cohort, "Mine now", None)


@pytest.mark.parametrize(
    ("text", "days", "field"),
    [
        ("x" * (joining.MAX_TEXT + 1), None, "text"),
        ("ok", 31, "reminder_days"),
        ("a\x07b", 2, "text"),
    ],
)
def test_instructions_are_refused_on_the_field(text: str, days: int | None, field: str) -> None:
    lead = trainer()
    cohort = make_cohort(facilitators=[lead])
    with pytest.raises(ValidationFailed) as refused:
        joining.save_instructions(lead, cohort, text, days)
    assert refused.value.field == field


def test_a_cancelled_cohorts_instructions_stay_as_they_were() -> None:
    lead = trainer()
    cohort = make_cohort(facilitators=[lead], status="cancelled")
    with pytest.raises(ConflictError):
        joining.save_instructions(lead, cohort, "Too late", None)


def test_the_text_is_safe_markdown() -> None:
    html = joining.render(
        "<script>alert(1)</script> [click](javascript:alert(1)) ![x](http://a/b.png)"
    )
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "javascript:" not in html.replace("[click](javascript:alert(1))", "")
    assert "<img" not in html


def test_files_are_checked_then_kept() -> None:
    lead = trainer()
    cohort = make_cohort(facilitators=[lead])
    added = joining.add_file(lead, cohort, Upload("map.pdf", pdf_bytes(b"map")))
    assert storage().load(added.storage_key) == pdf_bytes(b"map")
    assert added.content_type == "application/pdf"
    with pytest.raises(ValidationFailed) as refused:
        joining.add_file(lead, cohort, Upload("notes.txt", b"plain text"))
    assert refused.value.field == "file"
    assert count(JoiningFile) == 1
    assert joining.remove_file(lead, cohort, added) == "map.pdf"
    assert count(JoiningFile) == 0


def test_a_cohort_holds_a_limited_number_of_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(joining, "MAX_FILES", 1)
    lead = trainer()
    cohort = make_cohort(facilitators=[lead])
    joining.add_file(lead, cohort, Upload("one.pdf", pdf_bytes(b"1")))
    with pytest.raises(ValidationFailed, match="up to 1 joining files"):
        joining.add_file(lead, cohort, Upload("two.pdf", pdf_bytes(b"2")))


# When each reminder is due ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("until", "days", "booked_before", "expected"),
    [
        (7, 7, 10, "early"),
        (5, 7, 10, "early"),  # a run missed: still before the day-before one
        (5, 7, 1, None),  # booked after the 7-day point: only the day-before one
        (1, 7, 1, "day_before"),
        (1, 0, 30, "day_before"),
        (7, 0, 30, None),  # the early one switched off
        (8, 7, 30, None),
        (0, 7, 30, None),  # the course is today: too late
    ],
)
def test_which_reminder_is_due(
    until: int, days: int, booked_before: int, expected: str | None
) -> None:
    today = dt.date(2027, 3, 1)
    first_day = today + timedelta(days=until)
    booked_on = first_day - timedelta(days=booked_before)
    assert learner_kind(first_day, days, booked_on, today) == expected


def test_learners_are_reminded_once_each_with_the_instructions() -> None:
    lead = trainer()
    cohort = make_cohort(start=in_days(7), facilitators=[lead])
    joining.save_instructions(lead, cohort, TEXT, None)
    joining.add_file(lead, cohort, Upload("map.pdf", pdf_bytes(b"map")))
    person = booked_ago(cohort, 10)
    summary = send_reminders(at(local_today()))
    assert (summary.early, summary.day_before, summary.register) == (1, 0, 0)
    [mail] = [m for m in outbox() if m.subject.startswith("Reminder:")]
    assert "starts in 7 days" in mail.body
    assert "Bring a **notebook**." in mail.body
    assert "map.pdf: http" in mail.body
    assert "/calendar.ics" in mail.body
    assert send_reminders(at(local_today(), 12)).total == 0  # again the same day
    summary = send_reminders(at(in_days(6)))
    assert (summary.early, summary.day_before) == (0, 1)
    assert "starts tomorrow" in outbox()[-1].body
    assert send_reminders(at(in_days(6), 18)).total == 0
    assert kinds(person) == ["day_before", "early"]


def test_an_online_day_is_in_the_reminder() -> None:
    from tests.courses.test_online_days import go_online

    cohort = go_online(make_cohort(days=2, start=in_days(1)), 2)
    booked_ago(cohort, 10)

    assert send_reminders(at(local_today())).day_before == 1
    body = outbox()[-1].body
    assert "online (Microsoft Teams)" in body
    assert cohort.days[0].venue.name in body  # the day at the venue, and the online one
    assert "teams.microsoft.com" not in body  # the link is in the invitation, not the e-mail


def test_a_late_booking_gets_only_the_day_before_reminder() -> None:
    cohort = make_cohort(start=in_days(3))
    person = booked_ago(cohort, 1)  # booked 4 days before the course, after the 7-day point
    assert send_reminders(at(local_today())).total == 0
    assert send_reminders(at(in_days(2))).day_before == 1
    assert kinds(person) == ["day_before"]


def test_the_cohorts_own_number_of_days_and_none() -> None:
    lead = trainer()
    three = make_cohort(start=in_days(3), facilitators=[lead])
    joining.save_instructions(lead, three, "", 3)
    off = make_cohort(start=in_days(7), facilitators=[lead])
    joining.save_instructions(lead, off, "", 0)
    early, silent = booked_ago(three, 20), booked_ago(off, 20)
    assert send_reminders(at(local_today())).early == 1
    assert (kinds(early), kinds(silent)) == (["early"], [])


def test_never_for_a_cancelled_cohort_or_booking_or_the_waiting_list() -> None:
    cancelled = make_cohort(start=in_days(1), status="cancelled")
    open_cohort = make_cohort(start=in_days(1))
    ids = [
        booked_ago(cancelled, 10, "cancelled"),
        booked_ago(open_cohort, 10, "cancelled"),
        booked_ago(open_cohort, 10, "waitlisted"),
    ]
    assert send_reminders(at(local_today())).total == 0
    assert all(kinds(i) == [] for i in ids)


def test_facilitators_are_reminded_of_a_register_not_taken() -> None:
    lead, co = trainer(), trainer()
    cohort = make_cohort(start=in_days(-1), days=2, facilitators=[lead, co])
    make_booking(cohort, learner())
    # Day 1 (yesterday) has ended without a register; day 2 (today) has not ended at 12:00.
    summary = send_reminders(at(local_today(), 12))
    assert summary.register == 2
    [mail] = outbox(lead)
    assert mail.subject.startswith("Register not taken:")
    assert f"/cohorts/{cohort.id}/days/1/register" in mail.body
    assert send_reminders(at(local_today(), 13)).total == 0
    # Day 2's register is taken before its end: nobody is chased for it.
    day2 = cohort.days[1]
    db.session.add(
        Attendance(cohort_day_id=day2.id, user_id=cohort.bookings[0].user_id, status="present")
    )
    db.session.flush()
    assert send_reminders(at(local_today(), 20)).total == 0


def test_the_job_takes_the_same_number_of_queries_for_2_and_20_cohorts(
    count_queries: QueryCounter,
) -> None:
    def run(cohorts: int, offset: int) -> int:
        lead = trainer()
        for n in range(cohorts):
            cohort = make_cohort(start=in_days(offset + (n % 2) * 6), facilitators=[lead])
            joining.save_instructions(lead, cohort, TEXT, None)
            for person in many_learners(3, prefix=f"q{cohorts}-{n}"):
                make_booking(cohort, person, created_at=utcnow() - timedelta(days=30))
        db.session.flush()
        before = count_queries.count
        summary = send_reminders(at(local_today()))
        assert summary.total == cohorts * 3
        return count_queries.count - before

    two = run(2, 1)
    db.session.execute(db.delete(CohortReminder))
    db.session.query(Cohort).update({Cohort.status: "completed"})
    twenty = run(20, 1)
    assert two == twenty


# The pages ---------------------------------------------------------------------------------------


def test_trainer_edits_on_the_page_and_errors_go_on_the_field(app: Flask) -> None:
    lead = trainer()
    cohort = make_cohort(facilitators=[lead])
    db.session.commit()
    client = as_user(app, lead)
    url = f"/cohorts/{cohort.id}/joining"
    assert "No joining instructions yet." in page(client.get(url))
    bad = client.post(url, data={"text": TEXT, "reminder_days": "45"})
    assert bad.status_code == 400
    assert field_error(page(bad), "reminder_days") == "Enter a number of days from 0 to 30"
    assert joining.joining_of(cohort.id).text == ""
    done = client.post(url, data={"text": TEXT, "reminder_days": "5"}, follow_redirects=True)
    assert "Joining instructions saved." in page(done)
    assert "<strong>notebook</strong>" in done.get_data(as_text=True)
    sent = client.post(
        f"{url}/files",
        data={"file": (BytesIO(pdf_bytes(b"map")), "map.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "map.pdf added." in page(sent)
    refused = client.post(
        f"{url}/files",
        data={"file": (BytesIO(b"just text"), "notes.txt")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400
    assert field_error(page(refused), "file")


def test_only_people_with_a_place_and_staff_open_the_files(app: Flask) -> None:
    lead = trainer()
    cohort = make_cohort(facilitators=[lead])
    added = joining.add_file(lead, cohort, Upload("map.pdf", pdf_bytes(b"map")))
    booked, waiting, other = learner(), learner(), learner()
    make_booking(cohort, booked)
    make_booking(cohort, waiting, "waitlisted", queue_rank=1)
    db.session.commit()
    url = f"/cohorts/{cohort.id}/joining/files/{added.id}"
    assert as_user(app, booked).get(url).status_code == 200
    assert as_user(app, lead).get(url).status_code == 200
    assert as_user(app, waiting).get(url).status_code == 403
    assert as_user(app, other).get(url).status_code == 403
    assert (
        as_user(app, booked).get(f"/cohorts/{cohort.id}/joining/files/{added.id + 99}").status_code
        == 404
    )


def test_the_learner_sees_them_on_the_booking_and_in_the_booking_email(app: Flask) -> None:
    lead = trainer()
    cohort = make_cohort(facilitators=[lead])
    joining.save_instructions(lead, cohort, TEXT, None)
    person = learner()
    outcome = book_place(person, cohort)
    db.session.commit()
    [mail] = outbox(person)
    assert "Joining instructions" in mail.body and "Parking behind the hall" in mail.body
    client = as_user(app, person)
    shown = page(client.get(f"/bookings/{outcome.booking.id}"))
    assert "Joining instructions" in shown and "Parking behind the hall" in shown
    ics = client.get(f"/bookings/{outcome.booking.id}/calendar.ics")
    assert ics.status_code == 200
    assert ics.mimetype == "text/calendar"
    assert b"BEGIN:VEVENT" in ics.data


def test_an_empty_state_on_the_booking(app: Flask) -> None:
    cohort = make_cohort()
    person = learner()
    booking = make_booking(cohort, person)
    db.session.commit()
    shown = page(as_user(app, person).get(f"/bookings/{booking.id}"))
    assert "The trainers have not added joining instructions yet." in shown


def test_the_command_prints_a_summary(app: Flask) -> None:
    cohort = make_cohort(start=in_days(1))
    booked_ago(cohort, 10)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["cohorts", "remind"])
    assert result.exit_code == 0, result.output
    assert "1 day-before reminder(s)" in result.output


def test_each_learner_gets_their_own_name_and_links_in_their_language() -> None:
    cohort = make_cohort(start=in_days(1))
    english, welsh = learner(full_name="Alys English"), learner(full_name="Bryn Welsh")
    welsh.preferred_language = "cy"
    first = make_booking(cohort, english)
    second = make_booking(cohort, welsh)
    assert send_reminders(at(local_today())).day_before == 2
    [to_english] = outbox(english)
    [to_welsh] = outbox(welsh)
    assert "Alys English" in to_english.body and "Bryn Welsh" not in to_english.body
    assert f"/bookings/{first.id}/calendar.ics" in to_english.body
    assert f"/bookings/{second.id}" not in to_english.body
    assert f"/bookings/{second.id}/calendar.ics" in to_welsh.body
    assert "Bryn Welsh" in to_welsh.body
    assert to_welsh.body != to_english.body.replace("Alys English", "Bryn Welsh").replace(
        f"/bookings/{first.id}", f"/bookings/{second.id}"
    )  # drawn in Welsh (the shared parts at least: "Dydd" for the day)


@pytest.fixture(scope="session")
def clamd() -> Iterator[str]:
    """This process's clamd (tests/antivirus_server.py): the path of its socket."""
    with running_clamd() as socket_path:
        yield socket_path


def test_an_infected_file_is_refused_on_the_field_and_never_kept(app: Flask, clamd: str) -> None:
    app.config.update(CLAMD_SOCKET=clamd, CLAMD_TIMEOUT=10)
    antivirus.init_app(app)
    lead = trainer()
    cohort = make_cohort(facilitators=[lead])
    db.session.commit()
    refused = as_user(app, lead).post(
        f"/cohorts/{cohort.id}/joining/files",
        data={"file": (BytesIO(pdf_bytes(MARKER)), "map.pdf")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400
    assert "contains a virus" in (field_error(page(refused), "file") or "")
    assert count(JoiningFile) == 0
    clean = joining.add_file(lead, cohort, Upload("map.pdf", pdf_bytes(b"clean")))
    assert clean.filename == "map.pdf"
