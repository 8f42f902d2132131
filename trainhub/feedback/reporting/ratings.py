"""How well did we do it: who was asked and who answered, the mean of each rating
statement with n (R33), and the mean of all ratings per course and per trainer; and a
cohort's (or a trainer's cohorts') results as trainers read them. Every mean and every
result passes the anonymity floor (``anonymity.hide_below_floor``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypedDict

from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import Integer, Numeric, Row, Select, String, func, select

from trainhub.auth.models import User
from trainhub.courses.models import Cohort, CohortFacilitator, Course
from trainhub.feedback import queries
from trainhub.feedback.models import (
    RATING,
    FeedbackAnswer,
    FeedbackRequest,
    FeedbackResponse,
    Questionnaire,
    QuestionnaireItem,
)
from trainhub.feedback.reporting._sql import mean, rate, ratio, tagged_union
from trainhub.feedback.reporting.anonymity import Floored, hide_below_floor, min_members
from trainhub.feedback.reporting.tables import Column, Table, as_decimal


class ItemMean(TypedDict):
    """One rating statement (by its stable key, in its latest wording)."""

    key: str
    text: str
    text_cy: str
    n: int
    #: None below the anonymity floor.
    mean: str | None


class Summary(TypedDict):
    requests: int
    responses: int
    response_rate: float | None
    #: The anonymity floor the means were held to.
    floor: int
    items: list[ItemMean]


class CourseMean(TypedDict):
    course: str
    n: int
    mean: str | None


class TrainerMean(TypedDict):
    trainer: str
    n: int
    mean: str | None


class Breakdowns(TypedDict):
    feedback_by_course: list[CourseMean]
    feedback_by_trainer: list[TrainerMean]


class Ratings(TypedDict):
    feedback: Summary
    feedback_by_course: list[CourseMean]
    feedback_by_trainer: list[TrainerMean]


@dataclass(frozen=True)
class CohortResults:
    """What a cohort's attendees said, once enough of them have."""

    summary: Summary
    #: Written answers with their question, in an order that says nothing about who wrote.
    comments: list[tuple[QuestionnaireItem, str]]


def _rows(cohorts: Select[Any], by_course_and_trainer: bool = False) -> dict[str, list[Row[Any]]]:
    """Requests (a recorded cohort's attendees), responses, each item key's latest wording
    and its ratings, and the ratings per course and per trainer if asked, in one statement.

    The answers are read once: their ratings are added up per cohort and item key, and every
    figure adds those sums up further (a mean as ``avg`` would give it, total over count).
    """
    rated = (
        select(
            FeedbackResponse.cohort_id,
            QuestionnaireItem.key,
            func.count(FeedbackAnswer.rating).label("ratings"),
            func.sum(FeedbackAnswer.rating).label("total"),
            func.min(QuestionnaireItem.position).label("position"),
        )
        .select_from(FeedbackAnswer)
        .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
        .join(QuestionnaireItem, QuestionnaireItem.id == FeedbackAnswer.item_id)
        .where(FeedbackResponse.cohort_id.in_(cohorts), QuestionnaireItem.kind == RATING)
        .group_by(FeedbackResponse.cohort_id, QuestionnaireItem.key)
        .cte("rated")
    )
    parts = {
        # A recorded cohort's attendees stand for the requests it never sent (paper forms).
        "requests": select(
            (
                select(func.count(FeedbackRequest.id))
                .where(FeedbackRequest.cohort_id.in_(cohorts))
                .scalar_subquery()
                + queries.recorded_attendees(cohorts)
            ).label("n")
        ),
        "responses": select(func.count().label("n")).where(FeedbackResponse.cohort_id.in_(cohorts)),
        # Every version's wording, oldest first: the latest is kept.
        "wording": select(
            QuestionnaireItem.key.label("key"),
            QuestionnaireItem.text.label("name"),
            QuestionnaireItem.text_cy.label("name_cy"),
            Questionnaire.version.label("sort"),
        ).join(Questionnaire),
        "items": select(
            rated.c.key.label("key"),
            func.sum(rated.c.ratings).label("n"),
            ratio(func.sum(rated.c.total), func.sum(rated.c.ratings)).label("mean"),
            func.min(rated.c.position).label("sort"),
        ).group_by(rated.c.key),
    }
    if by_course_and_trainer:
        # n is the responses with a rating: a response is of one cohort, a cohort of one
        # course, and a trainer facilitates a cohort once, so the cohorts' counts add up.
        has_rating = (
            select(FeedbackAnswer.id)
            .join(QuestionnaireItem, QuestionnaireItem.id == FeedbackAnswer.item_id)
            .where(
                FeedbackAnswer.response_id == FeedbackResponse.id, QuestionnaireItem.kind == RATING
            )
            .exists()
        )
        responses = (
            select(func.count())
            .select_from(FeedbackResponse)
            .where(FeedbackResponse.cohort_id == rated.c.cohort_id, has_rating)
            .scalar_subquery()
        )
        by_cohort = (
            select(
                rated.c.cohort_id,
                responses.label("responses"),
                func.sum(rated.c.ratings).label("ratings"),
                func.sum(rated.c.total).label("total"),
            )
            .group_by(rated.c.cohort_id)
            .cte("rated_cohorts")
        )

        def mean_by(name: Any, key: Any) -> Select[Any]:
            """Mean of all ratings per course or trainer; ``key`` keeps two of one name apart."""
            return (
                select(
                    name.label("name"),
                    key.label("id"),
                    func.sum(by_cohort.c.responses).label("n"),
                    ratio(func.sum(by_cohort.c.total), func.sum(by_cohort.c.ratings)).label("mean"),
                )
                .select_from(by_cohort)
                .group_by(key, name)
            )

        parts["courses"] = (
            mean_by(Course.title, Course.id)
            .join(Cohort, Cohort.id == by_cohort.c.cohort_id)
            .join(Course, Course.id == Cohort.course_id)
        )
        parts["trainers"] = (
            mean_by(User.full_name, User.id)
            .join(CohortFacilitator, CohortFacilitator.cohort_id == by_cohort.c.cohort_id)
            .join(User, User.id == CohortFacilitator.user_id)
        )
    return tagged_union(
        {
            "key": String(),
            "name": String(),
            "name_cy": String(),
            "id": Integer(),
            "n": Integer(),
            "mean": Numeric(),
            "sort": Integer(),
        },
        parts,
        order=("sort", "name", "id", "key"),
    )


