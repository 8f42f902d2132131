"""The figures of a financial year or quarter against a fixture year built like the 2016-17
annual report (R35-R39), the anonymity floor, the budget and the workforce."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.accreditation import helpers as accreditation
from tests.factories import make_course
from tests.feedback.helpers import (
    AFTER,
    FY,
    Year,
    build_year,
    cohort_on,
    learner,
    manager,
    people,
    respond,
    run_cohort,
    trainer,
)
from tests.helpers import QueryCounter
from trainhub.accreditation.services.assessment import decide_application
from trainhub.accreditation.services.cpd import bank_entry
from trainhub.courses.models import Cohort, Course, local_today
from trainhub.errors import PermissionDenied, ValidationFailed
from trainhub.extensions import db
from trainhub.feedback import reporting
from trainhub.feedback.reporting import compute, parse_period
from trainhub.feedback.services import budget
from trainhub.financial_years import Period, financial_year

NONE = "No training recorded in this period."


@pytest.fixture
def ffi(catalogue: None) -> Course:
    """Family Functioning: the 3-day course of the 2016-17 report."""
    return db.session.execute(select(Course).where(Course.code == "FFI-3DAY")).scalar_one()


@pytest.fixture
def year(fixture_year: Year) -> Year:
    return fixture_year


# The fixture year --------------------------------------------------------------------------


def test_the_year_adds_up_like_the_2016_17_report(year: Year) -> None:
    data = compute(Period(FY), today=AFTER)

    totals = {
        "cohorts": 5,
        "days": 15,
        "places_offered": 100,
        "places_filled": 92,
        "attendees": 90,
        "completions": 80,
        "completion_rate": 88.9,
        "no_shows": 2,
        "late_cancellations": 1,
    }
    assert data["totals"] == totals | {"people": 90}
    [course] = data["courses"]
    assert course == {
        "code": "FFI-3DAY",
        "course": year.course.title,
        "duration_days": 3,
        **totals,
    }
    assert data["scheduled"] == []
    assert data["period"] == {
        "year": 2016,
        "quarter": None,
        "start": "2016-04-01",
        "end": "2017-03-31",
    }
    assert data["computed_on"] == "2017-06-01"
    assert reporting.headlines(data) == [
        f"5 cohorts of {year.course.title} (3 days each) were delivered to 90 attendees, of "
        "whom 80 completed."
    ]


def test_attendees_are_counted_once_by_background_organisation_sector_and_area(
    year: Year,
) -> None:
    data = compute(Period(FY), today=AFTER)

    backgrounds = {row["key"]: row["attendees"] for row in data["backgrounds"]}
    assert backgrounds == {
        "social_worker": 36,
        "support_worker": 24,
        "health_visitor": 16,
        None: 12,
        "student_health_visiting": 2,
    }
    assert [row["attendees"] for row in data["backgrounds"]] == [36, 24, 16, 12, 2]
    assert data["organisations"] == [
        {"name": "Bridgend County Borough Council", "attendees": 48},
        {"name": "Action for Children", "attendees": 24},
        {"name": "Cardiff University", "attendees": 18},
    ]
    assert data["sectors"] == [
        {"key": "local_authority", "attendees": 48},
        {"key": "third_sector", "attendees": 24},
        {"key": "education", "attendees": 18},
    ]
    assert data["local_authorities"] == [
        {"key": "bridgend", "attendees": 40},
        {"key": "vale_of_glamorgan", "attendees": 32},
        {"key": "cardiff", "attendees": 18},
    ]
    assert data["partners"] == [
        {"name": "Cardiff University", "cohorts": 1, "places": 20, "attendees": 18}
    ]
    assert data["facilitators"] == [
        {"title": "Intervention Specialist", "people": 5, "cohorts": 5},
        {"title": "Consultant Social Worker", "people": 2, "cohorts": 5},
    ]
    # The cohort on 1 April 2017 is next year's.
    # The cohort on 1 April 2017 is next year's.
    assert data["planned"] == [
        {"course": year.course.title, "cohorts": 1, "places": 20, "drafts": 0}
    ]
    shown = {t.key: t for t in reporting.build(data)}
    assert shown["backgrounds"].rows[0] == ["Social worker", 36]
    assert ["Not recorded", 12] in shown["backgrounds"].rows
    assert shown["local_authorities"].rows[1] == ["Vale of Glamorgan", 32]


def test_someone_on_two_cohorts_is_one_attendee(year: Year) -> None:
    again = year.attendees[0]
    other = make_course(code="OTHER-1", title="Another course", duration_days=1)
    cohort = cohort_on(other, dt.date(FY, 12, 1))
    run_cohort(cohort, [again])

    data = compute(Period(FY), today=AFTER)

    assert [c["attendees"] for c in data["courses"]] == [1, 90]
    # The table's total adds up its rows; the people are counted once apart from it.
    assert data["totals"]["attendees"] == 91
    assert data["totals"]["people"] == 90
    assert data["totals"]["completions"] == 81
    assert "90 different people" in reporting.build(data)[0].note
    assert reporting.headlines(data)[-1] == "In all, 90 different people came on the training."
    assert data["organisations"][0]["attendees"] == 48


def test_cohorts_outside_the_year_cancelled_or_draft_do_not_count(year: Year) -> None:
    """Built around the year: 31 March 2016, 1 April 2017, a cancelled and a draft cohort."""
    assert [c.first_day for c in year.excluded[:2]] == [dt.date(2016, 3, 31), dt.date(2017, 4, 1)]

    data = compute(Period(FY), today=AFTER)

    assert data["totals"]["cohorts"] == 5
    assert "health" not in {row["key"] for row in data["sectors"]}
    assert {row["title"] for row in data["facilitators"]} == {
        "Intervention Specialist",
        "Consultant Social Worker",
    }
    before = compute(Period(FY - 1), today=AFTER)
    after = compute(Period(FY + 1), today=AFTER)
    assert (before["totals"]["cohorts"], before["totals"]["attendees"]) == (1, 5)
    assert (after["totals"]["cohorts"], after["totals"]["attendees"]) == (1, 5)


def test_a_quarter_counts_its_own_cohorts_and_keeps_the_workforce_table(year: Year) -> None:
    data = compute(Period(FY, 3), today=AFTER)

    assert (data["period"]["start"], data["period"]["end"]) == ("2016-10-01", "2016-12-31")
    assert data["totals"] == {
        "cohorts": 2,
        "days": 6,
        "places_offered": 40,
        "places_filled": 36,
        "attendees": 36,
        "completions": 32,
        "completion_rate": 88.9,
        "no_shows": 0,
        "late_cancellations": 1,
        "people": 36,
    }
    assert data["partners"] == [
        {"name": "Cardiff University", "cohorts": 1, "places": 20, "attendees": 18}
    ]
    assert data["planned"] == []
    keys = [t.key for t in reporting.build(data)]
    assert "workforce" in keys
    assert "planned" not in keys
    assert [compute(Period(FY, q), today=AFTER)["totals"]["cohorts"] for q in (1, 2, 4)] == [
        1,
        1,
        1,
    ]


@pytest.mark.parametrize(
    ("quarter", "start", "end"),
    [
        (1, dt.date(2016, 4, 1), dt.date(2016, 6, 30)),
        (2, dt.date(2016, 7, 1), dt.date(2016, 9, 30)),
        (3, dt.date(2016, 10, 1), dt.date(2016, 12, 31)),
        (4, dt.date(2017, 1, 1), dt.date(2017, 3, 31)),
        (None, dt.date(2016, 4, 1), dt.date(2017, 3, 31)),
    ],
)
def test_a_period_runs_april_to_march(quarter: int | None, start: dt.date, end: dt.date) -> None:
    period = Period(2016, quarter)
    assert (period.start, period.end, period.fy) == (start, end, "2016-17")


# An empty year and bad input ---------------------------------------------------------------


@pytest.mark.usefixtures("app")
def test_a_year_without_training_is_all_zeros_with_notes() -> None:
    data = compute(Period(FY), today=AFTER)

    assert data["courses"] == []
    assert data["totals"] == {
        "cohorts": 0,
        "days": 0,
        "places_offered": 0,
        "places_filled": 0,
        "attendees": 0,
        "completions": 0,
        "completion_rate": None,
        "no_shows": 0,
        "late_cancellations": 0,
        "people": 0,
    }
    assert data["feedback"]["responses"] == data["feedback"]["requests"] == 0
    assert data["budget"] == {
        "allocation": None,
        "lines": [],
        "spent_to_date": "0.00",
        "remaining": None,
        "show_remaining": True,
    }
    built = {t.key: t for t in reporting.build(data)}
    for key in ("courses", "backgrounds", "organisations", "sectors", "local_authorities"):
        assert built[key].rows == []
        assert built[key].empty == NONE
    assert built["courses"].total is None
    assert reporting.headline(data) == NONE


@pytest.mark.parametrize(
    ("fy", "quarter", "expected"),
    [
        ("2016-17", None, Period(2016)),
        ("2016/2017", "", Period(2016)),
        (" 2016-17 ", "all", Period(2016)),
        ("2016-17", "3", Period(2016, 3)),
        ("2017-18", "1", Period(2017, 1)),
    ],
)
@pytest.mark.once
def test_a_period_is_read_from_a_financial_year_and_quarter(
    app: object, fy: str, quarter: str | None, expected: Period
) -> None:
    assert parse_period(fy, quarter, today=AFTER) == expected


@pytest.mark.parametrize(
    ("fy", "quarter", "field"),
    [
        ("2016-18", None, "fy"),
        ("abc", None, "fy"),
        ("", None, "fy"),
        (None, None, "fy"),
        ("1999-00", None, "fy"),
        ("2018-19", None, "fy"),
        ("2016-17", "5", "quarter"),
        ("2016-17", "Q1", "quarter"),
    ],
)
@pytest.mark.once
def test_a_bad_period_is_refused_on_its_field(
    app: object, fy: str | None, quarter: str | None, field: str
) -> None:
    with pytest.raises(ValidationFailed) as error:
        parse_period(fy, quarter, today=AFTER)
    assert error.value.field == field


@pytest.mark.once
def test_a_future_year_names_the_current_one(app: object) -> None:
    with pytest.raises(ValidationFailed, match="2018-19 has not started yet: choose 2017-18"):
        parse_period("2018-19", None, today=AFTER)


# Feedback and the anonymity floor ----------------------------------------------------------


@pytest.mark.usefixtures("app")
def test_feedback_means_come_with_n_and_hide_below_five_responses() -> None:
    five, four = make_course(title="Five answers"), make_course(title="Four answers")
    lead_of_five, lead_of_four = trainer(full_name="Ann Five"), trainer(full_name="Bob Four")
    cohort_five = cohort_on(five, dt.date(FY, 6, 1), facilitators=[(lead_of_five, "")])
    cohort_four = cohort_on(four, dt.date(FY, 7, 1), facilitators=[(lead_of_four, "")])
    respond(cohort_five, 3, value=5)
    respond(cohort_five, 2, value=4)
    respond(cohort_four, 4, value=1)

    data = compute(Period(FY), today=AFTER)

    assert data["feedback_by_course"] == [
        {"course": "Five answers", "n": 5, "mean": "4.60"},
        {"course": "Four answers", "n": 4, "mean": None},
    ]
    assert data["feedback_by_trainer"] == [
        {"trainer": "Ann Five", "n": 5, "mean": "4.60"},
        {"trainer": "Bob Four", "n": 4, "mean": None},
    ]
    # Across the year there are nine answers to each statement: the means show.
    feedback = data["feedback"]
    assert (feedback["requests"], feedback["responses"], feedback["floor"]) == (9, 9, 5)
    assert [(i["key"], i["n"], i["mean"]) for i in feedback["items"]][:2] == [
        ("knowledge", 9, "3.00"),
        ("supportive", 9, "3.00"),
    ]
    by_cohort = [
        reporting.feedback(select(Cohort.id).where(Cohort.id == c.id))
        for c in (cohort_five, cohort_four)
    ]
    assert {(i["n"], i["mean"]) for i in by_cohort[0]["items"]} == {(5, "4.60")}
    assert {(i["n"], i["mean"]) for i in by_cohort[1]["items"]} == {(4, None)}
    shown = {t.key: t for t in reporting.build(data)}
    assert shown["feedback_by_course"].rows == [
        ["Five answers", 5, Decimal("4.60")],
        ["Four answers", 4, None],
    ]
    assert "9 responses from 9 attendees asked" in shown["feedback"].note


@pytest.mark.usefixtures("app")
def test_means_by_course_and_trainer_weigh_every_rating_of_every_cohort(app: object) -> None:
    from flask import current_app

    current_app.config["FEEDBACK_MIN_RESPONSES"] = 2
    course = make_course(title="Two cohorts")
    ann, bob = trainer(full_name="Ann Both"), trainer(full_name="Bob Second")
    first = cohort_on(course, dt.date(FY, 6, 1), facilitators=[(ann, "Lead"), (bob, "Co")])
    second = cohort_on(course, dt.date(FY, 9, 1), facilitators=[(ann, "Lead")])
    respond(first, 4, value=5)
    respond(second, 2, value=4)

    data = compute(Period(FY), today=AFTER)

    # 28 / 6 over all six responses, not the mean of the cohorts' means (4.50).
    assert data["feedback_by_course"] == [{"course": "Two cohorts", "n": 6, "mean": "4.67"}]
    assert data["feedback_by_trainer"] == [
        {"trainer": "Ann Both", "n": 6, "mean": "4.67"},
        {"trainer": "Bob Second", "n": 4, "mean": "5.00"},
    ]
    assert {(i["n"], i["mean"]) for i in data["feedback"]["items"]} == {(6, "4.67")}


@pytest.mark.usefixtures("app")
def test_the_anonymity_floor_is_configurable(app: object) -> None:
    from flask import current_app

    cohort = cohort_on(make_course(), dt.date(FY, 6, 1))
    respond(cohort, 2, value=3)
    current_app.config["FEEDBACK_MIN_RESPONSES"] = 2

    data = compute(Period(FY), today=AFTER)

    assert data["feedback"]["floor"] == 2
    assert data["feedback_by_course"][0]["mean"] == "3.00"


# The budget --------------------------------------------------------------------------------


@pytest.mark.usefixtures("app")
def test_the_budget_quotes_spend_to_date_and_what_remains() -> None:
    boss = manager()
    budget.set_allocation(boss, FY, Decimal("18000"))
    for quarter, category, amount in (
        (1, "venue", "388"),
        (2, "catering", "99"),
        (3, "trainer_fees", "9500"),
        (4, "print", "664"),
    ):
        budget.add_spend(boss, FY, quarter, category, "", Decimal(amount))
    budget.add_spend(boss, FY + 1, 1, "venue", "Next year", Decimal("1000"))

    data = compute(Period(FY), today=AFTER)["budget"]

    assert (data["allocation"], data["spent_to_date"], data["remaining"]) == (
        "18000.00",
        "10651.00",
        "7349.00",
    )
    assert sorted(
        (line["quarter"], line["category"], line["amount"]) for line in data["lines"]
    ) == [
        (1, "venue", "388.00"),
        (2, "catering", "99.00"),
        (3, "trainer_fees", "9500.00"),
        (4, "print", "664.00"),
    ]
    # A quarter shows its own lines, and what was spent up to its end.
    third = compute(Period(FY, 3), today=AFTER)["budget"]
    assert [line["amount"] for line in third["lines"]] == ["9500.00"]
    assert (third["spent_to_date"], third["remaining"]) == ("9987.00", "8013.00")
    shown = {t.key: t for t in reporting.build(compute(Period(FY), today=AFTER))}
    assert shown["spend"].total == [
        "Total",
        Decimal("388.00"),
        Decimal("99.00"),
        Decimal("9500.00"),
        Decimal("664.00"),
        Decimal("10651.00"),
    ]
    assert shown["budget"].rows[2] == ["Remaining", Decimal("7349.00")]


@pytest.mark.usefixtures("app")
@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (Decimal("-1"), "cannot be negative"),
        (None, "Enter an amount"),
        (Decimal("0"), "greater than £0"),
        (Decimal("1.005"), "at most 2 decimal places"),
        (Decimal("10000000"), "less than"),
    ],
)
def test_a_bad_amount_is_refused_on_its_field(amount: Decimal | None, message: str) -> None:
    boss = manager()

    with pytest.raises(ValidationFailed, match=message) as error:
        budget.add_spend(boss, FY, 1, "venue", "", amount)

    assert error.value.field == "amount"
    assert budget.spend_lines(FY) == []


@pytest.mark.usefixtures("app")
def test_a_negative_allocation_is_refused_and_only_managers_keep_the_budget() -> None:
    with pytest.raises(ValidationFailed) as error:
        budget.set_allocation(manager(), FY, Decimal("-18000"))
    assert error.value.field == "allocation"
    with pytest.raises(ValidationFailed) as error:
        budget.add_spend(manager(), FY, 5, "venue", "", Decimal("1"))
    assert error.value.field == "quarter"
    with pytest.raises(ValidationFailed) as error:
        budget.add_spend(manager(), FY, 1, "champagne", "", Decimal("1"))
    assert error.value.field == "category"
    for outsider in (learner(), trainer()):
        with pytest.raises(PermissionDenied):
            budget.set_allocation(outsider, FY, Decimal("18000"))
        with pytest.raises(PermissionDenied):
            budget.add_spend(outsider, FY, 1, "venue", "", Decimal("10"))

    assert budget.allocation_of(FY) is None
    assert budget.spend_lines(FY) == []


@pytest.mark.usefixtures("app")
def test_a_new_allocation_replaces_the_old() -> None:
    boss = manager()
    budget.set_allocation(boss, FY, Decimal("18000"))
    budget.set_allocation(boss, FY, Decimal("20000.50"))

    assert compute(Period(FY), today=AFTER)["budget"]["allocation"] == "20000.50"


# Is anyone better off, and the IFST workforce ----------------------------------------------


def test_applications_awards_and_cpd_are_counted_in_their_period(catalogue: None) -> None:
    this_year = financial_year(local_today())
    awarded, assessor = accreditation.claimed(3)
    accreditation.judge_all(assessor, awarded)
    decide_application(assessor, awarded, achieved=True)
    accreditation.submitted(3)
    accreditation.submitted(6)
    accreditation.application(3)  # started, not submitted
    person = learner()
    bank_entry(person, "external", Period(this_year).start, "Conference", hours=Decimal("6.5"))
    bank_entry(
        person, "external", Period(this_year).start - dt.timedelta(days=1), "Old", hours=Decimal(9)
    )

    data = compute(Period(this_year))

    assert [(a["level"], a["applications"], a["awards"]) for a in data["accreditation"]] == [
        (3, 2, 1),
        (6, 1, 0),
    ]
    # The award banked the level's credits for its holder.
    cpd = data["cpd"]
    assert cpd["people"] == 2
    assert Decimal(cpd["hours"]) >= Decimal("6.5")
    assert compute(Period(this_year - 1))["accreditation"] == []
    assert compute(Period(this_year - 1))["cpd"] == {
        "people": 1,
        "hours": "9.00",
        "credits": "0.00",
    }


def test_the_workforce_counts_members_core_training_and_the_level_6_clock(
    catalogue: None,
) -> None:
    today = local_today()
    on_track = accreditation.learner(core_on=today - dt.timedelta(days=30), ifst_member=True)
    due = accreditation.learner(core_on=today - dt.timedelta(days=215), ifst_member=True)
    overdue = accreditation.learner(core_on=today - dt.timedelta(days=320), ifst_member=True)
    new = accreditation.learner(ifst_member=True)
    accreditation.learner(core_on=today - dt.timedelta(days=320))  # not a member
    accreditation.learner(ifst_member=True, active=False)  # left

    workforce = compute(Period(financial_year(today)), today=today)["workforce"]

    assert {k: workforce[k] for k in ("members", "core_trained", "not_core_trained")} == {
        "members": 4,
        "core_trained": 3,
        "not_core_trained": 1,
    }
    assert (workforce["due"], workforce["overdue"]) == (1, 1)
    members = {m["name"]: m for m in reporting.workforce_members(today)}
    assert set(members) == {p.full_name for p in (on_track, due, overdue, new)}
    assert members[new.full_name]["core_completed_on"] is None
    assert members[due.full_name]["clock"] == "due"
    assert members[overdue.full_name]["clock"] == "overdue"
    assert members[on_track.full_name]["clock"] == "on_track"


# Queries -----------------------------------------------------------------------------------


def test_the_figures_take_as_many_queries_for_a_year_three_times_as_big(
    ffi: Course, count_queries: QueryCounter
) -> None:
    def queries() -> int:
        db.session.commit()
        db.session.expire_all()
        before = count_queries.count
        compute(Period(FY), today=AFTER)
        return count_queries.count - before

    build_year(ffi)
    respond(db.session.execute(select(Cohort).limit(1)).scalar_one(), 5)
    small = queries()
    build_year(ffi, copies=2)
    people(10, ifst_member=True)
    large = queries()

    assert compute(Period(FY), today=AFTER)["totals"]["cohorts"] == 15
    assert large == small
    # One statement per section: delivery, breakdowns, feedback, better off, workforce,
    # budget and quotes.
    assert small <= 7
