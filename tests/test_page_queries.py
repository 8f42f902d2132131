"""Every main page sends at most 12 SQL statements, and the same number however much data
there is (issue 6): measured on ``flask synth`` data at two sizes, on both backends.

The pages and who looks at them are those of the benchmark (``benchmarks/pages.py``).
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from benchmarks.pages import MAX_QUERIES, main_pages, synth_people
from tests.conftest import empty_database
from tests.helpers import QueryCounter, login
from trainhub.courses.models import local_today
from trainhub.extensions import db
from trainhub.synth import load

SMALL, LARGE = (1, 0.002), (2, 0.006)


def counts(client: FlaskClient, counter: QueryCounter, seed: int) -> dict[str, int]:
    pages = main_pages(seed, local_today())
    people = synth_people(seed)
    found: dict[str, int] = {}
    for page in pages:
        visitor = client.application.test_client()
        if page.who:
            login(visitor, people[page.who])
        assert visitor.get(page.path).status_code == 200, page
        before = counter.count
        response = visitor.get(page.path)
        assert response.status_code == 200, page
        found[page.name] = counter.count - before
    return found


def test_main_pages_send_a_fixed_number_of_queries(
    app: Flask, client: FlaskClient, count_queries: QueryCounter
) -> None:
    load(*SMALL)
    db.session.commit()
    small = counts(client, count_queries, SMALL[0])
    load(*LARGE)
    db.session.commit()
    large = counts(client, count_queries, LARGE[0])

    assert large == small
    assert {name: n for name, n in small.items() if n > MAX_QUERIES} == {}


def test_the_pages_cover_every_main_page_of_the_benchmark(app: Flask) -> None:
    load(*SMALL)
    db.session.commit()
    names = {page.name for page in main_pages(SMALL[0], local_today())}
    assert names == {
        "catalogue",
        "cohort detail",
        "learner's bookings",
        "learner's accreditation",
        "trainer's cohorts",
        "register (largest)",
        "overview (all cohorts)",
        "assessor queue",
        "manager statistics",
    }


def test_synth_is_idempotent_per_seed(app: Flask) -> None:
    first = load(3, 0.002)
    db.session.commit()
    again = load(3, 0.002)
    assert first.loaded and sum(first.rows.values()) > 1000
    assert not again.loaded and again.rows == {}


def _fingerprint() -> list[tuple[object, ...]]:
    query = sa.text(
        "SELECT u.email, c.first_day, c.capacity, b.status, b.queue_rank "
        "FROM bookings b JOIN users u ON u.id = b.user_id JOIN cohorts c ON c.id = b.cohort_id "
        "ORDER BY 1, 2, 3, 4, 5"
    )
    return [tuple(row) for row in db.session.execute(query)]


def test_one_seed_always_makes_the_same_data(app: Flask) -> None:
    load(4, 0.002, today=date(2026, 11, 23))
    db.session.commit()
    first = _fingerprint()
    empty_database()
    load(4, 0.002, today=date(2026, 11, 23))
    db.session.commit()
    assert _fingerprint() == first and len(first) > 500
