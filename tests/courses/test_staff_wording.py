"""Learners read what concerns them: a cohort's "Published" tag, an empty delivery panel and
a course's fidelity note are staff matters, shown to those who run the training only."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.courses.cohort_helpers import learner, trainer
from tests.factories import make_cohort, make_course
from tests.helpers import as_user, page
from trainhub.extensions import db

pytestmark = pytest.mark.usefixtures("app")


def test_a_learner_sees_no_staff_wording_and_the_trainer_does(app: Flask) -> None:
    lead = trainer()
    course = make_course(fidelity_controlled=True, kind="framework", audience="open")
    cohort = make_cohort(course, facilitators=[lead], created_by_id=lead.id)
    db.session.commit()

    as_learner = as_user(app, learner())
    shown = page(as_learner.get(f"/cohorts/{cohort.id}"))
    assert "Published" not in shown and "Delivery panel" not in shown
    assert "Delivered as designed" not in page(as_learner.get(f"/courses/{course.code}"))

    as_trainer = as_user(app, lead)
    shown = page(as_trainer.get(f"/cohorts/{cohort.id}"))
    assert "Published" in shown and "No external presenters." in shown
    assert "Delivered as designed" in page(as_trainer.get(f"/courses/{course.code}"))


def test_a_learner_is_told_when_a_cohort_was_cancelled(app: Flask) -> None:
    cohort = make_cohort(status="cancelled", cancel_reason="Trainer unwell")
    db.session.commit()
    shown = page(as_user(app, learner()).get(f"/cohorts/{cohort.id}"))
    assert "Cancelled" in shown and "Trainer unwell" in shown


def test_staff_are_warned_of_days_at_the_weekend_or_on_a_welsh_bank_holiday(app: Flask) -> None:
    from datetime import date

    from trainhub.courses.services.scheduling import day_warnings

    lead = trainer()
    # Friday 25 December 2026 (Christmas Day), then Saturday 26th, then Monday 4 January 2027.
    cohort = make_cohort(
        make_course(duration_days=3), start=date(2026, 12, 25), facilitators=[lead]
    )
    cohort.days[2].date = date(2027, 1, 4)
    db.session.commit()
    assert day_warnings(cohort) == [
        "Day 1, Friday 25 December 2026, is a bank holiday in Wales.",
        "Day 2, Saturday 26 December 2026, is a bank holiday in Wales.",
    ]
    cohort.days[1].date = date(2027, 1, 2)  # a Saturday, not a holiday
    assert day_warnings(cohort)[1] == "Day 2, Saturday 2 January 2027, is at the weekend."
    db.session.commit()
    shown = page(as_user(app, lead).get(f"/cohorts/{cohort.id}"))
    assert "is a bank holiday in Wales" in shown and "is at the weekend" in shown
    assert "bank holiday" not in page(as_user(app, learner()).get(f"/cohorts/{cohort.id}"))
