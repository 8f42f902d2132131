"""iCalendar invitations and feeds: one recurring event per cohort, with a stable UID.

A cohort is one VEVENT series (UID ``cohort-<id>@<domain>``): DTSTART and DTEND in
Europe/London, ``RRULE:FREQ=DAILY;UNTIL=<last day>``, an EXDATE for every date in between
that is not a cohort day, and a RECURRENCE-ID override for each day whose times or venue
differ from the first day's. The shape Outlook, Google Calendar and Apple Calendar all
import whole (several UIDs in one invitation: Outlook takes the first; RDATE without RRULE:
Outlook ignores the event). Invitations and both feeds use the same UID, so a day is never
shown twice, and a learner's cancellation is one CANCEL of the whole series.

An online or hybrid day's LOCATION names its platform (and its venue, when hybrid). Only
invitations, which go to the learner booked, carry the meeting link (URL, and in the
description with the dial-in); the feeds, public or personal, never do: they say
"Online (Microsoft Teams)" and link to the cohort's page, which shows the link to those
booked from the cohort's set time before the day.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vDuration,
    vText,
)
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased, selectinload

from trainhub.auth.models import User
from trainhub.bilingual import ENGLISH
from trainhub.courses.models import (
    LOCAL_TIME,
    REGISTER_STATUSES,
    Booking,
    CalendarFeed,
    Cohort,
    CohortDay,
    CohortFacilitator,
    local_today,
)
from trainhub.extensions import db, utcnow
from trainhub.mail.services import Attachment, external_url
from trainhub.spreadsheets import csv_text

#: How far back feeds reach, so a subscription does not grow for ever.
FEED_HISTORY = timedelta(days=180)
#: How often a subscribed calendar should fetch a feed again (REFRESH-INTERVAL, and
#: X-PUBLISHED-TTL for Outlook); the public feed's HTTP cache is shorter, so a change is in
#: every subscriber's calendar within about an hour and a quarter.
FEED_REFRESH = timedelta(hours=1)
PRODID = "-//trainhub//IFSS training//EN"
TZID = "Europe/London"


def _domain() -> str:
    return urlsplit(str(current_app.config["BASE_URL"])).hostname or "trainhub.invalid"


def cohort_uid(cohort: Cohort) -> str:
    """Stable for the life of the cohort: any change to its days updates the same series."""
    return f"cohort-{cohort.id}@{_domain()}"


def london_timezone() -> Timezone:
    """Europe/London as yearly rules (since 1996: the last Sundays of March and October).

    icalendar's ``Timezone.from_tzid`` lists each change as an RDATE; Outlook builds its time
    zone from TZID, DTSTART, RRULE, TZOFFSETFROM and TZOFFSETTO only ([MS-STANOICAL] 2.2.47),
    so the rule form is the one every client reads. The tests compare it with tzdata.
    """
    timezone = Timezone()
    timezone.add("tzid", TZID)
    # An observance starts in local time, without a zone (RFC 5545 3.6.5).
    summer = TimezoneDaylight()
    summer.add("dtstart", datetime(1996, 3, 31, 1, 0))  # noqa: DTZ001
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1SU"})
    summer.add("tzoffsetfrom", timedelta(0))
    summer.add("tzoffsetto", timedelta(hours=1))
    summer.add("tzname", "BST")
    winter = TimezoneStandard()
    winter.add("dtstart", datetime(1996, 10, 27, 2, 0))  # noqa: DTZ001
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1SU"})
    winter.add("tzoffsetfrom", timedelta(hours=1))
    winter.add("tzoffsetto", timedelta(0))
    winter.add("tzname", "GMT")
    timezone.add_component(summer)
    timezone.add_component(winter)
    return timezone


def online_place(day: CohortDay) -> str:
    """ "Online (Microsoft Teams)": where an online day is, without its link."""
    return _("Online (%(platform)s)", platform=day.platform or _("online meeting"))


def place(day: CohortDay, address: bool = False) -> str:
    """Where the day is: its venue (with its address), its platform, or both; never the
    meeting link."""
    found = []
    if day.venue is not None:
        venue = day.venue.shown_name
        if address and day.venue.address.strip():
            venue += ", " + " ".join(day.venue.address.split())
        found.append(venue)
    if day.is_online:
        found.append(online_place(day))
    return (
        _("%(venue)s and %(online)s", venue=found[0], online=found[1])
        if len(found) == 2
        else "".join(found)
    )


def joining(day: CohortDay) -> list[str]:
    """The meeting link and dial-in of an online or hybrid day, for those booked."""
    if not day.is_online:
        return []
    lines = [_("Join online: %(url)s", url=day.meeting_url)]
    if day.dial_in_phone:
        lines.append(
            _(
                "Dial in: %(phone)s, conference ID %(code)s",
                phone=day.dial_in_phone,
                code=day.dial_in_code,
            )
            if day.dial_in_code
            else _("Dial in: %(phone)s", phone=day.dial_in_phone)
        )
    return lines


def _schedule(cohort: Cohort) -> list[str]:
    """Every day of the cohort, one a line: the series' title does not number the days."""
    return [
        f"{_('Day %(n)d', n=day.day_number)}: {format_date(day.date, 'EEEE d MMMM yyyy')}, "
        f"{day.start_time:%H:%M}\u2013{day.end_time:%H:%M}, {place(day)}"
        for day in _days(cohort)
    ]


