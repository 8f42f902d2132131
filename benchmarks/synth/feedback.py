"""Feedback: a request to each attendee of a cohort that ran, and anonymous answers to about
a third of them, on the current questionnaire."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from benchmarks.synth.base import Synth, moment
from benchmarks.synth.names import COMMENTS
from trainhub.feedback.models import (
    RATING,
    RATING_VALUES,
    FeedbackAnswer,
    FeedbackRequest,
    FeedbackResponse,
)

#: How often each rating is given, lowest first.
RATING_WEIGHTS = (1, 2, 6, 20, 30)


def ask_for_feedback(s: Synth, requests: list[tuple[int, int, date]]) -> None:
    """``requests``: (cohort, person, the cohort's last day) of everyone asked."""
    rng = s.rng
    rows: list[dict[str, Any]] = []
    responses: list[dict[str, Any]] = []
    answers: list[dict[str, Any]] = []
    answered = [r for r in requests if rng.random() < 0.33]
    response_ids = iter(s.ids(FeedbackResponse.__table__, len(answered)))
    answered_set = {(c, u) for c, u, _ in answered}
    for cohort_id, person, last in requests:
        rows.append(
            {
                "cohort_id": cohort_id,
                "user_id": person,
                "responded": (cohort_id, person) in answered_set,
                "reminders_sent": rng.choice((0, 0, 1, 2)),
                "last_reminded_at": None,
                "created_at": moment(last, 18),
            }
        )
    # Responses are kept apart from requests (anonymity): shuffle their order too.
    rng.shuffle(answered)
    for cohort_id, _person, last in answered:
        response_id = next(response_ids)
        responses.append(
            {
                "id": response_id,
                "cohort_id": cohort_id,
                "questionnaire_id": s.questionnaire_id,
                "quote_consent": rng.random() < 0.5,
                "submitted_on": last + timedelta(days=rng.randint(0, 10)),
            }
        )
        # The count and sum of its ratings, as the model keeps them (_add_up_ratings).
        response = responses[-1]
        response["rating_count"] = response["rating_total"] = 0
        for item_id, kind in s.items:
            if kind == RATING:
                rating = rng.choices(RATING_VALUES, RATING_WEIGHTS)[0]
                answers.append({"response_id": response_id, "item_id": item_id, "rating": rating})
                response["rating_count"] += 1
                response["rating_total"] += rating
            elif rng.random() < 0.35:
                answers.append(
                    {
                        "response_id": response_id,
                        "item_id": item_id,
                        "rating": None,
                        "text": rng.choice(COMMENTS),
                    }
                )
    s.insert(FeedbackRequest.__table__, rows)
    s.insert(FeedbackResponse.__table__, responses)
    s.insert(
        FeedbackAnswer.__table__,
        [
            {
                "text": "",
                "selected_for_report": False,
                "selected_by_id": None,
                "selected_at": None,
                **answer,
            }
            for answer in answers
        ],
    )
