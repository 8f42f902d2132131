"""History: what a partnership brings in from before trainhub (past cohorts as delivered,
completions, awards and paper feedback), recorded, audited and withdrawable."""

from trainhub.history.views import bp

__all__ = ["bp"]
