"""Read-side helpers for the outbox."""

from __future__ import annotations

from sqlalchemy import Select, select

from trainhub.mail.models import OutboxMessage


def outbox_query(status: str = "") -> Select[tuple[OutboxMessage]]:
    """Newest first; ``status`` "pending" or "sent" narrows it, anything else is ignored."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if status in ("pending", "sent"):
        query = query.where(OutboxMessage.status == status)
    return query
