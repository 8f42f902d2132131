"""The data-protection lifecycle (UK GDPR): a copy of a person's data, erasure, and the
retention schedule with its daily purge. It reads every area below it; nothing imports it."""

from trainhub.privacy.views import bp

__all__ = ["bp"]
