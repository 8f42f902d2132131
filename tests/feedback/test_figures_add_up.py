"""The figures add up (issue 17): completed never exceeds attendees, every rate is within
0-100 % and every total is the sum of its rows, over random registers, make-ups and
corrections taken with the real attendance services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.courses.cohort_helpers import book_directly, learner, trainer
from tests.factories import make_cohort, make_course
from trainhub.courses.models import ATTENDANCE_STATUSES, Cohort
from trainhub.courses.services.attendance import Mark, add_makeup_attendee, record_attendance
from trainhub.errors import ValidationFailed
from trainhub.extensions import db
from trainhub.feedback import reporting
from trainhub.feedback.reporting import compute
from trainhub.financial_years import Period

#: Three cohorts of a 2-day course (the third in the next year, where make-ups land too) and
#: one of a 1-day course.
STARTS = (dt.date(2024, 6, 3), dt.date(2024, 9, 2), dt.date(2025, 5, 5), dt.date(2024, 7, 1))
PEOPLE = 4

operations = st.lists(
    st.tuples(
        st.sampled_from(("mark", "mark", "makeup")),
        st.integers(0, len(STARTS) - 1),
        st.integers(0, 1),
        st.integers(0, PEOPLE - 1),
        st.sampled_from(ATTENDANCE_STATUSES),
    ),
    max_size=14,
)
bookings = st.sets(st.tuples(st.integers(0, PEOPLE - 1), st.integers(0, len(STARTS) - 1)))


def build(booked: set[tuple[int, int]], steps: list[tuple[str, int, int, int, str]]) -> None:
    lead = trainer()
    two_day = make_course(duration_days=2, title="Two-day course")
    one_day = make_course(duration_days=1, title="One-day course")
    cohorts: list[Cohort] = [
        make_cohort(two_day if i < 3 else one_day, start=start, facilitators=[lead])
        for i, start in enumerate(STARTS)
    ]
    people = [learner() for _ in range(PEOPLE)]
    for person, cohort in sorted(booked):
        book_directly(cohorts[cohort], [people[person]])
    for kind, cohort, day_index, person, status in steps:
        day = cohorts[cohort].days[min(day_index, len(cohorts[cohort].days) - 1)]
        user = people[person]
        try:
            if kind == "makeup":
                add_makeup_attendee(lead, day, user)
            else:
                minutes = 10 if status in ("late", "left_early") else None
                record_attendance(lead, day, {user.id: Mark(status, minutes)})
        except ValidationFailed:
            pass  # not on this register, or nothing to make up: the service refused


def adds_up(period: Period) -> None:
    data = compute(period)
    courses, totals = data["courses"], data["totals"]
    for course in courses:
        assert 0 <= course["completions"] <= course["attendees"], course
        rate = course["completion_rate"]
        assert rate is None or 0 <= rate <= 100, course
    for key in ("cohorts", "days", "places_offered", "places_filled", "attendees", "completions"):
        assert totals[key] == sum(c[key] for c in courses), key  # type: ignore[literal-required]
    assert totals.get("people", 0) <= totals["attendees"]
    assert totals["completion_rate"] is None or 0 <= totals["completion_rate"] <= 100
    # The breakdowns count the same attendees.
    by_course: dict[str, int] = {}
    for row in data.get("backgrounds_by_course", []):
        by_course[row["course"]] = by_course.get(row["course"], 0) + row["attendees"]
    assert by_course == {c["course"]: c["attendees"] for c in courses if c["attendees"]}
    assert sum(row["attendees"] for row in data["backgrounds"]) == totals.get("people")
    # The pivot (in the five-year view) counts them too: each person once per course.
    years = reporting.five_years(period.year)
    in_year = [c for c in years["pivot"] if c["year"] == period.year]
    assert sum(c["attendees"] for c in in_year) == totals["attendees"]
    assert years["years"][-1]["attendees"] == totals.get("people", 0)
    for table in reporting.build(data, years):
        if table.total is None:
            continue
        for index, column in enumerate(table.columns[1:], start=1):
            if column.kind in ("int", "money"):
                assert table.total[index] == sum(row[index] for row in table.rows), (
                    table.key,
                    column.key,
                )
            if column.kind == "percent":
                value: Any = table.total[index]
                assert value is None or 0 <= value <= 100


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(booked=bookings, steps=operations)
def test_every_rate_is_a_percentage_and_every_total_the_sum_of_its_rows(
    app: Flask, booked: set[tuple[int, int]], steps: list[tuple[str, int, int, int, str]]
) -> None:
    savepoint = db.session.begin_nested()
    try:
        build(booked, steps)
        adds_up(Period(2024))
        adds_up(Period(2025))
    finally:
        savepoint.rollback()
