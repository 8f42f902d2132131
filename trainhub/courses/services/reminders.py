"""Reminders before a course (``flask cohorts remind``, daily): to every learner booked, N
days before the first day (per cohort, default ``COHORT_REMINDER_DAYS``) and the day before,
with the joining instructions and a link to their booking's calendar file; and to a
cohort's facilitators when a day's register was not taken by the end of that day.

Each reminder goes once: ``cohort_reminders`` records it (unique per cohort, person, kind
and day), and two runs at once take turns (``run_alone``). Never for a cancelled cohort or
a cancelled booking. A booking made after the early reminder's day gets only the
day-before one, so nobody is told "in 7 days" about a course that starts tomorrow.

The whole run takes a fixed number of queries however many cohorts start: each read covers
every due cohort at once, and the mail and the records are written in one INSERT each.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import render_template
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import and_, case, exists, insert, select
from sqlalchemy.orm import contains_eager, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from trainhub.auth.models import User
from trainhub.courses.models import (
    LOCAL_TIME,
    REGISTER_STATUSES,
    Attendance,
    Booking,
    Cohort,
    CohortDay,
    CohortFacilitator,
    CohortReminder,
    JoiningFile,
    JoiningInstructions,
)
from trainhub.courses.services.joining import MAX_REMINDER_DAYS, reminder_days
from trainhub.extensions import db, utcnow
from trainhub.jobs import run_alone
from trainhub.mail.models import OutboxMessage
from trainhub.mail.services import Recipient, external_url, queue_templated_mails
from trainhub.text import one_line

log = logging.getLogger(__name__)

#: Registers not taken are chased for this many days after the day, then left.
REGISTER_CHASE_DAYS = 7

Message = tuple[Recipient, Callable[[], str], Mapping[str, Any]]


@dataclass(frozen=True)
class Summary:
    """What one run sent."""

    early: int = 0
    day_before: int = 0
    register: int = 0

    @property
    def total(self) -> int:
        return self.early + self.day_before + self.register

    def __str__(self) -> str:
        return (
            f"{self.early} early reminder(s), {self.day_before} day-before reminder(s) and "
            f"{self.register} register reminder(s) queued."
        )


def learner_kind(first_day: dt.date, days: int, booked_on: dt.date, today: dt.date) -> str | None:
    """Which reminder a learner booked on ``booked_on`` is due ``today`` for a cohort that
    starts on ``first_day`` with its early reminder ``days`` ahead (0: none), if any."""
    until = (first_day - today).days
    if until == 1:
        return "day_before"
    if days > 1 and 1 < until <= days and booked_on <= first_day - timedelta(days=days):
        return "early"
    return None


def send_reminders(now: dt.datetime | None = None) -> Summary:
    """Queue every reminder due at ``now`` (default: this moment) and record each."""
    run_alone("cohorts remind")
    now = now or utcnow()
    today = now.astimezone(LOCAL_TIME).date()
    records: list[dict[str, Any]] = []
    early, day_before = _learner_reminders(today, records)
    register = _register_reminders(now, today, records)
    if records:
        db.session.execute(insert(CohortReminder), records)
    summary = Summary(early, day_before, register)
    log.info("Cohort reminders: %s", summary)
    return summary


@dataclass(frozen=True)
class _StandIn:
    """The recipient a message is drawn for once, then copied for each learner: their name
    goes where ``NAME`` is (their links where the link's ``MARK`` id is)."""

    preferred_language: str
    full_name: str = "\x1fNAME\x1f"
    email: str = ""


#: The booking id drawn into the shared message, replaced by each learner's own.
MARK = 987654321987


def _with_days(cohorts: Mapping[int, Cohort]) -> None:
    """Give each cohort its days (and their venues), read in one query for all of them."""
    days: dict[int, list[CohortDay]] = defaultdict(list)
    query = (
        select(CohortDay)
        .outerjoin(CohortDay.venue)  # an online day has none
        .options(contains_eager(CohortDay.venue))
        .where(CohortDay.cohort_id.in_(list(cohorts)))
        .order_by(CohortDay.cohort_id, CohortDay.date, CohortDay.start_time)
    )
    for day in db.session.execute(query).scalars():
        days[day.cohort_id].append(day)
    for cohort_id, cohort in cohorts.items():
        set_committed_value(cohort, "days", days[cohort_id])


def _learner_reminders(today: dt.date, records: list[dict[str, Any]]) -> tuple[int, int]:
    """The learners' reminders due ``today``: (early, day-before) counts.

    A message is drawn once per cohort, kind and language and copied for each learner
    (their name and links put in): a week of Wales's cohorts is tens of thousands of them.
    """
    rows = db.session.execute(
        select(Cohort, JoiningInstructions)
        .outerjoin(JoiningInstructions, JoiningInstructions.cohort_id == Cohort.id)
        # The message names the course too (in the learner's language): in this statement.
        .options(joinedload(Cohort.course))
        .where(
            Cohort.status == "published",
            Cohort.first_day > today,
            Cohort.first_day <= today + timedelta(days=MAX_REMINDER_DAYS),
        )
    ).all()
    # Only the cohorts with a reminder due today (a day after a run missed, still due).
    due = {
        cohort.id: (cohort, found)
        for cohort, found in rows
        if learner_kind(cohort.first_day, reminder_days(found), dt.date.min, today)
    }
    if not due:
        return 0, 0
    cohorts = {cohort_id: cohort for cohort_id, (cohort, _found) in due.items()}
    _with_days(cohorts)
    files: dict[int, list[JoiningFile]] = defaultdict(list)
    for joining_file in db.session.execute(
        select(JoiningFile).where(JoiningFile.cohort_id.in_(list(cohorts))).order_by(JoiningFile.id)
    ).scalars():
        files[joining_file.cohort_id].append(joining_file)
    # Each cohort is due one kind today; a learner who has had it is left out in SQL.
    kind_due = case((Cohort.first_day == today + timedelta(days=1), "day_before"), else_="early")
    had_it = exists().where(
        CohortReminder.cohort_id == Booking.cohort_id,
        CohortReminder.user_id == Booking.user_id,
        CohortReminder.kind == kind_due,
    )
    bookings = db.session.execute(
        select(
            Booking.id,
            Booking.cohort_id,
            Booking.created_at,
            User.id,
            User.email,
            User.full_name,
            User.preferred_language,
        )
        .join(User, User.id == Booking.user_id)
        .join(Cohort, Cohort.id == Booking.cohort_id)
        .where(
            Booking.cohort_id.in_(list(cohorts)),
            Booking.status == "booked",
            User.active.is_(True),
            ~had_it,
        )
        .order_by(Booking.cohort_id, Booking.id)
    ).all()
    booking_link = external_url("courses.booking_detail", booking_id=MARK)
    calendar_link = external_url("courses.booking_calendar", booking_id=MARK)
    drawn: dict[tuple[int, str, str], tuple[str, str]] = {}
    messages: list[dict[str, str]] = []
    counts = {"early": 0, "day_before": 0}
    for booking_id, cohort_id, created_at, user_id, email, name, language in bookings:
        cohort, found = due[cohort_id]
        booked_on = created_at.astimezone(LOCAL_TIME).date()
        kind = learner_kind(cohort.first_day, reminder_days(found), booked_on, today)
        if kind is None:
            continue
        language = language or "en"
        key = (cohort_id, kind, language)
        if key not in drawn:
            drawn[key] = _draw(cohort, found, files[cohort_id], kind, language, today)
        subject, body = drawn[key]
        mark, own = str(MARK), str(booking_id)
        body = body.replace(_StandIn.full_name, name)
        body = body.replace(booking_link, booking_link.replace(mark, own))
        body = body.replace(calendar_link, calendar_link.replace(mark, own))
        messages.append({"to_address": email, "subject": subject, "body": body})
        records.append({"cohort_id": cohort_id, "user_id": user_id, "kind": kind, "day_number": 0})
        counts[kind] += 1
    if messages:
        db.session.execute(insert(OutboxMessage), messages)
        log.info("Queued %d 'cohort_reminder' mails", len(messages))
    return counts["early"], counts["day_before"]


def _draw(
    cohort: Cohort,
    found: JoiningInstructions | None,
    files: list[JoiningFile],
    kind: str,
    language: str,
    today: dt.date,
) -> tuple[str, str]:
    """The subject and body of a cohort's reminder of ``kind`` in ``language``."""
    with force_locale(language):
        body = render_template(
            "mail/cohort_reminder.txt",
            recipient=_StandIn(language),
            cohort=cohort,
            kind=kind,
            until=(cohort.first_day - today).days,
            instructions=found.text if found else "",
            files=[
                (
                    f.filename,
                    external_url("courses.joining_file", cohort_id=cohort.id, file_id=f.id),
                )
                for f in files
            ],
            link=external_url("courses.booking_detail", booking_id=MARK),
            calendar_link=external_url("courses.booking_calendar", booking_id=MARK),
        )
        return one_line(_subject(cohort)()), body


def _subject(cohort: Cohort) -> Callable[[], str]:
    return lambda: _(
        "Reminder: %(title)s starts on %(date)s", title=cohort.shown_title, date=_date(cohort)
    )


def _date(cohort: Cohort) -> str:
    return str(format_date(cohort.first_day, "EEEE d MMMM"))


def _register_subject(cohort: Cohort, day: CohortDay) -> Callable[[], str]:
    return lambda: _(
        "Register not taken: %(title)s, day %(n)d", title=cohort.shown_title, n=day.day_number
    )


def _register_reminders(now: dt.datetime, today: dt.date, records: list[dict[str, Any]]) -> int:
    """Facilitators of days that have ended without a register, once per day and person."""
    taken = exists().where(Attendance.cohort_day_id == CohortDay.id)
    expected = exists().where(
        Booking.cohort_id == CohortDay.cohort_id, Booking.status.in_(REGISTER_STATUSES)
    )
    days = db.session.execute(
        select(CohortDay, Cohort)
        .join(Cohort, Cohort.id == CohortDay.cohort_id)
        .where(
            Cohort.status == "published",
            CohortDay.date >= today - timedelta(days=REGISTER_CHASE_DAYS),
            CohortDay.date <= today,
            ~taken,
            expected,
        )
        .order_by(CohortDay.cohort_id, CohortDay.day_number)
    ).all()
    ended = [(day, cohort) for day, cohort in days if day.ends_at <= now]
    if not ended:
        return 0
    cohort_ids = {cohort.id for _day, cohort in ended}
    facilitators: dict[int, list[User]] = defaultdict(list)
    for facilitator, person in db.session.execute(
        select(CohortFacilitator, User)
        .join(User, User.id == CohortFacilitator.user_id)
        .where(
            and_(CohortFacilitator.cohort_id.in_(cohort_ids), User.active.is_(True)),
        )
        .order_by(CohortFacilitator.cohort_id, CohortFacilitator.position)
    ):
        facilitators[facilitator.cohort_id].append(person)
    sent = {
        (c, u, d)
        for c, u, d in db.session.execute(
            select(
                CohortReminder.cohort_id, CohortReminder.user_id, CohortReminder.day_number
            ).where(CohortReminder.cohort_id.in_(cohort_ids), CohortReminder.kind == "register")
        )
    }
    messages: list[Message] = []
    for day, cohort in ended:
        for person in facilitators[cohort.id]:
            if (cohort.id, person.id, day.day_number) in sent:
                continue
            records.append(
                {
                    "cohort_id": cohort.id,
                    "user_id": person.id,
                    "kind": "register",
                    "day_number": day.day_number,
                }
            )
            messages.append(
                (
                    person,
                    _register_subject(cohort, day),
                    {
                        "cohort": cohort,
                        "day": day,
                        "link": external_url(
                            "courses.register", cohort_id=cohort.id, day_number=day.day_number
                        ),
                    },
                )
            )
    return queue_templated_mails("register_reminder", messages)
