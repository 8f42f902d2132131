"""Follow-up and booster sessions linked to a cohort (R14): their facilitators and their own
registers. Kept apart from the cohort's days, so that nothing which reads the days (the
completion rule, certificates, the accreditation gate, the statistics) ever counts them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, Integer, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainhub.extensions import UTCDateTime, db, utcnow
from trainhub.localtime import LOCAL_TIME

if TYPE_CHECKING:
    from trainhub.auth.models import User
    from trainhub.courses.models.catalogue import Venue
    from trainhub.courses.models.cohorts import Cohort


class FollowUpSession(db.Model):  # type: ignore[name-defined]
    """One follow-up or booster session of a cohort, for the learners booked on it."""

    __tablename__ = "follow_up_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    #: Local (Europe/London) wall-clock times, as a cohort day's.
    start_time: Mapped[dt.time] = mapped_column(Time)
    end_time: Mapped[dt.time] = mapped_column(Time)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id"), index=True)
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    cohort: Mapped[Cohort] = relationship(back_populates="follow_ups")
    venue: Mapped[Venue] = relationship()
    facilitators: Mapped[list[FollowUpFacilitator]] = relationship(
        back_populates="session",
        cascade="all, delete-orphan",
        order_by="FollowUpFacilitator.position",
    )
    attendances: Mapped[list[FollowUpAttendance]] = relationship(
        back_populates="session", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<FollowUpSession {self.id} {self.title!r}>"

    @property
    def starts_at(self) -> dt.datetime:
        return dt.datetime.combine(self.date, self.start_time, LOCAL_TIME)

    @property
    def ends_at(self) -> dt.datetime:
        return dt.datetime.combine(self.date, self.end_time, LOCAL_TIME)


class FollowUpFacilitator(db.Model):  # type: ignore[name-defined]
    __tablename__ = "follow_up_facilitators"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("follow_up_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    session: Mapped[FollowUpSession] = relationship(back_populates="facilitators")
    user: Mapped[User] = relationship()


class FollowUpAttendance(db.Model):  # type: ignore[name-defined]
    """A learner's mark on a follow-up session's register (``ATTENDANCE_STATUSES``)."""

    __tablename__ = "follow_up_attendances"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("follow_up_sessions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: present, late, left_early or absent.
    status: Mapped[str] = mapped_column(String(20))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    session: Mapped[FollowUpSession] = relationship(back_populates="attendances")
    user: Mapped[User] = relationship(foreign_keys=[user_id])
