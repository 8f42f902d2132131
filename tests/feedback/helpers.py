"""Builders for the feedback and statistics tests: a fixture year shaped like the 2016-17
annual report (five 3-day cohorts, 90 attendees), written in bulk, and answered requests."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select

from tests.courses.cohort_helpers import many_learners
from tests.factories import make_cohort, make_organisation, make_user
from tests.helpers import count  # noqa: F401  (this area's tests import them from here)
from trainhub.auth.models import Organisation, User
from trainhub.courses.models import (
    Attendance,
    Booking,
    Cohort,
    CohortFacilitator,
    Completion,
    Course,
)
from trainhub.courses.services.attendance import refresh_attendees
from trainhub.extensions import db
from trainhub.feedback.models import FeedbackRequest, FeedbackResponse
from trainhub.feedback.services.questionnaire import current_questionnaire
from trainhub.feedback.services.responses import request_feedback, submit_response

#: The financial year of the fixture (2016-17) and a day well after it, for ``today=``.
FY = 2016
AFTER = dt.date(2017, 6, 1)
RATING_KEYS = ("knowledge", "supportive", "activities", "practice", "balance", "pace", "resources")

_batch = itertools.count(1)


def manager(**overrides: Any) -> User:
    return make_user(roles=["manager"], **overrides)


def trainer(**overrides: Any) -> User:
    return make_user(roles=["trainer"], **overrides)


def learner(**overrides: Any) -> User:
    return make_user(roles=["learner"], **overrides)


def people(n: int, **attributes: Sequence[Any] | Any) -> list[User]:
    """``n`` learners in one flush; a list or tuple attribute is cycled through by index."""
    users = many_learners(n, prefix=f"b{next(_batch)}p")
    for index, user in enumerate(users):
        for name, value in attributes.items():
            cycled = value[index % len(value)] if isinstance(value, (list, tuple)) else value
            setattr(user, name, cycled)
    db.session.flush()
    return users


def cohort_on(
    course: Course,
    first_day: dt.date,
    *,
    status: str = "published",
    capacity: int = 20,
    facilitators: Sequence[tuple[User, str]] = (),
    partner: Organisation | None = None,
) -> Cohort:
    """A cohort of ``course`` on consecutive days from ``first_day``, facilitated under the
    given professional titles (the first one leads)."""
    cohort = make_cohort(
        course,
        start=first_day,
        status=status,
        capacity=capacity,
        facilitators=[],
        partner_organisation_id=partner.id if partner else None,
    )
    db.session.add_all(
        CohortFacilitator(
            cohort_id=cohort.id,
            user_id=user.id,
            role="lead" if position == 0 else "co",
            professional_title=title,
            position=position,
        )
        for position, (user, title) in enumerate(facilitators)
    )
    db.session.flush()
    return cohort


def run_cohort(
    cohort: Cohort,
    full: Sequence[User],
    partial: Sequence[User] = (),
    no_shows: Sequence[User] = (),
    late_cancelled: Sequence[User] = (),
    cancelled: Sequence[User] = (),
) -> None:
    """Bookings, registers and completions as if every day's register had been taken:
    ``full`` came every day (and completed), ``partial`` missed the last day."""
    bookings = [
        *[{"user_id": u.id, "status": "attended"} for u in full],
        *[{"user_id": u.id, "status": "partially_attended"} for u in partial],
        *[{"user_id": u.id, "status": "no_show"} for u in no_shows],
        *[
            {"user_id": u.id, "status": "cancelled", "late_cancellation": True}
            for u in late_cancelled
        ],
        *[{"user_id": u.id, "status": "cancelled", "late_cancellation": False} for u in cancelled],
    ]
    db.session.add_all(Booking(cohort_id=cohort.id, **values) for values in bookings)
    last = len(cohort.days) - 1
    marks = [
        {"cohort_day_id": day.id, "user_id": user.id, "status": status}
        for index, day in enumerate(cohort.days)
        for user, status in [
            *[(u, "present") for u in full],
            *[(u, "absent" if index == last else "present") for u in partial],
            *[(u, "absent") for u in no_shows],
        ]
    ]
    if marks:
        db.session.execute(insert(Attendance), marks)
        refresh_attendees([cohort.id])
    if full:
        db.session.execute(
            insert(Completion),
            [
                {
                    "user_id": u.id,
                    "course_id": cohort.course_id,
                    "completed_on": cohort.last_day,
                    "cohort_id": cohort.id,
                }
                for u in full
            ],
        )
    db.session.flush()


@dataclass
class Year:
    """The fixture year and what a test may want to change in it."""

    course: Course
    cohorts: list[Cohort]
    attendees: list[User]
    partner: Organisation
    specialists: list[User]
    consultants: list[User]
    excluded: list[Cohort] = field(default_factory=list)


#: First days of the five cohorts (months after the FY start year): Q1, Q2, Q3, Q3, Q4.
FIRST_DAYS = ((0, 5, 10), (0, 7, 12), (0, 10, 11), (0, 11, 15), (1, 2, 7))
#: The closed cohort (Cardiff University's health visitors) is the fourth.
PARTNER_COHORT = 3


def build_year(course: Course, year: int = FY, copies: int = 1) -> Year:
    """Five 3-day cohorts of ``course`` (``copies`` times over) with 18 attendees each:
    16 came every day and completed, 2 missed the last day. Cohorts 1 and 2 each have a
    no-show; cohort 3 a late cancellation and cohort 5 an ordinary one. Around them, cohorts
    that do not count: the day before and after the year, a cancelled one and a draft."""
    partner = db.session.execute(
        select(Organisation).where(Organisation.name == "Cardiff University")
    ).scalar_one_or_none() or make_organisation("Cardiff University", sector="education")
    council = _organisation("Bridgend County Borough Council", "local_authority")
    charity = _organisation("Action for Children", "third_sector")
    specialists = [trainer() for _ in range(5)]
    consultants = [trainer() for _ in range(2)]
    cohorts: list[Cohort] = []
    attendees: list[User] = []
    for _copy in range(copies):
        for n, (offset, month, day) in enumerate(FIRST_DAYS):
            closed = n == PARTNER_COHORT
            cohort = cohort_on(
                course,
                dt.date(year + offset, month, day),
                status="completed" if n < 3 else "published",
                facilitators=[
                    (specialists[n], "Intervention Specialist"),
                    (specialists[(n + 1) % 5], "Intervention Specialist"),
                    (consultants[n % 2], "Consultant Social Worker"),
                ],
                partner=partner if closed else None,
            )
            if closed:
                group = people(
                    18,
                    organisation_id=partner.id,
                    professional_background=["health_visitor"] * 16
                    + ["student_health_visiting"] * 2,
                    sector="education",
                    local_authority="cardiff",
                )
            else:
                group = people(
                    18,
                    organisation_id=[charity.id, council.id, council.id],
                    professional_background=["social_worker"] * 9
                    + ["support_worker"] * 6
                    + [None] * 3,
                    sector=["third_sector", "local_authority", "local_authority"],
                    local_authority=["bridgend"] * 10 + ["vale_of_glamorgan"] * 8,
                )
            others = people(1)
            run_cohort(
                cohort,
                group[:16],
                group[16:],
                no_shows=others if n in (0, 1) else (),
                late_cancelled=others if n == 2 else (),
                cancelled=others if n == 4 else (),
            )
            cohorts.append(cohort)
            attendees += group
    excluded = []
    for first_day, status in (
        (dt.date(year, 3, 31), "completed"),
        (dt.date(year + 1, 4, 1), "published"),
        (dt.date(year, 6, 1), "cancelled"),
        (dt.date(year, 9, 6), "draft"),
    ):
        cohort = cohort_on(course, first_day, status=status, facilitators=[(trainer(), "Other")])
        run_cohort(cohort, people(5, sector="health"))
        excluded.append(cohort)
    return Year(course, cohorts, attendees, partner, specialists, consultants, excluded)


def _organisation(name: str, sector: str) -> Organisation:
    found = db.session.execute(
        select(Organisation).where(Organisation.name == name)
    ).scalar_one_or_none()
    return found or make_organisation(name, sector=sector)


def ratings(value: int = 4, **texts: str) -> dict[str, int | str | None]:
    """Answers to the standard questionnaire: every statement rated ``value``."""
    answers: dict[str, int | str | None] = dict.fromkeys(RATING_KEYS, value)
    answers.update(texts)
    return answers


def respond(
    cohort: Cohort,
    n: int = 1,
    value: int = 4,
    consent: bool = False,
    today: dt.date | None = None,
    **texts: str,
) -> list[FeedbackResponse]:
    """``n`` new attendees of ``cohort`` asked for feedback, each answering the same way."""
    questionnaire = current_questionnaire()
    asked = request_feedback(cohort, [u.id for u in people(n)])
    return [
        submit_response(
            request.user,
            request,
            questionnaire,
            ratings(value, **texts),
            consent,
            today=today or cohort.last_day,
        )
        for request in asked
    ]


def requests_of(user: User) -> list[FeedbackRequest]:
    db.session.flush()
    query = select(FeedbackRequest).where(FeedbackRequest.user_id == user.id)
    return list(db.session.execute(query.order_by(FeedbackRequest.cohort_id)).scalars())