def _description(cohort: Cohort, invited: bool) -> str:
    lines = [cohort.course.shown_title]
    for facilitator in cohort.facilitators:
        role = _("Lead facilitator") if facilitator.role == "lead" else _("Co-facilitator")
        title = f", {facilitator.professional_title}" if facilitator.professional_title else ""
        lines.append(f"{role}: {facilitator.user.full_name}{title}")
    if len(cohort.days) > 1:
        lines += ["", *_schedule(cohort), ""]
    lines.append(external_url("courses.cohort_detail", cohort_id=cohort.id))
    if invited:
        lines.append(
            _(
                "Replies to this invitation are not read: if you can no longer come, cancel "
                "your place from “My bookings”."
            )
        )
    return "\n".join(lines)


def organizer(cohort: Cohort) -> vCalAddress:
    """Who invitations come from: the CALENDAR_ORGANIZER mailbox, else the lead facilitator,
    else (no lead) MAIL_FROM. Never only the no-reply address when a person can be named."""
    name, address = parseaddr(str(current_app.config.get("CALENDAR_ORGANIZER") or ""))
    if "@" not in address:
        lead = next((f.user for f in cohort.facilitators if f.role == "lead"), None)
        if lead is not None:
            name, address = lead.full_name, lead.email
        else:
            name, address = parseaddr(str(current_app.config["MAIL_FROM"]))
    found = vCalAddress(f"mailto:{address}")
    if name:
        found.params["CN"] = name
    return found


def _attendee(person: User) -> vCalAddress:
    """The learner, who booked the place themselves (ACCEPTED); replies are not processed,
    so none is asked for (RSVP=FALSE): cancelling is done in trainhub."""
    found = vCalAddress(f"mailto:{person.email}")
    found.params["CN"] = person.full_name
    found.params["CUTYPE"] = "INDIVIDUAL"
    found.params["ROLE"] = "REQ-PARTICIPANT"
    found.params["PARTSTAT"] = "ACCEPTED"
    found.params["RSVP"] = "FALSE"
    return found


def _days(cohort: Cohort) -> list[CohortDay]:
    """The cohort's days in date order (scheduling gives each its own date, in order)."""
    return sorted(cohort.days, key=lambda day: (day.date, day.start_time))


def _occurrence(on: date, first: CohortDay) -> datetime:
    """Where the series' rule puts its instance on ``on``: the first day's start time."""
    return datetime.combine(on, first.start_time, LOCAL_TIME)


def _where(day: CohortDay) -> tuple[object, ...]:
    return (
        day.venue_id,
        day.mode,
        day.platform,
        day.meeting_url,
        day.dial_in_phone,
        day.dial_in_code,
    )


def _differs(day: CohortDay, first: CohortDay) -> bool:
    return (day.start_time, day.end_time, _where(day)) != (
        first.start_time,
        first.end_time,
        _where(first),
    )


def _event(
    day: CohortDay, sequence: int, cancelled: bool, attendee: User | None, description: str
) -> Event:
    cohort = day.cohort
    event = Event()
    event.add("uid", cohort_uid(cohort))
    event.add("dtstamp", utcnow())
    event.add("dtstart", day.starts_at)
    event.add("dtend", day.ends_at)
    event.add("summary", cohort.shown_title)
    event.add("location", vText(place(day, address=True)))
    # The link and dial-in go only to the learner invited, never into a feed.
    joins = joining(day) if attendee is not None else []
    event.add("description", "\n".join([*joins, ""]) + description if joins else description)
    event.add("sequence", sequence)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    if joins:
        event.add("url", day.meeting_url)
    else:
        event.add("url", external_url("courses.cohort_detail", cohort_id=cohort.id))
    if attendee is not None:
        event.add("organizer", organizer(cohort))
        event.add("attendee", _attendee(attendee))
    return event


