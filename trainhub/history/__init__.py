"""History: what a partnership brings in from before trainhub (past cohorts as delivered,
completions, awards and paper feedback), recorded, audited and withdrawable."""

from flask_babel import lazy_gettext as _l

from trainhub import audit
from trainhub.history.views import bp

for _action, _label in (
    ("history.cohort_recorded", _l("Past cohort recorded")),
    ("history.completion_recorded", _l("Past completion recorded")),
    ("history.award_recorded", _l("Past award recorded")),
    ("history.feedback_recorded", _l("Paper feedback recorded")),
    ("history.withdrawn", _l("History record withdrawn")),
    ("history.evidence_downloaded", _l("Evidence downloaded")),
):
    audit.describe(_action, _label)

__all__ = ["bp"]
