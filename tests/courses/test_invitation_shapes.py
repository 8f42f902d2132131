"""Calendar invitations Outlook, Google Calendar and Apple Calendar show as meetings (issue 19).

Every invitation and feed is read back with parsers trainhub does not use: vobject (its own
parser, and dateutil's recurrence rules and time zones, which read the VTIMEZONE we write)
and recurring-ical-events (its own expansion of RRULE, EXDATE and RECURRENCE-ID). Both must
expand a cohort's series to exactly its days in Europe/London, across the clock changes.
"""

from __future__ import annotations

import email.policy
import socket
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
import vobject
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from sqlalchemy import select

from tests.courses.cohort_helpers import DOMAIN, in_days, learner, outbox, trainer
from tests.factories import make_booking, make_cohort, make_course, make_venue
from tests.helpers import QueryCounter
from trainhub.auth.models import User
from trainhub.courses.models import Booking, Cohort, CohortDay, Course, Venue, local_today
from trainhub.courses.services.booking import book_place, cancel_booking
from trainhub.courses.services.calendars import (
    cohort_uid,
    feed,
    feed_token,
    invitation,
    london_timezone,
    personal_days,
)
from trainhub.courses.services.scheduling import (
    DayInput,
    cancel_cohort,
    cohort_input,
    update_cohort,
)
from trainhub.extensions import db
from trainhub.mail.models import OutboxMessage
from trainhub.mail.worker import build_email, deliver_due

LONDON = ZoneInfo("Europe/London")


class Day(NamedTuple):
    """One expanded occurrence, in Europe/London wall-clock time."""

    on: date
    start: time
    end: time
    location: str
    status: str
    sequence: int


# Reading calendars with other parsers ------------------------------------------------------


def _local(moment: datetime) -> datetime:
    return moment.astimezone(LONDON)


def by_vobject(ics: bytes) -> list[Day]:
    """The series expanded by vobject + dateutil, overrides applied as RFC 5545 says: an
    instance whose start is a component's RECURRENCE-ID is that component instead."""
    calendar = vobject.readOne(ics.decode("utf-8"))
    components = calendar.contents.get("vevent", [])
    masters = [c for c in components if "recurrence-id" not in c.contents]
    overrides = {c.recurrence_id.value: c for c in components if "recurrence-id" in c.contents}
    found = []
    for master in masters:
        rules = master.getrruleset(addRDate=True)
        length = master.dtend.value - master.dtstart.value
        for start in list(rules) if rules is not None else [master.dtstart.value]:
            component = next((c for k, c in overrides.items() if k == start), None)
            if component is None:
                begin, end, component = start, start + length, master
            else:
                begin, end = component.dtstart.value, component.dtend.value
            found.append(
                Day(
                    _local(begin).date(),
                    _local(begin).time(),
                    _local(end).time(),
                    component.location.value,
                    component.status.value,
                    int(component.sequence.value),
                )
            )
    return sorted(found)


def by_recurring_ical_events(ics: bytes) -> list[Day]:
    """The series expanded by recurring-ical-events over every date it could reach."""
    occurrences = recurring_ical_events.of(Calendar.from_ical(ics)).between(
        date(1990, 1, 1), date(2100, 1, 1)
    )
    return sorted(
        Day(
            _local(event.decoded("DTSTART")).date(),
            _local(event.decoded("DTSTART")).time(),
            _local(event.decoded("DTEND")).time(),
            str(event["LOCATION"]),
            str(event["STATUS"]),
            int(event["SEQUENCE"]),
        )
        for event in occurrences
    )


def expanded(ics: bytes) -> list[Day]:
    """What both independent readers make of the calendar; they must agree."""
    first = by_vobject(ics)
    assert by_recurring_ical_events(ics) == first
    return first


def location(day: CohortDay) -> str:
    return f"{day.venue.name}, {' '.join(day.venue.address.split())}"


def expected(cohort: Cohort, status: str, sequence: int) -> list[Day]:
    return [
        Day(d.date, d.start_time, d.end_time, location(d), status, sequence) for d in cohort.days
    ]


