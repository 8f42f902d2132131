"""Bookings (with waiting lists and cancellations), day-by-day registers and completions;
completions then earn certificates and CPD and attendees are asked for feedback."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from benchmarks.synth.accreditation import bank_completions
from benchmarks.synth.base import NAMED_LEARNER_BOOKINGS, YEARS, Plan, Synth, moment, scaled
from benchmarks.synth.feedback import ask_for_feedback
from trainhub.courses.models import ATTENDED, Attendance, Booking, CohortAttendee, Completion


def _attendees(s: Synth, count: int, partner: int | None) -> list[int]:
    pool = s.by_organisation.get(partner, []) if partner else s.learner_ids
    if not pool:
        pool = s.learner_ids
    people = s.rng.sample(pool, min(count, len(pool)))
    named = s.learner_ids[0]  # the named learner books about NAMED_LEARNER_BOOKINGS
    chance = NAMED_LEARNER_BOOKINGS / scaled("cohorts", s.scale, least=YEARS)
    if people and not partner and named not in people and s.rng.random() < chance:
        people[0] = named
    return people


def _entries(
    s: Synth, status: str, capacity: int, register_size: int | None
) -> list[tuple[str, str | None, bool, int | None]]:
    """(booking status, cancel reason, late, waiting-list rank) for each booking a cohort
    in ``status`` has."""
    rng = s.rng
    entries: list[tuple[str, str | None, bool, int | None]] = []
    if status == "cancelled":
        return [("cancelled", "cohort", False, None)] * rng.randint(3, capacity)
    if status == "completed":
        size = register_size or round(capacity * rng.uniform(0.65, 1.0))
        for _ in range(size):
            roll = rng.random()
            state = (
                "attended" if roll < 0.86 else "partially_attended" if roll < 0.93 else "no_show"
            )
            entries.append((state, None, False, None))
        if register_size is None:
            for _ in range(rng.randint(6, 22)):
                entries.append(("cancelled", "learner", rng.random() < 0.25, None))
            for _ in range(rng.randint(0, 6)):
                entries.append(("cancelled", "offer_expired", False, None))
        return entries
    filled = rng.uniform(0.2, 1.0)
    seats = capacity if filled > 0.9 else round(capacity * filled)
    entries = [("booked", None, False, None)] * seats
    if seats == capacity:
        entries += [("waitlisted", None, False, rank) for rank in range(1, rng.randint(2, 16))]
    entries += [("cancelled", "learner", False, None)] * rng.randint(0, 5)
    return entries


def fill_cohorts(s: Synth, plans: Sequence[Plan], register_size: int | None = None) -> None:
    """Bookings for each planned cohort; for those that have run, registers, completions,
    certificates, CPD and feedback."""
    bookings: list[dict[str, Any]] = []
    attendance: list[dict[str, Any]] = []
    # Who attended at least one day of each cohort (what refresh_attendees keeps).
    attendees: list[dict[str, Any]] = []
    completions: list[dict[str, Any]] = []
    requests: list[tuple[int, int, date]] = []
    for cohort_id, course, days, status, capacity, partner in plans:
        if status == "draft":
            continue
        first = days[0][1]
        last = days[-1][1]
        booked_at = moment(first - timedelta(days=30))
        entries = _entries(s, status, capacity, register_size)
        people = _attendees(s, len(entries), partner)
        ids = s.ids(Booking.__table__, len(people))
        for booking_id, person, (state, reason, late, rank) in zip(
            ids, people, entries, strict=False
        ):
            created = booked_at + timedelta(minutes=booking_id % 10_000)
            bookings.append(
                {
                    "id": booking_id,
                    "cohort_id": cohort_id,
                    "user_id": person,
                    "status": state,
                    "queue_rank": rank,
                    "offer_expires_at": None,
                    "cancel_reason": reason,
                    "late_cancellation": late,
                    "calendar_sequence": 0,
                    "created_at": created,
                    "updated_at": created,
                }
            )
            if status != "completed" or state == "cancelled":
                continue
            days_attended = _register(s, state, days, person, attendance)
            if days_attended:
                attendees.append({"cohort_id": cohort_id, "user_id": person})
            # The completion rule (attendance.update_completions): enough distinct days.
            if days_attended >= course.to_complete:
                key = (person, course.id)
                if key not in s.completed:
                    s.completed[key] = last
                    completions.append(
                        {
                            "user_id": person,
                            "course_id": course.id,
                            "completed_on": last,
                            "cohort_id": cohort_id,
                            "created_at": moment(last, 17),
                        }
                    )
                requests.append((cohort_id, person, last))
    s.insert(Booking.__table__, bookings)
    s.insert(Attendance.__table__, attendance)
    s.insert(CohortAttendee.__table__, attendees)
    if completions:
        s.insert(Completion.__table__, completions)
        bank_completions(s, completions)
    ask_for_feedback(s, requests)


def _register(
    s: Synth,
    state: str,
    days: list[tuple[int, date]],
    person: int,
    rows: list[dict[str, Any]],
) -> int:
    """Marks for one person on each day, as their booking's outcome says; returns the days
    they count as attending (``ATTENDED`` marks)."""
    rng = s.rng
    absent_day = rng.randrange(len(days)) if state == "partially_attended" else -1
    there = 0
    for index, (day_id, day) in enumerate(days):
        if state == "no_show" or index == absent_day:
            mark, minutes = "absent", None
        else:
            roll = rng.random()
            mark = "present" if roll < 0.93 else "late" if roll < 0.97 else "left_early"
            minutes = None if mark == "present" else 330
        there += mark in ATTENDED
        rows.append(
            {
                "cohort_day_id": day_id,
                "user_id": person,
                "status": mark,
                "minutes": minutes,
                "makeup": False,
                "recorded_by_id": None,
                "recorded_at": moment(day, 17),
            }
        )
    return there
