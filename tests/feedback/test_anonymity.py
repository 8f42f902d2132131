"""The anonymity floor's one home (``reporting.anonymity.hide_below_floor``): below k
responses a breakdown comes back hidden, with n, k and the reason to show; at k it comes back
whole. The pages show what they get."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from tests.factories import make_user
from tests.feedback.view_helpers import as_user, asked_cohort, page
from tests.helpers import QueryCounter
from trainhub.courses.models import Cohort
from trainhub.feedback.queries import facilitated_cohorts
from trainhub.feedback.reporting import (
    cohort_feedback,
    hide_below_floor,
    min_members,
    trainer_feedback,
)
from trainhub.feedback.reporting.anonymity import Floored

REASON_4 = (
    "4 responses so far (n = 4). Results are shown from 5 responses, so that no one can be "
    "recognised from their answers."
)


def _loaded(log: list[str]) -> list[str]:
    log.append("loaded")
    return ["the breakdown"]


@pytest.mark.once
@pytest.mark.usefixtures("app")
def test_below_the_floor_the_breakdown_is_never_even_loaded() -> None:
    log: list[str] = []

    hidden = hide_below_floor(4, lambda: _loaded(log), floor=5)

    assert hidden == Floored(n=4, floor=5, shown=False, value=None)
    assert hidden.reason == REASON_4
    assert log == []


@pytest.mark.once
@pytest.mark.usefixtures("app")
def test_at_the_floor_the_breakdown_is_given_whole() -> None:
    log: list[str] = []

    shown = hide_below_floor(5, lambda: _loaded(log), floor=5)

    assert shown == Floored(n=5, floor=5, shown=True, value=["the breakdown"])
    assert shown.reason == ""
    assert log == ["loaded"]


@pytest.mark.once
def test_the_floor_is_the_setting(app: Flask) -> None:
    assert min_members() == 5
    assert not hide_below_floor(4, lambda: "x").shown
    app.config["FEEDBACK_MIN_RESPONSES"] = 2

    assert min_members() == 2
    assert hide_below_floor(2, lambda: "x").value == "x"
    assert hide_below_floor(1, lambda: "x").reason.startswith("1 responses so far (n = 1). ")


@pytest.mark.usefixtures("app")
def test_a_cohort_below_the_floor_gives_n_and_the_reason_without_reading_comments(
    count_queries: QueryCounter,
) -> None:
    asked = asked_cohort(6, 4, comment="Loved the role play")
    ids = select(Cohort.id).where(Cohort.id == asked.cohort.id)
    count_queries.statements.clear()

    results = cohort_feedback(ids)

    assert (results.shown, results.n, results.floor, results.value) == (False, 4, 5, None)
    assert results.reason == REASON_4
    assert count_queries.count == 1, "\n".join(count_queries.statements)


@pytest.mark.usefixtures("app")
def test_a_cohort_at_the_floor_gives_its_means_and_comments() -> None:
    asked = asked_cohort(6, 5, comment="Loved the role play")

    results = cohort_feedback(select(Cohort.id).where(Cohort.id == asked.cohort.id))

    assert (results.shown, results.n, results.floor, results.reason) == (True, 5, 5, "")
    assert results.value is not None
    assert results.value.summary["responses"] == 5
    assert {(i["n"], i["mean"]) for i in results.value.summary["items"]} == {(5, "4.00")}
    assert sorted(text for _item, text in results.value.comments) == [
        "Loved the role play",
        *(f"Loved the role play {n}" for n in range(1, 5)),
    ]


@pytest.mark.usefixtures("app")
def test_a_trainers_cohorts_count_together_against_the_floor() -> None:
    lead = make_user(roles=["trainer"])
    asked_cohort(3, 2, facilitators=[lead])
    asked_cohort(3, 2, facilitators=[lead])
    asked_cohort(3, 3)  # someone else's

    hidden = trainer_feedback(facilitated_cohorts(lead.id))
    assert (hidden.shown, hidden.n, hidden.value) == (False, 4, None)
    assert hidden.reason == REASON_4

    asked_cohort(1, 1, facilitators=[lead])
    shown = trainer_feedback(facilitated_cohorts(lead.id))
    assert (shown.shown, shown.n) == (True, 5)
    assert shown.value is not None
    assert shown.value["responses"] == 5


def test_the_trainers_page_shows_the_reason_below_the_floor(app: Flask) -> None:
    lead = make_user(roles=["trainer"])
    asked_cohort(6, 4, facilitators=[lead])
    client = as_user(app, lead)

    text = page(client.get("/feedback/cohorts"))

    assert REASON_4 in text
    assert "Your results:" not in text
