"""How much did we do: cohorts, training days, places and people, by course and in total
(R36), and the sentence the 2016-17 report opened its training section with."""

from __future__ import annotations

import datetime as dt
from typing import NotRequired, TypedDict

from flask_babel import gettext as _
from flask_babel import ngettext, pgettext
from sqlalchemy import ColumnElement, and_, case, distinct, func, select

from trainhub.courses.models import (
    ATTENDED,
    Attendance,
    Booking,
    Cohort,
    CohortDay,
    Completion,
    Course,
    local_today,
)
from trainhub.feedback.reporting._sql import rate, rows
from trainhub.feedback.reporting.periods import FILLED_STATUSES, in_period
from trainhub.feedback.reporting.tables import Column, Table
from trainhub.financial_years import Period


class Totals(TypedDict):
    cohorts: int
    days: int
    places_offered: int
    places_filled: int
    completions: int
    no_shows: int
    late_cancellations: int
    #: The sum of the courses' attendees: someone on two courses counts once for each.
    attendees: int
    completion_rate: float | None
    #: Each person once, however many courses they came on.
    people: NotRequired[int]


class CourseFigures(TypedDict):
    code: str
    course: str
    duration_days: int
    cohorts: int
    days: int
    places_offered: int
    places_filled: int
    #: People who attended at least one day of the course's delivered cohorts.
    attendees: int
    #: Those of the attendees whose completion of the course came from one of these cohorts.
    completions: int
    completion_rate: float | None
    no_shows: int
    late_cancellations: int


class Scheduled(TypedDict):
    """A course's cohorts of the period still to finish on the as-at date."""

    code: str
    course: str
    duration_days: int
    cohorts: int
    places_offered: int


class Delivery(TypedDict):
    courses: list[CourseFigures]
    totals: Totals
    scheduled: NotRequired[list[Scheduled]]


def as_at_date(period: Period, today: dt.date | None = None) -> dt.date:
    """The day that decides what was delivered: today (a cohort's last day on or before it).

    For a past year that is every cohort counted in it (by its first day) that has ended, a
    cohort running over 31 March too once its last day has passed: its year's end would leave
    it scheduled for ever.
    """
    return today or local_today()


def delivered(period: Period, as_at: dt.date) -> ColumnElement[bool]:
    """The period's cohorts delivered by ``as_at``: their last day is on or before it."""
    return and_(in_period(period), Cohort.last_day <= as_at)


