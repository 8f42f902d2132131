"""The IFST workforce and the Level 6 clock (R30, R37 "workforce issues"): every member's
core training, levels held, open application and clock, by name (``workforce_members``, for
the audited named export), and the same figures counted without a row per member
(``workforce``, for the report). ``tests/feedback/test_clock_agreement.py`` holds the two,
and the SQL here against ``accreditation.services.clock``, to the same answers."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Select,
    and_,
    case,
    func,
    or_,
    select,
    true,
)
from sqlalchemy.orm import aliased

from trainhub.accreditation.models import (
    ACHIEVED,
    OPEN_STATUSES,
    AccreditationLevel,
    Application,
    level_entry_courses,
)
from trainhub.accreditation.services.applications import level_clock
from trainhub.accreditation.services.clock import people_on_the_clock
from trainhub.auth.models import Organisation, User
from trainhub.courses.models import Completion
from trainhub.feedback.reporting._sql import rows, tagged_union
from trainhub.feedback.reporting.tables import Column, Table
from trainhub.i18n import team_acronym


class Member(TypedDict):
    name: str
    email: str
    organisation: str | None
    #: ISO dates (None: not yet).
    core_completed_on: str | None
    levels: list[int]
    open_level: int | None
    open_status: str | None
    #: The clock's state ("on_track", "due", "overdue"), None when off the clock.
    clock: str | None
    due_on: str | None


class LevelHeld(TypedDict):
    level: int
    people: int


class Workforce(TypedDict):
    as_at: str
    members: int
    core_trained: int
    not_core_trained: int
    due: int
    overdue: int
    levels: list[LevelHeld]


def core_course_ids() -> Select[Any]:
    """The core and the courses counted as its equivalent: those that open a level."""
    return (
        select(level_entry_courses.c.course_id)
        .join(AccreditationLevel, AccreditationLevel.id == level_entry_courses.c.level_id)
        .where(AccreditationLevel.is_active.is_(True))
    )


def workforce_members(as_at: dt.date, visible: ColumnElement[bool] | None = None) -> list[Member]:
    """Every active IFST member (those ``visible``, a condition on ``User``, when given):
    core completion, levels held, open application, clock."""
    core = (
        select(Completion.user_id, func.min(Completion.completed_on).label("core_on"))
        .where(Completion.course_id.in_(core_course_ids()), Completion.completed_on <= as_at)
        .group_by(Completion.user_id)
        .subquery()
    )
    members = rows(
        select(User.id, User.full_name, User.email, Organisation.name, core.c.core_on)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .outerjoin(core, core.c.user_id == User.id)
        .where(User.ifst_member.is_(True), User.active.is_(True))
        .where(visible if visible is not None else true())
        .order_by(User.full_name, User.id)
    )
    ids = [row[0] for row in members]
    achieved: dict[int, list[int]] = {}
    open_: dict[int, tuple[int, str]] = {}
    for user_id, number, status, achieved_on in rows(
        select(
            Application.user_id,
            AccreditationLevel.number,
            Application.status,
            Application.achieved_on,
        )
        .join(AccreditationLevel, AccreditationLevel.id == Application.level_id)
        .where(
            Application.user_id.in_(ids),
            Application.status.in_((ACHIEVED, *OPEN_STATUSES)),
        )
        .order_by(AccreditationLevel.number)
    ):
        if status == ACHIEVED and achieved_on is not None and achieved_on <= as_at:
            achieved.setdefault(user_id, []).append(number)
        elif status in OPEN_STATUSES:
            open_[user_id] = (number, status)
    clocks = {
        item.user.id: item.clock for item in people_on_the_clock(as_at) if item.user.id in ids
    }
    result: list[Member] = []
    for user_id, name, email, organisation, core_on in members:
        clock = clocks.get(user_id)
        application = open_.get(user_id)
        result.append(
            {
                "name": name,
                "email": email,
                "organisation": organisation,
                "core_completed_on": core_on.isoformat() if core_on else None,
                "levels": achieved.get(user_id, []),
                "open_level": application[0] if application else None,
                "open_status": application[1] if application else None,
                "clock": clock.state if clock else None,
                "due_on": clock.due_on.isoformat() if clock and clock.due_on else None,
            }
        )
    return result


def workforce(as_at: dt.date) -> Workforce:
    """The IFST staff complement's training status, in numbers (R37 workforce issues).

    The same figures as counting ``workforce_members``, without a row per member: how many
    members and how many of them core-trained, the levels they hold, and how many members
    each (clock start, level) is the latest running clock of, whose state ``level_clock``
    then tells.
    """
    member = and_(User.ifst_member.is_(True), User.active.is_(True))
    core = (
        select(Completion.id)
        .where(
            Completion.user_id == User.id,
            Completion.course_id.in_(core_course_ids()),
            Completion.completed_on <= as_at,
        )
        .exists()
    )
    # A clocked level's clock runs for a member with an open application for it (from the
    # application's start) or who completed one of its entry courses, until it is achieved:
    # as in ``people_on_the_clock``, where a member on two clocks shows the later-started.
    # The earliest entry-course completion is joined and grouped rather than looked up per
    # row in a subquery, which the filter on ``started_on`` below would run a second time.
    open_application = aliased(Application)
    achieved = (
        select(Application.id)
        .where(
            Application.user_id == User.id,
            Application.level_id == AccreditationLevel.id,
            Application.status == ACHIEVED,
        )
        .exists()
    )
    clocks = (
        select(
            User.id.label("user_id"),
            AccreditationLevel.id.label("level_id"),
            AccreditationLevel.number.label("number"),
            AccreditationLevel.due_after_months,
            AccreditationLevel.overdue_after_months,
            func.coalesce(
                open_application.clock_started_on, func.min(Completion.completed_on)
            ).label("started_on"),
        )
        .select_from(User)
        .join(
            AccreditationLevel,
            and_(
                AccreditationLevel.is_active.is_(True),
                or_(
                    AccreditationLevel.due_after_months.is_not(None),
                    AccreditationLevel.overdue_after_months.is_not(None),
                ),
            ),
        )
        .outerjoin(
            open_application,
            and_(
                open_application.user_id == User.id,
                open_application.level_id == AccreditationLevel.id,
                open_application.status.in_(OPEN_STATUSES),
            ),
        )
        .outerjoin(level_entry_courses, level_entry_courses.c.level_id == AccreditationLevel.id)
        .outerjoin(
            Completion,
            and_(
                Completion.user_id == User.id,
                Completion.course_id == level_entry_courses.c.course_id,
            ),
        )
        .where(member, ~achieved)
        .group_by(
            User.id,
            AccreditationLevel.id,
            AccreditationLevel.number,
            AccreditationLevel.due_after_months,
            AccreditationLevel.overdue_after_months,
            open_application.id,
            open_application.clock_started_on,
        )
        .subquery()
    )
    latest = (
        select(
            clocks,
            func.row_number()
            .over(
                partition_by=clocks.c.user_id,
                # The same day: the higher level, as people_on_the_clock orders them.
                order_by=(
                    clocks.c.started_on.desc(),
                    clocks.c.number.desc(),
                    clocks.c.level_id.desc(),
                ),
            )
            .label("latest"),
        )
        .where(clocks.c.started_on.is_not(None))
        .subquery()
    )
    found = tagged_union(
        {
            "n": Integer(),
            "core": Integer(),
            "number": Integer(),
            "due": Integer(),
            "overdue": Integer(),
            "started_on": Date(),
        },
        {
            "members": select(
                func.count(User.id).label("n"), func.count(case((core, User.id))).label("core")
            ).where(member),
            "levels": select(
                AccreditationLevel.number.label("number"), func.count(Application.id).label("n")
            )
            .join(Application, Application.level_id == AccreditationLevel.id)
            .join(User, User.id == Application.user_id)
            .where(member, Application.status == ACHIEVED, Application.achieved_on <= as_at)
            .group_by(AccreditationLevel.number),
            "clocks": select(
                latest.c.due_after_months.label("due"),
                latest.c.overdue_after_months.label("overdue"),
                latest.c.started_on.label("started_on"),
                func.count().label("n"),
            )
            .where(latest.c.latest == 1)
            .group_by(
                latest.c.due_after_months, latest.c.overdue_after_months, latest.c.started_on
            ),
        },
        order=("number",),
    )
    (members,) = found["members"]
    states = {"due": 0, "overdue": 0}
    for row in found["clocks"]:
        # Only the months matter to the clock: a level of these months, never saved.
        level = AccreditationLevel(due_after_months=row.due, overdue_after_months=row.overdue)
        clock = level_clock(level, row.started_on, today=as_at)
        if clock is not None and clock.state in states:
            states[clock.state] += int(row.n)
    return {
        "as_at": as_at.isoformat(),
        "members": int(members.n),
        "core_trained": int(members.core),
        "not_core_trained": int(members.n) - int(members.core),
        "due": states["due"],
        "overdue": states["overdue"],
        "levels": [{"level": r.number, "people": int(r.n)} for r in found["levels"]],
    }


def workforce_table(figures: Workforce) -> Table:
    """The staff complement's training status, as at the period's end (or today)."""
    measures: list[list[Any]] = [
        [_("%(team)s members", team=team_acronym()), figures["members"]],
        [_("Core training completed"), figures["core_trained"]],
        # Members with no core (nor its equivalent) by the as-at date, in trainhub or in the
        # recorded history: long-serving staff with a recorded core are core-trained.
        [
            _("%(team)s members without the core training", team=team_acronym()),
            figures["not_core_trained"],
        ],
        *[[_("Holding Level %(n)d", n=row["level"]), row["people"]] for row in figures["levels"]],
        [_("Accreditation due"), figures["due"]],
        [_("Accreditation overdue"), figures["overdue"]],
    ]
    return Table(
        "workforce",
        "workforce",
        _("%(team)s workforce training status", team=team_acronym()),
        [Column("measure", _("Measure"), "text"), Column("people", _("People"))],
        measures,
        note=_(
            "As at %(day)s.",
            day=format_date(dt.date.fromisoformat(figures["as_at"]), "d MMMM yyyy"),
        ),
    )
