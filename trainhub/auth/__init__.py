"""Accounts, sign-in, roles and organisations."""

# The data-sharing agreements' routes, on the same blueprint.
from trainhub.auth import (
    agreement_views,  # noqa: F401
    two_factor_views,  # noqa: F401  (its routes are on bp)
)
from trainhub.auth.views import bp

__all__ = ["bp"]
