"""The messages feedback sends through the outbox, each in the recipient's language."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from flask_babel import gettext as _

from trainhub.mail.services import external_url, queue_templated_mails

if TYPE_CHECKING:
    from trainhub.courses.models import Cohort, Course
    from trainhub.feedback.models import FeedbackRequest, ImpactRequest


def feedback_requested(requests: Iterable[FeedbackRequest], cohort: Cohort) -> None:
    """Ask a whole register at once: one INSERT into the outbox however many."""
    queue_templated_mails(
        "feedback_request",
        (
            (
                r.user,
                lambda: _("How was %(title)s?", title=cohort.shown_title),
                {"cohort": cohort, "link": external_url("feedback.give", request_id=r.id)},
            )
            for r in requests
        ),
    )


def _reminder_subject(cohort: Cohort) -> Callable[[], str]:
    return lambda: _("Reminder: how was %(title)s?", title=cohort.shown_title)


def feedback_reminders(requests: Iterable[FeedbackRequest]) -> None:
    """Remind each of these people about their own cohort, in one INSERT."""
    queue_templated_mails(
        "feedback_reminder",
        (
            (
                r.user,
                _reminder_subject(r.cohort),
                {
                    "cohort": r.cohort,
                    "link": external_url("feedback.give", request_id=r.id),
                },
            )
            for r in requests
        ),
    )


def impact_survey_requested(requests: Iterable[ImpactRequest]) -> None:
    """The follow-up impact survey, to each learner about their own course, in one INSERT."""
    queue_templated_mails(
        "impact_survey",
        (
            (
                r.user,
                _impact_subject(r.course),
                {"course": r.course, "link": external_url("feedback.give_impact", request_id=r.id)},
            )
            for r in requests
        ),
    )


def _impact_subject(course: Course, reminder: bool = False) -> Callable[[], str]:
    # The title is read in the recipient's language, when the subject is written.
    if reminder:
        return lambda: _("Reminder: has %(title)s changed your practice?", title=course.shown_title)
    return lambda: _("Has %(title)s changed your practice?", title=course.shown_title)


def impact_survey_reminders(requests: Iterable[ImpactRequest]) -> None:
    """The survey's one reminder, in one INSERT."""
    queue_templated_mails(
        "impact_reminder",
        (
            (
                r.user,
                _impact_subject(r.course, reminder=True),
                {"course": r.course, "link": external_url("feedback.give_impact", request_id=r.id)},
            )
            for r in requests
        ),
    )
