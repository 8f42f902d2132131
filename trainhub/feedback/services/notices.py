"""The messages feedback sends through the outbox, each in the recipient's language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import gettext as _

from trainhub.mail.services import external_url, queue_templated_mail

if TYPE_CHECKING:
    from trainhub.courses.models import Cohort
    from trainhub.feedback.models import FeedbackRequest


def feedback_requested(request: FeedbackRequest, cohort: Cohort) -> None:
    queue_templated_mail(
        request.user,
        "feedback_request",
        lambda: _("How was %(title)s?", title=cohort.title),
        {"cohort": cohort, "link": external_url("feedback.give", request_id=request.id)},
    )


def feedback_reminder(request: FeedbackRequest, cohort: Cohort) -> None:
    queue_templated_mail(
        request.user,
        "feedback_reminder",
        lambda: _("Reminder: how was %(title)s?", title=cohort.title),
        {"cohort": cohort, "link": external_url("feedback.give", request_id=request.id)},
    )