def outlook_shape(ics: bytes, cohort: Cohort, method: str) -> list[Any]:
    """The shape every calendar program shows whole: one UID, one master VEVENT (RRULE when
    there is more than one day, never RDATE), overrides only with RECURRENCE-ID, and a
    VTIMEZONE for every TZID. Returns the VEVENTs as vobject read them."""
    assert b"RDATE" not in ics
    calendar = vobject.readOne(ics.decode("utf-8"))
    assert calendar.method.value == method
    components = calendar.contents["vevent"]
    assert {c.uid.value for c in components} == {f"cohort-{cohort.id}@{DOMAIN}"}
    [master] = [c for c in components if "recurrence-id" not in c.contents]
    overrides = [c for c in components if "recurrence-id" in c.contents]
    if len(cohort.days) > 1:
        [rule] = master.contents["rrule"]
        assert rule.value.startswith("FREQ=DAILY;UNTIL=") and rule.value.endswith("Z")
    else:
        assert "rrule" not in master.contents and not overrides
    for override in overrides:
        assert not {"rrule", "exdate"} & set(override.contents)
    assert [tz.tzid.value for tz in calendar.contents["vtimezone"]] == ["Europe/London"]
    # Local times, each naming its zone (vobject turns TZID into the value's tzinfo: read
    # the unfolded lines after the VTIMEZONE); only UNTIL and DTSTAMP are in UTC.
    events_text = ics.decode().replace("\r\n ", "").split("END:VTIMEZONE", 1)[1]
    for line in events_text.splitlines():
        name = line.split(";")[0].split(":")[0]
        if name in ("DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE"):
            assert line.startswith(f"{name};TZID=Europe/London:"), line
    return list(components)


# Cohorts across the clock changes ------------------------------------------------------------


def last_sunday(year: int, month: int) -> date:
    end = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return end - timedelta(days=(end.weekday() + 1) % 7)


def next_clock_change(month: int) -> date:
    """The next last Sunday of ``month`` (3: clocks go forward; 10: back) far enough ahead
    to book on."""
    year = local_today().year
    while last_sunday(year, month) < in_days(30):
        year += 1
    return last_sunday(year, month)


def cohort_on(
    dates: list[date],
    times: list[tuple[time, time]] | None = None,
    venues: list[Venue] | None = None,
    facilitators: list[User] | None = None,
    title: str = "IFSS Core",
) -> Cohort:
    """A published cohort on ``dates`` (09:30–16:30 at one venue unless told otherwise)."""
    venue = (
        venues[0]
        if venues
        else make_venue(name="Canolfan Trelái", address="Cowbridge Road West\nCardiff")
    )
    cohort = make_cohort(
        make_course(duration_days=len(dates), title="IFSS Core training"),
        start=dates[0],
        venue=venue,
        facilitators=facilitators,
        title=title,
    )
    for index, (day, on) in enumerate(zip(cohort.days, dates, strict=True)):
        day.date = on
        if times:
            day.start_time, day.end_time = times[index]
        if venues:
            day.venue = venues[index]
    cohort.last_day = dates[-1]
    db.session.flush()
    return cohort


def split_core(sunday: date, **overrides: Any) -> Cohort:
    """A 4-day core split 2 + 2 around ``sunday``: Thursday, Friday, Tuesday, Wednesday."""
    offsets = (-3, -2, 2, 3)
    return cohort_on([sunday + timedelta(days=n) for n in offsets], **overrides)


def ics_of(message: OutboxMessage) -> bytes:
    [attachment] = [a for a in message.attachments if a.content_type.startswith("text/calendar")]
    return attachment.content


def mail(person: User, subject: str) -> OutboxMessage:
    found = [m for m in outbox(person) if m.subject.startswith(subject)]
    assert found, f"no {subject!r} message to {person.email}"
    return found[-1]


def booking_of(person: User, cohort: Cohort) -> Booking:
    query = select(Booking).filter_by(user_id=person.id, cohort_id=cohort.id)
    return db.session.execute(query).scalar_one()


