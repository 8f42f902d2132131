"""Feedback, training statistics and the annual report."""

from flask_babel import lazy_gettext as _l

from trainhub import audit
from trainhub.feedback import receivers as _receivers  # noqa: F401  (connects signals)
from trainhub.feedback.views import bp

audit.describe("report.named_export", _l("Named export"))

__all__ = ["bp"]
