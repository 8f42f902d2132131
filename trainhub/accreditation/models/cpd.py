"""The CPD / CQF credit bank: an append-only ledger, and external activities awaiting approval."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from sqlalchemy import Date, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainhub.extensions import AppendOnly, UTCDateTime, db, utcnow

if TYPE_CHECKING:
    from trainhub.auth.models import User

COURSE: Final = "course"
LEVEL: Final = "level"
EXTERNAL: Final = "external"
REVERSAL: Final = "reversal"
CPD_SOURCES: Final = (COURSE, LEVEL, EXTERNAL, REVERSAL)

PENDING: Final = "pending"
APPROVED: Final = "approved"
REJECTED: Final = "rejected"
ACTIVITY_STATUSES: Final = (PENDING, APPROVED, REJECTED)


class CpdEntry(AppendOnly, db.Model):  # type: ignore[name-defined]
    """One line of a learner's CPD record. A correction is a reversal line, never an edit."""

    __tablename__ = "cpd_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    source: Mapped[str] = mapped_column(String(20))
    #: The day the learning happened (it decides the financial year).
    occurred_on: Mapped[dt.date] = mapped_column(Date, index=True)
    title: Mapped[str] = mapped_column(String(300))
    hours: Mapped[Decimal] = mapped_column(Numeric(7, 2), default=Decimal(0))
    credits: Mapped[Decimal] = mapped_column(Numeric(7, 2), default=Decimal(0))
    accrediting_body: Mapped[str] = mapped_column(String(200), default="", server_default="")
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"))
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"))
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("cpd_activities.id"))
    #: The line this one cancels out (hours and credits negated); at most one reversal each.
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("cpd_entries.id"), unique=True)
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: Who wrote the line; None when the system did (a course completed).
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    reverses: Mapped[CpdEntry | None] = relationship(remote_side=[id], back_populates="reversed_by")
    reversed_by: Mapped[CpdEntry | None] = relationship(back_populates="reverses")


class ExternalActivity(db.Model):  # type: ignore[name-defined]
    """Learning done elsewhere, logged with evidence; banked once approved."""

    __tablename__ = "cpd_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    provider: Mapped[str] = mapped_column(String(200), default="", server_default="")
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    hours: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    credits: Mapped[Decimal] = mapped_column(Numeric(7, 2), default=Decimal(0))
    accrediting_body: Mapped[str] = mapped_column(String(200), default="", server_default="")
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    evidence_filename: Mapped[str] = mapped_column(String(160))
    evidence_content_type: Mapped[str] = mapped_column(String(100))
    evidence_size: Mapped[int] = mapped_column(Integer)
    evidence_key: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default=PENDING, index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
