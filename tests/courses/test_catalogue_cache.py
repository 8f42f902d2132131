"""The catalogue's contents are drawn once per data version and kept (issue 22): every
change to a course shows at once, nothing kept crosses languages, filters or editors, and
a page costs one SQL statement whether its contents were kept or drawn afresh."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask, template_rendered
from flask.testing import FlaskClient
from sqlalchemy import delete

from tests.courses.helpers import admin, course, local_course
from tests.factories import make_user
from tests.helpers import QueryCounter, login, page_html
from trainhub.courses.services.catalogue import update_course
from trainhub.courses.views.catalogue import catalogue as catalogue_view
from trainhub.data_version import DataVersion
from trainhub.extensions import db

SAFETY_PLAN = "IFST Safety Planning Training"
LISTING = "courses/_catalogue_listing.html"


@pytest.fixture
def drawn(app: Flask) -> Iterator[list[str]]:
    """The names of the templates drawn while the test runs."""
    names: list[str] = []

    def record(sender: Flask, template: Any, context: dict[str, Any], **extra: Any) -> None:
        names.append(template.name)

    template_rendered.connect(record, app)
    try:
        yield names
    finally:
        template_rendered.disconnect(record, app)


def test_an_unchanged_catalogue_is_drawn_once(
    catalogue: None, client: FlaskClient, drawn: list[str]
) -> None:
    first = page_html(client.get("/courses"))
    second = page_html(client.get("/courses"))

    assert drawn.count(LISTING) == 1
    assert SAFETY_PLAN in second
    assert first.count('class="trainhub-course"') == second.count('class="trainhub-course"') == 8


def test_kept_and_fresh_contents_each_cost_one_statement(
    catalogue: None, client: FlaskClient, count_queries: QueryCounter
) -> None:
    def statements(path: str) -> int:
        before = count_queries.count
        assert client.get(path).status_code == 200
        return count_queries.count - before

    fresh = statements("/courses")
    kept = statements("/courses")
    update_course(admin(), course("SAFETY-PLAN"), {"summary": "Planning for safety."})
    db.session.commit()
    after_a_change = statements("/courses")

    assert (fresh, kept, after_a_change) == (1, 1, 1)


def test_a_changed_course_shows_at_once(catalogue: None, client: FlaskClient) -> None:
    assert SAFETY_PLAN in page_html(client.get("/courses"))

    update_course(admin(), course("SAFETY-PLAN"), {"title": "Planning for Safety Together"})
    db.session.commit()
    text = page_html(client.get("/courses"))

    assert "Planning for Safety Together" in text
    assert SAFETY_PLAN not in text


def test_a_course_taken_out_of_the_catalogue_goes_at_once(
    catalogue: None, client: FlaskClient
) -> None:
    assert SAFETY_PLAN in page_html(client.get("/courses?kind=local"))

    course("SAFETY-PLAN").published = False
    db.session.commit()

    assert SAFETY_PLAN not in page_html(client.get("/courses?kind=local"))
    assert "7 courses" in page_html(client.get("/courses"))


def test_a_new_course_appears_at_once(catalogue: None, client: FlaskClient) -> None:
    assert "8 courses" in page_html(client.get("/courses"))

    local_course(admin(), code="NEW-ONE", title="Listening to Families")
    db.session.commit()
    text = page_html(client.get("/courses"))

    assert "9 courses" in text
    assert "Listening to Families" in text


def test_each_language_has_its_own_contents(catalogue: None, client: FlaskClient) -> None:
    english = page_html(client.get("/courses"))
    welsh = page_html(client.get("/courses", headers={"Accept-Language": "cy"}))
    english_again = page_html(client.get("/courses"))

    assert "Who it is for" in english
    assert "Who it is for" not in welsh
    assert welsh.count('class="trainhub-course"') == 8
    assert english_again == english.replace(nonce(english), nonce(english_again))


def nonce(text: str) -> str:
    return text.split('nonce="', 1)[1].split('"', 1)[0]


def test_filters_have_their_own_contents(catalogue: None, client: FlaskClient) -> None:
    everything = page_html(client.get("/courses"))
    local = page_html(client.get("/courses?kind=local"))
    chosen = page_html(client.get("/courses?kind=local&audience=open"))

    assert everything.count('class="trainhub-course"') == 8
    assert local.count('class="trainhub-course"') == 4
    assert '<option value="local" selected>' in local
    assert '<option value="open" selected>' in chosen
    assert '<option value="open" selected>' not in local


def test_editors_and_others_never_see_each_others_contents(
    catalogue: None, app: Flask, client: FlaskClient
) -> None:
    course("SAFETY-PLAN").published = False
    db.session.commit()
    editor = login(app.test_client(), make_user(roles=["trainer"]))
    learner = login(app.test_client(), make_user(roles=["learner"]))
    db.session.commit()

    for _round in range(2):
        public = page_html(client.get("/courses"))
        for_editor = page_html(editor.get("/courses"))
        for_learner = page_html(learner.get("/courses"))

        assert SAFETY_PLAN not in public
        assert SAFETY_PLAN not in for_learner
        assert "Add a course" not in for_learner
        assert SAFETY_PLAN in for_editor
        assert "Not in the catalogue" in for_editor
        assert "Add a course" in for_editor


def test_changes_not_yet_committed_are_never_kept(catalogue: None, app: Flask) -> None:
    client = app.test_client()
    assert SAFETY_PLAN in page_html(client.get("/courses"))

    with app.test_request_context("/courses"):
        course("SAFETY-PLAN").title = "A Title Never Committed"
        db.session.flush()
        assert "A Title Never Committed" in str(catalogue_view())
        db.session.rollback()

    text = page_html(client.get("/courses"))
    assert SAFETY_PLAN in text
    assert "A Title Never Committed" not in text


def test_without_the_version_row_the_catalogue_is_drawn_each_time(
    catalogue: None, app: Flask, drawn: list[str]
) -> None:
    db.session.execute(delete(DataVersion))
    with app.test_request_context("/courses"):
        first = str(catalogue_view())
        second = str(catalogue_view())

    assert drawn.count(LISTING) == 2
    assert first.count('class="trainhub-course"') == second.count('class="trainhub-course"') == 8


def test_a_cache_size_of_nought_keeps_nothing(
    catalogue: None, app: Flask, client: FlaskClient, drawn: list[str]
) -> None:
    app.config["CATALOGUE_CACHE_SIZE"] = 0
    client.get("/courses")
    client.get("/courses")

    assert drawn.count(LISTING) == 2


@pytest.mark.real_commits
def test_a_visitor_reads_the_version_and_courses_outside_any_transaction(
    catalogue: None, client: FlaskClient, drawn: list[str]
) -> None:
    """With the app on its engine (no test transaction around it), a visitor's catalogue is
    read on a connection of its own in autocommit; changes still show at once."""
    assert SAFETY_PLAN in page_html(client.get("/courses"))
    assert SAFETY_PLAN in page_html(client.get("/courses"))

    update_course(admin(), course("SAFETY-PLAN"), {"title": "Planning for Safety Together"})
    db.session.commit()
    text = page_html(client.get("/courses"))

    assert "Planning for Safety Together" in text
    assert SAFETY_PLAN not in text
    assert drawn.count(LISTING) == 2
