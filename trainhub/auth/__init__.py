"""Accounts, sign-in, roles and organisations."""

from trainhub.auth.views import bp

__all__ = ["bp"]
