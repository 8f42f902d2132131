"""The outbox: messages written in the same transaction as the change that causes them,
delivered over SMTP by ``flask mail send`` or ``flask mail worker``."""

from trainhub.mail.views import bp

__all__ = ["bp"]