def _mean_behind_floor(n: int, value: Any, floor: int) -> str | None:
    return hide_below_floor(n, lambda: mean(value), floor).value


def _summary(found: Mapping[str, list[Row[Any]]], floor: int) -> Summary:
    wording = {r.key: (r.name, r.name_cy) for r in found["wording"]}
    asked, responses = int(found["requests"][0].n), int(found["responses"][0].n)
    items: list[ItemMean] = [
        {
            "key": r.key,
            "text": wording.get(r.key, (r.key, ""))[0],
            "text_cy": wording.get(r.key, (r.key, ""))[1],
            "n": int(r.n),
            "mean": _mean_behind_floor(int(r.n), r.mean, floor),
        }
        for r in found["items"]
    ]
    return {
        "requests": asked,
        "responses": responses,
        "response_rate": rate(responses, asked),
        "floor": floor,
        "items": items,
    }


def _breakdowns(found: Mapping[str, list[Row[Any]]], floor: int) -> Breakdowns:
    """Mean of all ratings per course and per trainer, with n, behind the anonymity floor."""
    return {
        "feedback_by_course": [
            {"course": r.name, "n": int(r.n), "mean": _mean_behind_floor(int(r.n), r.mean, floor)}
            for r in found["courses"]
        ],
        "feedback_by_trainer": [
            {"trainer": r.name, "n": int(r.n), "mean": _mean_behind_floor(int(r.n), r.mean, floor)}
            for r in found["trainers"]
        ],
    }


def ratings(cohorts: Select[Any]) -> Ratings:
    """The period's feedback (``cohorts`` are its cohorts' ids): the summary and the means
    per course and per trainer, in one statement."""
    found = _rows(cohorts, by_course_and_trainer=True)
    floor = min_members()
    return {"feedback": _summary(found, floor), **_breakdowns(found, floor)}


def feedback(cohorts: Select[Any]) -> Summary:
    """Response rate and the mean of each rating statement of these cohorts, with n (R33).

    A mean from fewer responses than the anonymity floor is left out (None).
    """
    return _summary(_rows(cohorts), min_members())


def trainer_feedback(cohorts: Select[Any]) -> Floored[Summary]:
    """A trainer's results across ``cohorts``: shown from the floor's number of responses."""
    summary = feedback(cohorts)
    return hide_below_floor(summary["responses"], lambda: summary)


def cohort_feedback(cohorts: Select[Any]) -> Floored[CohortResults]:
    """A cohort's ratings and written comments, or, below the floor, only how many answered
    (the comments are then not even read)."""
    summary = feedback(cohorts)
    return hide_below_floor(
        summary["responses"], lambda: CohortResults(summary, queries.comments(cohorts))
    )


def item_text(item: Mapping[str, Any]) -> str:
    """A statement in the reader's language (English when it has no Welsh)."""
    welsh = str(get_locale()) == "cy"
    return str(item["text_cy"] if welsh and item.get("text_cy") else item["text"])


def ratings_tables(figures: Ratings) -> list[Table]:
    """The mean of each statement, and of all ratings per course and per trainer (the
    trainers' table is for managers, not the report)."""
    summary = figures["feedback"]
    none = _("No feedback received in this period.")
    return [
        Table(
            "feedback",
            "how_well",
            _("Feedback from attendees (1 = strongly disagree, 5 = strongly agree)"),
            [
                Column("statement", _("Statement"), "text"),
                Column("n", _("Responses (n)")),
                Column("mean", _("Mean rating"), "mean"),
            ],
            [[item_text(i), i["n"], as_decimal(i["mean"])] for i in summary["items"]],
            empty=none,
            note=ngettext(
                "%(num)d response from %(asked)s.",
                "%(num)d responses from %(asked)s.",
                summary["responses"],
                asked=ngettext(
                    "%(num)d attendee asked", "%(num)d attendees asked", summary["requests"]
                ),
            )
            + " "
            + ngettext(
                "Means from fewer than %(num)d response are not shown.",
                "Means from fewer than %(num)d responses are not shown.",
                summary["floor"],
            ),
        ),
        Table(
            "feedback_by_course",
            "how_well",
            _("Feedback by course (mean of all ratings)"),
            [
                Column("course", _("Course"), "text"),
                Column("n", _("Responses (n)")),
                Column("mean", _("Mean rating"), "mean"),
            ],
            [[r["course"], r["n"], as_decimal(r["mean"])] for r in figures["feedback_by_course"]],
            empty=none,
        ),
        Table(
            "feedback_by_trainer",
            "how_well",
            _("Feedback by trainer (mean of all ratings)"),
            [
                Column("trainer", _("Trainer"), "text"),
                Column("n", _("Responses (n)")),
                Column("mean", _("Mean rating"), "mean"),
            ],
            [[r["trainer"], r["n"], as_decimal(r["mean"])] for r in figures["feedback_by_trainer"]],
            empty=none,
            in_report=False,
        ),
    ]
