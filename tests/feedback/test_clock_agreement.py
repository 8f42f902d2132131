"""The two homes of the level clock agree (issue 22): ``workforce`` counts in SQL what
``workforce_members`` (through ``people_on_the_clock`` and ``level_clock``) says person by
person, on any history of members, completions, applications and levels.

Both call ``level_clock`` for the arithmetic, so agreement alone cannot see an off-by-one in
it: the examples at the end pin the boundary days (due day, the day before, overdue the day
after, the 31st in February) to the numbers the rule gives.

Each Hypothesis example writes its history inside a savepoint on top of the seeded catalogue
and rolls it back, so examples never see each other's rows. The levels are edited in a random
order, as an admin might: on PostgreSQL an edited row moves to the end of the table, so a
query without ORDER BY then returns the levels in another order than their ids.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.accreditation.helpers import complete, course, level
from tests.factories import make_user
from trainhub.accreditation.models import (
    ACHIEVED,
    APPLICATION_STATUSES,
    OPEN_STATUSES,
    WITHDRAWN,
    Application,
)
from trainhub.accreditation.services.dates import add_months
from trainhub.auth.models import User
from trainhub.extensions import db
from trainhub.feedback.reporting import workforce, workforce_members

D = dt.date
NUMBERS = (2, 3, 6)
#: The core, two courses an admin might declare its equivalent, and one that opens nothing
#: unless an example makes it an entry course.
CODES = ("IFSS-CORE", "FFI-3DAY", "IFSS-CONSULT", "SAFETY-PLAN")
#: What ``flask catalogue seed`` gives each level: (due, overdue, entry courses).
SEEDED = {2: (None, None, ()), 3: (None, None, ("IFSS-CORE",)), 6: (6, 9, ("IFSS-CORE",))}


# The history of one example ----------------------------------------------------------------


@dataclass(frozen=True)
class LevelSpec:
    number: int
    due: int | None
    overdue: int | None
    active: bool
    entry: tuple[str, ...]


@dataclass(frozen=True)
class ApplicationSpec:
    number: int
    status: str
    clock_started_on: dt.date | None
    achieved_on: dt.date | None


@dataclass(frozen=True)
class PersonSpec:
    member: bool
    active: bool
    #: (course code, completed on): at most one completion of a course per person.
    completions: tuple[tuple[str, dt.date], ...]
    applications: tuple[ApplicationSpec, ...]


@dataclass(frozen=True)
class History:
    as_at: dt.date
    #: In the order an admin edited them (which may not be the order they were made in).
    levels: tuple[LevelSpec, ...]
    people: tuple[PersonSpec, ...]


def _day(year: int, month: int, day: int) -> dt.date:
    return D(year, month, min(day, calendar.monthrange(year, month)[1]))


#: Month ends (the 31st becoming the 30th, the 28th or the 29th of February) and ordinary days.
as_at_days = st.builds(
    _day,
    st.sampled_from([2023, 2024, 2025]),
    st.integers(min_value=1, max_value=12),
    st.sampled_from([1, 15, 27, 28, 29, 30, 31]),
)


def boundary_days(as_at: dt.date, marks: Iterable[int]) -> list[dt.date]:
    """Every start whose clock of ``marks`` months ends the day before ``as_at``, on it or the
    day after: due that day or not yet, overdue or not yet (the 29th, 30th and 31st all end
    on the 28th of February)."""
    days = set()
    for length in marks:
        for end in (as_at - dt.timedelta(days=1), as_at, as_at + dt.timedelta(days=1)):
            around = add_months(end, -length)
            for shift in range(-3, 4):
                start = around + dt.timedelta(days=shift)
                if add_months(start, length) == end:
                    days.add(start)
    return sorted(days)


def days_near(as_at: dt.date, marks: tuple[int, ...]) -> st.SearchStrategy[dt.date]:
    """A start or completion on a clock's boundary (``marks``: the months of the levels'
    clocks), or any day from two years before ``as_at`` to four months after."""
    anywhere = st.integers(min_value=-730, max_value=120).map(
        lambda shift: as_at + dt.timedelta(days=shift)
    )
    boundaries = boundary_days(as_at, marks)
    return st.one_of(st.sampled_from(boundaries), anywhere) if boundaries else anywhere


#: Months of a level's clock: None (no due day, or no overdue day) now and then.
months = st.integers(min_value=0, max_value=12).map(lambda n: n or None)


def entry_courses() -> st.SearchStrategy[tuple[str, ...]]:
    """Mostly the core, with or without equivalents; now and then only others, or none."""
    return st.builds(
        lambda core, others: tuple(sorted({*others, *(["IFSS-CORE"] if core else [])})),
        st.integers(min_value=0, max_value=3).map(bool),
        st.lists(st.sampled_from(CODES[1:]), unique=True, max_size=2),
    )


@st.composite
def level_specs(draw: st.DrawFn, number: int) -> LevelSpec:
    """The seeded level; or with a clock of other months (or none); or with other entry
    courses too, and now and then retired."""
    due, overdue, entry = SEEDED[number]
    change = draw(st.sampled_from(["nothing", "months", "everything"]))
    if change == "nothing":
        return LevelSpec(number, due, overdue, True, entry)
    if change == "months":
        return LevelSpec(number, draw(months), draw(months), True, entry)
    return LevelSpec(
        number,
        draw(months),
        draw(months),
        draw(st.integers(min_value=0, max_value=4)) > 0,
        draw(entry_courses()),
    )


@st.composite
def application_specs(draw: st.DrawFn, day: st.SearchStrategy[dt.date]) -> ApplicationSpec:
    status = draw(st.sampled_from(APPLICATION_STATUSES))
    return ApplicationSpec(
        draw(st.sampled_from(NUMBERS)),
        status,
        draw(st.one_of(st.none(), day)),
        draw(st.one_of(st.none(), day)) if status == ACHIEVED else None,
    )


def _as_the_services_allow(applications: Iterable[ApplicationSpec]) -> tuple[ApplicationSpec, ...]:
    """What ``start_application`` lets happen, in order: one open application at a time, and
    never one for a level already held (withdrawn ones may come and go)."""
    kept: list[ApplicationSpec] = []
    for spec in applications:
        held = {a.number for a in kept if a.status == ACHIEVED}
        if spec.number in held:
            continue
        if spec.status in OPEN_STATUSES and any(a.status in OPEN_STATUSES for a in kept):
            continue
        kept.append(spec)
    return tuple(kept)


@st.composite
def person_specs(draw: st.DrawFn, near: st.SearchStrategy[dt.date]) -> PersonSpec:
    """A person whose completions and clock starts often fall on the same few days, so that
    two clocks often start together."""
    anchors = st.sampled_from(draw(st.lists(near, min_size=1, max_size=2)))
    day = st.one_of(anchors, anchors, anchors, near)
    return PersonSpec(
        member=draw(st.integers(min_value=0, max_value=3)) > 0,
        active=draw(st.integers(min_value=0, max_value=5)) > 0,
        completions=tuple((code, draw(day)) for code in draw(entry_courses())),
        applications=_as_the_services_allow(draw(st.lists(application_specs(day), max_size=3))),
    )


@st.composite
def histories(draw: st.DrawFn) -> History:
    as_at = draw(as_at_days)
    levels = tuple(draw(level_specs(number)) for number in draw(st.permutations(NUMBERS)))
    marks = tuple(sorted({m for spec in levels for m in (spec.due, spec.overdue) if m}))
    near = days_near(as_at, marks)
    return History(
        as_at=as_at,
        levels=levels,
        people=tuple(draw(st.lists(person_specs(near), min_size=1, max_size=8))),
    )


def build(history: History) -> None:
    """Write ``history`` on top of the seeded catalogue (flushed, not committed)."""
    for spec in history.levels:
        row = level(spec.number)
        row.due_after_months = spec.due
        row.overdue_after_months = spec.overdue
        row.is_active = spec.active
        row.entry_courses = [course(code) for code in spec.entry]
        db.session.flush()
    for person in history.people:
        user = make_user(ifst_member=person.member, active=person.active)
        for code, day in person.completions:
            complete(user, code, day)
        for applied in person.applications:
            db.session.add(
                Application(
                    user_id=user.id,
                    level_id=level(applied.number).id,
                    status=applied.status,
                    clock_started_on=applied.clock_started_on,
                    achieved_on=applied.achieved_on,
                )
            )
    db.session.flush()


# The two answers ---------------------------------------------------------------------------


def counted_from_members(as_at: dt.date) -> dict[str, Any]:
    """The workforce figures counted from the list of members, one by one."""
    members = workforce_members(as_at)
    core = sum(1 for m in members if m["core_completed_on"] is not None)
    clocks = Counter(m["clock"] for m in members)
    return {
        "members": len(members),
        "core_trained": core,
        "not_core_trained": len(members) - core,
        "due": clocks["due"],
        "overdue": clocks["overdue"],
        "levels": dict(Counter(n for m in members for n in m["levels"])),
    }


def counted_in_sql(as_at: dt.date) -> dict[str, Any]:
    figures = workforce(as_at)
    assert figures["as_at"] == as_at.isoformat()
    return {
        **{
            key: figures[key]
            for key in ("members", "core_trained", "not_core_trained", "due", "overdue")
        },
        "levels": {row["level"]: row["people"] for row in figures["levels"]},
    }


def agreed(as_at: dt.date) -> dict[str, Any]:
    """The figures, once both implementations agree on them."""
    python, sql = counted_from_members(as_at), counted_in_sql(as_at)
    assert sql == python, (
        f"as_at={as_at}: workforce()={sql} but workforce_members() counts {python}"
    )
    return sql


# The property ------------------------------------------------------------------------------


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=histories())
def test_workforce_counts_what_workforce_members_lists(
    app: Flask, catalogue: None, history: History
) -> None:
    savepoint = db.session.begin_nested()
    try:
        build(history)
        agreed(history.as_at)
    finally:
        savepoint.rollback()


# Examples: the boundaries, with the numbers the rule gives ---------------------------------


def member(core_on: dt.date | None = None, **overrides: Any) -> User:
    """An IFST member; with ``core_on``, one who completed the core that day."""
    user = make_user(ifst_member=True, **overrides)
    if core_on is not None:
        complete(user, "IFSS-CORE", core_on)
    return user


@pytest.mark.parametrize(
    ("core_on", "as_at", "due", "overdue"),
    [
        # Level 6: due 6 months after the core, overdue from the day after 9 months.
        (D(2024, 1, 15), D(2024, 7, 14), 0, 0),  # the day before it is due
        (D(2024, 1, 15), D(2024, 7, 15), 1, 0),  # due that day
        (D(2024, 1, 15), D(2024, 10, 15), 1, 0),  # 9 months exactly: not overdue yet
        (D(2024, 1, 15), D(2024, 10, 16), 0, 1),
        # From the 31st, the clock ends on the last day of shorter months.
        (D(2024, 8, 31), D(2025, 2, 27), 0, 0),
        (D(2024, 8, 31), D(2025, 2, 28), 1, 0),
        (D(2023, 8, 31), D(2024, 2, 28), 0, 0),  # a leap year: due on the 29th
        (D(2023, 8, 31), D(2024, 2, 29), 1, 0),
        (D(2024, 3, 31), D(2024, 9, 29), 0, 0),
        (D(2024, 3, 31), D(2024, 9, 30), 1, 0),
        (D(2024, 5, 31), D(2025, 2, 28), 1, 0),  # overdue after 28 February...
        (D(2024, 5, 31), D(2025, 3, 1), 0, 1),  # ... from 1 March
        # A core completed the day after as_at: not core-trained then, and nothing due.
        (D(2024, 7, 16), D(2024, 7, 15), 0, 0),
    ],
)
def test_the_level_6_clock_boundaries(
    catalogue: None, core_on: dt.date, as_at: dt.date, due: int, overdue: int
) -> None:
    member(core_on)

    figures = agreed(as_at)

    assert (figures["due"], figures["overdue"]) == (due, overdue)
    assert figures["core_trained"] == (1 if core_on <= as_at else 0)


def test_only_active_members_count_and_an_award_stops_the_clock(catalogue: None) -> None:
    as_at = D(2025, 3, 31)
    long_ago = D(2023, 1, 10)
    member(long_ago)  # overdue
    member(long_ago, active=False)  # left
    make_user(ifst_member=False)  # not a member, however long ago the core
    complete(make_user(ifst_member=False), "IFSS-CORE", long_ago)
    holder = member(long_ago)
    db.session.add(
        Application(
            user_id=holder.id, level_id=level(6).id, status=ACHIEVED, achieved_on=D(2024, 1, 5)
        )
    )
    withdrew = member(long_ago)
    db.session.add(
        Application(
            user_id=withdrew.id,
            level_id=level(6).id,
            status=WITHDRAWN,
            clock_started_on=D(2025, 1, 1),
        )
    )
    member()  # no core yet

    figures = agreed(as_at)

    assert figures == {
        "members": 4,
        "core_trained": 3,
        "not_core_trained": 1,
        "due": 0,
        "overdue": 2,  # a withdrawn application leaves the core's clock running
        "levels": {6: 1},
    }


def test_an_open_application_starts_the_clock_on_its_own_date(catalogue: None) -> None:
    person = member(D(2023, 1, 10))
    db.session.add(
        Application(
            user_id=person.id,
            level_id=level(6).id,
            status="submitted",
            clock_started_on=D(2024, 9, 30),
        )
    )

    assert agreed(D(2025, 3, 29))["due"] == 0
    assert agreed(D(2025, 3, 30))["due"] == 1
    assert agreed(D(2025, 7, 1))["overdue"] == 1


def test_a_member_on_two_clocks_counts_once_by_the_later_start(catalogue: None) -> None:
    """The core (Level 6, overdue) and then an open Level 3 application with a clock of its own
    started later (on track): the member counts once, by the later-started clock."""
    level(3).due_after_months, level(3).overdue_after_months = 2, 4
    person = member(D(2023, 1, 10))
    db.session.add(
        Application(
            user_id=person.id,
            level_id=level(3).id,
            status="in_progress",
            clock_started_on=D(2025, 3, 1),
        )
    )

    on_track = agreed(D(2025, 4, 1))
    due = agreed(D(2025, 5, 1))

    assert (on_track["members"], on_track["due"], on_track["overdue"]) == (1, 0, 0)
    assert (due["due"], due["overdue"]) == (1, 0)


@pytest.mark.parametrize("as_at", [D(2024, 3, 1), D(2024, 8, 1)])
def test_a_member_on_two_clocks_started_the_same_day(catalogue: None, as_at: dt.date) -> None:
    """The core opens Levels 3 and 6: with both on a clock, one completion starts two clocks
    on the same day. On 1 March Level 3 (1 and 2 months) is due and Level 6 on track; on
    1 August Level 3 is overdue and Level 6 due. Both implementations must pick the same one."""
    level(3).due_after_months, level(3).overdue_after_months = 1, 2
    member(D(2024, 1, 1))
    db.session.flush()

    agreed(as_at)
