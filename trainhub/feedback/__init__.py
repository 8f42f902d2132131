"""Feedback, training statistics and the annual report."""

from trainhub.feedback import receivers as _receivers  # noqa: F401  (connects signals)
from trainhub.feedback.views import bp

__all__ = ["bp"]
