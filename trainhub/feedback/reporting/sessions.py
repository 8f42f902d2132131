"""Counted apart from the courses (R14, R18): the follow-up and booster sessions held in the
period, with their attendances, and the events (briefings, conferences, peer forums,
drop-ins) delivered, with their places and attendees. Neither counts in the course figures,
completions or the five-year view (``periods.in_period`` is courses only)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, TypedDict

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, Row, Select, String, and_, distinct, func, select
from sqlalchemy.types import TypeEngine

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
from trainhub.feedback.reporting._sql import tagged_union
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


class Apart(TypedDict):
    follow_ups: list[FollowUpFigures]
    events: list[EventFigures]


#: The columns of the parts (``_sql.tagged_union``), besides those of ``outcomes.SLOTS``
#: whose names and types they share ("title", "n", "n2"): ``figures.compute`` reads both
#: sections in one statement.
SLOTS: dict[str, TypeEngine[Any]] = {
    "title": String(),
    "n": Integer(),
    "n2": Integer(),
    "n3": Integer(),
    "n4": Integer(),
}


def apart_parts(period: Period, as_at: dt.date) -> dict[str, Select[*tuple[Any, ...]]]:
    """Two parts for ``tagged_union``:

    - ``follow_ups``: follow-up sessions held in the period by ``as_at``, by course (title;
      sessions, attendances, people). A session counts in the period of its own date:
      boosters often come months after the cohort.
    - ``events``: events delivered in the period (by their first day, ended by ``as_at``),
      by type (title; events, places offered, places filled, attendees): the same rule as a
      course's cohorts, for cohorts that are events.
    """
    attended = and_(
        FollowUpAttendance.session_id == FollowUpSession.id,
        FollowUpAttendance.status.in_(ATTENDED),
    )
    sessions = (
        select(
            Course.title.label("title"),
            func.count(distinct(FollowUpSession.id)).label("n"),
            func.count(FollowUpAttendance.id).label("n2"),
            func.count(distinct(FollowUpAttendance.user_id)).label("n3"),
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
    events = (
        select(
            Course.event_type.label("title"),
            func.count(Cohort.id).label("n"),
            func.sum(Cohort.capacity).label("n2"),
            func.sum(func.coalesce(filled.c.filled, 0)).label("n3"),
            func.sum(func.coalesce(came.c.came, 0)).label("n4"),
        )
        .select_from(Cohort)
        .join(Course, Course.id == Cohort.course_id)
        .outerjoin(filled, filled.c.cohort_id == Cohort.id)
        .outerjoin(came, came.c.cohort_id == Cohort.id)
        .where(
            Cohort.kind == "event",
            Cohort.status.in_(DELIVERED_STATUSES),
            Cohort.first_day >= period.start,
            Cohort.first_day <= period.end,
            Cohort.last_day <= as_at,
        )
        .group_by(Course.event_type)
    )
    return {"follow_ups": sessions, "events": events}


def read_apart(found: Mapping[str, list[Row[Any]]]) -> Apart:
    """The figures from the rows of :func:`apart_parts`, by course title and event type."""
    return {
        "follow_ups": [
            {
                "course": r.title,
                "sessions": int(r.n or 0),
                "attendances": int(r.n2 or 0),
                "people": int(r.n3 or 0),
            }
            for r in sorted(found["follow_ups"], key=lambda r: (r.title.casefold(), r.title))
        ],
        "events": [
            {
                "event_type": r.title,
                "events": int(r.n or 0),
                "places_offered": int(r.n2 or 0),
                "places_filled": int(r.n3 or 0),
                "attendees": int(r.n4 or 0),
            }
            for r in sorted(found["events"], key=lambda r: r.title)
        ],
    }


def apart(period: Period, as_at: dt.date) -> Apart:
    """Follow-up sessions and events of the period, in one statement."""
    return read_apart(tagged_union(SLOTS, apart_parts(period, as_at)))


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
