"""Feedback, training statistics and the annual report."""

from typing import Any

from flask_babel import lazy_gettext as _l

from trainhub import audit, bilingual
from trainhub.feedback import permissions
from trainhub.feedback import receivers as _receivers  # noqa: F401  (connects signals)
from trainhub.feedback.services import narrative, questionnaire
from trainhub.feedback.views import bp

audit.describe("report.named_export", _l("Named export"))

# The questionnaire's wording is listed on the page of what lacks Welsh, and goes to
# translators.
bilingual.register_kind(
    "questionnaire",
    _l("Feedback questionnaire"),
    questionnaire.questionnaire_welsh_gaps,
    permissions.can_edit_questionnaire,
    units=questionnaire.questionnaire_welsh_units,
    apply=lambda changes, actor: questionnaire.write_questionnaire_welsh(actor, changes),
)


def _can_edit_narrative(actor: Any) -> bool:
    return bool(actor.is_authenticated and permissions.can_view_reports(actor))


# The report's narrative is listed on the page of what lacks Welsh (trainhub.bilingual).
bilingual.register_kind(
    narrative.KIND,
    _l("The annual report's narrative"),
    narrative.welsh_gaps,
    _can_edit_narrative,
    units=narrative.welsh_units,
    apply=narrative.set_welsh,
)

__all__ = ["bp"]
