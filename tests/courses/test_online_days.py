"""Online and hybrid cohort days: scheduling them (the form and the service), clashes, who
sees the meeting link and from when, invitations and feeds, the register, and the cohort
page's queries."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar

from benchmarks.pages import MAX_QUERIES
from tests.courses.cohort_helpers import (
    calendar_of,
    cohort_data,
    events,
    in_days,
    learner,
    manager,
    trainer,
)
from tests.courses.cohort_view_helpers import (
    Day,
    cohort_form,
    cohort_snapshot,
    field_error,
    login,
    page,
    summary_errors,
)
from tests.factories import make_booking, make_cohort, make_course, make_venue
from tests.helpers import QueryCounter, outbox
from trainhub.auth.models import User
from trainhub.courses import permissions
from trainhub.courses.models import Cohort, CohortDay, Course, Venue
from trainhub.courses.services import booking as booking_services
from trainhub.courses.services import calendars, scheduling
from trainhub.courses.services.scheduling import DayInput
from trainhub.errors import ValidationFailed
from trainhub.extensions import db, utcnow

TEAMS = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0"
ZOOM = "https://us02web.zoom.us/j/81234567890?pwd=secret"


def go_online(cohort: Cohort, *numbers: int, mode: str = "online", url: str = TEAMS) -> Cohort:
    """Make days ``numbers`` of a cohort written by the factory online (or hybrid)."""
    for day in cohort.days:
        if day.day_number in numbers:
            day.mode = mode
            day.platform = "Microsoft Teams"
            day.meeting_url = url
            day.dial_in_phone = "029 2018 0123"
            day.dial_in_code = "123 456 789#"
            if mode == "online":
                day.venue_id = None
    db.session.flush()
    db.session.expire(cohort)
    return cohort


def online_day(when: datetime | None = None, **overrides: object) -> DayInput:
    start = when or datetime.combine(in_days(30), time(9, 30))
    values: dict[str, object] = {
        "date": start.date(),
        "start_time": start.time(),
        "end_time": time(16, 30),
        "venue_id": None,
        "mode": "online",
        "platform": "",
        "meeting_url": TEAMS,
    }
    values.update(overrides)
    return DayInput(**values)  # type: ignore[arg-type]


# The service --------------------------------------------------------------------------


def test_an_online_day_needs_no_venue_and_takes_the_default_platform(app: Flask) -> None:
    lead = trainer()
    course = make_course(duration_days=1)
    data = cohort_data(make_venue(), [in_days(30)], [lead], days=[online_day()])

    cohort = scheduling.schedule_cohort(lead, course, data)

    [day] = cohort.days
    assert (day.mode, day.venue_id, day.platform, day.meeting_url) == (
        "online",
        None,
        "Microsoft Teams",
        TEAMS,
    )
    assert cohort.link_shown_hours == 24


def test_an_online_day_given_a_venue_keeps_none_and_an_in_person_day_no_link(app: Flask) -> None:
    lead = trainer()
    venue = make_venue()
    course = make_course(duration_days=2)
    days = [
        online_day(venue_id=venue.id),
        online_day(
            datetime.combine(in_days(31), time(9, 30)),
            venue_id=venue.id,
            mode="in_person",
            meeting_url=ZOOM,
        ),
    ]

    cohort = scheduling.schedule_cohort(lead, course, cohort_data(venue, [], [lead], days=days))

    assert [(d.mode, d.venue_id, d.meeting_url) for d in cohort.days] == [
        ("online", None, TEAMS),
        ("in_person", venue.id, ""),
    ]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"meeting_url": ""}, "days-0-meeting_url", "Enter the meeting link of day 1"),
        (
            {"meeting_url": "http://teams.microsoft.com/l/x"},
            "days-0-meeting_url",
            "Enter the meeting link of day 1 as a full address starting https://, like "
            "https://teams.microsoft.com/…",
        ),
        (
            {"meeting_url": "javascript:alert(1)"},
            "days-0-meeting_url",
            "Enter the meeting link of day 1 as a full address starting https://, like "
            "https://teams.microsoft.com/…",
        ),
        (
            {"mode": "hybrid"},
            "days-0-venue_id",
            "Choose a venue for day 1",
        ),
        (
            {"dial_in_phone": "call me"},
            "days-0-dial_in_phone",
            "Enter the dial-in number of day 1 as a phone number, like 029 2018 0123",
        ),
        (
            {"dial_in_code": "123#"},
            "days-0-dial_in_phone",
            "Enter the dial-in number of day 1, or leave out the conference ID",
        ),
        ({"mode": "somewhere"}, "days-0-mode", "Choose how day 1 is delivered"),
    ],
)
def test_bad_online_details_are_refused_on_their_field(
    app: Flask, overrides: dict[str, object], field: str, message: str
) -> None:
    lead = trainer()
    course = make_course(duration_days=1)
    data = cohort_data(make_venue(), [in_days(30)], [lead], days=[online_day(**overrides)])

    with pytest.raises(ValidationFailed) as refused:
        scheduling.schedule_cohort(lead, course, data)

    assert (refused.value.field, refused.value.message) == (field, message)
    assert db.session.query(Cohort).count() == 0


def test_online_days_never_clash_on_a_venue_but_trainers_still_do(app: Flask) -> None:
    lead, other_lead = trainer(), trainer(full_name="Owain Other")
    venue = make_venue(name="Canolfan")
    course = make_course(duration_days=1)
    existing = make_cohort(course, venue=venue, start=in_days(30), facilitators=[other_lead])
    go_online(existing, 1)
    at_venue = DayInput(in_days(30), time(9, 30), time(16, 30), venue.id)

    # The other cohort's day is online: the venue is free.
    assert scheduling.find_clashes([at_venue], [lead.id]) == []
    # Two online days at once never clash on a venue…
    assert scheduling.find_clashes([online_day()], [lead.id]) == []
    # …but the trainer is still in one place at a time.
    [clash] = scheduling.find_clashes([online_day()], [other_lead.id])
    assert clash.kind == "trainer"
    assert "Owain Other is already facilitating" in clash.message


def test_a_hybrid_day_still_clashes_on_its_venue(app: Flask) -> None:
    venue = make_venue(name="Canolfan")
    course = make_course(duration_days=1)
    existing = make_cohort(course, venue=venue, start=in_days(30))
    go_online(existing, 1, mode="hybrid")
    mine = DayInput(in_days(30), time(10), time(12), venue.id)

    [clash] = scheduling.find_clashes([mine], [trainer().id])

    assert clash.kind == "venue"
    assert clash.message.startswith("Canolfan is already booked")


def test_changing_the_link_of_a_published_cohort_sends_an_updated_invitation(
    app: Flask,
) -> None:
    lead = trainer()
    course = make_course(duration_days=1)
    cohort = scheduling.schedule_cohort(
        lead, course, cohort_data(make_venue(), [], [lead], days=[online_day()])
    )
    scheduling.publish_cohort(lead, cohort)
    person = learner()
    booking_services.book_place(person, cohort)
    before = cohort.sequence
    data = scheduling.cohort_input(cohort)
    data.days[0].meeting_url = ZOOM
    data.days[0].platform = "Zoom"

    scheduling.update_cohort(lead, cohort, data)

    assert cohort.sequence == before + 1
    [updated] = events(calendar_of(outbox(person)[-1]))
    assert str(updated["URL"]) == ZOOM
    assert str(updated["LOCATION"]) == "Online (Zoom)"


# Who sees the link, and from when ------------------------------------------------------


@pytest.fixture
def online_cohort(app: Flask) -> Cohort:
    """A published 2-day cohort: day 1 at a venue, day 2 online, 30 days ahead."""
    course = make_course(duration_days=2)
    cohort = make_cohort(course, venue=make_venue(name="Canolfan"), link_shown_hours=24)
    return go_online(cohort, 2)


def test_the_link_shows_to_a_learner_booked_only_from_the_set_time(
    online_cohort: Cohort,
) -> None:
    person = learner()
    booking = make_booking(online_cohort, person)
    day = online_cohort.days[1]
    opens = day.starts_at - timedelta(hours=24)

    early = permissions.meeting_links(person, online_cohort, booking, opens - timedelta(minutes=1))
    on_time = permissions.meeting_links(person, online_cohort, booking, opens)

    assert early == {2: permissions.MeetingLink(shown_from=opens)}
    assert on_time == {2: permissions.MeetingLink(url=TEAMS)}


@pytest.mark.parametrize("status", ["waitlisted", "requested", "offered", "cancelled"])
def test_the_link_never_shows_to_a_learner_not_booked(online_cohort: Cohort, status: str) -> None:
    person = learner()
    booking = make_booking(online_cohort, person, status=status)
    day = online_cohort.days[1]

    assert permissions.meeting_links(person, online_cohort, booking, day.starts_at) == {}


def test_facilitators_and_managers_see_the_link_at_any_time(online_cohort: Cohort) -> None:
    long_before = utcnow() - timedelta(days=365)
    lead = online_cohort.facilitators[0].user

    for person in (lead, manager()):
        links = permissions.meeting_links(person, online_cohort, None, long_before)
        assert links == {2: permissions.MeetingLink(url=TEAMS)}
    # Another trainer sees the cohort's page, but not its link.
    assert permissions.meeting_links(trainer(), online_cohort, None, long_before) == {}


def _cohort_page(client: FlaskClient, cohort: Cohort, user: User | None) -> str:
    if user is not None:
        login(client, user)
    response = client.get(f"/cohorts/{cohort.id}")
    assert response.status_code == 200
    return page(response)


def test_the_cohort_page_shows_each_days_mode_and_the_link_as_allowed(
    app: Flask, client: FlaskClient
) -> None:
    course = make_course(duration_days=3)
    soon = utcnow().astimezone(calendars.LOCAL_TIME) + timedelta(hours=2)
    cohort = make_cohort(course, venue=make_venue(name="Canolfan"), start=soon.date())
    cohort.days[0].start_time = time(soon.hour, 0)
    cohort.days[0].end_time = time(23, 59)
    go_online(cohort, 1, mode="hybrid")
    go_online(cohort, 3, url=ZOOM)
    person = learner()
    make_booking(cohort, person)

    anonymous = _cohort_page(app.test_client(), cohort, None)
    booked = _cohort_page(client, cohort, person)

    for text in (anonymous, booked):
        assert "Hybrid: in person and online" in text
        assert "In person" in text
        assert "Online (Microsoft Teams)" in text
    assert TEAMS not in anonymous and ZOOM not in anonymous
    # Day 1 starts within 24 hours: its link shows; day 3 is weeks away: not yet.
    assert f'href="{TEAMS.replace("&", "&amp;")}"' in page_html_of(client, cohort)
    assert "Dial in: 029 2018 0123, conference ID 123 456 789#" in booked
    assert ZOOM not in booked
    assert "The joining link shows here from" in booked


def page_html_of(client: FlaskClient, cohort: Cohort) -> str:
    return client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)


def test_the_booking_page_shows_the_link_to_its_learner_only(
    app: Flask, client: FlaskClient
) -> None:
    course = make_course(duration_days=1)
    soon = utcnow().astimezone(calendars.LOCAL_TIME) + timedelta(hours=1)
    cohort = make_cohort(course, start=soon.date())
    cohort.days[0].start_time, cohort.days[0].end_time = time(soon.hour, 0), time(23, 59)
    go_online(cohort, 1)
    person = learner()
    booking = make_booking(cohort, person)

    login(client, person)
    assert TEAMS in client.get(f"/bookings/{booking.id}").get_data(as_text=True)
    # The cohort's facilitator reading the booking sees it too, as one who runs the cohort.
    login(client, cohort.facilitators[0].user)
    response = client.get(f"/bookings/{booking.id}")
    assert response.status_code == 200
    assert TEAMS in response.get_data(as_text=True)


# Invitations and feeds --------------------------------------------------------------


def test_the_invitation_carries_the_link_the_location_and_the_dial_in(
    online_cohort: Cohort,
) -> None:
    person = learner()
    go_online(online_cohort, 1, mode="hybrid", url=ZOOM)
    online_cohort.days[0].platform = "Zoom"
    db.session.flush()

    master, override = events(
        calendar_of_attachment(calendars.invitation(online_cohort, person, 1))
    )

    assert str(master["LOCATION"]) == "Canolfan, 1 Example Street and Online (Zoom)"
    assert str(master["URL"]) == ZOOM
    assert str(master["DESCRIPTION"]).startswith(
        f"Join online: {ZOOM}\nDial in: 029 2018 0123, conference ID 123 456 789#\n"
    )
    assert str(override["LOCATION"]) == "Online (Microsoft Teams)"
    assert str(override["URL"]) == TEAMS
    assert "RECURRENCE-ID" in override


def calendar_of_attachment(attachment: calendars.Attachment) -> Calendar:
    return Calendar.from_ical(attachment.content)


def test_feeds_never_carry_the_link(app: Flask, client: FlaskClient, online_cohort: Cohort) -> None:
    lead = online_cohort.facilitators[0].user
    person = learner()
    make_booking(online_cohort, person)
    token = calendars.feed_token(person)
    lead_token = calendars.feed_token(lead)

    public = client.get("/calendar.ics").get_data(as_text=True)
    csv = client.get("/calendar.csv").get_data(as_text=True)
    own = client.get(f"/calendar/feed/{token}.ics").get_data(as_text=True)
    facilitator = client.get(f"/calendar/feed/{lead_token}.ics").get_data(as_text=True)

    for text in (public, csv, own, facilitator):
        assert online_cohort.title in text.replace("\r\n ", "")
        assert "teams.microsoft.com" not in text
        assert "3443" not in text
    assert "LOCATION:Online (Microsoft Teams)" in public
    assert "Online (Microsoft Teams),," in csv


# The schedule form ---------------------------------------------------------------------


@pytest.fixture
def two_day(app: Flask) -> Course:
    return make_course(code="TWO", duration_days=2)


@pytest.fixture
def venue(app: Flask) -> Venue:
    return make_venue(name="Canolfan", capacity=20)


def test_a_trainer_schedules_a_hybrid_day_and_an_online_day(
    client: FlaskClient, two_day: Course, venue: Venue
) -> None:
    lead, co = trainer(), trainer()
    days = [
        Day(in_days(30), venue_id=venue.id, where=("venue", "online"), meeting_url=TEAMS),
        Day(
            in_days(31),
            where=("online",),
            platform="Zoom",
            meeting_url=ZOOM,
            dial_in_phone="+44 20 3443 2145",
            dial_in_code="812 3456",
        ),
    ]
    login(client, lead)

    response = client.post(
        "/cohorts/new?course=TWO",
        data=cohort_form(days, [lead, co], link_shown_hours="2"),
    )

    assert response.status_code == 302
    made = db.session.query(Cohort).one()
    assert made.link_shown_hours == 2
    assert [
        (d.mode, d.venue_id, d.platform, d.meeting_url, d.dial_in_phone, d.dial_in_code)
        for d in made.days
    ] == [
        ("hybrid", venue.id, "Microsoft Teams", TEAMS, "", ""),
        ("online", None, "Zoom", ZOOM, "+44 20 3443 2145", "812 3456"),
    ]
    # The edit form starts from what was saved: both boxes ticked for the hybrid day.
    edit = client.get(f"/cohorts/{made.id}/edit").get_data(as_text=True)
    assert 'name="days-0-mode" type="checkbox" value="online" checked' in edit
    assert 'name="days-1-mode" type="checkbox" value="venue" data-aria-controls' in edit
    assert f'value="{ZOOM}"' in edit


@pytest.mark.parametrize(
    ("day", "field", "message"),
    [
        (Day(None, where=()), "days-0-mode", "Choose where day 1 is: at a venue, online or both"),
        (Day(None, where=("online",)), "days-0-meeting_url", "Enter the meeting link of day 1"),
        (
            Day(None, where=("online",), meeting_url="teams.microsoft.com/l/x"),
            "days-0-meeting_url",
            "Enter the meeting link of day 1 as a full address starting https://, like "
            "https://teams.microsoft.com/…",
        ),
        (
            Day(None, where=("venue", "online"), meeting_url=TEAMS),
            "days-0-venue_id",
            "Choose a venue for day 1",
        ),
        (
            Day(None, where=("online",), meeting_url=TEAMS, dial_in_phone="ring ring"),
            "days-0-dial_in_phone",
            "Enter the dial-in number of day 1 as a phone number, like 029 2018 0123",
        ),
    ],
)
def test_bad_input_on_the_form_is_shown_on_its_field_and_nothing_is_written(
    client: FlaskClient, two_day: Course, venue: Venue, day: Day, field: str, message: str
) -> None:
    day.date = in_days(30)
    second = Day(in_days(31), venue_id=venue.id)
    lead, co = trainer(), trainer()
    login(client, lead)
    before = cohort_snapshot()

    response = client.post("/cohorts/new?course=TWO", data=cohort_form([day, second], [lead, co]))

    text = page(response)
    assert response.status_code == 400
    assert field_error(text, field) == message
    assert message in summary_errors(text)
    assert cohort_snapshot() == before


def test_the_link_hours_must_be_within_two_weeks(
    client: FlaskClient, two_day: Course, venue: Venue
) -> None:
    lead, co = trainer(), trainer()
    days = [Day(in_days(30), venue_id=venue.id), Day(in_days(31), venue_id=venue.id)]
    login(client, lead)

    response = client.post(
        "/cohorts/new?course=TWO", data=cohort_form(days, [lead, co], link_shown_hours="400")
    )

    assert response.status_code == 400
    assert field_error(page(response), "link_shown_hours") == (
        "Enter a number of hours from 0 to 336"
    )


def test_the_new_cohort_form_starts_at_a_venue_with_the_default_platform(
    client: FlaskClient, two_day: Course
) -> None:
    login(client, trainer())

    html = client.get("/cohorts/new?course=TWO").get_data(as_text=True)

    assert 'name="days-0-mode" type="checkbox" value="venue" checked' in html
    assert 'data-aria-controls="conditional-days-0-mode-2"' in html
    assert 'value="Microsoft Teams"' in html
    assert 'id="link_shown_hours" name="link_shown_hours" type="text" value="24"' in html


# The register and the sign-in sheet --------------------------------------------------


def test_the_register_and_sign_in_sheet_show_the_mode(
    client: FlaskClient, online_cohort: Cohort
) -> None:
    login(client, online_cohort.facilitators[0].user)

    register = page(client.get(f"/cohorts/{online_cohort.id}/days/2/register"))
    first = page(client.get(f"/cohorts/{online_cohort.id}/days/1/register"))

    assert "online (Microsoft Teams)" in register and "Online" in register
    assert "Canolfan" in first and "In person" in first


# The cohort page's queries -------------------------------------------------------------


def test_the_cohort_page_with_online_days_takes_the_same_queries(
    app: Flask, count_queries: QueryCounter
) -> None:
    course = make_course(duration_days=4)
    at_venue = make_cohort(course, venue=make_venue())
    online = go_online(make_cohort(course, venue=make_venue()), 1, 2, 3)
    go_online(online, 4, mode="hybrid")
    person = learner()
    for cohort in (at_venue, online):
        make_booking(cohort, person)
    db.session.commit()
    client = app.test_client()
    login(client, person)

    found = []
    for cohort in (at_venue, online):
        client.get(f"/cohorts/{cohort.id}")
        before = count_queries.count
        assert client.get(f"/cohorts/{cohort.id}").status_code == 200
        found.append(count_queries.count - before)

    assert found[0] == found[1], count_queries.statements
    assert found[1] <= MAX_QUERIES


def test_an_online_day_row_has_no_venue(app: Flask, online_cohort: Cohort) -> None:
    day = db.session.get_one(CohortDay, online_cohort.days[1].id)
    assert (day.venue, day.is_online, day.at_venue) == (None, True, False)


def test_the_training_calendar_and_emails_name_the_platform_never_the_link(
    app: Flask, client: FlaskClient, online_cohort: Cohort
) -> None:
    person = learner()

    listing = page(client.get("/calendar"))
    booking_services.book_place(person, online_cohort)

    assert "Canolfan, online (Microsoft Teams)" in listing
    [message] = outbox(person)
    assert "Day 2: " in message.body
    assert "online (Microsoft Teams)" in message.body
    assert "teams.microsoft.com" not in message.body
    # The invitation attached is the learner's: it carries the link.
    [master, override] = events(calendar_of(message))
    assert str(override["URL"]) == TEAMS
    assert str(master["LOCATION"]) == "Canolfan, 1 Example Street"


def test_the_cohort_page_tells_its_facilitators_when_learners_see_the_links(
    app: Flask, client: FlaskClient, online_cohort: Cohort
) -> None:
    text = _cohort_page(client, online_cohort, online_cohort.facilitators[0].user)

    assert "Learners booked see them from 24 hours before each online or hybrid day." in text
    assert "Join the meeting on Microsoft Teams" in text
    assert "Meeting links" not in _cohort_page(app.test_client(), online_cohort, None)
