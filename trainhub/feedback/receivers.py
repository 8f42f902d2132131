"""What feedback does when the courses area announces something: ask attendees.

A cohort recorded from records (``Cohort.recorded``) asks nobody: its feedback was given on
paper long ago, and its attendees may have no way to sign in. Nor does an event (R18): the
questionnaire asks about a course's trainers and outcomes, and the report counts events apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from trainhub.courses.models import Cohort, Completion
from trainhub.courses.signals import course_completed, last_day_attended
from trainhub.extensions import db
from trainhub.feedback.services.responses import request_feedback


@last_day_attended.connect
def ask_last_day_attendees(
    sender: Any, cohort: Cohort, user_ids: Sequence[int], actor: Any = None, **extra: Any
) -> None:
    if cohort.recorded or cohort.is_event:
        return
    request_feedback(cohort, user_ids)


@course_completed.connect
def ask_completers(
    sender: Any, completions: Sequence[Completion], actor: Any = None, **extra: Any
) -> None:
    """Someone who completed by making up a day elsewhere is asked about that cohort too."""
    by_cohort: dict[int, list[int]] = {}
    for completion in completions:
        if completion.cohort_id is not None:
            by_cohort.setdefault(completion.cohort_id, []).append(completion.user_id)
    if not by_cohort:
        return
    cohorts = db.session.execute(
        select(Cohort).where(Cohort.id.in_(by_cohort), Cohort.recorded.is_(False))
    ).scalars()
    for cohort in cohorts:
        request_feedback(cohort, by_cohort[cohort.id])
