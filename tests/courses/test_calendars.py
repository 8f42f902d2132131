"""iCalendar invitations and feeds: one recurring VEVENT per cohort with a stable UID, private
feed tokens and the public training calendar (R16, issue 3 "Calendars"; the shapes calendar
programs read, expanded by other parsers: test_invitation_shapes.py)."""

from __future__ import annotations

from datetime import UTC, time, timedelta

import pytest
from icalendar import Calendar

from tests.courses.cohort_helpers import (
    DOMAIN,
    book_directly,
    events,
    in_days,
    learner,
    trainer,
)
from tests.factories import make_booking, make_cohort, make_course, make_organisation, make_venue
from trainhub.auth.models import User
from trainhub.courses.models import Cohort
from trainhub.courses.services.calendars import (
    cohort_uid,
    feed,
    feed_token,
    invitation,
    personal_days,
    public_days,
    reset_feed_token,
    user_for_feed_token,
)
from trainhub.courses.services.scheduling import complete_cohort
from trainhub.extensions import db

pytestmark = pytest.mark.usefixtures("app")


def _four_day_cohort() -> tuple[Cohort, User, User]:
    lead = trainer(full_name="Rhian Morgan")
    co = trainer(full_name="Dewi Jones")
    venue = make_venue(name="Canolfan Trelái", address="Cowbridge Road West\nCardiff\nCF5 5BQ")
    course = make_course(duration_days=4, title="IFSS Core")
    cohort = make_cohort(
        course,
        start=in_days(30),
        gap_days=7,
        venue=venue,
        facilitators=[lead, co],
        title="Core, May",
    )
    cohort.facilitators[0].professional_title = "Intervention Specialist"
    db.session.flush()
    return cohort, lead, co


def test_an_invitation_is_one_series_with_the_cohorts_uid() -> None:
    cohort, lead, _co = _four_day_cohort()
    person = learner(full_name="Alys Hughes")

    attachment = invitation(cohort, person, sequence=3)

    assert attachment.filename == "invite.ics"
    assert attachment.content_type == "text/calendar; charset=utf-8; method=REQUEST"
    calendar = Calendar.from_ical(attachment.content)
    assert calendar["METHOD"] == "REQUEST"
    [event] = events(calendar)  # every day at the same time and venue: no override
    assert str(event["UID"]) == f"cohort-{cohort.id}@{DOMAIN}"
    assert event["SEQUENCE"] == 3
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["SUMMARY"]) == "Core, May"
    assert event.decoded("DTSTART") == cohort.days[0].starts_at
    assert event.decoded("DTEND") == cohort.days[0].ends_at
    assert event["RRULE"]["FREQ"] == ["DAILY"]
    assert event["RRULE"]["UNTIL"] == [cohort.days[-1].starts_at.astimezone(UTC)]
    assert "RDATE" not in event
    assert str(event["ATTENDEE"]) == f"mailto:{person.email}"
    assert event["ATTENDEE"].params["CN"] == "Alys Hughes"
    assert str(event["ORGANIZER"]) == f"mailto:{lead.email}"


def test_the_location_has_the_venue_address_and_the_description_the_facilitators() -> None:
    cohort, _lead, _co = _four_day_cohort()

    calendar = Calendar.from_ical(invitation(cohort, learner(), sequence=1).content)
    event = events(calendar)[0]

    assert str(event["LOCATION"]) == "Canolfan Trelái, Cowbridge Road West Cardiff CF5 5BQ"
    description = str(event["DESCRIPTION"])
    assert "IFSS Core" in description
    assert "Lead facilitator: Rhian Morgan, Intervention Specialist" in description
    assert "Co-facilitator: Dewi Jones" in description
    assert f"https://{DOMAIN}/" in str(event["URL"])
    # The series' title does not number the days: the description lists them.
    assert "Day 4: " in description


def test_a_cancellation_is_method_cancel_with_the_same_uid() -> None:
    cohort, _lead, _co = _four_day_cohort()
    person = learner()
    request = Calendar.from_ical(invitation(cohort, person, sequence=1).content)

    attachment = invitation(cohort, person, sequence=2, cancel=True)

    assert attachment.filename == "cancel.ics"
    assert attachment.content_type.endswith("method=CANCEL")
    calendar = Calendar.from_ical(attachment.content)
    assert calendar["METHOD"] == "CANCEL"
    [event] = events(calendar)
    assert [str(event["UID"])] == [str(e["UID"]) for e in events(request)]
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 2


def test_the_uid_stays_the_same_when_a_day_moves() -> None:
    cohort = make_cohort(days=2)
    before = cohort_uid(cohort)

    cohort.days[1].date += timedelta(days=14)
    cohort.days[1].start_time = time(13, 0)

    assert cohort_uid(cohort) == before
    [master, moved] = events(Calendar.from_ical(invitation(cohort, learner(), 1).content))
    assert {str(master["UID"]), str(moved["UID"])} == {before}
    assert moved.decoded("DTSTART") == cohort.days[1].starts_at


