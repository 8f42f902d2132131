"""Accreditation: levels, applications, workbooks, assessment, the CPD ledger, certificates."""

from trainhub.accreditation import receivers as _receivers  # noqa: F401  (connects signals)
from trainhub.accreditation.views import bp

__all__ = ["bp"]
