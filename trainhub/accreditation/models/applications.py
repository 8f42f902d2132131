"""Applications for a level, the workbooks that evidence them and the assessors' judgements."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Final

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainhub.accreditation.models.levels import AccreditationLevel, LevelOutcome
from trainhub.extensions import AppendOnly, UTCDateTime, db, utcnow

if TYPE_CHECKING:
    from trainhub.auth.models import User

IN_PROGRESS: Final = "in_progress"
SUBMITTED: Final = "submitted"
#: The assessor found every outcome met; a second assessor must confirm (levels that ask).
AWAITING_VERIFICATION: Final = "awaiting_verification"
RESUBMISSION_REQUESTED: Final = "resubmission_requested"
ACHIEVED: Final = "achieved"
WITHDRAWN: Final = "withdrawn"
APPLICATION_STATUSES: Final = (
    IN_PROGRESS,
    SUBMITTED,
    AWAITING_VERIFICATION,
    RESUBMISSION_REQUESTED,
    ACHIEVED,
    WITHDRAWN,
)
#: A learner has at most one application in these states (one level at a time).
OPEN_STATUSES: Final = (IN_PROGRESS, SUBMITTED, AWAITING_VERIFICATION, RESUBMISSION_REQUESTED)
#: The learner may add workbooks and submit.
EDITABLE_STATUSES: Final = (IN_PROGRESS, RESUBMISSION_REQUESTED)


class Application(db.Model):  # type: ignore[name-defined]
    """One learner working towards one level."""

    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    level_id: Mapped[int] = mapped_column(ForeignKey("accreditation_levels.id"), index=True)
    status: Mapped[str] = mapped_column(String(30), index=True)
    #: The assessor who claimed it or was assigned to it.
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: The second assessor who confirmed (or sent back) the award.
    verifier_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: When the level's clock started: the learner's completion of an entry course.
    clock_started_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The latest submission: the assessor queue is oldest first by this.
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    achieved_on: Mapped[dt.date | None] = mapped_column(Date)
    #: A past award entered from records (signed off on paper before trainhub).
    recorded: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    level: Mapped[AccreditationLevel] = relationship()
    assessor: Mapped[User | None] = relationship(foreign_keys=[assessor_id])
    verifier: Mapped[User | None] = relationship(foreign_keys=[verifier_id])
    workbooks: Mapped[list[Workbook]] = relationship(
        back_populates="application", order_by="Workbook.version"
    )
    judgements: Mapped[list[OutcomeJudgement]] = relationship(
        back_populates="application", order_by="OutcomeJudgement.id"
    )
    events: Mapped[list[ApplicationEvent]] = relationship(
        back_populates="application", order_by="ApplicationEvent.id"
    )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def __repr__(self) -> str:
        return f"<Application {self.id} level={self.level_id} {self.status}>"


class Workbook(AppendOnly, db.Model):  # type: ignore[name-defined]
    """One uploaded version of a learner's evidence; a new upload is a new version."""

    __tablename__ = "workbooks"
    __table_args__ = (UniqueConstraint("application_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    #: The learner's file name, cleaned of folders and odd characters (shown and downloaded).
    filename: Mapped[str] = mapped_column(String(160))
    #: Detected from the content, never taken from the name or the browser.
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    #: Where the storage keeps the bytes (a content-hash name, outside the web root).
    storage_key: Mapped[str] = mapped_column(String(200))
    #: The learner confirmed that case material names no family or child (R48).
    anonymised_confirmed: Mapped[bool] = mapped_column(Boolean)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[Application] = relationship(back_populates="workbooks")


class OutcomeJudgement(AppendOnly, db.Model):  # type: ignore[name-defined]
    """An assessor's judgement of one learning outcome; the latest one per outcome counts."""

    __tablename__ = "outcome_judgements"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("level_outcomes.id"), index=True)
    assessor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: The workbook version the assessor was reading.
    workbook_id: Mapped[int | None] = mapped_column(ForeignKey("workbooks.id"))
    met: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[Application] = relationship(back_populates="judgements")
    outcome: Mapped[LevelOutcome] = relationship()
    assessor: Mapped[User] = relationship()


class ApplicationEvent(AppendOnly, db.Model):  # type: ignore[name-defined]
    """The audit trail of an application: who did what, when."""

    __tablename__ = "application_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    #: None for the system (a reminder, a withdrawn course completion).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str | None] = mapped_column(String(30))
    to_status: Mapped[str | None] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[Application] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class ClockReminder(db.Model):  # type: ignore[name-defined]
    """A "due" or "overdue" reminder already sent, so the daily job sends each once."""

    __tablename__ = "clock_reminders"
    __table_args__ = (UniqueConstraint("user_id", "level_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    level_id: Mapped[int] = mapped_column(ForeignKey("accreditation_levels.id"))
    kind: Mapped[str] = mapped_column(String(10))
    #: The clock's start it was about: a later completion restarts the clock.
    clock_started_on: Mapped[dt.date] = mapped_column(Date)
    sent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
