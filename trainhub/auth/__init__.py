"""Accounts, sign-in, roles and organisations."""

# The data-sharing agreements' routes, on the same blueprint.
from trainhub.auth import agreement_views  # noqa: F401
from trainhub.auth.views import bp

__all__ = ["bp"]