@pytest.mark.parametrize("month", [10, 3], ids=["october", "march"])
def test_a_split_core_across_a_clock_change_is_its_four_days_in_london_time(
    app: Flask, month: int
) -> None:
    cohort = split_core(next_clock_change(month))

    ics = invitation(cohort, learner(), sequence=1).content

    [master] = outlook_shape(ics, cohort, "REQUEST")
    assert expanded(ics) == expected(cohort, "CONFIRMED", 1)
    # The same wall-clock time either side of the change, so a different hour in UTC.
    utc_hours = {
        datetime.combine(d.date, d.start_time, LONDON).astimezone(UTC).hour for d in cohort.days
    }
    assert utc_hours == {8, 9}
    # The days between the halves (the weekend and the Monday) are excluded, not listed.
    excluded = sorted(_local(v).date() for e in master.contents["exdate"] for v in e.value)
    first = cohort.days[0].date
    assert excluded == [first + timedelta(days=n) for n in (2, 3, 4)]


def test_days_with_other_times_or_venues_are_overrides_of_the_series(app: Flask) -> None:
    library = make_venue(name="Y Llyfrgell", address="Heol y Frenhines\nCaerdydd")
    cohort = split_core(
        next_clock_change(10),
        times=[(time(9, 30), time(16, 30))] * 3 + [(time(10, 0), time(15, 0))],
    )
    cohort.days[2].venue = library
    db.session.flush()

    ics = invitation(cohort, learner(), sequence=2).content

    components = outlook_shape(ics, cohort, "REQUEST")
    overrides = [c for c in components if "recurrence-id" in c.contents]
    # Each override names the instance the rule would have made: that date at 09:30.
    assert sorted(_local(c.recurrence_id.value) for c in overrides) == [
        datetime.combine(cohort.days[n].date, time(9, 30), LONDON) for n in (2, 3)
    ]
    days = expanded(ics)
    assert days == expected(cohort, "CONFIRMED", 2)
    assert days[2].location == "Y Llyfrgell, Heol y Frenhines Caerdydd"
    assert (days[3].start, days[3].end) == (time(10, 0), time(15, 0))


def test_a_one_day_cohort_is_a_single_event(app: Flask) -> None:
    cohort = cohort_on([in_days(20)])

    ics = invitation(cohort, learner(), sequence=0).content

    [event] = outlook_shape(ics, cohort, "REQUEST")
    assert "rrule" not in event.contents and "exdate" not in event.contents
    assert expanded(ics) == expected(cohort, "CONFIRMED", 0)


def test_consecutive_days_need_no_exclusions(app: Flask) -> None:
    cohort = cohort_on([in_days(20 + n) for n in range(3)])

    ics = invitation(cohort, learner(), sequence=0).content

    [master] = outlook_shape(ics, cohort, "REQUEST")
    assert "exdate" not in master.contents
    assert expanded(ics) == expected(cohort, "CONFIRMED", 0)


def test_the_time_zone_written_is_europe_london_as_tzdata_has_it() -> None:
    """Read by dateutil (through vobject) from the VTIMEZONE text alone, and compared with
    the system's tzdata every half hour around each change from 1997 to 2037."""
    calendar = Calendar()
    calendar.add_component(london_timezone())
    ours = vobject.readOne(calendar.to_ical().decode()).vtimezone.gettzinfo()
    for year in range(1997, 2038):
        moments = [datetime(year, month, 15, 12, tzinfo=UTC) for month in range(1, 13)]
        for month in (3, 10):
            change = datetime.combine(last_sunday(year, month), time(0), UTC)
            moments += [change + timedelta(minutes=30 * n) for n in range(-4, 8)]
        for moment in moments:
            assert moment.astimezone(ours).utcoffset() == moment.astimezone(LONDON).utcoffset(), (
                moment
            )


# Changes, cancellations ----------------------------------------------------------------------


