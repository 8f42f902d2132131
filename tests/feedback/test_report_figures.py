"""Figures that add up (issue 17): delivered against scheduled, the next year's plans as
tentative, plural forms, the delivery panel, per-course breakdowns and the pivot, CPD hours,
the workforce's core training and the budget's lines and "Remaining"."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask import Flask
from sqlalchemy import select

from tests.factories import make_course
from tests.feedback.helpers import (
    AFTER,
    FY,
    build_year,
    cohort_on,
    manager,
    people,
    run_cohort,
)
from tests.helpers import as_user, page
from trainhub.courses.catalogue_data import COURSES
from trainhub.courses.models import CohortPresenter, Completion, Course
from trainhub.courses.services.catalogue import seed_courses
from trainhub.extensions import db
from trainhub.feedback import reporting
from trainhub.feedback.reporting import compute
from trainhub.feedback.services import budget
from trainhub.financial_years import Period


def test_cohorts_still_to_come_are_scheduled_not_delivered(app: Flask) -> None:
    course = make_course(code="SCHED-1", title="Scheduled course", duration_days=2)
    done = cohort_on(course, dt.date(FY, 6, 1))
    run_cohort(done, people(1))
    cohort_on(course, dt.date(FY, 12, 19))
    cohort_on(course, dt.date(FY + 1, 1, 9))

    data = compute(Period(FY), today=dt.date(FY, 12, 6))

    assert data["totals"]["cohorts"] == 1
    assert data["scheduled"] == [
        {
            "code": "SCHED-1",
            "course": "Scheduled course",
            "duration_days": 2,
            "cohorts": 2,
            "places_offered": 40,
        }
    ]
    assert reporting.headlines(data) == [
        "1 cohort of Scheduled course (2 days) was delivered to 1 attendee, of whom 1 completed.",
        "A further 2 cohorts of Scheduled course are scheduled, not yet delivered.",
    ]
    shown = {t.key: t for t in reporting.build(data)}
    assert shown["scheduled"].rows == [["Scheduled course", 2, 40]]
    # Once they have run, they are delivered.
    later = compute(Period(FY), today=AFTER)
    assert (later["totals"]["cohorts"], later["scheduled"]) == (3, [])
    assert "scheduled" not in {t.key for t in reporting.build(later)}


def test_drafts_and_plans_for_the_next_year_are_tentative(app: Flask) -> None:
    course = make_course(code="PLAN-1", title="Planned course")
    cohort_on(course, dt.date(FY + 1, 5, 1))
    cohort_on(course, dt.date(FY + 1, 6, 1), status="draft", capacity=10)

    data = compute(Period(FY), today=AFTER)

    assert data["planned"] == [
        {"course": "Planned course", "cohorts": 1, "places": 30, "drafts": 1}
    ]
    planned = {t.key: t for t in reporting.build(data)}["planned"]
    assert planned.section == "next_year"
    assert planned.rows == [["Planned course", 1, 1, 30]]
    assert "if agreed" in planned.note


def test_plural_forms_in_the_notes(app: Flask) -> None:
    course = make_course(code="ONE-1", title="Single course")
    run_cohort(cohort_on(course, dt.date(FY, 6, 1)), people(1))

    data = compute(Period(FY), today=AFTER)

    shown = {t.key: t for t in reporting.build(data)}
    assert "0 responses from 1 attendee asked." in shown["feedback"].note or (
        "0 responses from 0 attendees asked." in shown["feedback"].note
    )
    assert "1 attendees" not in " ".join(reporting.headlines(data))
    assert "1 person came in all." in shown["courses"].note


def test_the_delivery_panel_and_per_course_breakdowns(app: Flask) -> None:
    course = make_course(code="PANEL-1", title="Panel course")
    cohort = cohort_on(course, dt.date(FY, 6, 1))
    run_cohort(cohort, people(3, professional_background="social_worker"))
    db.session.add_all(
        [
            CohortPresenter(
                cohort_id=cohort.id,
                day_number=1,
                module="Attachment",
                name="Dr Ada Lewis",
                organisation="Cardiff University",
            ),
            CohortPresenter(
                cohort_id=cohort.id,
                day_number=2,
                module="Play",
                name="Dr Ada Lewis",
                organisation="Cardiff University",
            ),
        ]
    )
    db.session.flush()

    data = compute(Period(FY), today=AFTER)

    assert data["presenters"] == [
        {"name": "Dr Ada Lewis", "organisation": "Cardiff University", "cohorts": 1, "sessions": 2}
    ]
    assert data["backgrounds_by_course"] == [
        {"course": "Panel course", "key": "social_worker", "attendees": 3}
    ]
    years = reporting.five_years(FY, AFTER)
    assert years["pivot"] == [
        {"organisation": None, "course": "Panel course", "year": FY, "attendees": 3}
    ]
    assert "pivot" not in data  # a year's own figures read one year, not five
    shown = {t.key: t for t in reporting.build(data, years)}
    assert shown["presenters"].rows == [["Dr Ada Lewis", "Cardiff University", 1, 2]]
    assert shown["pivot"].rows == [["Not recorded", "Panel course", 0, 0, 0, 0, 3, 3]]
    assert [c.label for c in shown["pivot"].columns][2:4] == ["2012-13", "2013-14"]
    assert shown["response_rates"].rows == []


def test_the_new_tables_download_as_csv(app: Flask, catalogue: None) -> None:
    ffi = db.session.execute(select(Course).where(Course.code == "FFI-3DAY")).scalar_one()
    build_year(ffi)
    client = as_user(app, manager())
    for name in ("pivot", "backgrounds_by_course", "organisations_by_course", "response_rates"):
        response = client.get(f"/reports/statistics/{name}.csv?fy=2016-17")
        assert response.status_code == 200, name
        assert response.mimetype == "text/csv"
    text = client.get("/reports/statistics/pivot.csv?fy=2016-17").data.decode("utf-8-sig")
    assert "Bridgend County Borough Council" in text
    # Year by year: with the five-year view, of whole years only.
    assert client.get("/reports/statistics/pivot.csv?fy=2016-17&quarter=2").status_code == 404


def test_seeded_courses_get_cpd_hours_once(app: Flask) -> None:
    entries = COURSES[:2]
    added = seed_courses(entries)
    assert [c.cpd_hours for c in added] == [
        Decimal(6 * e["duration_days"]).quantize(Decimal("0.01")) for e in entries
    ]
    first, second = added
    first.cpd_hours = Decimal("5.50")  # edited
    second.cpd_hours = None  # an older database's
    app.config["CPD_HOURS_PER_DAY"] = 7
    try:
        assert seed_courses(entries) == []
    finally:
        app.config["CPD_HOURS_PER_DAY"] = 6
    assert first.cpd_hours == Decimal("5.50")
    assert second.cpd_hours == Decimal(7 * second.duration_days)


def test_the_checklist_names_a_delivered_course_without_cpd_hours(app: Flask) -> None:
    course = make_course(code="NOHOURS-1", title="Course without hours", cpd_hours=None)
    cohort_on(course, dt.date(FY, 6, 1))

    checks = {c["key"]: c for c in reporting.readiness(Period(FY), AFTER)}

    assert not checks["cpd_hours"]["done"]
    assert "Course without hours" in checks["cpd_hours"]["text"]
    course.cpd_hours = Decimal(6)
    checks = {c["key"]: c for c in reporting.readiness(Period(FY), AFTER)}
    assert checks["cpd_hours"]["done"]


def test_long_serving_staff_with_a_recorded_core_are_core_trained(
    app: Flask, catalogue: None
) -> None:
    core = db.session.execute(select(Course).where(Course.code == "IFSS-CORE")).scalar_one()
    veteran, newcomer = people(2, ifst_member=True)
    db.session.add(
        Completion(
            user_id=veteran.id, course_id=core.id, completed_on=dt.date(2014, 5, 12), recorded=True
        )
    )
    db.session.flush()

    data = compute(Period(FY), today=AFTER)

    workforce = data["workforce"]
    assert (workforce["members"], workforce["core_trained"]) == (2, 1)
    assert workforce["not_core_trained"] == 1  # the newcomer only
    table = {t.key: t for t in reporting.build(data)}["workforce"]
    labels = {row[0]: row[1] for row in table.rows}
    assert labels["IFST members without the core training"] == 1
    assert newcomer.ifst_member


def test_spend_lines_show_their_description_and_remaining_is_optional(app: Flask) -> None:
    boss = manager()
    budget.set_allocation(boss, FY, Decimal("18000"))
    budget.add_spend(boss, FY, None, "other", "Training, 8.4", Decimal("120.00"))
    budget.add_spend(boss, FY, 2, "other", "", Decimal("10.00"))

    shown = {t.key: t for t in reporting.build(compute(Period(FY), today=AFTER))}

    assert [row[0] for row in shown["spend"].rows] == ["Other", "Training, 8.4"]
    assert [row[0] for row in shown["budget"].rows][-1] == "Remaining"

    budget.set_allocation(boss, FY, Decimal("18000"), show_remaining=False)
    shown = {t.key: t for t in reporting.build(compute(Period(FY), today=AFTER))}
    assert "Remaining" not in [row[0] for row in shown["budget"].rows]
    client = as_user(app, boss)
    text = page(client.get("/reports/budget?fy=2016-17"))
    assert "Training, 8.4" in text
    assert "Show what remains of the allocation in the report" in text
