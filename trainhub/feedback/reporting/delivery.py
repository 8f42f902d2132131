"""How much did we do: cohorts, training days, places and people, by course and in total
(R36), and the sentence the 2016-17 report opened its training section with."""

from __future__ import annotations

from typing import TypedDict

from flask_babel import gettext as _
from sqlalchemy import and_, case, distinct, func, select

from trainhub.courses.models import (
    ATTENDED,
    Attendance,
    Booking,
    Cohort,
    CohortDay,
    Completion,
    Course,
)
from trainhub.feedback.reporting._sql import rate, rows
from trainhub.feedback.reporting.periods import FILLED_STATUSES, in_period, period_cohorts
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
    #: Each person once, however many courses they came on.
    attendees: int
    completion_rate: float | None


class CourseFigures(TypedDict):
    code: str
    course: str
    duration_days: int
    cohorts: int
    days: int
    places_offered: int
    places_filled: int
    attendees: int
    completions: int
    completion_rate: float | None
    no_shows: int
    late_cancellations: int


class Delivery(TypedDict):
    courses: list[CourseFigures]
    totals: Totals


def delivery(period: Period) -> Delivery:
    """How much: cohorts, days, places and people by course, with totals (one statement)."""
    cohorts = period_cohorts(period)
    offered = (
        select(
            Cohort.course_id,
            func.count(Cohort.id).label("cohorts"),
            func.sum(Cohort.capacity).label("places"),
        )
        .where(in_period(period))
        .group_by(Cohort.course_id)
        .subquery()
    )
    days = (
        select(Cohort.course_id, func.count(CohortDay.id).label("days"))
        .join(CohortDay, CohortDay.cohort_id == Cohort.id)
        .where(in_period(period))
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
        .where(in_period(period), Attendance.status.in_(ATTENDED))
        .distinct()
        .cte("attended")
    )
    attendees = (
        select(attended.c.course_id, func.count().label("attendees"))
        .group_by(attended.c.course_id)
        .subquery()
    )
    completions = (
        select(Completion.course_id, func.count().label("completions"))
        .where(Completion.cohort_id.in_(cohorts))
        .group_by(Completion.course_id)
        .subquery()
    )
    # Someone on two courses is one attendee in the total.
    everyone = select(func.count(distinct(attended.c.user_id))).scalar_subquery()
    found = rows(
        select(
            Course.code,
            Course.title,
            Course.duration_days,
            offered.c.cohorts,
            offered.c.places,
            days.c.days,
            bookings.c.filled,
            bookings.c.no_shows,
            bookings.c.late,
            attendees.c.attendees,
            completions.c.completions,
            everyone,
        )
        .join(offered, offered.c.course_id == Course.id)
        .outerjoin(days, days.c.course_id == Course.id)
        .outerjoin(bookings, bookings.c.course_id == Course.id)
        .outerjoin(attendees, attendees.c.course_id == Course.id)
        .outerjoin(completions, completions.c.course_id == Course.id)
        .order_by(Course.title, Course.id)
    )
    courses: list[CourseFigures] = []
    for code, title, duration, n_cohorts, capacity, *counts, _everyone in found:
        n_days, filled, no_shows, late, people, done = (int(v or 0) for v in counts)
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
                "completions": done,
                "completion_rate": rate(done, people),
                "no_shows": no_shows,
                "late_cancellations": late,
            }
        )
    # No course row means no period cohort, so nobody attended one.
    everyone_once = int(found[0][-1]) if found else 0
    completed = sum(c["completions"] for c in courses)
    totals: Totals = {
        "cohorts": sum(c["cohorts"] for c in courses),
        "days": sum(c["days"] for c in courses),
        "places_offered": sum(c["places_offered"] for c in courses),
        "places_filled": sum(c["places_filled"] for c in courses),
        "completions": completed,
        "no_shows": sum(c["no_shows"] for c in courses),
        "late_cancellations": sum(c["late_cancellations"] for c in courses),
        "attendees": everyone_once,
        "completion_rate": rate(completed, everyone_once),
    }
    return {"courses": courses, "totals": totals}


def courses_table(figures: Delivery) -> Table:
    """Training delivered, by course, with the totals."""
    totals = figures["totals"]
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
            Column("completions", _("Completed")),
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
        note=_("Someone who came on two courses is one attendee in the total."),
    )


def headline(figures: Delivery) -> str:
    """The sentence the 2016-17 report opened its training section with (R36)."""
    totals = figures["totals"]
    if not totals["cohorts"]:
        return _("No training recorded in this period.")
    parts = [
        _(
            "%(cohorts)d x %(title)s (%(days)d-day)",
            cohorts=c["cohorts"],
            title=c["course"],
            days=c["duration_days"],
        )
        for c in figures["courses"]
    ]
    return _(
        "%(cohorts)d cohorts (%(days)d training days) were delivered to %(attendees)d "
        "attendees, of whom %(completions)d completed: %(list)s.",
        cohorts=totals["cohorts"],
        days=totals["days"],
        attendees=totals["attendees"],
        completions=totals["completions"],
        list="; ".join(parts),
    )
