"""Registers, booking outcomes and course completion, with made-up days (R15)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from blinker import Signal
from sqlalchemy import select

from tests.courses.cohort_helpers import (
    book_directly,
    count,
    in_days,
    learner,
    many_learners,
    statuses,
    trainer,
)
from tests.factories import make_booking, make_cohort, make_course
from tests.helpers import QueryCounter
from trainhub.auth.models import User
from trainhub.courses.models import Attendance, Cohort, CohortDay, Completion, Course
from trainhub.courses.services.attendance import (
    Mark,
    add_makeup_attendee,
    mark_all_present,
    record_attendance,
    register,
    settle_bookings,
)
from trainhub.courses.services.booking import cancel_booking
from trainhub.courses.services.scheduling import complete_cohort
from trainhub.courses.signals import course_completed, course_completion_withdrawn
from trainhub.errors import ConflictError, PermissionDenied, ValidationFailed
from trainhub.extensions import db

pytestmark = pytest.mark.usefixtures("app")


@contextmanager
def received(signal: Signal) -> Iterator[list[dict[str, Any]]]:
    """The keyword arguments of every ``signal.send`` while the block runs."""
    calls: list[dict[str, Any]] = []

    def receiver(sender: Any, **kwargs: Any) -> None:
        calls.append(kwargs)

    with signal.connected_to(receiver):
        yield calls


def cohort_of(
    course: Course | None = None, days: int | None = None, **overrides: Any
) -> tuple[Cohort, User]:
    """A published cohort and its lead trainer; it ran ten weeks ago unless told otherwise
    (a register opens on its day)."""
    lead = trainer()
    overrides.setdefault("start", in_days(-70))
    cohort = make_cohort(course, days=days, facilitators=[lead], **overrides)
    return cohort, lead


def attend(lead: User, cohort: Cohort, person: User, *marks: str) -> None:
    """Mark ``person`` on each day of ``cohort`` in turn ("present", "late" …)."""
    for day, status in zip(cohort.days, marks, strict=False):
        minutes = 10 if status in ("late", "left_early") else None
        record_attendance(lead, day, {person.id: Mark(status, minutes)})


def marks_of(day: CohortDay) -> dict[int, tuple[str, int | None]]:
    db.session.flush()
    rows = db.session.execute(select(Attendance).where(Attendance.cohort_day_id == day.id))
    return {a.user_id: (a.status, a.minutes) for a in rows.scalars()}


def completion(person: User, course: Course) -> Completion | None:
    db.session.flush()
    return db.session.execute(
        select(Completion).where(Completion.user_id == person.id, Completion.course_id == course.id)
    ).scalar_one_or_none()


# The register -----------------------------------------------------------------------------


def test_the_register_lists_people_with_a_place_by_name() -> None:
    cohort, _lead = cohort_of()
    zoe, ann = learner(full_name="Zoe Price"), learner(full_name="ann Hughes")
    make_booking(cohort, zoe)
    make_booking(cohort, ann)
    make_booking(cohort, status="waitlisted")
    make_booking(cohort, status="cancelled")
    make_booking(cohort, status="offered")

    rows = register(cohort.days[0])

    assert [row.user.full_name for row in rows] == ["ann Hughes", "Zoe Price"]
    assert all(row.attendance is None and not row.makeup for row in rows)


def test_recording_a_register_upserts_one_mark_per_person() -> None:
    cohort, lead = cohort_of()
    ann, bob = learner(), learner()
    book_directly(cohort, [ann, bob])
    day = cohort.days[0]

    changed = record_attendance(lead, day, {ann.id: Mark("present"), bob.id: Mark("late", 20)})
    again = record_attendance(lead, day, {ann.id: Mark("present"), bob.id: Mark("left_early", 45)})
    db.session.commit()

    assert (changed, again) == (2, 1)
    assert marks_of(day) == {ann.id: ("present", None), bob.id: ("left_early", 45)}
    assert count(Attendance) == 2


def test_people_left_out_of_the_form_keep_their_mark() -> None:
    cohort, lead = cohort_of()
    ann, bob = learner(), learner()
    book_directly(cohort, [ann, bob])
    day = cohort.days[0]
    record_attendance(lead, day, {ann.id: Mark("absent"), bob.id: Mark("present")})

    record_attendance(lead, day, {bob.id: Mark("late", 5)})

    assert marks_of(day) == {ann.id: ("absent", None), bob.id: ("late", 5)}


@pytest.mark.parametrize("status", ["late", "left_early"])
@pytest.mark.parametrize("minutes", [None, 0, 481, -5])
def test_late_and_left_early_need_minutes_from_1_to_480(status: str, minutes: int | None) -> None:
    cohort, lead = cohort_of()
    person = learner()
    book_directly(cohort, [person])

    with pytest.raises(ValidationFailed) as refused:
        record_attendance(lead, cohort.days[0], {person.id: Mark(status, minutes)})

    assert refused.value.field == f"minutes-{person.id}"
    assert count(Attendance) == 0


@pytest.mark.parametrize("minutes", [1, 480])
def test_minutes_at_the_limits_are_kept(minutes: int) -> None:
    cohort, lead = cohort_of()
    person = learner()
    book_directly(cohort, [person])

    record_attendance(lead, cohort.days[0], {person.id: Mark("late", minutes)})

    assert marks_of(cohort.days[0]) == {person.id: ("late", minutes)}


def test_minutes_are_dropped_for_present_and_absent() -> None:
    cohort, lead = cohort_of()
    person = learner()
    book_directly(cohort, [person])

    record_attendance(lead, cohort.days[0], {person.id: Mark("present", 30)})

    assert marks_of(cohort.days[0]) == {person.id: ("present", None)}


def test_an_unknown_status_is_refused() -> None:
    cohort, lead = cohort_of()
    person = learner()
    book_directly(cohort, [person])

    with pytest.raises(ValidationFailed) as refused:
        record_attendance(lead, cohort.days[0], {person.id: Mark("asleep")})

    assert refused.value.field == f"status-{person.id}"


def test_someone_not_on_the_register_is_refused_and_nothing_is_written() -> None:
    cohort, lead = cohort_of()
    booked, stranger = learner(), learner()
    book_directly(cohort, [booked])
    make_booking(cohort, status="waitlisted")

    with pytest.raises(ValidationFailed) as refused:
        record_attendance(
            lead, cohort.days[0], {booked.id: Mark("present"), stranger.id: Mark("present")}
        )

    assert refused.value.field == "register"
    assert count(Attendance) == 0


def test_only_the_cohorts_trainers_take_its_register() -> None:
    cohort, _lead = cohort_of()
    person = learner()
    book_directly(cohort, [person])

    for outsider in (trainer(), person):
        with pytest.raises(PermissionDenied):
            record_attendance(outsider, cohort.days[0], {person.id: Mark("present")})


def test_a_draft_cohort_has_no_register() -> None:
    cohort, lead = cohort_of(status="draft")

    with pytest.raises(ConflictError):
        record_attendance(lead, cohort.days[0], {})


def test_mark_all_present_marks_only_the_unmarked() -> None:
    cohort, lead = cohort_of()
    late, absent, unmarked = learner(), learner(), learner()
    book_directly(cohort, [late, absent, unmarked])
    day = cohort.days[0]
    record_attendance(lead, day, {late.id: Mark("late", 10), absent.id: Mark("absent")})

    assert mark_all_present(lead, day) == 1
    assert marks_of(day) == {
        late.id: ("late", 10),
        absent.id: ("absent", None),
        unmarked.id: ("present", None),
    }
    assert mark_all_present(lead, day) == 0


# Booking outcomes ---------------------------------------------------------------------------


def test_settling_gives_attended_partially_attended_and_no_show() -> None:
    cohort, lead = cohort_of(days=2)
    came, half, away, pending = learner(), learner(), learner(), learner()
    book_directly(cohort, [came, half, away, pending])
    first, second = cohort.days
    record_attendance(
        lead,
        first,
        {
            came.id: Mark("present"),
            half.id: Mark("late", 30),
            away.id: Mark("absent"),
            pending.id: Mark("present"),
        },
    )
    record_attendance(
        lead,
        second,
        {came.id: Mark("left_early", 60), half.id: Mark("absent"), away.id: Mark("absent")},
    )

    assert statuses(cohort) == {
        came.id: "attended",
        half.id: "partially_attended",
        away.id: "no_show",
        pending.id: "booked",
    }
    settle_bookings(cohort, lead, final=True)
    assert statuses(cohort)[pending.id] == "partially_attended"


def test_a_correction_moves_the_outcome_back() -> None:
    cohort, lead = cohort_of()
    person = learner()
    book_directly(cohort, [person])
    record_attendance(lead, cohort.days[0], {person.id: Mark("absent")})
    assert statuses(cohort)[person.id] == "no_show"

    record_attendance(lead, cohort.days[0], {person.id: Mark("present")})

    assert statuses(cohort)[person.id] == "attended"


# Completion ---------------------------------------------------------------------------------


def test_missing_day_3_of_a_4_day_course_is_not_completion() -> None:
    course = make_course(duration_days=4)
    cohort, lead = cohort_of(course)
    person = learner()
    book_directly(cohort, [person])

    with received(course_completed) as completed:
        attend(lead, cohort, person, "present", "present", "absent", "present")

    assert completion(person, course) is None
    assert completed == []
    assert statuses(cohort)[person.id] == "partially_attended"


def test_every_day_attended_completes_the_course_once() -> None:
    course = make_course(duration_days=4)
    cohort, lead = cohort_of(course, gap_days=7)
    person = learner()
    book_directly(cohort, [person])

    with received(course_completed) as completed:
        attend(lead, cohort, person, "present", "late", "left_early", "present")
        record_attendance(lead, cohort.days[3], {person.id: Mark("present")})
        mark_all_present(lead, cohort.days[3])

    done = completion(person, course)
    assert done is not None
    assert (done.cohort_id, done.completed_on) == (cohort.id, cohort.days[3].date)
    assert len(completed) == 1
    assert completed[0]["completions"] == [done]
    assert completed[0]["actor"] is lead


def test_a_made_up_day_in_a_later_cohort_completes_the_course() -> None:
    course = make_course(duration_days=4)
    first, lead = cohort_of(course)
    later, later_lead = cohort_of(course, start=in_days(-10))
    person = learner()
    book_directly(first, [person])
    attend(lead, first, person, "present", "present", "absent", "present")

    with received(course_completed) as completed:
        add_makeup_attendee(later_lead, later.days[2], person)

    done = completion(person, course)
    assert done is not None
    assert done.cohort_id == later.id
    assert done.completed_on == later.days[2].date
    assert len(completed) == 1
    [row] = [r for r in register(later.days[2]) if r.user.id == person.id]
    assert row.makeup
    assert statuses(later) == {}


def test_a_makeup_needs_a_place_on_another_cohort_of_the_course() -> None:
    course = make_course(duration_days=2)
    cohort, lead = cohort_of(course)
    unrelated, _ = cohort_of(days=2)
    person = learner()
    book_directly(unrelated, [person])

    with pytest.raises(ValidationFailed, match="did not miss day 2 in an earlier cohort"):
        add_makeup_attendee(lead, cohort.days[1], person)


def test_a_makeup_is_for_a_day_missed_earlier_and_taken_on_the_day() -> None:
    course = make_course(duration_days=2)
    first, lead = cohort_of(course)
    person = learner()
    book_directly(first, [person])
    attend(lead, first, person, "present", "absent")
    future, future_lead = cohort_of(course, start=in_days(30))
    later, later_lead = cohort_of(course, start=in_days(-10))

    with pytest.raises(ConflictError, match="opens on the day itself"):
        add_makeup_attendee(future_lead, future.days[1], person)
    with pytest.raises(ValidationFailed, match="did not miss day 1"):
        add_makeup_attendee(later_lead, later.days[0], person)
    assert completion(person, course) is None

    add_makeup_attendee(later_lead, later.days[1], person)
    assert completion(person, course) is not None


def test_no_register_before_its_day() -> None:
    cohort, lead = cohort_of(start=in_days(1))
    person = learner()
    book_directly(cohort, [person])

    with pytest.raises(ConflictError, match="opens on the day itself"):
        record_attendance(lead, cohort.days[0], {person.id: Mark("present")})


def test_a_correction_after_completion_keeps_the_final_outcomes() -> None:
    cohort, lead = cohort_of(days=2)
    amy, bryn = learner(), learner()
    book_directly(cohort, [amy, bryn])
    attend(lead, cohort, amy, "present", "present")
    complete_cohort(lead, cohort)
    assert statuses(cohort) == {amy.id: "attended", bryn.id: "no_show"}

    record_attendance(lead, cohort.days[1], {amy.id: Mark("absent")})

    assert statuses(cohort) == {amy.id: "partially_attended", bryn.id: "no_show"}


def test_a_day_in_a_cancelled_cohort_does_not_count() -> None:
    course = make_course(duration_days=2)
    first, lead = cohort_of(course)
    person = learner()
    book_directly(first, [person])
    attend(lead, first, person, "present", "absent")
    other, other_lead = cohort_of(course, start=in_days(-10))
    add_makeup_attendee(other_lead, other.days[1], person)
    assert completion(person, course) is not None

    other.status = "cancelled"
    record_attendance(lead, first.days[0], {person.id: Mark("late", 5)})

    assert completion(person, course) is None


def test_the_course_completion_minimum_is_configurable() -> None:
    course = make_course(duration_days=4, completion_days=3)
    cohort, lead = cohort_of(course)
    person = learner()
    book_directly(cohort, [person])

    attend(lead, cohort, person, "present", "absent", "present", "present")

    assert completion(person, course) is not None
    assert statuses(cohort)[person.id] == "partially_attended"


def test_correcting_a_mark_to_absent_withdraws_the_completion() -> None:
    course = make_course(duration_days=2)
    cohort, lead = cohort_of(course)
    person = learner()
    book_directly(cohort, [person])
    attend(lead, cohort, person, "present", "present")
    assert completion(person, course) is not None

    with received(course_completion_withdrawn) as withdrawn, received(course_completed) as again:
        record_attendance(lead, cohort.days[1], {person.id: Mark("absent")})

    assert completion(person, course) is None
    assert withdrawn == [{"user_ids": [person.id], "course_id": course.id, "actor": lead}]
    assert again == []
    with received(course_completed) as restored:
        record_attendance(lead, cohort.days[1], {person.id: Mark("present")})
    assert len(restored) == 1
    assert count(Completion) == 1


# Size ---------------------------------------------------------------------------------------


def _register_queries(count_queries: QueryCounter, attendees: int) -> tuple[int, int, int]:
    """Statements to read, record and then correct a full register of ``attendees`` (a
    one-day course: recording settles every booking and completes the course for everyone,
    and the correction withdraws a third of the completions)."""
    cohort, lead = cohort_of(capacity=attendees)
    book_directly(cohort, many_learners(attendees, prefix=f"size{attendees}-"))
    day = cohort.days[0]
    db.session.commit()

    db.session.expire_all()
    before = count_queries.count
    rows = register(day)
    read = count_queries.count - before
    assert len(rows) == attendees

    marks = {
        row.user.id: Mark("late", 5) if index % 10 == 0 else Mark("present")
        for index, row in enumerate(rows)
    }
    db.session.expire_all()
    before = count_queries.count
    record_attendance(lead, db.session.get_one(CohortDay, day.id), marks)
    db.session.commit()
    recorded = count_queries.count - before

    assert set(statuses(cohort).values()) == {"attended"}
    assert count(Completion) >= attendees

    corrections = {
        user_id: Mark("absent") if index % 3 == 0 else Mark("left_early", 30)
        for index, user_id in enumerate(marks)
    }
    db.session.expire_all()
    before = count_queries.count
    record_attendance(lead, db.session.get_one(CohortDay, day.id), corrections)
    db.session.commit()
    corrected = count_queries.count - before

    assert set(statuses(cohort).values()) == {"attended", "no_show"}
    return read, recorded, corrected


def test_a_register_of_400_takes_no_more_queries_than_one_of_40(
    count_queries: QueryCounter,
) -> None:
    small = _register_queries(count_queries, 40)
    large = _register_queries(count_queries, 400)

    assert large == small
    assert small[0] <= 4
    # Recording completes everyone at once: the completions, (accreditation's receivers)
    # one batch of certificates and CPD lines, and (feedback's) one batch of requests and mail.
    assert small[1] <= 36
    assert small[2] <= 40


def test_someone_cancelled_after_a_mark_is_not_shown_as_a_makeup() -> None:
    cohort, lead = cohort_of(days=2)
    person = learner()
    booking = make_booking(cohort, person)
    record_attendance(lead, cohort.days[0], {person.id: Mark("present")})

    cancel_booking(lead, booking, reason="Left the service")

    [row] = register(cohort.days[0])
    assert row.user.id == person.id
    assert row.attendance is not None
    assert not row.makeup
    assert register(cohort.days[1]) == []


def test_completing_a_cohort_settles_everyone_and_ends_the_waitlist() -> None:
    cohort, lead = cohort_of(days=2, start=in_days(-10))
    came, unmarked = learner(), learner()
    book_directly(cohort, [came, unmarked])
    waiting = make_booking(cohort, status="waitlisted", queue_rank=1)
    attend(lead, cohort, came, "present", "present")

    complete_cohort(lead, cohort)

    assert cohort.status == "completed"
    assert statuses(cohort) == {
        came.id: "attended",
        unmarked.id: "no_show",
        waiting.user_id: "cancelled",
    }
    assert waiting.cancel_reason == "cohort"
    assert waiting.queue_rank is None


def test_a_cohort_is_not_completed_before_its_last_day() -> None:
    cohort, lead = cohort_of(days=2, start=in_days(0))

    with pytest.raises(ConflictError, match="after its last day"):
        complete_cohort(lead, cohort)