def series(
    cohort: Cohort,
    sequence: int,
    cancelled: bool = False,
    attendee: User | None = None,
    with_overrides: bool = True,
) -> list[Event]:
    """The cohort as one recurring VEVENT and its overrides (none for a one-day cohort).

    The master runs daily from the first day to the last, at the first day's times and
    venue; EXDATE removes the dates between that are not cohort days; each day whose times
    or venue differ is a VEVENT with the same UID and a RECURRENCE-ID (never RDATE).
    """
    days = _days(cohort)
    if not days:
        return []
    first, last = days[0], days[-1]
    description = _description(cohort, invited=attendee is not None)
    master = _event(first, sequence, cancelled, attendee, description)
    if len(days) > 1:
        # With a TZID'd DTSTART, UNTIL must be UTC (RFC 5545 3.3.10): the last instance's start.
        master.add(
            "rrule", {"freq": "daily", "until": _occurrence(last.date, first).astimezone(UTC)}
        )
        held = {day.date for day in days}
        for offset in range(1, (last.date - first.date).days):
            on = first.date + timedelta(days=offset)
            if on not in held:
                master.add("exdate", _occurrence(on, first))
    found = [master]
    if with_overrides:
        for day in days[1:]:
            if _differs(day, first):
                override = _event(day, sequence, cancelled, attendee, description)
                override.add("recurrence-id", _occurrence(day.date, first))
                found.append(override)
    return found