def test_the_public_feed_has_published_open_cohorts_only() -> None:
    shown = make_cohort(days=2, title="Open and published")
    make_cohort(title="Draft", status="draft")
    make_cohort(title="Closed", partner_organisation_id=make_organisation().id)
    make_cohort(title="Cancelled", status="cancelled")
    make_cohort(title="Long ago", start=in_days(-400), status="completed")

    days = public_days()

    assert [(d.cohort.title, d.day_number) for d in days] == [
        ("Open and published", 1),
        ("Open and published", 2),
    ]
    calendar = Calendar.from_ical(feed(days, "IFSS training"))
    assert calendar["METHOD"] == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "IFSS training"
    assert [str(e["UID"]) for e in events(calendar)] == [cohort_uid(shown)]
    assert all("ATTENDEE" not in e for e in events(calendar))


def test_a_feed_shows_the_cohorts_sequence_and_cancellations() -> None:
    cohort = make_cohort(status="cancelled", sequence=4)

    calendar = Calendar.from_ical(feed(cohort.days, "Mine"))

    [event] = events(calendar)
    assert event["SEQUENCE"] == 4
    assert str(event["STATUS"]) == "CANCELLED"


def test_a_learners_feed_has_their_places_and_cohorts_cancelled_under_them() -> None:
    person = learner()
    booked = make_cohort(days=2, title="Booked")
    attended = make_cohort(title="Attended", start=in_days(-20), status="completed")
    cancelled_cohort = make_cohort(title="Cohort cancelled", status="cancelled", start=in_days(50))
    make_booking(booked, person)
    make_booking(attended, person, status="attended")
    make_booking(
        cancelled_cohort, person, status="cancelled", cancel_reason="cohort", calendar_sequence=1
    )
    # Only waiting when the cohort was cancelled: never sent an invitation, so not in the feed.
    make_booking(
        make_cohort(title="Cancelled while waiting", status="cancelled"),
        person,
        status="cancelled",
        cancel_reason="cohort",
    )
    make_booking(make_cohort(title="Waiting"), person, status="waitlisted")
    make_booking(make_cohort(title="Left"), person, status="cancelled", cancel_reason="learner")
    make_booking(make_cohort(title="Requested"), person, status="requested")
    book_directly(make_cohort(title="Someone else's"), [learner()])

    titles = [day.cohort.title for day in personal_days(person)]

    assert titles == ["Attended", "Booked", "Booked", "Cohort cancelled"]


def test_a_trainers_feed_has_the_days_they_facilitate_but_not_drafts() -> None:
    lead, co = trainer(), trainer()
    make_cohort(days=2, title="Leading", facilitators=[lead])
    make_cohort(title="Co-facilitating", facilitators=[co, lead], start=in_days(40))
    make_cohort(title="Draft", facilitators=[lead], status="draft")
    make_cohort(title="Not mine", facilitators=[co])

    titles = [day.cohort.title for day in personal_days(lead)]

    assert titles == ["Leading", "Leading", "Co-facilitating"]


def test_feeds_reach_back_a_while_only() -> None:
    person = learner()
    make_booking(make_cohort(title="Recent", start=in_days(-30), status="completed"), person)
    make_booking(make_cohort(title="Old", start=in_days(-365), status="completed"), person)

    assert [day.cohort.title for day in personal_days(person)] == ["Recent"]


# Feed tokens ------------------------------------------------------------------------------


def test_a_feed_token_is_made_once_and_finds_its_owner() -> None:
    person = learner()

    token = feed_token(person)

    assert feed_token(person) == token
    assert len(token) >= 40
    assert user_for_feed_token(token) == person
    assert feed_token(learner()) != token


def test_resetting_a_feed_token_revokes_the_old_one() -> None:
    person = learner()
    old = feed_token(person)

    new = reset_feed_token(person)
    db.session.commit()

    assert new != old
    assert user_for_feed_token(old) is None
    assert user_for_feed_token(new) == person
    assert feed_token(person) == new


def test_resetting_before_any_token_makes_one() -> None:
    person = learner()

    token = reset_feed_token(person)

    assert user_for_feed_token(token) == person


@pytest.mark.parametrize("token", ["", "nope", "x" * 65])
def test_a_bad_feed_token_finds_nobody(token: str) -> None:
    feed_token(learner())

    assert user_for_feed_token(token) is None


def test_a_deactivated_persons_feed_stops() -> None:
    person = learner()
    token = feed_token(person)

    person.active = False

    assert user_for_feed_token(token) is None


def test_times_are_written_in_london_time_with_its_timezone() -> None:
    cohort = make_cohort()
    calendar = Calendar.from_ical(invitation(cohort, learner(), sequence=0).content)
    [event] = events(calendar)

    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert event.decoded("DTSTART") == cohort.days[0].starts_at
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]


def test_a_completed_cohort_is_not_in_the_feed_of_those_who_only_waited() -> None:
    lead = trainer()
    cohort = make_cohort(start=in_days(-3), facilitators=[lead])
    attended, waited = learner(), learner()
    make_booking(cohort, attended)
    make_booking(cohort, waited, status="waitlisted", queue_rank=1)

    complete_cohort(lead, cohort)

    assert [d.cohort_id for d in personal_days(attended)] == [cohort.id]
    assert personal_days(waited) == []
