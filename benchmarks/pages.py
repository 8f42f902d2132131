"""The main pages of issue 6 and who looks at them, on data from ``benchmarks.synth``.

Shared by the benchmark runner and by ``tests/test_page_queries.py``, which holds
every one of them to at most 12 SQL statements at two data sizes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import Flask, render_template

from benchmarks.synth import BIG_REGISTER_TITLE, synth_email
from trainhub.auth.models import User
from trainhub.extensions import db
from trainhub.financial_years import financial_year

#: The most SQL statements any main page may send, whatever the size of the data.
MAX_QUERIES = 12
ACCOUNTS = ("learner", "trainer", "assessor", "manager", "admin")
#: trainhub's layout with nothing in it (``add_empty_page``).
EMPTY_PAGE = "/benchmark/empty"


def add_empty_page(app: Flask) -> None:
    """Serve trainhub's layout with nothing in it and no query at ``EMPTY_PAGE``: the ceiling
    for any page (its request hooks, session, security headers, locale and the layout)."""
    empty = app.jinja_env.from_string('{% extends "base.html" %}{% block content %}{% endblock %}')
    app.add_url_rule(EMPTY_PAGE, "benchmark_empty", lambda: render_template(empty))


@dataclass(frozen=True)
class MainPage:
    name: str
    path: str
    who: str | None  # a synth account label, or None for an anonymous visitor


def synth_people(seed: int) -> dict[str, User]:
    """The named accounts of one synth seed."""
    emails = {synth_email(seed, label): label for label in ACCOUNTS}
    users = db.session.execute(sa.select(User).where(User.email.in_(emails))).scalars()
    return {emails[user.email]: user for user in users}


def main_pages(seed: int, today: date) -> list[MainPage]:
    from trainhub.courses.models import Cohort, CohortFacilitator

    people = synth_people(seed)
    year = financial_year(today) - 1  # the last full financial year
    big = db.session.execute(
        sa.select(Cohort.id)
        .join(CohortFacilitator, CohortFacilitator.cohort_id == Cohort.id)
        .where(
            Cohort.title == BIG_REGISTER_TITLE, CohortFacilitator.user_id == people["trainer"].id
        )
    ).scalar_one()
    upcoming = db.session.execute(
        sa.select(Cohort.id)
        .where(Cohort.status == "published", Cohort.first_day > today)
        .order_by(Cohort.first_day, Cohort.id)
        .limit(1)
    ).scalar_one()
    return [
        MainPage("catalogue", "/courses", None),
        MainPage("cohort detail", f"/cohorts/{upcoming}", "learner"),
        MainPage("learner's bookings", "/bookings", "learner"),
        MainPage("learner's accreditation", "/my/accreditation", "learner"),
        MainPage("trainer's cohorts", "/cohorts", "trainer"),
        MainPage("register (largest)", f"/cohorts/{big}/days/1/register", "trainer"),
        MainPage("overview (all cohorts)", "/cohorts?scope=all", "manager"),
        MainPage("assessor queue", "/assessment", "assessor"),
        MainPage(
            "manager statistics", f"/reports/statistics?fy={year}-{(year + 1) % 100:02d}", "manager"
        ),
    ]
