"""What learners need before a cohort (joining instructions and their files) and the
reminders sent ahead of it, each recorded once."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainhub.extensions import UTCDateTime, db, utcnow

if TYPE_CHECKING:
    from trainhub.auth.models import User

#: The reminders: to a learner N days before the first day ("early") and the day before
#: ("day_before"); to a facilitator whose register for a day was not taken ("register").
REMINDER_KINDS = ("early", "day_before", "register")


class JoiningInstructions(db.Model):  # type: ignore[name-defined]
    """A cohort's joining instructions (at most one row per cohort; none until written)."""

    __tablename__ = "joining_instructions"

    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True
    )
    #: What to bring, parking, access, pre-reading: Markdown (CommonMark, no raw HTML).
    text: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: Days before the first day of the early reminder; None: the COHORT_REMINDER_DAYS
    #: setting; 0: no early reminder (the day-before one still goes).
    reminder_days: Mapped[int | None] = mapped_column(Integer)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class JoiningFile(db.Model):  # type: ignore[name-defined]
    """A file learners need before a cohort (a map, pre-reading), checked and scanned."""

    __tablename__ = "joining_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    #: Where the storage keeps the bytes: the file's SHA-256 (outside the web root).
    storage_key: Mapped[str] = mapped_column(String(200))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    uploaded_by: Mapped[User | None] = relationship()


class CohortReminder(db.Model):  # type: ignore[name-defined]
    """A reminder that went: the unique key makes each go once, whichever run sends it."""

    __tablename__ = "cohort_reminders"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id", "kind", "day_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: One of ``REMINDER_KINDS``.
    kind: Mapped[str] = mapped_column(String(20))
    #: The day whose register was not taken ("register"); 0 for the learners' reminders.
    day_number: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    sent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
