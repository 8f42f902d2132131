"""The messages feedback sends through the outbox, each in the recipient's language."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from flask_babel import gettext as _

from trainhub.mail.services import external_url, queue_templated_mail, queue_templated_mails

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


def feedback_reminder(request: FeedbackRequest, cohort: Cohort) -> None:
    queue_templated_mail(
        request.user,
        "feedback_reminder",
        lambda: _("Reminder: how was %(title)s?", title=cohort.title),
        {"cohort": cohort, "link": external_url("feedback.give", request_id=request.id)},
    )
