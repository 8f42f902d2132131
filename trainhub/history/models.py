"""What was recorded from before trainhub, by whom, when and from which file."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainhub.extensions import UTCDateTime, db, utcnow

if TYPE_CHECKING:
    from trainhub.accreditation.models import Application
    from trainhub.auth.models import User
    from trainhub.courses.models import Cohort, Course

COHORT: Final = "cohort"
COMPLETION: Final = "completion"
AWARD: Final = "award"
FEEDBACK: Final = "feedback"
RECORD_KINDS: Final = (COHORT, COMPLETION, AWARD, FEEDBACK)
#: What a spreadsheet import brings in (each has its template).
IMPORT_KINDS: Final = ("cohorts", "completions", "awards", "feedback")


class HistoryImport(db.Model):  # type: ignore[name-defined]
    """One spreadsheet brought in (``flask history import`` or the upload page)."""

    __tablename__ = "history_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: One of ``IMPORT_KINDS``.
    kind: Mapped[str] = mapped_column(String(20))
    #: The file's name as given, cleaned of folders.
    filename: Mapped[str] = mapped_column(String(160))
    sha256: Mapped[str] = mapped_column(String(64))
    #: Rows read, and records it added (the rest were there already).
    rows: Mapped[int] = mapped_column(Integer)
    added: Mapped[int] = mapped_column(Integer)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    recorded_by: Mapped[User | None] = relationship()


class HistoryRecord(db.Model):  # type: ignore[name-defined]
    """One thing recorded from before trainhub: a cohort as delivered, a person's completion,
    an award or a paper feedback form. It is never edited; it can be withdrawn with a reason.

    The natural key makes recording idempotent: the same file imported twice adds nothing.
    """

    __tablename__ = "history_records"
    __table_args__ = (UniqueConstraint("kind", "natural_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: One of ``RECORD_KINDS``.
    kind: Mapped[str] = mapped_column(String(20), index=True)
    #: course code + first day + title (cohort); e-mail + course + date (completion);
    #: e-mail + level (award); cohort + the form's answers + its ordinal (feedback).
    natural_key: Mapped[str] = mapped_column(String(500))
    #: The day it happened (a cohort's last day, a completion's or an award's date).
    occurred_on: Mapped[dt.date] = mapped_column(Date, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"))
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"))
    #: What records said that has no column of its own elsewhere: an award's assessor
    #: without an account and its old certificate number, a venue no longer in use.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: The evidence file of a past completion (same rules as workbooks), if one was given.
    evidence_filename: Mapped[str] = mapped_column(String(160), default="", server_default="")
    evidence_content_type: Mapped[str] = mapped_column(String(100), default="", server_default="")
    evidence_size: Mapped[int | None] = mapped_column(Integer)
    evidence_key: Mapped[str] = mapped_column(String(200), default="", server_default="")
    #: The spreadsheet and its line, when it came from one.
    import_id: Mapped[int | None] = mapped_column(ForeignKey("history_imports.id"), index=True)
    line: Mapped[int | None] = mapped_column(Integer)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    withdrawn_reason: Mapped[str] = mapped_column(Text, default="", server_default="")

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    course: Mapped[Course | None] = relationship()
    cohort: Mapped[Cohort | None] = relationship()
    application: Mapped[Application | None] = relationship()
    source: Mapped[HistoryImport | None] = relationship()
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id])

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None
