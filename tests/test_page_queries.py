"""Every main page sends at most 12 SQL statements, and the same number however much data
there is (issue 6): measured on ``benchmarks.synth`` data at two sizes, on both backends.

The pages and who looks at them are those of the benchmark (``benchmarks/pages.py``).
"""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from benchmarks.pages import MAX_QUERIES, main_pages, synth_people
from benchmarks.synth import load
from tests.helpers import QueryCounter, login
from trainhub.courses.models import local_today
from trainhub.extensions import db

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


def loaded(scale: tuple[int, float]) -> None:
    """``benchmarks.synth`` data at ``scale``, with the planner's statistics of it, as
    autovacuum would have them on a real server. Without them PostgreSQL plans the reports'
    statements for the tables as they were (empty, or another test's rows): one run took
    longer than the 30-second statement timeout, holding no lock and waiting for none (the
    log of open transactions showed only its own). ANALYZE inside the test's transaction
    counts that transaction's own rows."""
    load(*scale)
    db.session.commit()
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))


def test_main_pages_send_a_fixed_number_of_queries(
    app: Flask, client: FlaskClient, count_queries: QueryCounter
) -> None:
    loaded(SMALL)
    small = counts(client, count_queries, SMALL[0])
    loaded(LARGE)
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
