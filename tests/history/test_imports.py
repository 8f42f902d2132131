"""``import_history``: a fixed number of queries whatever the file's size, the file kept only
when something is written, problems of the file and of the service merged by line."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.factories import make_user
from tests.helpers import QueryCounter, count
from trainhub.auth.models import User
from trainhub.extensions import db
from trainhub.history.models import HistoryImport, HistoryRecord
from trainhub.history.services.imports import import_history, source_of
from trainhub.history.services.spreadsheets import columns

pytestmark = pytest.mark.usefixtures("catalogue")

HEADER = ",".join(columns("cohorts"))


def register(
    people: int,
    title: str = "FFI May 2016",
    start: dt.date = dt.date(2016, 5, 10),
    venue: str = "Old Centre",
) -> bytes:
    """A 3-day FFI cohort's register: a row per attendee and day."""
    rows = [HEADER]
    for n in range(people):
        for day in range(3):
            rows.append(
                f"FFI-3DAY,{title},{day + 1},{(start + dt.timedelta(days=day)).isoformat()},"
                f"09:30,16:30,{venue},Carys Maddox,,p{n}.{start.isoformat()}@example.org,"
                f"Person {n},yes"
            )
    return ("\n".join(rows) + "\n").encode()


def manager() -> User:
    return make_user(roles=("manager",))


def test_a_fixed_number_of_queries_whatever_the_size(count_queries: QueryCounter) -> None:
    actor = manager()
    db.session.flush()
    spent = []
    # Each file names a venue trainhub doesn't know yet, so both do the same work.
    for people, start in ((10, dt.date(2016, 5, 10)), (200, dt.date(2016, 6, 7))):
        data = register(people, start=start, venue=f"Centre {people}")
        before = count_queries.count
        outcome = import_history(actor, "cohorts", f"{people}.csv", data)
        assert outcome.ok, outcome.problems
        spent.append(count_queries.count - before)
    assert spent[0] == spent[1], spent


def test_the_file_is_kept_with_what_it_added() -> None:
    actor = manager()
    data = register(3)
    outcome = import_history(actor, "cohorts", "../folder/May register.csv", data)
    assert outcome.ok and len(outcome.record_ids) == 1
    source = source_of(outcome)
    assert source is not None
    assert (source.kind, source.filename, source.rows, source.added) == (
        "cohorts",
        "May register.csv",
        9,
        1,
    )
    assert len(source.sha256) == 64 and source.recorded_by_id == actor.id
    record = db.session.execute(select(HistoryRecord)).scalar_one()
    assert record.import_id == source.id and record.line == 2

    # Again: nothing added, and no second file kept.
    again = import_history(actor, "cohorts", "May register.csv", data)
    assert again.ok and again.added == [] and len(again.skipped) == 1
    assert count(HistoryImport) == 1


def test_a_dry_run_and_a_bad_file_keep_nothing() -> None:
    actor = manager()
    outcome = import_history(actor, "cohorts", "may.csv", register(2), dry_run=True)
    assert outcome.ok and len(outcome.added) == 1 and len(outcome.new_accounts) == 2
    bad = register(2).replace(b"2016-05-12", b"12/13/2016").replace(b"FFI May", b"FFI  May", 1)
    outcome = import_history(actor, "cohorts", "may.csv", bad.replace(b"IFSS", b""))
    assert not outcome.ok
    assert count(HistoryImport) == 0 and count(HistoryRecord) == 0


def test_problems_of_the_file_and_of_the_service_come_together_by_line() -> None:
    actor = manager()
    header = ",".join(columns("completions"))
    data = (
        f"{header}\n"
        "a@example.org,A Person,IFSS-NOPE,2014-05-12\n"
        "b@example.org,B Person,IFSS-CORE,2014-31-12\n"
        "c@example.org,C Person,IFSS-CORE,2099-01-01\n"
    ).encode()
    outcome = import_history(actor, "completions", "c.csv", data)
    assert [p.line for p in outcome.problems] == [2, 3, 4]
    assert "IFSS-NOPE" in outcome.problems[0].message
    assert "is not a date" in outcome.problems[1].message
    assert "in the future" in outcome.problems[2].message
    assert count(HistoryImport) == 0
