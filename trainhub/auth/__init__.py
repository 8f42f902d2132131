"""Accounts, sign-in, roles and organisations."""

from trainhub.auth import oidc_views  # noqa: F401  (its routes join the blueprint)
from trainhub.auth.views import bp

__all__ = ["bp"]
