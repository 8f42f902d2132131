"""Accreditation levels and their learning outcomes; applications and sign-off come next."""

from trainhub.accreditation import receivers as _receivers  # noqa: F401  (connects signals)
from trainhub.accreditation.views import bp

__all__ = ["bp"]
