"""Accreditation levels as data: an admin can add one (the reports mention a Level 5)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, Column, ForeignKey, Integer, Numeric, String, Table, Text, and_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainhub import bilingual
from trainhub.courses.models import Course
from trainhub.extensions import UTCDateTime, db, utcnow

#: Courses whose learning outcomes are this level's outcomes (the 4-day core: "As Above").
level_courses = Table(
    "level_courses",
    db.metadata,
    Column("level_id", ForeignKey("accreditation_levels.id", ondelete="CASCADE"), primary_key=True),
    Column("course_id", ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
)

#: Courses that open a level: completing any one of them makes a learner eligible (the
#: 4-day core for Levels 3 and 6; an admin may declare an equivalent, like the 3-day module).
level_entry_courses = Table(
    "level_entry_courses",
    db.metadata,
    Column("level_id", ForeignKey("accreditation_levels.id", ondelete="CASCADE"), primary_key=True),
    Column("course_id", ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
)


#: The longest level title, in either language: a certificate names the level as "Level 12: "
#: or "Lefel 12: " and the title, in a column of 300 characters (certificates.achievement*).
MAX_LEVEL_TITLE = 290


class AccreditationLevel(db.Model):  # type: ignore[name-defined]
    __tablename__ = "accreditation_levels"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    title: Mapped[str] = mapped_column(String(300))
    #: The title in Welsh (trainhub.bilingual): None is "no Welsh yet".
    title_cy: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: Who it is for, in Welsh: None is "no Welsh yet".
    description_cy: Mapped[str | None] = mapped_column(Text)
    accrediting_body: Mapped[str] = mapped_column(String(200), default="", server_default="")
    credit_value: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    #: Learning hours banked as CPD with the award (optional, like the credits).
    cpd_hours: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    #: A second, different assessor must confirm an award before it stands.
    requires_verification: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    #: The clock from completing an entry course: an award is "due" after this many months
    #: and "overdue" after the second number (Level 6: 6 and 9 months, 002:717-719).
    due_after_months: Mapped[int | None] = mapped_column(Integer)
    overdue_after_months: Mapped[int | None] = mapped_column(Integer)
    #: Offered to learners; a retired level keeps its history.
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    #: Every outcome the level ever had, retired ones included (sign-offs point at them).
    all_outcomes: Mapped[list[LevelOutcome]] = relationship(
        back_populates="level", cascade="all, delete-orphan", order_by="LevelOutcome.position"
    )
    #: The outcomes a learner is assessed against now.
    outcomes: Mapped[list[LevelOutcome]] = relationship(
        primaryjoin=lambda: and_(
            LevelOutcome.level_id == AccreditationLevel.id, LevelOutcome.is_active.is_(True)
        ),
        order_by="LevelOutcome.position",
        viewonly=True,
    )
    courses: Mapped[list[Course]] = relationship(secondary=level_courses, order_by=Course.title)
    entry_courses: Mapped[list[Course]] = relationship(
        secondary=level_entry_courses, order_by=Course.title
    )

    @property
    def shown_title(self) -> str:
        """The title in the language being written (a page's visitor's, a message's
        recipient's), else the other: plain text for subjects and messages."""
        return bilingual.shown(self.title, self.title_cy).text

    @property
    def has_clock(self) -> bool:
        return self.due_after_months is not None or self.overdue_after_months is not None

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
    #: The outcome in Welsh (trainhub.bilingual): None is "no Welsh yet".
    text_cy: Mapped[str | None] = mapped_column(Text)
    #: An outcome removed from the level after learners were judged against it is retired,
    #: never deleted, so their sign-offs keep what they were about.
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")

    level: Mapped[AccreditationLevel] = relationship(back_populates="all_outcomes")
