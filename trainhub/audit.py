"""The audit log: who downloaded or changed something that needs accounting for (R42)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainhub.extensions import AppendOnly, UTCDateTime, db, utcnow

if TYPE_CHECKING:
    from flask_babel.speaklater import LazyString

    from trainhub.auth.models import User

log = logging.getLogger(__name__)


class AuditEvent(AppendOnly, db.Model):  # type: ignore[name-defined]
    """One accountable action, written once."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: A dotted name, e.g. ``report.named_export``.
    action: Mapped[str] = mapped_column(String(60), index=True)
    #: What exactly, in words a reviewer understands (which export, which year).
    detail: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: The person the action was about, when it was about one (a subject-access export, an
    #: erasure): their copy of their data lists it.
    subject_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])


#: What the audit log page calls each action, set by the area that records it.
_LABELS: dict[str, LazyString] = {}


def describe(action: str, label: LazyString) -> str:
    """Name ``action`` for the audit log page, where the area that records it is defined
    (``audit`` imports no area); gives back ``action``."""
    _LABELS[action] = label
    return action


def label(action: str) -> str | None:
    """The audit log page's name for ``action``; None for one no area has named."""
    found = _LABELS.get(action)
    return str(found) if found is not None else None


def record(
    actor: User | None, action: str, detail: str, *, subject: User | None = None
) -> AuditEvent:
    """Add an audit event to the session (the caller commits with the action itself)."""
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        action=action,
        detail=detail,
        subject_id=subject.id if subject else None,
    )
    db.session.add(event)
    log.info("Audit %s by user %s: %s", action, actor.id if actor else None, detail)
    return event
