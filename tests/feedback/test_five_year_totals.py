"""The five-year view's derived figures stay in step with what they are derived from (issue 17):
after any sequence of registers taken, corrected and made up, past cohorts recorded and
withdrawn, and feedback given online and on paper, each cohort's attendees
(``CohortAttendee``) are exactly the people with an attended mark on one of its days, and
each response's count and sum of ratings are those of its answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.courses.cohort_helpers import book_directly, learner, trainer
from tests.factories import make_cohort, make_course, make_user
from tests.feedback.helpers import respond
from trainhub.courses.models import (
    ATTENDANCE_STATUSES,
    ATTENDED,
    Attendance,
    Cohort,
    CohortAttendee,
    CohortDay,
)
from trainhub.courses.services.attendance import Mark, add_makeup_attendee, record_attendance
from trainhub.errors import ConflictError, ValidationFailed
from trainhub.extensions import db
from trainhub.feedback.models import (
    RATING,
    FeedbackAnswer,
    FeedbackResponse,
    QuestionnaireItem,
)
from trainhub.history import services as history
from trainhub.history.models import COHORT, HistoryRecord
from trainhub.history.services import AttendeeDraft, CohortDraft, DayDraft, FeedbackDraft

pytestmark = pytest.mark.usefixtures("catalogue")

#: Two cohorts of a 2-day course (make-ups land in the second) and a 1-day one.
STARTS = (dt.date(2024, 6, 3), dt.date(2024, 9, 2), dt.date(2024, 7, 1))
#: Past cohorts of the 3-day FFI course recorded from records.
PAST = (dt.date(2016, 5, 10), dt.date(2016, 9, 6))
PEOPLE = 4
NINE, FOUR = dt.time(9, 30), dt.time(16, 30)

steps = st.lists(
    st.one_of(
        st.tuples(
            st.just("mark"),
            st.integers(0, len(STARTS) - 1),
            st.integers(0, 1),
            st.integers(0, PEOPLE - 1),
            st.sampled_from(ATTENDANCE_STATUSES),
        ),
        st.tuples(
            st.just("makeup"),
            st.integers(0, len(STARTS) - 1),
            st.integers(0, 1),
            st.integers(0, PEOPLE - 1),
        ),
        st.tuples(
            st.just("record"),
            st.integers(0, len(PAST) - 1),
            # Each person's marks on the three days (a missing day was missed).
            st.lists(
                st.dictionaries(st.integers(1, 3), st.sampled_from(ATTENDANCE_STATUSES)),
                min_size=1,
                max_size=3,
            ),
        ),
        st.tuples(st.just("withdraw"), st.integers(0, 1)),
        st.tuples(st.just("respond"), st.integers(0, len(STARTS) - 1), st.integers(1, 5)),
        st.tuples(
            st.just("paper"),
            st.integers(0, len(PAST) - 1),
            st.dictionaries(st.sampled_from(("knowledge", "pace")), st.integers(1, 5)),
        ),
    ),
    max_size=12,
)
bookings = st.sets(st.tuples(st.integers(0, PEOPLE - 1), st.integers(0, len(STARTS) - 1)))


def past_cohort(start: dt.date, marks: list[dict[int, str]]) -> CohortDraft:
    days = [
        DayDraft(n + 1, start + dt.timedelta(days=n), NINE, FOUR, "Old Training Centre")
        for n in range(3)
    ]
    attendees = [
        AttendeeDraft(f"past{i}@example.org", f"Past Attendee {i}", dict(person))
        for i, person in enumerate(marks)
    ]
    return CohortDraft("FFI-3DAY", f"FFI {start:%B %Y}", days, ["Trainer One"], "", attendees)


def apply(
    step: tuple[Any, ...], cohorts: list[Cohort], people: list[Any], lead: Any, recorder: Any
) -> None:
    kind = step[0]
    try:
        if kind == "mark":
            _, cohort, day_index, person, status = step
            day = cohorts[cohort].days[min(day_index, len(cohorts[cohort].days) - 1)]
            minutes = 10 if status in ("late", "left_early") else None
            record_attendance(lead, day, {people[person].id: Mark(status, minutes)})
        elif kind == "makeup":
            _, cohort, day_index, person = step
            day = cohorts[cohort].days[min(day_index, len(cohorts[cohort].days) - 1)]
            add_makeup_attendee(lead, day, people[person])
        elif kind == "record":
            history.record_cohorts(recorder, [past_cohort(PAST[step[1]], step[2])])
        elif kind == "withdraw":
            records = db.session.execute(
                select(HistoryRecord)
                .where(HistoryRecord.kind == COHORT, HistoryRecord.withdrawn_at.is_(None))
                .order_by(HistoryRecord.id)
            ).scalars()
            found = list(records)
            if found:
                history.withdraw_record(recorder, found[step[1] % len(found)], "Entered twice")
        elif kind == "respond":
            respond(cohorts[step[1]], value=step[2])
        elif kind == "paper":
            draft = FeedbackDraft("FFI-3DAY", PAST[step[1]], dict(step[2]), "Useful")
            history.record_feedback(recorder, [draft])
    except (ValidationFailed, ConflictError):
        pass  # the service refused: nothing to keep in step with


def kept_in_step() -> None:
    db.session.flush()
    kept = set(db.session.execute(select(CohortAttendee.cohort_id, CohortAttendee.user_id)).all())
    marks = set(
        db.session.execute(
            select(CohortDay.cohort_id, Attendance.user_id)
            .join(Attendance, Attendance.cohort_day_id == CohortDay.id)
            .where(Attendance.status.in_(ATTENDED))
        ).all()
    )
    assert kept == marks
    rating = FeedbackAnswer.rating
    answers = (
        select(
            FeedbackAnswer.response_id.label("id"),
            func.count(rating).label("n"),
            func.coalesce(func.sum(rating), 0).label("total"),
        )
        .join(QuestionnaireItem, QuestionnaireItem.id == FeedbackAnswer.item_id)
        .where(QuestionnaireItem.kind == RATING)
        .group_by(FeedbackAnswer.response_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            FeedbackResponse.rating_count,
            FeedbackResponse.rating_total,
            func.coalesce(answers.c.n, 0),
            func.coalesce(answers.c.total, 0),
        ).outerjoin(answers, answers.c.id == FeedbackResponse.id)
    ).all()
    for kept_count, kept_total, count, total in rows:
        assert (kept_count, kept_total) == (count, total)


@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(booked=bookings, steps=steps)
def test_the_derived_figures_are_what_the_registers_and_answers_say(
    app: Flask, booked: set[tuple[int, int]], steps: list[tuple[Any, ...]]
) -> None:
    savepoint = db.session.begin_nested()
    try:
        lead = trainer()
        recorder = make_user(roles=("manager",))
        two_day = make_course(duration_days=2, title="Two-day course")
        one_day = make_course(duration_days=1, title="One-day course")
        cohorts = [
            make_cohort(two_day if i < 2 else one_day, start=start, facilitators=[lead])
            for i, start in enumerate(STARTS)
        ]
        people = [learner() for _ in range(PEOPLE)]
        for person, cohort in sorted(booked):
            book_directly(cohorts[cohort], [people[person]])
        for step in steps:
            apply(step, cohorts, people, lead, recorder)
            kept_in_step()
    finally:
        savepoint.rollback()
