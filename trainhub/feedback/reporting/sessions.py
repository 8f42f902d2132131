"""Counted apart from the courses (R14, R18): the follow-up and booster sessions held in the
period, with their attendances, and the events (briefings, conferences, peer forums,
drop-ins) delivered, with their places and attendees. Neither counts in the course figures,
completions or the five-year view (``periods.in_period`` is courses only)."""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, distinct, func, select

from trainhub.courses.models import (
    ATTENDED,
    REGISTER_STATUSES,
    Booking,
    Cohort,
    CohortAttendee,
    Course,
    FollowUpAttendance,
    FollowUpSession,
)
from trainhub.feedback.reporting._sql import rows
from trainhub.feedback.reporting.periods import DELIVERED_STATUSES
from trainhub.feedback.reporting.tables import Column, Table
from trainhub.financial_years import Period

#: The same words as the course form's event types.
EVENT_LABELS = {
    "briefing": _l("Briefing"),
    "conference": _l("Conference"),
    "peer_forum": _l("Peer forum"),
    "drop_in": _l("Awareness or drop-in session"),
}


class FollowUpFigures(TypedDict):
    course: str
    #: Sessions of the period (by their own date) held by the as-at date.
    sessions: int
    #: Marks of present, late or left early on their registers.
    attendances: int
    #: Each person once per course.
    people: int


class EventFigures(TypedDict):
    event_type: str
    events: int
    places_offered: int
    places_filled: int
    #: People who came to at least one of the events (summed over the events).
    attendees: int


def follow_ups(period: Period, as_at: dt.date) -> list[FollowUpFigures]:
    """Follow-up sessions held in the period by ``as_at``, by course (one statement). A
    session counts in the period of its own date: boosters often come months later."""
    attended = and_(
        FollowUpAttendance.session_id == FollowUpSession.id,
        FollowUpAttendance.status.in_(ATTENDED),
    )
    found = rows(
        select(
            Course.title,
            func.count(distinct(FollowUpSession.id)),
            func.count(FollowUpAttendance.id),
            func.count(distinct(FollowUpAttendance.user_id)),
        )
        .select_from(FollowUpSession)
        .join(Cohort, Cohort.id == FollowUpSession.cohort_id)
        .join(Course, Course.id == Cohort.course_id)
        .outerjoin(FollowUpAttendance, attended)
        .where(
            Cohort.status.in_(DELIVERED_STATUSES),
            FollowUpSession.date >= period.start,
            FollowUpSession.date <= min(period.end, as_at),
        )
        .group_by(Course.id, Course.title)
        .order_by(Course.title, Course.id)
    )
    return [
        {"course": title, "sessions": int(n), "attendances": int(marks), "people": int(people)}
        for title, n, marks, people in found
    ]


def events(period: Period, as_at: dt.date) -> list[EventFigures]:
    """Events delivered in the period (by their first day, ended by ``as_at``), by type, in
    one statement: the same rule as a course's cohorts, for cohorts that are events."""
    done = and_(
        Cohort.kind == "event",
        Cohort.status.in_(DELIVERED_STATUSES),
        Cohort.first_day >= period.start,
        Cohort.first_day <= period.end,
        Cohort.last_day <= as_at,
    )
    filled = (
        select(Booking.cohort_id, func.count().label("filled"))
        .where(Booking.status.in_(REGISTER_STATUSES))
        .group_by(Booking.cohort_id)
        .subquery()
    )
    came = (
        select(CohortAttendee.cohort_id, func.count().label("came"))
        .group_by(CohortAttendee.cohort_id)
        .subquery()
    )
    found = rows(
        select(
            Course.event_type,
            func.count(Cohort.id),
            func.sum(Cohort.capacity),
            func.sum(func.coalesce(filled.c.filled, 0)),
            func.sum(func.coalesce(came.c.came, 0)),
        )
        .select_from(Cohort)
        .join(Course, Course.id == Cohort.course_id)
        .outerjoin(filled, filled.c.cohort_id == Cohort.id)
        .outerjoin(came, came.c.cohort_id == Cohort.id)
        .where(done)
        .group_by(Course.event_type)
        .order_by(Course.event_type)
    )
    return [
        {
            "event_type": kind,
            "events": int(n),
            "places_offered": int(places or 0),
            "places_filled": int(taken or 0),
            "attendees": int(people or 0),
        }
        for kind, n, places, taken, people in found
    ]


def follow_up_table(figures: list[FollowUpFigures]) -> Table:
    """Follow-up and booster sessions held, by course, apart from the course figures."""
    return Table(
        "follow_ups",
        "how_much",
        _("Follow-up and booster sessions"),
        [
            Column("course", _("Course"), "text"),
            Column("sessions", _("Sessions held")),
            Column("attendances", _("Attendances")),
            Column("people", _("People")),
        ],
        [[f["course"], f["sessions"], f["attendances"], f["people"]] for f in figures],
        empty=_("No follow-up sessions held in this period."),
        total=[
            _("Total"),
            sum(f["sessions"] for f in figures),
            sum(f["attendances"] for f in figures),
            sum(f["people"] for f in figures),
        ]
        if figures
        else None,
        note=_(
            "Sessions linked to a cohort, counted by their own date. They are not training "
            "days of the course and do not count toward completion."
        ),
    )


def event_table(figures: list[EventFigures]) -> Table:
    """Events delivered, by type, apart from the course figures."""
    return Table(
        "events",
        "how_much",
        _("Events: briefings, conferences, forums and drop-ins"),
        [
            Column("event_type", _("Type of event"), "text"),
            Column("events", _("Events held")),
            Column("places_offered", _("Places offered")),
            Column("places_filled", _("Places filled")),
            Column("attendees", _("Attendees")),
        ],
        [
            [
                str(EVENT_LABELS.get(e["event_type"], e["event_type"])),
                e["events"],
                e["places_offered"],
                e["places_filled"],
                e["attendees"],
            ]
            for e in figures
        ],
        empty=_("No events held in this period."),
        total=[
            _("Total"),
            sum(e["events"] for e in figures),
            sum(e["places_offered"] for e in figures),
            sum(e["places_filled"] for e in figures),
            sum(e["attendees"] for e in figures),
        ]
        if figures
        else None,
        note=_("Events have no completion or certificates: they are not in the course figures."),
    )
