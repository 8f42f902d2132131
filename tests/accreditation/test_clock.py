"""The level clock (R24): dates, the state on a given day, who is on it, the reminders."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from tests.accreditation.helpers import application, learner, level, outbox
from tests.factories import make_user
from trainhub.accreditation.models import ACHIEVED, AccreditationLevel, Application, ClockReminder
from trainhub.accreditation.services.applications import level_clock
from trainhub.accreditation.services.clock import people_on_the_clock, send_reminders
from trainhub.accreditation.services.dates import add_months
from trainhub.courses.models import Completion
from trainhub.extensions import db
from trainhub.financial_years import (
    financial_year,
    financial_year_bounds,
    financial_year_label,
)

D = dt.date
LEVEL_6 = AccreditationLevel(number=6, due_after_months=6, overdue_after_months=9)


# Dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap year
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2024, 8, 31), 6, D(2025, 2, 28)),
        (D(2024, 3, 31), -1, D(2024, 2, 29)),
        (D(2024, 12, 15), 1, D(2025, 1, 15)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 5, 17), 0, D(2024, 5, 17)),
        (D(2024, 1, 15), 9, D(2024, 10, 15)),
    ],
)
def test_add_months(day: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("day", "start_year"),
    [
        (D(2024, 3, 31), 2023),
        (D(2024, 4, 1), 2024),
        (D(2024, 1, 1), 2023),
        (D(2024, 12, 31), 2024),
    ],
)
def test_financial_year_runs_april_to_march(day: dt.date, start_year: int) -> None:
    assert financial_year(day) == start_year


def test_financial_year_label_and_bounds() -> None:
    assert financial_year_label(2016) == "2016-17"
    assert financial_year_label(1999) == "1999-00"
    assert financial_year_bounds(2023) == (D(2023, 4, 1), D(2024, 3, 31))


# The state of a clock --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (D(2024, 1, 15), "on_track"),
        (D(2024, 7, 14), "on_track"),
        (D(2024, 7, 15), "due"),  # exactly 6 months
        (D(2024, 10, 15), "due"),  # exactly 9 months: not overdue yet
        (D(2024, 10, 16), "overdue"),  # 9 months and a day
        (D(2026, 1, 1), "overdue"),
    ],
)
def test_level_6_is_due_at_6_months_and_overdue_after_9(today: dt.date, state: str) -> None:
    clock = level_clock(LEVEL_6, D(2024, 1, 15), today=today)

    assert clock is not None
    assert clock.state == state
    assert (clock.started_on, clock.due_on, clock.overdue_after) == (
        D(2024, 1, 15),
        D(2024, 7, 15),
        D(2024, 10, 15),
    )


def test_an_achieved_level_is_never_overdue() -> None:
    clock = level_clock(LEVEL_6, D(2024, 1, 15), achieved=True, today=D(2026, 1, 1))

    assert clock is not None
    assert clock.state == "achieved"


def test_a_clock_from_the_31st_ends_on_the_last_day_of_short_months() -> None:
    clock = level_clock(LEVEL_6, D(2024, 8, 31), today=D(2025, 2, 28))

    assert clock is not None
    assert (clock.due_on, clock.overdue_after, clock.state) == (
        D(2025, 2, 28),
        D(2025, 5, 31),
        "due",
    )


def test_no_clock_without_months_or_a_start() -> None:
    assert level_clock(AccreditationLevel(number=3), D(2024, 1, 15)) is None
    assert level_clock(LEVEL_6, None) is None


# Who is on the clock ---------------------------------------------------------------------


def test_the_clock_runs_for_ifst_members_with_the_core_and_level_6_applicants(
    catalogue: None,
) -> None:
    supervisor = make_user(roles=["manager"])
    member = learner(core_on=D(2024, 1, 15), ifst_member=True, supervisor=supervisor)
    applicant = learner(core_on=D(2024, 3, 1))
    application(6, applicant)
    learner(ifst_member=True)  # no core yet
    learner(core_on=D(2024, 1, 15))  # not IFST, not applying
    learner(core_on=D(2024, 1, 15), ifst_member=True, active=False)
    holder = learner(core_on=D(2023, 1, 15), ifst_member=True)
    db.session.add(Application(user=holder, level=level(6), status=ACHIEVED))
    db.session.commit()

    found = people_on_the_clock(today=D(2024, 8, 1))

    assert [(item.user, item.level.number, item.clock.state) for item in found] == [
        (member, 6, "due"),
        (applicant, 6, "on_track"),
    ]
    assert found[0].application is None
    assert found[1].application is not None
    assert found[1].clock.started_on == D(2024, 3, 1)


def test_each_reminder_is_sent_once(catalogue: None) -> None:
    supervisor = make_user(roles=["manager"])
    member = learner(core_on=D(2024, 1, 15), ifst_member=True, supervisor=supervisor)
    learner(core_on=D(2024, 5, 1), ifst_member=True)  # on track on both days below
    db.session.commit()

    assert send_reminders(today=D(2024, 7, 15)) == 1
    assert send_reminders(today=D(2024, 7, 16)) == 0
    db.session.commit()

    assert [m.subject for m in outbox(member)] == ["Level 6 accreditation due"]
    assert [m.subject for m in outbox(supervisor)] == ["Level 6 accreditation due"]

    assert send_reminders(today=D(2024, 10, 15)) == 0  # exactly 9 months: still only due
    assert send_reminders(today=D(2024, 10, 16)) == 1
    assert send_reminders(today=D(2024, 10, 17)) == 0
    db.session.commit()

    assert [m.subject for m in outbox(member)] == [
        "Level 6 accreditation due",
        "Level 6 accreditation overdue",
    ]
    assert len(outbox()) == 4


def test_a_new_clock_start_sends_its_reminders_again(catalogue: None) -> None:
    member = learner(core_on=D(2024, 1, 15), ifst_member=True)
    assert send_reminders(today=D(2024, 7, 15)) == 1
    # The completion was withdrawn and the core completed again later.
    completion = db.session.execute(
        select(Completion).where(Completion.user_id == member.id)
    ).scalar_one()
    completion.completed_on = D(2024, 6, 1)
    db.session.commit()

    assert send_reminders(today=D(2024, 12, 1)) == 1
    db.session.commit()

    reminders = db.session.execute(select(ClockReminder)).scalars().all()
    assert [(r.kind, r.clock_started_on) for r in reminders] == [("due", D(2024, 6, 1))]
    assert len(outbox(member)) == 2


@given(
    st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31)),
    st.integers(min_value=-120, max_value=120),
)
def test_add_months_moves_whole_months_and_never_past_the_months_end(
    day: dt.date, months: int
) -> None:
    moved = add_months(day, months)

    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day == min(day.day, calendar.monthrange(moved.year, moved.month)[1])


def test_a_clock_started_from_records_e_mails_nobody(catalogue: None) -> None:
    """Everyone core-trained in 2014 is overdue on the first run: they stay on the list as
    overdue, but nobody is e-mailed (they may have no way to sign in)."""
    supervisor = make_user(roles=["manager"])
    veteran = learner(core_on=D(2014, 5, 12), ifst_member=True, supervisor=supervisor)
    db.session.execute(
        Completion.__table__.update().where(Completion.user_id == veteran.id).values(recorded=True)
    )
    member = learner(core_on=D(2024, 1, 15), ifst_member=True)
    db.session.commit()

    found = people_on_the_clock(today=D(2024, 10, 16))
    assert [(i.user, i.clock.state, i.from_records) for i in found] == [
        (veteran, "overdue", True),
        (member, "overdue", False),
    ]
    assert found[0].clock.started_on == D(2014, 5, 12)

    assert send_reminders(today=D(2024, 10, 16)) == 1
    db.session.commit()
    assert outbox(veteran) == []
    assert outbox(supervisor) == []
    assert [m.subject for m in outbox(member)] == ["Level 6 accreditation overdue"]
