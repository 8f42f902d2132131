"""The level clock across people: the workforce status list and the daily reminders."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from trainhub.accreditation.models import (
    ACHIEVED,
    OPEN_STATUSES,
    AccreditationLevel,
    Application,
    ClockReminder,
    level_entry_courses,
)
from trainhub.accreditation.services import notices
from trainhub.accreditation.services.applications import Clock, level_clock
from trainhub.auth.models import User
from trainhub.courses.models import Completion, local_today
from trainhub.extensions import db
from trainhub.jobs import run_alone

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OnTheClock:
    user: User
    level: AccreditationLevel
    clock: Clock
    application: Application | None
    #: The clock started at a completion recorded from records (e.g. a core done in 2014,
    #: before trainhub): it counts and shows, but nobody is e-mailed about it.
    from_records: bool = False


def people_on_the_clock(today: dt.date | None = None) -> list[OnTheClock]:
    """Everyone a clocked level's clock runs for, with where it stands.

    The clock runs for a learner with an open application for the level, and for every IFST
    member once they complete an entry course (R24: "The Level 6 clock starts at core
    completion"), until the level is awarded.
    """
    today = today or local_today()
    levels = list(
        db.session.execute(
            select(AccreditationLevel)
            .where(
                AccreditationLevel.is_active.is_(True),
                (AccreditationLevel.due_after_months.is_not(None))
                | (AccreditationLevel.overdue_after_months.is_not(None)),
            )
            .options(selectinload(AccreditationLevel.entry_courses))
            .order_by(AccreditationLevel.number, AccreditationLevel.id)
        ).scalars()
    )
    result: list[OnTheClock] = []
    for level in levels:
        live = case((Completion.recorded.is_(False), Completion.completed_on))
        entry = (
            select(Completion.user_id, func.min(Completion.completed_on), func.min(live))
            .join(level_entry_courses, level_entry_courses.c.course_id == Completion.course_id)
            .where(level_entry_courses.c.level_id == level.id)
            .group_by(Completion.user_id)
        )
        started: dict[int, dt.date] = {}
        recorded_start: set[int] = set()
        for user_id, first, first_live in db.session.execute(entry):
            started[user_id] = first
            if first_live is None or first_live > first:
                recorded_start.add(user_id)
        applications = {
            a.user_id: a
            for a in db.session.execute(
                select(Application).where(
                    Application.level_id == level.id,
                    Application.status.in_((*OPEN_STATUSES, ACHIEVED)),
                )
            ).scalars()
        }
        achieved = {uid for uid, a in applications.items() if a.status == ACHIEVED}
        candidates = {uid for uid, a in applications.items() if a.status in OPEN_STATUSES} | set(
            db.session.execute(
                select(User.id).where(User.ifst_member.is_(True), User.id.in_(started))
            ).scalars()
        )
        candidates -= achieved
        if not candidates:
            continue
        users = db.session.execute(
            select(User).where(User.id.in_(candidates), User.active.is_(True))
        ).scalars()
        for user in users:
            application = applications.get(user.id)
            from_application = application.clock_started_on if application else None
            start = from_application or started.get(user.id)
            clock = level_clock(level, start, today=today)
            if clock is not None:
                from_records = from_application is None and user.id in recorded_start
                result.append(OnTheClock(user, level, clock, application, from_records))
    # Latest start last; on the same day the higher level last: a member on two clocks shows
    # the last one (statistics.workforce breaks the tie the same way, in SQL).
    result.sort(
        key=lambda item: (
            item.clock.started_on,
            item.user.full_name,
            item.user.id,
            item.level.number,
            item.level.id,
        )
    )
    return result


def send_reminders(today: dt.date | None = None) -> int:
    """Send each "due" and "overdue" reminder once per clock start; returns how many were sent.

    A clock that started at a completion recorded from records (``OnTheClock.from_records``)
    sends nothing: everyone core-trained years before trainhub would otherwise be told on the
    next run that they are overdue, and they may have no way to sign in. Such a clock still
    counts as due or overdue in the figures and shows on the pages; only the e-mails stop.

    Two runs at the same moment send each reminder once: the second waits for the first.
    """
    run_alone("accreditation remind")
    sent = 0
    for item in people_on_the_clock(today):
        kind = item.clock.state
        if kind not in ("due", "overdue") or item.from_records:
            continue
        already = db.session.execute(
            select(ClockReminder.id).where(
                ClockReminder.user_id == item.user.id,
                ClockReminder.level_id == item.level.id,
                ClockReminder.kind == kind,
                ClockReminder.clock_started_on == item.clock.started_on,
            )
        ).first()
        if already is not None:
            continue
        db.session.execute(
            ClockReminder.__table__.delete().where(
                ClockReminder.user_id == item.user.id,
                ClockReminder.level_id == item.level.id,
                ClockReminder.kind == kind,
            )
        )
        db.session.add(
            ClockReminder(
                user_id=item.user.id,
                level_id=item.level.id,
                kind=kind,
                clock_started_on=item.clock.started_on,
            )
        )
        notices.clock_reminder(item.user, item.level.number, kind, item.clock)
        sent += 1
    db.session.flush()
    log.info("Sent %d accreditation clock reminders", sent)
    return sent
