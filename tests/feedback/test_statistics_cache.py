"""A period's figures kept per process under the data version (issue 22): read twice with
no write between, the statistics run once; every kind of write they depend on shows at once;
writes they never read leave the copy in place."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import insert, select, text, update

from tests.accreditation import helpers as accreditation
from tests.accreditation.view_helpers import as_user, page
from tests.conftest import QueryCounter
from tests.factories import make_course, make_organisation
from tests.feedback.helpers import AFTER, FY, Year, learner, manager, people, respond
from trainhub import data_version
from trainhub.accreditation.services.assessment import decide_application
from trainhub.accreditation.services.cpd import bank_entry
from trainhub.audit import record
from trainhub.auth.models import User
from trainhub.auth.sign_ins import start_session
from trainhub.courses.models import (
    Attendance,
    Booking,
    Cohort,
    CohortDay,
    Completion,
    Course,
    local_today,
)
from trainhub.extensions import db, utcnow
from trainhub.feedback.models import TEXT, FeedbackAnswer
from trainhub.feedback.reporting import compute, five_years
from trainhub.feedback.services import budget, quotes
from trainhub.feedback.services.cache import figures
from trainhub.feedback.services.questionnaire import ItemDraft, current_questionnaire, save_version
from trainhub.feedback.services.responses import request_feedback
from trainhub.financial_years import Period, financial_year

CLOSED = Period(FY)


@pytest.fixture
def year(fixture_year: Year) -> Year:
    """The 2016-17 fixture year, committed."""
    return fixture_year


def read(counter: QueryCounter, period: Period, today: dt.date) -> tuple[dict[str, Any], int]:
    """The figures as the pages get them, and how many statements that took."""
    before = counter.count
    data = figures(period, today)
    return data, counter.count - before


# Reading twice -------------------------------------------------------------------------------


def test_two_reads_without_a_write_run_the_statistics_once(
    year: Year, count_queries: QueryCounter
) -> None:
    first, computing = read(count_queries, CLOSED, AFTER)
    again, cached = read(count_queries, CLOSED, AFTER)
    other_day, _n = read(count_queries, CLOSED, AFTER + dt.timedelta(days=1))

    before = count_queries.count
    assert again == first == compute(CLOSED, AFTER)
    statistics_alone = count_queries.count - before
    assert first["totals"]["cohorts"] == 5
    # The version and the statistics' statements; then the version alone.
    assert (computing, cached) == (1 + statistics_alone, 1)
    # Another day is another key ("computed on" says so), the same figures otherwise.
    assert other_day["computed_on"] == (AFTER + dt.timedelta(days=1)).isoformat()
    assert {k: v for k, v in other_day.items() if k != "computed_on"} == {
        k: v for k, v in first.items() if k != "computed_on"
    }


def test_each_reader_gets_a_copy_of_its_own(year: Year) -> None:
    figures(CLOSED, AFTER)
    mine = figures(CLOSED, AFTER)
    mine["totals"]["cohorts"] = 999
    mine["courses"].clear()

    assert figures(CLOSED, AFTER) == compute(CLOSED, AFTER)


def test_the_open_year_is_kept_too(catalogue: None, count_queries: QueryCounter) -> None:
    today = local_today()
    now = Period(financial_year(today))
    bank_entry(learner(), "external", today, "Conference", hours=Decimal(6))
    db.session.commit()

    first, _n = read(count_queries, now, today)
    again, cached = read(count_queries, now, today)

    assert again == first and first["cpd"]["hours"] == "6.00"
    assert cached == 1


def test_the_anonymity_floor_is_part_of_the_key(app: Flask, year: Year) -> None:
    respond(year.cohorts[0], 3, value=5)
    db.session.commit()
    assert figures(CLOSED, AFTER)["feedback_by_course"][0]["mean"] is None

    app.config["FEEDBACK_MIN_RESPONSES"] = 2

    assert figures(CLOSED, AFTER)["feedback_by_course"][0]["mean"] == "5.00"


def test_a_size_of_0_keeps_nothing(app: Flask, year: Year, count_queries: QueryCounter) -> None:
    app.config["STATISTICS_CACHE_SIZE"] = 0
    before = count_queries.count
    compute(CLOSED, AFTER)
    statistics_alone = count_queries.count - before

    read(count_queries, CLOSED, AFTER)
    _data, statements = read(count_queries, CLOSED, AFTER)

    assert statements == statistics_alone  # not even the version is read


# Every write the figures read ------------------------------------------------------------------


def _first_cohort(year: Year) -> Cohort:
    return db.session.get_one(Cohort, year.cohorts[0].id)


def _attendee(year: Year) -> User:
    return db.session.get_one(User, year.attendees[0].id)


def _booking(year: Year, status: str = "attended") -> Booking:
    return (
        db.session.execute(
            select(Booking).where(Booking.cohort_id == year.cohorts[0].id, Booking.status == status)
        )
        .scalars()
        .first()
    )  # type: ignore[return-value]


def _add_booking(year: Year) -> None:
    (newcomer,) = people(1)
    db.session.add(Booking(cohort_id=year.cohorts[0].id, user_id=newcomer.id, status="booked"))


def _booking_status(year: Year) -> None:
    _booking(year).status = "no_show"


def _bookings_cancelled_in_bulk(year: Year) -> None:
    db.session.execute(
        update(Booking)
        .where(Booking.cohort_id == year.cohorts[0].id, Booking.status == "no_show")
        .values(status="cancelled", late_cancellation=True)
    )


def _attendance(year: Year) -> None:
    marks = db.session.execute(
        select(Attendance).where(Attendance.user_id == year.attendees[0].id)
    ).scalars()
    for mark in marks:
        mark.status = "absent"


def _completion_deleted(year: Year) -> None:
    completion = db.session.execute(
        select(Completion).where(Completion.user_id == year.attendees[0].id)
    ).scalar_one()
    db.session.delete(completion)


def _cohort_dates(year: Year) -> None:
    cohort = _first_cohort(year)
    cohort.first_day += dt.timedelta(days=366)
    cohort.last_day += dt.timedelta(days=366)


def _cohort_status(year: Year) -> None:
    _first_cohort(year).status = "cancelled"


def _cohort_course(year: Year) -> None:
    _first_cohort(year).course = make_course(title="Motivational interviewing")


def _course_renamed(year: Year) -> None:
    db.session.get_one(Course, year.course.id).title = "Family functioning, revised"


def _user_organisation(year: Year) -> None:
    _attendee(year).organisation = make_organisation("Newport City Council")


def _user_sector(year: Year) -> None:
    _attendee(year).sector = "health"


def _user_local_authority(year: Year) -> None:
    _attendee(year).local_authority = "newport"


def _user_background(year: Year) -> None:
    _attendee(year).professional_background = "health_visitor"


def _user_ifst_member(year: Year) -> None:
    _attendee(year).ifst_member = True


def _users_in_bulk(year: Year) -> None:
    db.session.execute(update(User).where(User.id == year.attendees[0].id).values(sector="health"))


def _organisation_renamed(year: Year) -> None:
    db.session.get_one(type(year.partner), year.partner.id).name = "Prifysgol Caerdydd"


def _feedback_answers(year: Year) -> None:
    respond(_first_cohort(year), 1, value=2)


def _feedback_requests(year: Year) -> None:
    request_feedback(_first_cohort(year), [u.id for u in people(2)])


def _questionnaire_version(year: Year) -> None:
    admin = accreditation.admin()
    drafts = [ItemDraft(i.key, i.kind, i.text, i.text_cy) for i in current_questionnaire().items]
    drafts[0].text = "The training added to what I know"
    save_version(admin, drafts, "Plainer first statement")


def _budget_allocation(year: Year) -> None:
    budget.set_allocation(manager(), FY, Decimal("18000"))


def _budget_line(year: Year) -> None:
    budget.add_spend(manager(), FY, 2, "venue", "Hall hire", Decimal("250"))


def _answer_to_quote(year: Year) -> None:
    respond(_first_cohort(year), 1, consent=True, take_away="The genogram exercise")


def _quote_picked(year: Year) -> None:
    answer = db.session.execute(
        select(FeedbackAnswer).where(FeedbackAnswer.text == "The genogram exercise")
    ).scalar_one()
    assert answer.item.kind == TEXT
    quotes.set_selected(manager(), answer, True)


def _history_recorded_in_bulk(year: Year) -> None:
    """Past cohorts recorded with Core INSERTs through the session (as an import would)."""
    venue_id = db.session.execute(
        select(CohortDay.venue_id).where(CohortDay.cohort_id == year.cohorts[0].id).limit(1)
    ).scalar_one()
    cohort_id = db.session.execute(
        insert(Cohort).returning(Cohort.id),
        [
            {
                "course_id": year.course.id,
                "title": "Recorded afterwards",
                "status": "completed",
                "capacity": 12,
                "first_day": dt.date(FY, 11, 1),
                "last_day": dt.date(FY, 11, 1),
            }
        ],
    ).scalar_one()
    db.session.execute(
        insert(CohortDay),
        [
            {
                "cohort_id": cohort_id,
                "day_number": 1,
                "date": dt.date(FY, 11, 1),
                "start_time": dt.time(9, 30),
                "end_time": dt.time(16, 30),
                "venue_id": venue_id,
            }
        ],
    )


def _sql_text(year: Year) -> None:
    db.session.execute(
        text("UPDATE cohorts SET capacity = capacity + 1 WHERE id = :id"),
        {"id": year.cohorts[0].id},
    )


def _connection_with_a_bump(year: Year) -> None:
    """A write the session's events cannot see (its connection, not the session), which
    bumps the version itself as the module says such writers must."""
    connection = db.session.connection()
    table = Cohort.__table__
    connection.execute(
        update(table).where(table.c.id == year.cohorts[0].id).values(capacity=table.c.capacity + 5)
    )
    data_version.bump(connection)


def _cpd(year: Year) -> None:
    bank_entry(learner(), "external", local_today(), "Conference", hours=Decimal(6))


def _claimed_application(year: Year) -> None:
    awarded, assessor = accreditation.claimed(3)
    accreditation.judge_all(assessor, awarded)


def _award(year: Year) -> None:
    from trainhub.accreditation.models import Application

    awarded = db.session.execute(
        select(Application).where(Application.assessor_id.is_not(None))
    ).scalar_one()
    assert awarded.assessor is not None
    decide_application(awarded.assessor, awarded, achieved=True)


@dataclass(frozen=True)
class Change:
    write: Callable[[Year], None]
    before: Callable[[Year], None] | None = None  # made and committed before the first read
    open_year: bool = False  # counted in this financial year, not the fixture's


CHANGES = {
    "a booking": Change(_add_booking),
    "a booking's status": Change(_booking_status),
    "bookings updated in bulk": Change(_bookings_cancelled_in_bulk),
    "attendance": Change(_attendance),
    "a completion": Change(_completion_deleted),
    "a cohort's dates": Change(_cohort_dates),
    "a cohort's status": Change(_cohort_status),
    "a cohort's course": Change(_cohort_course),
    "a course": Change(_course_renamed),
    "a person's organisation": Change(_user_organisation),
    "a person's sector": Change(_user_sector),
    "a person's local authority": Change(_user_local_authority),
    "a person's background": Change(_user_background),
    "IFST membership": Change(_user_ifst_member),
    "people updated in bulk": Change(_users_in_bulk),
    "an organisation": Change(_organisation_renamed),
    "feedback answers": Change(_feedback_answers),
    "feedback requests": Change(_feedback_requests),
    "a questionnaire version": Change(_questionnaire_version, before=_answer_to_quote),
    "the budget allocation": Change(_budget_allocation),
    "a budget line": Change(_budget_line),
    "a quote picked": Change(_quote_picked, before=_answer_to_quote),
    "history recorded in bulk": Change(_history_recorded_in_bulk),
    "SQL text through the session": Change(_sql_text),
    "a connection of its own, bumped": Change(_connection_with_a_bump),
    "CPD": Change(_cpd, open_year=True),
    "an accreditation award": Change(_award, before=_claimed_application, open_year=True),
}


@pytest.mark.parametrize("name", list(CHANGES))
def test_every_write_the_figures_read_shows_at_once(
    name: str, year: Year, count_queries: QueryCounter
) -> None:
    change = CHANGES[name]
    today = local_today() if change.open_year else AFTER
    period = Period(financial_year(today)) if change.open_year else CLOSED
    if change.before:
        change.before(year)
        db.session.commit()
    before, _n = read(count_queries, period, today)
    assert read(count_queries, period, today)[1] == 1  # kept

    change.write(year)
    db.session.commit()
    after, statements = read(count_queries, period, today)

    assert statements > 1, "the figures were not computed again"
    assert after == compute(period, today)
    assert after != before, "the change does not show in the figures: a bad example"


def test_writes_the_figures_never_read_keep_the_copy(
    year: Year, count_queries: QueryCounter
) -> None:
    before, _n = read(count_queries, CLOSED, AFTER)
    person = _attendee(year)
    start_session(person, "pytest", "127.0.0.1")  # a sign-in
    person.last_login_at = utcnow()
    person.failed_logins = 0
    person.preferred_language = "cy"
    record(person, "test.read", "Looked at the figures")  # the audit log
    db.session.commit()
    db.session.execute(update(User).where(User.id == person.id).values(failed_logins=1))
    db.session.commit()

    again, statements = read(count_queries, CLOSED, AFTER)

    assert (again, statements) == (before, 1)


def test_a_transaction_sees_its_own_changes_and_a_rollback_forgets_them(
    year: Year, count_queries: QueryCounter
) -> None:
    before, _n = read(count_queries, CLOSED, AFTER)

    _cohort_status(year)
    mine, statements = read(count_queries, CLOSED, AFTER)
    assert mine["totals"]["cohorts"] == 4 and statements > 1  # computed, not kept
    assert read(count_queries, CLOSED, AFTER)[1] > 1  # still not kept
    db.session.rollback()

    assert read(count_queries, CLOSED, AFTER) == (before, 1)


def test_each_commit_gives_a_new_version(year: Year) -> None:
    first = data_version.current()
    _cohort_status(year)
    assert data_version.current() is None  # changed, not yet committed
    db.session.commit()
    second = data_version.current()
    db.session.rollback()
    _booking_status(year)
    db.session.rollback()  # nothing committed: the version stays

    assert first and second and first != second
    assert data_version.current() == second


# The pages -------------------------------------------------------------------------------------


def test_the_statistics_page_shows_a_change_at_once(
    app: Flask, year: Year, count_queries: QueryCounter
) -> None:
    client = as_user(app, manager())
    url = f"/reports/statistics?fy={CLOSED.fy}"
    assert "Family functioning, revised" not in page(client.get(url))
    count_queries.statements.clear()
    assert client.get(url).status_code == 200
    kept = count_queries.count

    _course_renamed(year)
    db.session.commit()
    count_queries.statements.clear()
    text_after = page(client.get(url))

    assert "Family functioning, revised" in text_after
    assert count_queries.count > kept  # computed again


# Nothing the statistics read goes unwatched ----------------------------------------------------


def test_every_table_and_column_the_statistics_read_is_watched(
    year: Year, count_queries: QueryCounter
) -> None:
    count_queries.statements.clear()
    compute(CLOSED, AFTER)
    compute(Period(FY, 3), AFTER)
    five_years(FY, AFTER)
    sql = "\n".join(count_queries.statements)
    tables = set(re.findall(r'(?:FROM|JOIN)\s+"?([a-z_]+)"?', sql)) & set(db.metadata.tables)

    assert tables and not tables & data_version.UNWATCHED_TABLES
    for table, unwatched in data_version.UNWATCHED_COLUMNS.items():
        read_columns = set(re.findall(rf"\b{table}(?:_\d+)?\.([a-z_]+)", sql))
        assert read_columns and not read_columns & unwatched, table
    assert set(db.metadata.tables) >= data_version.UNWATCHED_TABLES
    for table, columns in data_version.UNWATCHED_COLUMNS.items():
        assert columns <= set(db.metadata.tables[table].columns.keys())


# The store itself ------------------------------------------------------------------------------


def test_the_store_keeps_the_latest_version_and_the_most_recently_used() -> None:
    store = data_version.VersionedCache(2)
    store.put("a", "v1", 1)
    store.put("b", "v1", 2)
    assert (store.get("a", "v1"), store.get("a", "v2")) == (1, None)
    store.put("c", "v1", 3)  # "b" was used least recently
    assert (store.get("a", "v1"), store.get("b", "v1"), store.get("c", "v1")) == (1, None, 3)
    store.put("a", "v2", 4)  # a new version: what the old one computed goes
    assert len(store) == 1 and store.get("a", "v2") == 4
    data_version.VersionedCache(0).put("a", "v1", 1)