def delivery(period: Period, as_at: dt.date | None = None) -> Delivery:
    """How much: cohorts, days, places and people by course, with totals (one statement).

    Only delivered cohorts count (their last day on or before ``as_at``, by default
    :func:`as_at_date`); the period's others are "scheduled". A course's attendees are the
    people who attended a day of its delivered cohorts, and its completions those of them
    whose completion came from one of these cohorts: so completed never exceeds attendees.
    """
    as_at = as_at or as_at_date(period)
    done = delivered(period, as_at)
    cohorts = select(Cohort.id).where(done)
    still_to_come = Cohort.last_day > as_at
    offered = (
        select(
            Cohort.course_id,
            func.count(case((still_to_come, None), else_=Cohort.id)).label("cohorts"),
            func.sum(case((still_to_come, 0), else_=Cohort.capacity)).label("places"),
            func.count(case((still_to_come, Cohort.id))).label("scheduled"),
            func.sum(case((still_to_come, Cohort.capacity), else_=0)).label("scheduled_places"),
        )
        .where(in_period(period))
        .group_by(Cohort.course_id)
        .subquery()
    )
    days = (
        select(Cohort.course_id, func.count(CohortDay.id).label("days"))
        .join(CohortDay, CohortDay.cohort_id == Cohort.id)
        .where(done)
        .group_by(Cohort.course_id)
        .subquery()
    )
    # Added up per cohort first, in the order of the bookings' index, then per course.
    per_cohort = (
        select(
            Booking.cohort_id,
            func.sum(case((Booking.status.in_(FILLED_STATUSES), 1), else_=0)).label("filled"),
            func.sum(case((Booking.status == "no_show", 1), else_=0)).label("no_shows"),
            func.sum(
                case((and_(Booking.status == "cancelled", Booking.late_cancellation), 1), else_=0)
            ).label("late"),
        )
        .where(Booking.cohort_id.in_(cohorts))
        .group_by(Booking.cohort_id)
        .subquery()
    )
    bookings = (
        select(
            Cohort.course_id,
            func.sum(per_cohort.c.filled).label("filled"),
            func.sum(per_cohort.c.no_shows).label("no_shows"),
            func.sum(per_cohort.c.late).label("late"),
        )
        .join(per_cohort, per_cohort.c.cohort_id == Cohort.id)
        .group_by(Cohort.course_id)
        .subquery()
    )
    # Each attendee once per course (the user first: SQLite then reads the period's cohorts
    # by date, not every cohort in course order).
    attended = (
        select(Attendance.user_id, Cohort.course_id)
        .join(CohortDay, CohortDay.cohort_id == Cohort.id)
        .join(Attendance, Attendance.cohort_day_id == CohortDay.id)
        .where(done, Attendance.status.in_(ATTENDED))
        .distinct()
        .cte("attended")
    )
    # The one definition: an attendee who completed, from one of these cohorts.
    attendees = (
        select(
            attended.c.course_id,
            func.count().label("attendees"),
            func.count(Completion.id).label("completions"),
        )
        .select_from(attended)
        .outerjoin(
            Completion,
            and_(
                Completion.user_id == attended.c.user_id,
                Completion.course_id == attended.c.course_id,
                Completion.cohort_id.in_(cohorts),
            ),
        )
        .group_by(attended.c.course_id)
        .subquery()
    )
    everyone = select(func.count(distinct(attended.c.user_id))).scalar_subquery()
    found = rows(
        select(
            Course.code,
            Course.title,
            Course.duration_days,
            offered.c.cohorts,
            offered.c.places,
            offered.c.scheduled,
            offered.c.scheduled_places,
            days.c.days,
            bookings.c.filled,
            bookings.c.no_shows,
            bookings.c.late,
            attendees.c.attendees,
            attendees.c.completions,
            everyone,
        )
        .join(offered, offered.c.course_id == Course.id)
        .outerjoin(days, days.c.course_id == Course.id)
        .outerjoin(bookings, bookings.c.course_id == Course.id)
        .outerjoin(attendees, attendees.c.course_id == Course.id)
        .order_by(Course.title, Course.id)
    )
    courses: list[CourseFigures] = []
    scheduled: list[Scheduled] = []
    for code, title, duration, n_cohorts, capacity, *counts, _everyone in found:
        n_scheduled, scheduled_places, n_days, filled, no_shows, late, people, completed = (
            int(v or 0) for v in counts
        )
        if n_scheduled:
            scheduled.append(
                {
                    "code": code,
                    "course": title,
                    "duration_days": duration,
                    "cohorts": n_scheduled,
                    "places_offered": scheduled_places,
                }
            )
        if not n_cohorts:
            continue
        courses.append(
            {
                "code": code,
                "course": title,
                "duration_days": duration,
                "cohorts": int(n_cohorts),
                "days": n_days,
                "places_offered": int(capacity or 0),
                "places_filled": filled,
                "attendees": people,
                "completions": completed,
                "completion_rate": rate(completed, people),
                "no_shows": no_shows,
                "late_cancellations": late,
            }
        )
    attendees_total = sum(c["attendees"] for c in courses)
    completed_total = sum(c["completions"] for c in courses)
    totals: Totals = {
        "cohorts": sum(c["cohorts"] for c in courses),
        "days": sum(c["days"] for c in courses),
        "places_offered": sum(c["places_offered"] for c in courses),
        "places_filled": sum(c["places_filled"] for c in courses),
        "completions": completed_total,
        "no_shows": sum(c["no_shows"] for c in courses),
        "late_cancellations": sum(c["late_cancellations"] for c in courses),
        "attendees": attendees_total,
        "completion_rate": rate(completed_total, attendees_total),
        # No course row means no period cohort, so nobody attended one.
        "people": int(found[0][-1] or 0) if found else 0,
    }
    return {"courses": courses, "totals": totals, "scheduled": scheduled}