def test_a_changed_day_shows_on_that_day_with_a_higher_sequence(app: Flask) -> None:
    lead = trainer()
    cohort = split_core(next_clock_change(10), facilitators=[lead])
    person = learner()
    book_place(person, cohort)
    invite = ics_of(mail(person, "Booked"))
    before = expanded(invite)
    library = make_venue(name="Y Llyfrgell", address="Heol y Frenhines\nCaerdydd")
    data = cohort_input(cohort)
    data.days[2] = DayInput(data.days[2].date, time(13, 0), time(17, 0), library.id)

    update_cohort(lead, cohort, data)

    update = ics_of(mail(person, "Changed"))
    outlook_shape(update, cohort, "REQUEST")
    after = expanded(update)
    assert after == expected(cohort, "CONFIRMED", after[0].sequence)
    assert {d.sequence for d in after} == {after[0].sequence}
    assert after[0].sequence > before[0].sequence
    changed = [
        n for n, (old, new) in enumerate(zip(before, after, strict=True)) if old[:4] != new[:4]
    ]
    assert changed == [2]
    assert (after[2].start, after[2].end, after[2].location) == (
        time(13, 0),
        time(17, 0),
        "Y Llyfrgell, Heol y Frenhines Caerdydd",
    )


def test_a_moved_day_leaves_its_old_date_and_shows_on_the_new(app: Flask) -> None:
    lead = trainer()
    cohort = split_core(next_clock_change(3), facilitators=[lead])
    person = learner()
    book_place(person, cohort)
    old_date = cohort.days[3].date
    data = cohort_input(cohort)
    moved = data.days[3]
    data.days[3] = DayInput(
        old_date + timedelta(days=7), moved.start_time, moved.end_time, moved.venue_id
    )

    update_cohort(lead, cohort, data)

    update = ics_of(mail(person, "Changed"))
    outlook_shape(update, cohort, "REQUEST")
    days = expanded(update)
    assert [d.on for d in days] == [d.date for d in cohort.days]
    assert old_date not in [d.on for d in days]
    assert days[3].on == old_date + timedelta(days=7)


def test_a_learner_who_cancels_gets_one_cancel_for_every_day(app: Flask) -> None:
    library = make_venue(name="Y Llyfrgell", address="Heol y Frenhines\nCaerdydd")
    cohort = split_core(next_clock_change(10))
    cohort.days[3].venue = library  # an override the CANCEL must also remove
    person = learner()
    book_place(person, cohort)
    invite = ics_of(mail(person, "Booked"))

    cancel_booking(person, booking_of(person, cohort))

    notice = mail(person, "Cancelled")
    [attachment] = notice.attachments
    assert attachment.content_type == "text/calendar; charset=utf-8; method=CANCEL"
    [event] = outlook_shape(attachment.content, cohort, "CANCEL")
    assert "recurrence-id" not in event.contents  # the whole series, overrides and all
    assert event.uid.value == cohort_uid(cohort)
    assert event.status.value == "CANCELLED"
    assert int(event.sequence.value) > max(d.sequence for d in expanded(invite))
    # What it cancels: the series' four dates (RFC 5546: every instance of the UID).
    assert [d.on for d in expanded(attachment.content)] == [d.date for d in cohort.days]


def test_a_cancelled_cohort_is_one_cancel_and_cancelled_in_the_feeds(app: Flask) -> None:
    lead = trainer()
    cohort = split_core(next_clock_change(10), facilitators=[lead])
    person = learner()
    book_place(person, cohort)

    cancel_cohort(lead, cohort, "Trainer unwell")

    notice = ics_of(mail(person, "Cancelled"))
    [event] = outlook_shape(notice, cohort, "CANCEL")
    assert event.status.value == "CANCELLED"
    published = feed(personal_days(person), "Mine")
    outlook_shape(published, cohort, "PUBLISH")
    assert expanded(published) == expected(cohort, "CANCELLED", cohort.sequence)


def _sent_per_day_events(person: User, cohort: Cohort) -> Booking:
    """A learner booked before cohorts were one series: sent an event for each day."""
    return make_booking(cohort, person, calendar_sequence=1, calendar_per_day=True)


