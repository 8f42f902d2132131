"""Cohorts: a financial year's deliveries of the catalogue (days, venue, facilitators),
and one 1-day event with a 400-person register."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from benchmarks.synth.base import (
    BIG_REGISTER,
    BIG_REGISTER_TITLE,
    BUSY_TRAINER_COHORTS,
    CLOSED_EVERY,
    YEARS,
    CourseInfo,
    Plan,
    Synth,
    moment,
    scaled,
)
from benchmarks.synth.bookings import fill_cohorts
from benchmarks.synth.names import TRAINER_TITLES
from trainhub.courses.models import Cohort, CohortDay, CohortFacilitator
from trainhub.financial_years import Period

DAY_STARTS, DAY_ENDS = time(9, 30), time(16, 30)


def course_days(s: Synth, course: CourseInfo, first: date, last: date) -> list[date]:
    """Weekdays for a course: in a row, or a 4-day course as 2 + 2 a fortnight apart."""
    rng = s.rng
    span = max((last - first).days, 1)
    day = first + timedelta(days=rng.randrange(span))
    block = min(course.days, 2) if course.days == 4 and rng.random() < 0.6 else course.days
    block = min(block, 5)
    day -= timedelta(days=day.weekday())  # Monday
    day += timedelta(days=rng.randrange(5 - block + 1))
    days = [day + timedelta(days=n) for n in range(block)]
    while len(days) < course.days:  # the second part, a fortnight later
        days.append(days[len(days) - block] + timedelta(days=14))
    return days


def _cohort_row(
    cohort_id: int, course: CourseInfo, status: str, capacity: int, first: date, last: date
) -> dict[str, Any]:
    created = moment(first - timedelta(days=90))
    return {
        "id": cohort_id,
        "course_id": course.id,
        "title": "",
        "status": status,
        "capacity": capacity,
        "bookings_open": None,
        "bookings_close": None,
        "delivery_language": "en",
        "partner_organisation_id": None,
        "waitlist_policy": "offer",
        "offer_hours": 48,
        "cutoff_days": 2,
        "cancel_reason": "",
        "cancelled_at": None,
        "sequence": 0,
        "first_day": first,
        "last_day": last,
        "created_by_id": None,
        "created_at": created,
        "updated_at": created,
    }


def load_year(s: Synth, period: Period, count: int) -> None:
    """``count`` cohorts in the financial year ``period``, with their bookings."""
    rng = s.rng
    cohorts, days_rows, facilitators = [], [], []
    plans: list[Plan] = []
    cohort_ids = s.ids(Cohort.__table__, count)
    busy_every = max(1, scaled("cohorts", s.scale, least=YEARS) // BUSY_TRAINER_COHORTS)
    for cohort_id in cohort_ids:
        course = rng.choices(s.courses, s.course_weights)[0]
        dates = course_days(s, course, period.start, period.end - timedelta(days=20))
        first, last = dates[0], dates[-1]
        roll = rng.random()
        if last < s.today:
            status = "cancelled" if roll < 0.04 else "completed"
        elif first > s.today:
            status = "cancelled" if roll < 0.03 else "draft" if roll < 0.08 else "published"
        else:
            status = "published"
        partner = None
        capacity = rng.choice((16, 18, 20, 20, 22, 24))
        if s.cohort_index % CLOSED_EVERY == CLOSED_EVERY - 1:
            partner = rng.choice(s.organisations)[0]
            capacity = 20
        row = _cohort_row(cohort_id, course, status, capacity, first, last)
        row["created_at"] = row["updated_at"] = moment(first - timedelta(days=rng.randint(40, 120)))
        row["delivery_language"] = (
            "cy" if rng.random() < 0.08 else "bilingual" if rng.random() < 0.1 else "en"
        )
        row["partner_organisation_id"] = partner
        if status == "cancelled":
            row["cancel_reason"] = "Not enough bookings"
            row["cancelled_at"] = moment(first - timedelta(days=7))
        cohorts.append(row)
        day_ids = s.ids(CohortDay.__table__, len(dates))
        venue = rng.choice(s.venue_ids)
        for number, (day_id, day) in enumerate(zip(day_ids, dates, strict=True), 1):
            days_rows.append(
                {
                    "id": day_id,
                    "cohort_id": cohort_id,
                    "day_number": number,
                    "date": day,
                    "start_time": DAY_STARTS,
                    "end_time": DAY_ENDS,
                    "venue_id": venue,
                }
            )
        lead = s.busy_trainer if s.cohort_index % busy_every == 0 else rng.choice(s.trainer_ids)
        s.cohort_index += 1
        team = [lead]
        if rng.random() < 0.7:
            co = rng.choice(s.trainer_ids)
            if co != lead:
                team.append(co)
        for position, trainer in enumerate(team, 1):
            facilitators.append(
                {
                    "cohort_id": cohort_id,
                    "user_id": trainer,
                    "role": "lead" if position == 1 else "co",
                    "professional_title": rng.choice(TRAINER_TITLES),
                    "position": position,
                }
            )
        plans.append(
            (cohort_id, course, list(zip(day_ids, dates, strict=True)), status, capacity, partner)
        )
    s.insert(Cohort.__table__, cohorts)
    s.insert(CohortDay.__table__, days_rows)
    s.insert(CohortFacilitator.__table__, facilitators)
    fill_cohorts(s, plans)


def load_big_register(s: Synth) -> None:
    """A 1-day event last week with a 400-person register (the largest page there is)."""
    course = s.one_day
    day = s.today - timedelta(days=7)
    while day.weekday() > 4:
        day -= timedelta(days=1)
    size = min(BIG_REGISTER, len(s.learner_ids) // 2)
    [cohort_id] = s.ids(Cohort.__table__, 1)
    [day_id] = s.ids(CohortDay.__table__, 1)
    row = _cohort_row(cohort_id, course, "completed", size, day, day)
    row["title"] = BIG_REGISTER_TITLE
    row["delivery_language"] = "bilingual"
    s.insert(Cohort.__table__, [row])
    s.insert(
        CohortDay.__table__,
        [
            {
                "id": day_id,
                "cohort_id": cohort_id,
                "day_number": 1,
                "date": day,
                "start_time": DAY_STARTS,
                "end_time": DAY_ENDS,
                "venue_id": s.venue_ids[0],
            }
        ],
    )
    s.insert(
        CohortFacilitator.__table__,
        [
            {
                "cohort_id": cohort_id,
                "user_id": s.busy_trainer,
                "role": "lead",
                "professional_title": TRAINER_TITLES[0],
                "position": 1,
            }
        ],
    )
    fill_cohorts(s, [(cohort_id, course, [(day_id, day)], "completed", size, None)], size)
