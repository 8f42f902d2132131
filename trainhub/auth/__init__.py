"""Accounts, sign-in, roles and organisations."""

# Routes in modules of their own, on the same blueprint: data-sharing agreements, two-step
# verification, sign-in with the employer's account (OpenID Connect).
from trainhub.auth import (
    agreement_views,  # noqa: F401
    oidc_views,  # noqa: F401
    two_factor_views,  # noqa: F401
)
from trainhub.auth.views import bp

__all__ = ["bp"]
