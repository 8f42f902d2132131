"""The receivers bank and reverse course CPD through the CPD service, in bulk (both databases)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from tests.accreditation.helpers import complete, course, learner
from tests.helpers import QueryCounter
from trainhub.accreditation.models import CpdEntry
from trainhub.accreditation.services import cpd
from trainhub.accreditation.services.cpd import COURSE, REVERSAL, bank_entry, ledger
from trainhub.auth.models import User
from trainhub.courses.models import Completion
from trainhub.courses.signals import course_completed, course_completion_withdrawn
from trainhub.extensions import db

COLUMNS = (
    "source",
    "occurred_on",
    "title",
    "hours",
    "credits",
    "accrediting_body",
    "course_id",
    "application_id",
    "activity_id",
    "reverses_id",
    "recorded_by_id",
    "note",
)


def line(entry: CpdEntry) -> tuple[object, ...]:
    return tuple(getattr(entry, name) for name in COLUMNS)


def core_with_credits() -> None:
    core = course("IFSS-CORE")
    core.cpd_hours = Decimal("26")
    core.credit_value = Decimal("3")
    core.accrediting_body = "Agored Cymru"


def register_completes(people: list[User], on: dt.date) -> None:
    """A whole register completes the core at once, as attendance announces it."""
    completions = [complete(person, "IFSS-CORE", on) for person in people]
    course_completed.send(None, completions=completions, actor=None)


def withdraw(people: list[User]) -> None:
    core = course("IFSS-CORE")
    for completion in db.session.execute(
        select(Completion).where(Completion.user_id.in_([p.id for p in people]))
    ).scalars():
        db.session.delete(completion)
    db.session.flush()
    course_completion_withdrawn.send(
        None, user_ids=[p.id for p in people], course_id=core.id, actor=None
    )


def test_a_register_banks_the_same_line_bank_entry_writes(catalogue: None) -> None:
    core_with_credits()
    people = [learner() for _ in range(3)]
    by_hand = learner()
    core = course("IFSS-CORE")
    on = dt.date(2025, 6, 2)

    register_completes(people, on)
    bank_entry(
        by_hand,
        COURSE,
        on,
        core.title,
        hours=core.cpd_hours,
        credits=core.credit_value,
        accrediting_body=core.accrediting_body,
        course_id=core.id,
    )
    db.session.commit()

    [expected] = [line(e) for e in ledger(by_hand)]
    for person in people:
        assert [line(e) for e in ledger(person)] == [expected]


def test_banking_and_reversing_a_register_take_as_many_statements_for_two_as_for_eight(
    catalogue: None, count_queries: QueryCounter
) -> None:
    core_with_credits()
    counts = []
    for size in (2, 8):
        people = [learner() for _ in range(size)]
        completions = [complete(person, "IFSS-CORE", dt.date(2025, 6, 2)) for person in people]
        count_queries.statements.clear()
        course_completed.send(None, completions=completions, actor=None)
        banked = count_queries.count
        count_queries.statements.clear()
        reversed_now = cpd.reverse_course_lines(
            [p.id for p in people], course("IFSS-CORE").id, "Register corrected"
        )
        counts.append((banked, count_queries.count))
        assert reversed_now == size
    assert counts[0] == counts[1]


def test_reversing_course_lines_reverses_each_open_line_once_and_nothing_else(
    catalogue: None,
) -> None:
    core_with_credits()
    withdrawn, kept = learner(), learner()
    register_completes([withdrawn, kept], dt.date(2025, 6, 2))
    db.session.commit()

    withdraw([withdrawn])
    again = cpd.reverse_course_lines([withdrawn.id], course("IFSS-CORE").id, "Twice")
    db.session.commit()

    assert again == 0
    original, reversal = ledger(withdrawn)
    assert reversal.source == REVERSAL
    assert reversal.reverses_id == original.id
    assert (reversal.hours, reversal.credits) == (Decimal("-26"), Decimal("-3"))
    assert reversal.occurred_on == original.occurred_on
    assert reversal.recorded_by_id is None
    assert reversal.note == "The course completion was withdrawn after a register correction"
    assert original.reversed_by == reversal
    assert [e.source for e in ledger(kept)] == [COURSE]
