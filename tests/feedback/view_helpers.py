"""Helpers for the feedback and report page tests: cohorts that were asked for feedback,
answers as the service and the form take them, and readers shared with the other areas."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tests.factories import make_cohort, make_course, make_user
from tests.helpers import as_user, banners, count, field_error, follow, page, summary_errors
from trainhub.auth.models import User
from trainhub.courses.models import Cohort, Course
from trainhub.feedback.models import TEXT, FeedbackAnswer, FeedbackRequest, Questionnaire
from trainhub.feedback.services.questionnaire import current_questionnaire
from trainhub.feedback.services.responses import request_feedback, submit_response

__all__ = [
    "IN_2016_17",
    "Asked",
    "answers",
    "as_user",
    "asked_cohort",
    "banners",
    "count",
    "csv_lines",
    "field_error",
    "filename",
    "follow",
    "form_answers",
    "page",
    "summary_errors",
]

#: A day in the 2016-17 financial year, the year the report tests look at.
IN_2016_17 = date(2016, 6, 6)


def answers(
    questionnaire: Questionnaire, rating: int = 4, **texts: str
) -> dict[str, int | str | None]:
    """Every rating statement rated ``rating``; text items from ``texts`` (by key)."""
    return {
        item.key: texts.get(item.key, "") if item.kind == TEXT else rating
        for item in questionnaire.items
    }


def form_answers(rating: str = "4", consent: bool = False, **fields: str) -> dict[str, str]:
    """What the feedback form posts: a rating for each statement, the written answers."""
    questionnaire = current_questionnaire()
    data = {
        f"item_{item.key}": fields.get(item.key, "") if item.kind == TEXT else rating
        for item in questionnaire.items
    }
    if consent:
        data["quote_consent"] = "y"
    return data


@dataclass
class Asked:
    """A cohort whose attendees were asked for feedback; the first ``answered`` replied."""

    cohort: Cohort
    people: list[User]
    requests: list[FeedbackRequest]
    comments: list[FeedbackAnswer] = field(default_factory=list)


def asked_cohort(
    asked: int,
    answered: int,
    *,
    course: Course | None = None,
    start: date = IN_2016_17,
    facilitators: Sequence[User] | None = None,
    consent: bool = False,
    comment: str = "",
    rating: int = 4,
) -> Asked:
    """A completed cohort, ``asked`` attendees asked, ``answered`` of them answered.

    Each answer says ``comment`` (numbered after the first) to "What will you take away?".
    """
    cohort = make_cohort(
        course or make_course(duration_days=1),
        start=start,
        status="completed",
        facilitators=list(facilitators) if facilitators is not None else None,
    )
    people = [make_user(roles=["learner"]) for _ in range(asked)]
    requests = request_feedback(cohort, [p.id for p in people])
    by_user = {r.user_id: r for r in requests}
    questionnaire = current_questionnaire()
    comments = []
    for n, person in enumerate(people[:answered]):
        text = (f"{comment} {n}" if n else comment) if comment else ""
        response = submit_response(
            person,
            by_user[person.id],
            questionnaire,
            answers(questionnaire, rating, take_away=text),
            consent,
            today=start,
        )
        comments += [a for a in response.answers if a.text]
    return Asked(cohort, people, [by_user[p.id] for p in people], comments)


def csv_lines(response: Any) -> list[str]:
    """A CSV download's lines (the files start with a byte-order mark for Excel)."""
    return response.get_data().decode("utf-8-sig").splitlines()


def filename(response: Any) -> str:
    """The name a download is saved under (and that it is a download, not shown inline)."""
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;"), disposition
    return disposition.split("filename=", 1)[1].strip('"')
