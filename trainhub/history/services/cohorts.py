"""Cohorts delivered before trainhub, recorded as their registers read: they land completed."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from sqlalchemy import insert, select

from trainhub.accreditation.services import certificates as certificate_service
from trainhub.accreditation.services import cpd
from trainhub.auth.models import User
from trainhub.courses.models import (
    ATTENDANCE_STATUSES,
    ATTENDED,
    Attendance,
    Booking,
    BookingEvent,
    Cohort,
    CohortDay,
    CohortFacilitator,
    Completion,
    Course,
    Venue,
)
from trainhub.courses.services.attendance import refresh_attendees
from trainhub.extensions import db
from trainhub.history.models import COHORT, HistoryImport
from trainhub.history.services.common import (
    People,
    check_name,
    check_past,
    courses_by_code,
    existing_keys,
    organisations_by_name,
    require_recorder,
    unknown_course,
    write_records,
)
from trainhub.history.services.drafts import CohortDraft
from trainhub.history.services.outcome import Outcome

MAX_TITLE = 300


def cohort_key(course_code: str, first_day: dt.date, title: str) -> str:
    """Course code + first day + title: the same cohort recorded twice is one."""
    return f"{course_code.upper()}|{first_day.isoformat()}|{' '.join(title.lower().split())}"


def _venues() -> dict[str, Venue]:
    return {v.name.lower(): v for v in db.session.execute(select(Venue)).scalars()}


def _check(
    draft: CohortDraft,
    course: Course,
    people: People,
    organisations: dict[str, Any],
    outcome: Outcome,
) -> None:
    line = draft.line
    if not draft.title.strip():
        outcome.problem(line, _("the cohort has no title"))
    elif len(draft.title) > MAX_TITLE:
        outcome.problem(line, _("the cohort's title is longer than %(n)d characters", n=MAX_TITLE))
    numbers = sorted(d.day_number for d in draft.days)
    wanted = list(range(1, course.duration_days + 1))
    if numbers != wanted:
        outcome.problem(
            next((d.line for d in draft.days if d.day_number not in wanted), line),
            ngettext(
                "%(code)s lasts %(num)d day, so “%(title)s” needs day %(wanted)s, not %(found)s",
                "%(code)s lasts %(num)d days, so “%(title)s” needs days %(wanted)s, not %(found)s",
                course.duration_days,
                code=course.code,
                title=draft.title,
                wanted=", ".join(map(str, wanted)),
                found=", ".join(map(str, numbers)) or "-",
            ),
        )
    previous: dt.date | None = None
    for day in sorted(draft.days, key=lambda d: d.day_number):
        check_past(outcome, day.line, day.date, _("day %(n)d's date", n=day.day_number))
        if day.start >= day.end:
            outcome.problem(day.line, _("day %(n)d ends before it starts", n=day.day_number))
        if previous is not None and day.date <= previous:
            outcome.problem(
                day.line, _("day %(n)d is not after the day before it", n=day.day_number)
            )
        previous = day.date
        if not day.venue.strip():
            outcome.problem(day.line, _("day %(n)d has no venue", n=day.day_number))
        else:
            check_name(outcome, day.line, day.venue, _("the venue"))
    for facilitator in draft.facilitators:
        if "@" in facilitator:
            if facilitator.strip().lower() not in people.known:
                outcome.problem(
                    line,
                    _(
                        "the facilitator %(email)s has no account: give their name instead",
                        email=facilitator,
                    ),
                )
        else:
            check_name(outcome, line, facilitator, _("a facilitator's name"))
    partner = organisations.get(draft.partner.strip().lower()) if draft.partner.strip() else None
    if draft.partner.strip() and partner is None:
        outcome.problem(line, _("there is no organisation called “%(name)s”", name=draft.partner))
    seen: dict[str, int | None] = {}
    for attendee in draft.attendees:
        address = people.check(
            outcome,
            attendee.line,
            attendee.email,
            attendee.full_name,
            attendee.organisation,
            default=partner.id if partner else None,
        )
        if address is None:
            continue
        if address in seen:
            outcome.problem(
                attendee.line,
                _("%(email)s is on this cohort's register twice", email=address),
            )
        seen[address] = attendee.line
        for number, mark in attendee.marks.items():
            if number not in wanted:
                outcome.problem(
                    attendee.lines.get(number, attendee.line),
                    _("“%(title)s” has no day %(n)d", title=draft.title, n=number),
                )
            if mark not in ATTENDANCE_STATUSES:
                outcome.problem(
                    attendee.lines.get(number, attendee.line),
                    _("unknown mark “%(mark)s”", mark=mark),
                )
    if not draft.attendees:
        outcome.problem(line, _("“%(title)s” has nobody on its register", title=draft.title))


def _check_overlaps(drafts: Sequence[CohortDraft], people: People, outcome: Outcome) -> None:
    """Nobody attends two days that overlap, in the file or beside what trainhub holds."""
    slots: dict[tuple[str, dt.date], list[tuple[dt.time, dt.time, str, int | None]]] = defaultdict(
        list
    )
    for draft in drafts:
        days = {d.day_number: d for d in draft.days}
        for attendee in draft.attendees:
            address = attendee.email.strip().lower()
            for number in attendee.marks:
                day = days.get(number)
                if day is not None:
                    slots[(address, day.date)].append(
                        (day.start, day.end, draft.title, attendee.lines.get(number, attendee.line))
                    )
    ids = {u.id: email for email, u in people.known.items()}
    dates = {when for _email, when in slots}
    if ids and dates:
        held = db.session.execute(
            select(
                Attendance.user_id,
                CohortDay.date,
                CohortDay.start_time,
                CohortDay.end_time,
                Cohort.title,
            )
            .join(CohortDay, CohortDay.id == Attendance.cohort_day_id)
            .join(Cohort, Cohort.id == CohortDay.cohort_id)
            .where(
                Attendance.user_id.in_(ids), CohortDay.date.in_(dates), Cohort.status != "cancelled"
            )
        )
        for user_id, when, start, end, title in held:
            key = (ids[user_id], when)
            if key in slots:
                slots[key].append((start, end, title, None))
    for (address, when), entries in slots.items():
        entries.sort(key=lambda e: e[0])
        for (_s1, e1, t1, l1), (s2, _e2, t2, l2) in pairwise(entries):
            if s2 < e1:
                outcome.problem(
                    l2 if l2 is not None else l1,
                    _(
                        "%(email)s is on two days that overlap on %(date)s: “%(first)s” and "
                        "“%(second)s”",
                        email=address,
                        date=when.isoformat(),
                        first=t1,
                        second=t2,
                    ),
                )


def _attended_days(marks: dict[int, str]) -> list[int]:
    return sorted(n for n, mark in marks.items() if mark in ATTENDED)


def _describe(draft: CohortDraft, course: Course, completing: int) -> str:
    days = sorted(draft.days, key=lambda d: d.day_number)
    return _(
        "%(code)s “%(title)s”, %(first)s to %(last)s: %(people)d on the register, "
        "%(completed)d completed",
        code=course.code,
        title=draft.title,
        first=format_date(days[0].date),
        last=format_date(days[-1].date),
        people=len(draft.attendees),
        completed=completing,
    )


def record_cohorts(
    actor: User,
    drafts: Sequence[CohortDraft],
    *,
    source: HistoryImport | None = None,
    certificates: bool = False,
    invite: bool = False,
    dry_run: bool = False,
) -> Outcome:
    """Record cohorts delivered before trainhub, each landing completed: its days, bookings
    and every attendee's marks, completions on their real last day, CPD lines dated then
    and, when asked, certificates. Nothing is published, nobody is e-mailed (unless
    ``invite`` for new accounts), no calendar carries it.

    Every draft is checked first; with any problem nothing is written and the outcome lists
    them all. A cohort recorded already (same course, first day and title) is skipped. A
    fixed number of queries however many rows.

    :raises PermissionDenied: when ``actor`` is not a manager or an administrator.
    """
    require_recorder(actor)
    outcome = Outcome()
    courses = courses_by_code()
    organisations = organisations_by_name()
    keyed: list[tuple[str, CohortDraft, Course]] = []
    for draft in drafts:
        course = courses.get(draft.course_code.strip().upper())
        if course is None:
            outcome.problem(draft.line, unknown_course(draft.course_code, courses))
            continue
        if not draft.days:
            outcome.problem(draft.line, _("“%(title)s” has no days", title=draft.title))
            continue
        first = min(d.date for d in draft.days)
        key = cohort_key(course.code, first, draft.title)
        twin = next((d for k, d, _c in keyed if k == key), None)
        if twin is not None:
            outcome.problem(
                draft.line,
                _(
                    "“%(title)s” is the same cohort as line %(line)s (the same course, first "
                    "day and title): write its title the same way on every row",
                    title=draft.title,
                    line=twin.line,
                ),
            )
            continue
        keyed.append((key, draft, course))
    done = existing_keys(COHORT, [k for k, _d, _c in keyed])
    todo = []
    for key, draft, course in keyed:
        if key in done:
            outcome.skipped.append(_describe(draft, course, 0).split(":")[0])
        else:
            todo.append((key, draft, course))
    emails = [a.email for _k, d, _c in todo for a in d.attendees]
    emails += [f for _k, d, _c in todo for f in d.facilitators if "@" in f]
    people = People(emails, actor)
    for _key, draft, course in todo:
        _check(draft, course, people, organisations, outcome)
    _check_overlaps([d for _k, d, _c in todo], people, outcome)
    if outcome.problems:
        outcome.sort()
        return outcome
    plans = []
    for key, draft, course in todo:
        completing = [
            a for a in draft.attendees if len(_attended_days(a.marks)) >= course.days_to_complete
        ]
        plans.append((key, draft, course, completing))
        outcome.added.append(_describe(draft, course, len(completing)))
    if dry_run or not plans:
        people.describe_new(outcome)
        return outcome
    users = people.make_accounts(outcome, invite=invite)
    outcome.record_ids = _write(actor, plans, users, organisations, source, certificates)
    return outcome


def _write(
    actor: User,
    plans: list[tuple[str, CohortDraft, Course, list[Any]]],
    users: dict[str, User],
    organisations: dict[str, Any],
    source: HistoryImport | None,
    certificates: bool,
) -> list[int]:
    venues = _venues()
    new_venues = sorted(
        {d.venue.strip() for _k, draft, _c, _p in plans for d in draft.days}
        - {v.name for v in venues.values()},
        key=str.lower,
    )
    new_venues = [name for name in new_venues if name.lower() not in venues]
    if new_venues:
        db.session.execute(
            insert(Venue),
            [
                {"name": name, "address": "", "capacity": 0, "is_active": False}
                for name in dict.fromkeys(new_venues)
            ],
        )
        venues = _venues()
    cohort_rows: list[dict[str, Any]] = []
    for _key, draft, course, _completing in plans:
        days = sorted(draft.days, key=lambda d: d.day_number)
        partner = organisations.get(draft.partner.strip().lower()) if draft.partner else None
        cohort_rows.append(
            {
                "course_id": course.id,
                "title": " ".join(draft.title.split()),
                "status": "completed",
                "recorded": True,
                # An event's recorded register says who came; it never completes (R18).
                "kind": "event" if course.is_event else "course",
                "capacity": max(len(draft.attendees), 1),
                "first_day": days[0].date,
                "last_day": days[-1].date,
                "partner_organisation_id": partner.id if partner else None,
                "facilitator_names": "\n".join(
                    f.strip() for f in draft.facilitators if "@" not in f
                ),
                "created_by_id": actor.id,
            }
        )
    db.session.execute(insert(Cohort).execution_options(render_nulls=True), cohort_rows)
    firsts = {row["first_day"] for row in cohort_rows}
    cohorts: dict[tuple[Any, ...], Cohort] = {
        (c.course_id, c.first_day, c.title): c
        for c in db.session.execute(
            select(Cohort).where(Cohort.recorded.is_(True), Cohort.first_day.in_(firsts))
        ).scalars()
    }
    planned = [
        (
            key,
            draft,
            course,
            completing,
            cohorts[(row["course_id"], row["first_day"], row["title"])],
        )
        for (key, draft, course, completing), row in zip(plans, cohort_rows, strict=True)
    ]
    db.session.execute(
        insert(CohortDay),
        [
            {
                "cohort_id": cohort.id,
                "day_number": day.day_number,
                "date": day.date,
                "start_time": day.start,
                "end_time": day.end,
                "venue_id": venues[day.venue.strip().lower()].id,
            }
            for _k, draft, _c, _p, cohort in planned
            for day in draft.days
        ],
    )
    cohort_ids = [cohort.id for *_rest, cohort in planned]
    day_ids = {
        (row.cohort_id, row.day_number): row.id
        for row in db.session.execute(
            select(CohortDay.id, CohortDay.cohort_id, CohortDay.day_number).where(
                CohortDay.cohort_id.in_(cohort_ids)
            )
        )
    }
    facilitators = [
        {
            "cohort_id": cohort.id,
            "user_id": users[email.strip().lower()].id,
            "role": "lead" if position == 0 else "co",
            "position": position,
        }
        for _k, draft, _c, _p, cohort in planned
        for position, email in enumerate(f for f in draft.facilitators if "@" in f)
    ]
    if facilitators:
        db.session.execute(insert(CohortFacilitator), facilitators)
    bookings = []
    attendances = []
    for _k, draft, course, _p, cohort in planned:
        for attendee in draft.attendees:
            user = users[attendee.email.strip().lower()]
            came = len(_attended_days(attendee.marks))
            status = (
                "attended"
                if came >= course.duration_days
                else "partially_attended"
                if came
                else "no_show"
            )
            bookings.append({"cohort_id": cohort.id, "user_id": user.id, "status": status})
            for day in draft.days:
                attendances.append(
                    {
                        "cohort_day_id": day_ids[(cohort.id, day.day_number)],
                        "user_id": user.id,
                        "status": attendee.marks.get(day.day_number, "absent"),
                        "recorded_by_id": actor.id,
                    }
                )
    db.session.execute(insert(Booking), bookings)
    booked = db.session.execute(
        select(Booking.id, Booking.status).where(Booking.cohort_id.in_(cohort_ids))
    ).all()
    db.session.execute(
        insert(BookingEvent),
        [
            {
                "booking_id": booking_id,
                "actor_id": actor.id,
                "action": "recorded",
                "from_status": None,
                "to_status": status,
                "reason": _("Recorded from records of a cohort delivered before trainhub"),
            }
            for booking_id, status in booked
        ],
    )
    db.session.execute(insert(Attendance), attendances)
    refresh_attendees(cohort_ids)
    completions = _complete(planned, users)
    if completions:
        cpd.bank_course_completions(completions, recorded_by=actor)
        if certificates:
            certificate_service.issue_for_completions(completions)
    records = [
        {
            "natural_key": key,
            "occurred_on": cohort.last_day,
            "course_id": course.id,
            "cohort_id": cohort.id,
            "line": draft.line,
            "details": {
                "venues_added": sorted({d.venue.strip() for d in draft.days} & set(new_venues))
            },
        }
        for key, draft, course, _p, cohort in planned
    ]
    return write_records(
        actor,
        COHORT,
        records,
        source,
        "history.cohort_recorded",
        [
            _("Recorded %(code)s “%(title)s” (%(first)s to %(last)s), cohort %(id)d")
            % {
                "code": course.code,
                "title": cohort.title,
                "first": cohort.first_day.isoformat(),
                "last": cohort.last_day.isoformat(),
                "id": cohort.id,
            }
            for _k, _d, course, _p, cohort in planned
        ],
    )


def _complete(planned: list[Any], users: dict[str, User]) -> list[Completion]:
    """The completions of those who attended enough days, unless they completed the course
    already (one per person and course)."""
    wanted: dict[tuple[int, int], dict[str, Any]] = {}
    for _k, draft, course, completing, cohort in planned:
        if course.is_event:
            continue
        days = {d.day_number: d.date for d in draft.days}
        for attendee in completing:
            user = users[attendee.email.strip().lower()]
            last = max(days[n] for n in _attended_days(attendee.marks))
            key = (user.id, course.id)
            if key not in wanted or wanted[key]["completed_on"] > last:
                wanted[key] = {
                    "user_id": user.id,
                    "course_id": course.id,
                    "completed_on": last,
                    "cohort_id": cohort.id,
                    "recorded": True,
                }
    if not wanted:
        return []
    user_ids = {u for u, _c in wanted}
    course_ids = {c for _u, c in wanted}
    held = db.session.execute(
        select(Completion.user_id, Completion.course_id).where(
            Completion.user_id.in_(user_ids), Completion.course_id.in_(course_ids)
        )
    ).all()
    for pair in held:
        wanted.pop((pair[0], pair[1]), None)
    if not wanted:
        return []
    db.session.execute(insert(Completion), list(wanted.values()))
    return [
        c
        for c in db.session.execute(
            select(Completion).where(
                Completion.user_id.in_(user_ids), Completion.course_id.in_(course_ids)
            )
        ).scalars()
        if (c.user_id, c.course_id) in wanted
    ]