def test_a_learner_sent_an_event_per_day_has_them_cancelled_before_the_series(
    app: Flask,
) -> None:
    lead = trainer()
    cohort = split_core(next_clock_change(10), facilitators=[lead])
    person = learner()
    booking = _sent_per_day_events(person, cohort)
    data = cohort_input(cohort)
    data.days[1] = DayInput(data.days[1].date, time(10, 0), time(16, 0), data.days[1].venue_id)

    update_cohort(lead, cohort, data)

    replaced, changed = outbox(person)
    assert replaced.subject == f"Calendar update: {cohort.title}"
    assert "This does not cancel your place" in replaced.body
    old = ics_of(replaced)
    assert b"RDATE" not in old
    calendar = vobject.readOne(old.decode())
    assert calendar.method.value == "CANCEL"
    assert [c.uid.value for c in calendar.vevent_list] == [
        f"cohort-{cohort.id}-day-{n}@{DOMAIN}" for n in (1, 2, 3, 4)
    ]
    assert {c.status.value for c in calendar.vevent_list} == {"CANCELLED"}
    assert {int(c.sequence.value) for c in calendar.vevent_list} == {booking.calendar_sequence}
    assert changed.subject.startswith("Changed")
    outlook_shape(ics_of(changed), cohort, "REQUEST")
    assert not booking.calendar_per_day
    # Once only.
    data.days[1] = DayInput(data.days[1].date, time(11, 0), time(16, 0), data.days[1].venue_id)
    update_cohort(lead, cohort, data)
    assert [m.subject.split(":")[0] for m in outbox(person)] == [
        "Calendar update",
        "Changed",
        "Changed",
    ]


def test_a_learner_sent_an_event_per_day_who_cancels_has_them_cancelled_too(
    app: Flask,
) -> None:
    cohort = split_core(next_clock_change(3))
    person = learner()
    booking = _sent_per_day_events(person, cohort)

    cancel_booking(person, booking)

    replaced, cancelled = outbox(person)
    assert "This does not cancel your place" not in replaced.body
    assert vobject.readOne(ics_of(replaced).decode()).method.value == "CANCEL"
    [event] = outlook_shape(ics_of(cancelled), cohort, "CANCEL")
    assert event.uid.value == cohort_uid(cohort)


def test_new_bookings_get_no_per_day_cancellation(app: Flask) -> None:
    cohort = split_core(next_clock_change(10))
    person = learner()

    book_place(person, cohort)
    cancel_booking(person, booking_of(person, cohort))

    assert [m.subject.split(":")[0] for m in outbox(person)] == ["Booked", "Cancelled"]


# Who it is from and to --------------------------------------------------------------------------


def test_the_organiser_is_the_lead_facilitator_and_no_reply_is_asked_for(app: Flask) -> None:
    lead = trainer(full_name="Rhian Morgan", email="rhian.morgan@example.org")
    cohort = cohort_on([in_days(20), in_days(21)], facilitators=[lead, trainer()])
    person = learner(full_name="Alys Hughes")

    components = outlook_shape(invitation(cohort, person, 1).content, cohort, "REQUEST")

    for component in components:
        assert component.organizer.value == "mailto:rhian.morgan@example.org"
        assert component.organizer.params["CN"] == ["Rhian Morgan"]
        [attendee] = component.contents["attendee"]
        assert attendee.value == f"mailto:{person.email}"
        assert attendee.params["CN"] == ["Alys Hughes"]
        assert attendee.params["RSVP"] == ["FALSE"]
        assert attendee.params["PARTSTAT"] == ["ACCEPTED"]
        assert "Replies to this invitation are not read" in component.description.value


