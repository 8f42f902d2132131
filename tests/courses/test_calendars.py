"""iCalendar invitations and feeds: one VEVENT per day, stable UIDs, private feed tokens and
the public training calendar (R16, issue 3 "Calendars")."""

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
    day_uid,
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


def test_an_invitation_has_one_event_per_day_with_stable_uids() -> None:
    cohort, _lead, _co = _four_day_cohort()
    person = learner(full_name="Alys Hughes")

    attachment = invitation(cohort, person, sequence=3)

    assert attachment.filename == "invite.ics"
    assert attachment.content_type == "text/calendar; charset=utf-8; method=REQUEST"
    calendar = Calendar.from_ical(attachment.content)
    assert calendar["METHOD"] == "REQUEST"
    days = events(calendar)
    assert [str(e["UID"]) for e in days] == [
        f"cohort-{cohort.id}-day-{n}@{DOMAIN}" for n in range(1, 5)
    ]
    assert [e["SEQUENCE"] for e in days] == [3, 3, 3, 3]
    assert [str(e["STATUS"]) for e in days] == ["CONFIRMED"] * 4
    assert str(days[0]["SUMMARY"]) == "Core, May (day 1 of 4)"
    assert str(days[3]["SUMMARY"]) == "Core, May (day 4 of 4)"
    for event, day in zip(days, cohort.days, strict=True):
        assert event.decoded("DTSTART") == day.starts_at
        assert event.decoded("DTEND") == day.ends_at
        assert event.decoded("DTSTART").tzinfo is not None
    assert str(days[0]["ATTENDEE"]) == f"mailto:{person.email}"
    assert days[0]["ATTENDEE"].params["CN"] == "Alys Hughes"


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


def test_a_cancellation_is_method_cancel_with_the_same_uids() -> None:
    cohort, _lead, _co = _four_day_cohort()
    person = learner()
    request = Calendar.from_ical(invitation(cohort, person, sequence=1).content)

    attachment = invitation(cohort, person, sequence=2, cancel=True)

    assert attachment.filename == "cancel.ics"
    assert attachment.content_type.endswith("method=CANCEL")
    calendar = Calendar.from_ical(attachment.content)
    assert calendar["METHOD"] == "CANCEL"
    assert [str(e["UID"]) for e in events(calendar)] == [str(e["UID"]) for e in events(request)]
    assert {str(e["STATUS"]) for e in events(calendar)} == {"CANCELLED"}
    assert {e["SEQUENCE"] for e in events(calendar)} == {2}


def test_uids_stay_the_same_when_a_day_moves() -> None:
    cohort = make_cohort(days=2)
    before = [day_uid(day) for day in cohort.days]

    cohort.days[1].date += timedelta(days=14)
    cohort.days[1].start_time = time(13, 0)

    assert [day_uid(day) for day in cohort.days] == before


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
    assert [str(e["UID"]) for e in events(calendar)] == [day_uid(d) for d in shown.days]
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


def test_times_are_written_in_utc() -> None:
    cohort = make_cohort()
    [event] = events(Calendar.from_ical(invitation(cohort, learner(), sequence=0).content))

    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert event.decoded("DTSTART") == cohort.days[0].starts_at.astimezone(UTC)


def test_a_completed_cohort_is_not_in_the_feed_of_those_who_only_waited() -> None:
    lead = trainer()
    cohort = make_cohort(start=in_days(-3), facilitators=[lead])
    attended, waited = learner(), learner()
    make_booking(cohort, attended)
    make_booking(cohort, waited, status="waitlisted", queue_rank=1)

    complete_cohort(lead, cohort)

    assert [d.cohort_id for d in personal_days(attended)] == [cohort.id]
    assert personal_days(waited) == []
