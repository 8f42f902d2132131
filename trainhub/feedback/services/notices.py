"""The messages feedback sends through the outbox, each in the recipient's language."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from flask_babel import gettext as _

from trainhub.mail.services import external_url, queue_templated_mails

if TYPE_CHECKING:
    from trainhub.courses.models import Cohort
    from trainhub.feedback.models import FeedbackRequest


def feedback_requested(requests: Iterable[FeedbackRequest], cohort: Cohort) -> None:
    """Ask a whole register at once: one INSERT into the outbox however many."""
    queue_templated_mails(
        "feedback_request",
        (
            (
                r.user,
                lambda: _("How was %(title)s?", title=cohort.title),
                {"cohort": cohort, "link": external_url("feedback.give", request_id=r.id)},
            )
            for r in requests
        ),
    )


def _reminder_subject(cohort: Cohort) -> Callable[[], str]:
    return lambda: _("Reminder: how was %(title)s?", title=cohort.title)


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