def _calendar(method: str, name: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", TZID)
        calendar.add("refresh-interval", vDuration(FEED_REFRESH), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(FEED_REFRESH))
    return calendar


def _with_timezone(calendar: Calendar, events: Iterable[Event]) -> bytes:
    """The calendar with its VTIMEZONE first (when any event has times) and then ``events``."""
    events = list(events)
    if events:
        calendar.add_component(london_timezone())
    for event in events:
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def invitation(cohort: Cohort, attendee: User, sequence: int, cancel: bool = False) -> Attachment:
    """METHOD:REQUEST of the cohort's series, or one METHOD:CANCEL of the whole series (its
    UID without a RECURRENCE-ID cancels every day, overrides included: RFC 5546 3.2.5)."""
    method = "CANCEL" if cancel else "REQUEST"
    # In the attendee's language, as the message it goes with (trainhub.mail).
    with force_locale(attendee.preferred_language or ENGLISH):
        events = series(cohort, sequence, cancel, attendee, with_overrides=not cancel)
    return Attachment(
        filename="cancel.ics" if cancel else "invite.ics",
        content_type=f"text/calendar; charset=utf-8; method={method}",
        content=_with_timezone(_calendar(method), events),
    )


def per_day_uid(day: CohortDay) -> str:
    """The UID each day had before cohorts became one series (``per_day_cancellation``)."""
    return f"cohort-{day.cohort_id}-day-{day.day_number}@{_domain()}"


def per_day_cancellation(cohort: Cohort, attendee: User, sequence: int) -> Attachment:
    """METHOD:CANCEL of the events a learner was sent for each day, one VEVENT per old UID:
    Outlook, which took only the first of them, cancels that one; other programs all."""
    events = []
    with force_locale(attendee.preferred_language or ENGLISH):
        for day in _days(cohort):
            event = _event(day, sequence, True, attendee, _description(cohort, invited=True))
            event["UID"] = per_day_uid(day)
            events.append(event)
    return Attachment(
        filename="cancel.ics",
        content_type="text/calendar; charset=utf-8; method=CANCEL",
        content=_with_timezone(_calendar("CANCEL"), events),
    )


def feed(days: Iterable[CohortDay], name: str, language: str = ENGLISH) -> bytes:
    """A published iCalendar of the cohorts of ``days`` (cancelled ones marked so), each as
    its whole series, for a subscribed feed; its events in ``language`` (a person's feed in
    theirs; the public one, the same for everyone, in English)."""
    cohorts: dict[int, Cohort] = {}
    for day in days:
        cohorts.setdefault(day.cohort_id, day.cohort)
    with force_locale(language):
        events = [
            event
            for cohort in cohorts.values()
            for event in series(cohort, cohort.sequence, cohort.status == "cancelled")
        ]
    return _with_timezone(_calendar("PUBLISH", name), events)


def _day_options() -> tuple[Any, ...]:
    return (
        selectinload(CohortDay.venue),
        selectinload(CohortDay.cohort).options(
            selectinload(Cohort.course),
            selectinload(Cohort.days).selectinload(CohortDay.venue),
            selectinload(Cohort.facilitators).selectinload(CohortFacilitator.user),
        ),
    )


def public_days(today: date | None = None) -> list[CohortDay]:
    """Days of published open cohorts, from a while ago onward (R16); never a cohort
    recorded from records (it was never offered)."""
    since = (today or local_today()) - FEED_HISTORY
    query = (
        select(CohortDay)
        .join(Cohort)
        .where(
            Cohort.status.in_(("published", "completed")),
            Cohort.partner_organisation_id.is_(None),
            Cohort.recorded.is_(False),
            CohortDay.date >= since,
        )
        .order_by(CohortDay.date, CohortDay.start_time)
        .options(*_day_options())
    )
    return list(db.session.execute(query).scalars())


def personal_days(user: User, today: date | None = None) -> list[CohortDay]:
    """Days the person is booked on, and days they facilitate; cancellations stay as such.
    A cohort recorded from records is in no calendar: nobody was sent an invitation for it."""
    since = (today or local_today()) - FEED_HISTORY
    ended = aliased(Cohort)
    booked = (
        select(Booking.cohort_id)
        .join(ended, ended.id == Booking.cohort_id)
        .where(
            Booking.user_id == user.id,
            or_(
                Booking.status.in_(REGISTER_STATUSES),
                # Shown as cancelled to those who were sent an invitation for it.
                and_(
                    Booking.cancel_reason == "cohort",
                    ended.status == "cancelled",
                    Booking.calendar_sequence > 0,
                ),
            ),
        )
    )
    facilitated = select(CohortFacilitator.cohort_id).where(CohortFacilitator.user_id == user.id)
    query = (
        select(CohortDay)
        .join(Cohort)
        .where(
            CohortDay.date >= since,
            Cohort.status != "draft",
            Cohort.recorded.is_(False),
            or_(Cohort.id.in_(booked), Cohort.id.in_(facilitated)),
        )
        .order_by(CohortDay.date, CohortDay.start_time)
        .options(*_day_options())
    )
    return list(db.session.execute(query).scalars())


def feed_token(user: User) -> str:
    """The person's feed secret, made on first use."""
    row = db.session.get(CalendarFeed, user.id)
    if row is None:
        row = CalendarFeed(user_id=user.id, token=secrets.token_urlsafe(32))
        db.session.add(row)
        db.session.flush()
    return row.token


def reset_feed_token(user: User) -> str:
    """A new secret: the old address stops working at once."""
    row = db.session.get(CalendarFeed, user.id)
    if row is None:
        return feed_token(user)
    row.token = secrets.token_urlsafe(32)
    row.created_at = utcnow()
    return row.token


def user_for_feed_token(token: str) -> User | None:
    """The active user whose private calendar feed has this token, or None."""
    if not token or len(token) > 64 or not all(c.isalnum() or c in "-_" for c in token):
        return None
    query = (
        select(User)
        .join(CalendarFeed, CalendarFeed.user_id == User.id)
        .where(CalendarFeed.token == token, User.active.is_(True))
    )
    return db.session.execute(query).scalar_one_or_none()


#: The public calendar's CSV columns, one row per cohort day (R16).
CSV_COLUMNS = (
    "cohort_id",
    "course_code",
    "course",
    "cohort",
    "day",
    "date",
    "start",
    "end",
    "venue",
    "address",
    "language",
    "status",
    "mode",
)


def _csv_row(day: CohortDay) -> list[object]:
    """One cohort day as a row of ``CSV_COLUMNS``."""
    cohort = day.cohort
    return [
        cohort.id,
        cohort.course.code,
        cohort.course.title,
        cohort.title,
        day.day_number,
        day.date.isoformat(),
        day.start_time.strftime("%H:%M"),
        day.end_time.strftime("%H:%M"),
        day.venue.name if day.venue is not None else online_place(day),
        " ".join(day.venue.address.split()) if day.venue is not None else "",
        cohort.delivery_language,
        cohort.status,
        day.mode,
    ]


def calendar_csv(days: Iterable[CohortDay]) -> str:
    """The training calendar for spreadsheets, formula-safe (``spreadsheets.csv_text``)."""
    return csv_text(CSV_COLUMNS, (_csv_row(day) for day in days))