def test_the_organiser_setting_names_a_monitored_mailbox(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(
        app.config, "CALENDAR_ORGANIZER", "IFSS training <ifss.training@example.gov.wales>"
    )
    cohort = cohort_on([in_days(20)])

    [event] = outlook_shape(invitation(cohort, learner(), 1).content, cohort, "REQUEST")

    assert event.organizer.value == "mailto:ifss.training@example.gov.wales"
    assert event.organizer.params["CN"] == ["IFSS training"]


def test_without_a_lead_the_organiser_is_the_sending_address(app: Flask) -> None:
    cohort = cohort_on([in_days(20)], facilitators=[])

    [event] = outlook_shape(invitation(cohort, learner(), 1).content, cohort, "REQUEST")

    assert event.organizer.value == "mailto:no-reply@trainhub.invalid"


# Feeds --------------------------------------------------------------------------------------


def test_the_feeds_use_the_invitations_uid_and_ask_to_be_fetched_hourly(
    client: FlaskClient,
) -> None:
    lead = trainer()
    cohort = split_core(next_clock_change(10), facilitators=[lead])
    cohort.days[3].start_time = time(10, 0)
    person = learner()
    book_place(person, cohort)
    invite = ics_of(mail(person, "Booked"))
    token = feed_token(person)
    db.session.commit()

    public = client.get("/calendar.ics")
    private = client.get(f"/calendar/feed/{token}.ics")

    assert public.headers["Cache-Control"] == "public, max-age=900"
    assert private.headers["Cache-Control"] == "private, max-age=900"
    for response in (public, private):
        assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in response.data
        assert b"X-PUBLISHED-TTL:PT1H\r\n" in response.data
        outlook_shape(response.data, cohort, "PUBLISH")
        days = expanded(response.data)
        assert [d[:4] for d in days] == [d[:4] for d in expanded(invite)]
        assert "ATTENDEE" not in response.get_data(as_text=True)


def test_the_feeds_cost_the_same_queries_however_many_cohorts(
    client: FlaskClient, count_queries: QueryCounter
) -> None:
    lead = trainer()
    token = feed_token(lead)

    def queries_with(n: int) -> tuple[int, int]:
        for _ in range(n):
            venues = [make_venue() for _ in range(2)]
            cohort_on([in_days(20 + k) for k in (0, 1)], venues=venues, facilitators=[lead])
        db.session.commit()
        counts = []
        for address in ("/calendar.ics", f"/calendar/feed/{token}.ics"):
            before = count_queries.count
            assert client.get(address).status_code == 200
            counts.append(count_queries.count - before)
        return counts[0], counts[1]

    with_2 = queries_with(2)
    with_8 = queries_with(6)

    assert with_2 == with_8, count_queries.statements
    assert max(with_8) <= 12


# The e-mail ---------------------------------------------------------------------------------


def _parts(message: EmailMessage) -> list[str]:
    """The MIME tree as content types, children indented."""

    def walk(part: EmailMessage, depth: int) -> Iterator[str]:
        yield "  " * depth + part.get_content_type()
        if part.is_multipart():
            for child in part.iter_parts():
                yield from walk(child, depth + 1)  # type: ignore[arg-type]

    return list(walk(message, 0))


def assert_meeting_mail(message: EmailMessage, ics: bytes, method: str, filename: str) -> None:
    assert _parts(message) == [
        "multipart/mixed",
        "  multipart/alternative",
        "    text/plain",
        "    text/html",
        "    text/calendar",
        "  application/ics",
    ]
    alternative, attachment = message.iter_parts()
    plain, html, calendar = alternative.iter_parts()  # type: ignore[attr-defined]
    assert calendar.get_param("method") == method
    assert calendar.get_content_charset() == "utf-8"
    assert not calendar.is_attachment()
    assert calendar.get_payload(decode=True) == ics  # byte for byte, CRLF line ends and all
    assert attachment.is_attachment() and attachment.get_filename() == filename
    assert attachment.get_content() == ics
    assert plain.get_content().startswith("Hello ")
    text = html.get_content()
    assert "<p>Hello " in text


def test_an_invitation_is_a_meeting_in_the_mail_with_the_file_for_other_programs(
    app: Flask,
) -> None:
    cohort = split_core(next_clock_change(10), title="Core <autumn> & more")
    person = learner()
    book_place(person, cohort)
    message = mail(person, "Booked")

    email = build_email(message)

    assert_meeting_mail(email, ics_of(message), "REQUEST", "invite.ics")
    html = next(p for p in email.walk() if p.get_content_type() == "text/html").get_content()
    assert "Core &lt;autumn&gt; &amp; more" in html and "<autumn>" not in html
    link = f"https://{DOMAIN}/cohorts/{cohort.id}"
    assert f'<a href="{link}">{link}</a>' in html


def test_a_cancellation_is_a_cancel_in_the_mail(app: Flask) -> None:
    cohort = split_core(next_clock_change(3))
    person = learner()
    book_place(person, cohort)
    cancel_booking(person, booking_of(person, cohort))
    message = mail(person, "Cancelled")

    assert_meeting_mail(build_email(message), ics_of(message), "CANCEL", "cancel.ics")


class Received:
    """An aiosmtpd handler keeping what the server accepted."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope.original_content)
        return "250 OK"


@pytest.fixture
def smtp_server(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Received]:
    """A real SMTP server (aiosmtpd) on a free local port, no TLS, no authentication."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    received = Received()
    controller = Controller(received, hostname="127.0.0.1", port=port)
    controller.start()
    for name, value in {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": port,
        "SMTP_SSL": False,
        "SMTP_STARTTLS": False,
        "SMTP_USERNAME": None,
    }.items():
        monkeypatch.setitem(app.config, name, value)
    yield received
    controller.stop()


def test_an_invitation_survives_a_real_smtp_server(smtp_server: Received) -> None:
    cohort = split_core(next_clock_change(10))
    cohort.days[3].start_time = time(10, 0)
    person = learner(full_name="Siân Ŵyn")
    book_place(person, cohort)
    db.session.commit()
    message = mail(person, "Booked")
    ics = ics_of(message)

    report = deliver_due()

    assert (report.sent, report.failed) == (1, 0)
    [raw] = smtp_server.messages
    received = message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(received, EmailMessage)
    assert received["To"] == person.email
    assert_meeting_mail(received, ics, "REQUEST", "invite.ics")
    calendar = next(p for p in received.walk() if p.get_content_type() == "text/calendar")
    sent = calendar.get_content().encode()
    assert "Siân Ŵyn" in calendar.get_content()
    outlook_shape(sent, cohort, "REQUEST")
    assert expanded(sent) == expected(
        cohort, "CONFIRMED", booking_of(person, cohort).calendar_sequence
    )


# Any set of days ------------------------------------------------------------------------------


def _transient_cohort(first: date, slots: list[tuple[int, time, int, int]]) -> Cohort:
    """A cohort built in memory (nothing written): ``slots`` are (days after ``first``,
    start, hours, venue 0 or 1)."""
    venues = [
        Venue(id=9001, name="Canolfan", address="1 Heol y Dwr\nBarry", capacity=20),
        Venue(id=9002, name="Y Llyfrgell", address="Heol y Frenhines\nCaerdydd", capacity=20),
    ]
    cohort = Cohort(id=9000, title="Any days", status="published", sequence=3)
    cohort.course = Course(title="Any course", code="ANY", duration_days=len(slots))
    cohort.facilitators = []
    cohort.days = [
        CohortDay(
            day_number=n + 1,
            date=first + timedelta(days=offset),
            start_time=start,
            end_time=time(start.hour + hours, start.minute),
            venue=venues[venue],
            venue_id=venues[venue].id,
        )
        for n, (offset, start, hours, venue) in enumerate(slots)
    ]
    return cohort


@st.composite
def day_sets(draw: st.DrawFn) -> tuple[date, list[tuple[int, time, int, int]]]:
    first = draw(st.dates(date(2026, 1, 1), date(2029, 12, 31)))
    later = sorted(draw(st.sets(st.integers(1, 60), max_size=7)))
    slot = st.tuples(
        st.sampled_from([time(9, 0), time(9, 30), time(13, 0)]),
        st.sampled_from([3, 7]),
        st.sampled_from([0, 1]),
    )
    return first, [(offset, *draw(slot)) for offset in [0, *later]]


@pytest.mark.once
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(days=day_sets())
def test_any_set_of_days_expands_to_exactly_those_days(
    app: Flask, days: tuple[date, list[tuple[int, time, int, int]]]
) -> None:
    cohort = _transient_cohort(*days)
    person = User(id=9003, email="any@example.org", full_name="Any Learner")

    for ics, method, status in (
        (invitation(cohort, person, 3).content, "REQUEST", "CONFIRMED"),
        (feed(cohort.days, "Any"), "PUBLISH", "CONFIRMED"),
    ):
        components = outlook_shape(ics, cohort, method)
        first = cohort.days[0]
        differing = [
            d
            for d in cohort.days[1:]
            if (d.start_time, d.end_time, d.venue_id)
            != (first.start_time, first.end_time, first.venue_id)
        ]
        assert len(components) == 1 + len(differing)
        assert expanded(ics) == expected(cohort, status, 3)
