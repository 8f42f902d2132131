"""Accounts, sign-in, roles and organisations."""

from trainhub.auth import two_factor_views  # noqa: F401  (its routes are on bp)
from trainhub.auth.views import bp

__all__ = ["bp"]