def courses_table(figures: Delivery) -> Table:
    """Training delivered, by course, with the totals (each the sum of its column)."""
    totals = figures["totals"]
    people = totals.get("people")
    note = _("Someone who came on two courses is counted once for each course.")
    if people is not None and figures["courses"]:
        note += " " + ngettext(
            "%(num)d person came in all.", "%(num)d different people came in all.", people
        )
    return Table(
        "courses",
        "how_much",
        _("Training delivered, by course"),
        [
            Column("course", _("Course"), "text"),
            Column("cohorts", _("Cohorts")),
            Column("days", _("Training days")),
            Column("places_offered", _("Places offered")),
            Column("places_filled", _("Places filled")),
            Column("attendees", _("Attendees")),
            Column("completions", pgettext("number who completed", "Completed")),
            Column("completion_rate", _("Completion rate"), "percent"),
            Column("no_shows", _("Did not attend")),
            Column("late_cancellations", _("Late cancellations")),
        ],
        [
            [
                c["course"],
                c["cohorts"],
                c["days"],
                c["places_offered"],
                c["places_filled"],
                c["attendees"],
                c["completions"],
                c["completion_rate"],
                c["no_shows"],
                c["late_cancellations"],
            ]
            for c in figures["courses"]
        ],
        empty=_("No training recorded in this period."),
        total=[
            _("Total"),
            totals["cohorts"],
            totals["days"],
            totals["places_offered"],
            totals["places_filled"],
            totals["attendees"],
            totals["completions"],
            totals["completion_rate"],
            totals["no_shows"],
            totals["late_cancellations"],
        ]
        if figures["courses"]
        else None,
        note=note,
    )


def scheduled_tables(figures: Delivery) -> list[Table]:
    """The period's cohorts not yet delivered (none for a past period): shown as scheduled,
    never counted as delivered."""
    scheduled = figures.get("scheduled") or []
    if not scheduled:
        return []
    return [
        Table(
            "scheduled",
            "how_much",
            _("Training scheduled, not yet delivered"),
            [
                Column("course", _("Course"), "text"),
                Column("cohorts", _("Cohorts")),
                Column("places_offered", _("Places offered")),
            ],
            [[s["course"], s["cohorts"], s["places_offered"]] for s in scheduled],
            total=[
                _("Total"),
                sum(s["cohorts"] for s in scheduled),
                sum(s["places_offered"] for s in scheduled),
            ],
            note=_(
                "Cohorts of this period whose last day is still to come: they are not counted "
                "as delivered."
            ),
        )
    ]


def _days(n: int) -> str:
    return ngettext("%(num)d day", "%(num)d days", n)


def _attendees(n: int) -> str:
    return ngettext("%(num)d attendee", "%(num)d attendees", n)


def headlines(figures: Delivery) -> list[str]:
    """The sentences the 2016-17 report opened its training section with (R36), one per
    course ("five, three day training modules … approximately 90 attendees"), then one per
    course still scheduled."""
    sentences = [
        ngettext(
            "%(num)d cohort of %(course)s (%(length)s) was delivered to %(attendees)s, of "
            "whom %(completed)d completed.",
            "%(num)d cohorts of %(course)s (%(length)s each) were delivered to %(attendees)s, "
            "of whom %(completed)d completed.",
            c["cohorts"],
            course=c["course"],
            length=_days(c["duration_days"]),
            attendees=_attendees(c["attendees"]),
            completed=c["completions"],
        )
        for c in figures["courses"]
    ]
    if not sentences:
        sentences.append(_("No training recorded in this period."))
    people = figures["totals"].get("people")
    if len(figures["courses"]) > 1 and people is not None:
        sentences.append(
            ngettext(
                "In all, %(num)d person came on the training.",
                "In all, %(num)d different people came on the training.",
                people,
            )
        )
    sentences += [
        ngettext(
            "A further %(num)d cohort of %(course)s is scheduled, not yet delivered.",
            "A further %(num)d cohorts of %(course)s are scheduled, not yet delivered.",
            s["cohorts"],
            course=s["course"],
        )
        for s in figures.get("scheduled") or []
    ]
    return sentences


def headline(figures: Delivery) -> str:
    """:func:`headlines` as one paragraph."""
    return " ".join(headlines(figures))
