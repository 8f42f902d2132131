"""Accreditation levels as data: an admin can add one (the reports mention a Level 5)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, Column, ForeignKey, Integer, Numeric, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainhub.courses.models import Course
from trainhub.extensions import UTCDateTime, db, utcnow

#: Courses whose learning outcomes are this level's outcomes (the 4-day core: "As Above").
level_courses = Table(
    "level_courses",
    db.metadata,
    Column("level_id", ForeignKey("accreditation_levels.id", ondelete="CASCADE"), primary_key=True),
    Column("course_id", ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
)


class AccreditationLevel(db.Model):  # type: ignore[name-defined]
    __tablename__ = "accreditation_levels"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    accrediting_body: Mapped[str] = mapped_column(String(200), default="", server_default="")
    credit_value: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    #: Offered to learners; a retired level keeps its history.
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    outcomes: Mapped[list[LevelOutcome]] = relationship(
        back_populates="level", cascade="all, delete-orphan", order_by="LevelOutcome.position"
    )
    courses: Mapped[list[Course]] = relationship(secondary=level_courses, order_by=Course.title)

    def __repr__(self) -> str:
        return f"<AccreditationLevel {self.number}>"


class LevelOutcome(db.Model):  # type: ignore[name-defined]
    __tablename__ = "level_outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    level_id: Mapped[int] = mapped_column(
        ForeignKey("accreditation_levels.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)

    level: Mapped[AccreditationLevel] = relationship(back_populates="outcomes")
