"""Courses with their day-by-day agendas and learning outcomes, and venues."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, Column, ForeignKey, Integer, Numeric, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainhub import bilingual
from trainhub.extensions import UTCDateTime, db, utcnow

course_prerequisites = Table(
    "course_prerequisites",
    db.metadata,
    Column("course_id", ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
    Column("prerequisite_id", ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
)

KINDS = ("framework", "local")
AUDIENCES = ("ifst_only", "wider_workforce", "open")
#: Things delivered like a course (scheduled, booked, registered) that are not one (R18): no
#: completion, certificates, CPD or accreditation; counted apart in the report.
EVENT_TYPES = ("briefing", "conference", "peer_forum", "drop_in")
#: The texts a reader sees that have a Welsh value beside them (``<name>_cy``, see
#: ``trainhub.bilingual``), in the order the course page shows them.
WELSH_FIELDS = (
    "title",
    "summary",
    "audience_note",
    "description",
    "context_note",
    "aims_intro",
    "aims",
    "themes",
)


#: On a fidelity-controlled course only an admin may change these.
CANONICAL_FIELDS = frozenset(
    {
        "code",
        "title",
        "duration_days",
        "completion_days",
        "kind",
        "audience",
        "aims_intro",
        "aims",
        # Their Welsh is the same content: fidelity holds in both languages.
        "title_cy",
        "aims_intro_cy",
        "aims_cy",
        "agenda_cy",
        "units_cy",
        "accrediting_body",
        "fidelity_controlled",
        "agenda",
        "units",
        "prerequisite_ids",
        # Whether a framework programme is offered, and what it is worth, are not a trainer's call.
        "published",
        "cpd_hours",
        "credit_value",
    }
)
#: Course texts whose Welsh is canonical content (fidelity), of ``WELSH_FIELDS``: the
#: agenda's and units' lines are too.
CANONICAL_WELSH_FIELDS = frozenset(
    name.removesuffix("_cy") for name in CANONICAL_FIELDS if name.endswith("_cy")
) & frozenset(WELSH_FIELDS)


class Course(db.Model):  # type: ignore[name-defined]
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short stable code used in URLs, e.g. IFSS-CORE.
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    duration_days: Mapped[int] = mapped_column(Integer)
    #: Days a learner must attend to complete the course; None means every day.
    completion_days: Mapped[int | None] = mapped_column(Integer)
    #: "framework" (IFSS Training Framework, Annex C) or "local".
    kind: Mapped[str] = mapped_column(String(20), index=True)
    #: "ifst_only", "wider_workforce" or "open".
    audience: Mapped[str] = mapped_column(String(20), index=True)
    #: "" for a course; else one of EVENT_TYPES (R18): its cohorts are events, never completed.
    event_type: Mapped[str] = mapped_column(String(20), default="", server_default="")
    summary: Mapped[str] = mapped_column(Text, default="", server_default="")
    audience_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: A learner's booking waits for their line manager's approval (before any manager's).
    line_manager_approval: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    aims_intro: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: One aim per line.
    aims: Mapped[str] = mapped_column(Text, default="", server_default="")
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: One theme per line.
    themes: Mapped[str] = mapped_column(Text, default="", server_default="")
    cpd_hours: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    credit_value: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    accrediting_body: Mapped[str] = mapped_column(String(200), default="", server_default="")
    #: Alignment to the Care Council for Wales CPEL framework, where agreed.
    cpel_alignment: Mapped[str] = mapped_column(String(300), default="", server_default="")
    #: Legislation or partner context, e.g. "Supports the Social Care (Wales) Act 2016".
    context_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: Trainers' notes on delivery; never part of the canonical content.
    delivery_notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: Agenda and outcomes of a fidelity-controlled course change only by an admin.
    fidelity_controlled: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    #: Shown in the public catalogue; withdrawn courses keep their history.
    published: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    # The Welsh of what readers see (trainhub.bilingual): None is "no Welsh yet".
    title_cy: Mapped[str | None] = mapped_column(String(300))
    summary_cy: Mapped[str | None] = mapped_column(Text)
    audience_note_cy: Mapped[str | None] = mapped_column(Text)
    aims_intro_cy: Mapped[str | None] = mapped_column(Text)
    aims_cy: Mapped[str | None] = mapped_column(Text)
    description_cy: Mapped[str | None] = mapped_column(Text)
    themes_cy: Mapped[str | None] = mapped_column(Text)
    context_note_cy: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    days: Mapped[list[CourseDay]] = relationship(
        back_populates="course", cascade="all, delete-orphan", order_by="CourseDay.day_number"
    )
    units: Mapped[list[CourseUnit]] = relationship(
        back_populates="course", cascade="all, delete-orphan", order_by="CourseUnit.position"
    )
    prerequisites: Mapped[list[Course]] = relationship(
        secondary=course_prerequisites,
        primaryjoin=lambda: Course.id == course_prerequisites.c.course_id,
        secondaryjoin=lambda: Course.id == course_prerequisites.c.prerequisite_id,
        back_populates="required_by",
        order_by="Course.title",
    )
    required_by: Mapped[list[Course]] = relationship(
        secondary=course_prerequisites,
        primaryjoin=lambda: Course.id == course_prerequisites.c.prerequisite_id,
        secondaryjoin=lambda: Course.id == course_prerequisites.c.course_id,
        back_populates="prerequisites",
        order_by="Course.title",
    )

    def __repr__(self) -> str:
        return f"<Course {self.code}>"

    @property
    def is_event(self) -> bool:
        """A briefing, conference, peer forum or drop-in, not a course (R18)."""
        return bool(self.event_type)

    @property
    def days_to_complete(self) -> int:
        """The distinct day numbers a learner must attend, over any cohorts, to complete it."""
        return self.completion_days or self.duration_days

    @property
    def aim_list(self) -> list[str]:
        return [line for line in self.aims.splitlines() if line.strip()]

    @property
    def theme_list(self) -> list[str]:
        return [line for line in self.themes.splitlines() if line.strip()]

    @property
    def shown_title(self) -> str:
        """The title in the language being written (a page's visitor's, a message's
        recipient's), else the other: plain text for subjects, messages and calendars."""
        return bilingual.shown(self.title, self.title_cy).text

    @property
    def agenda_lacks_welsh(self) -> bool:
        """Some topic or item of the agenda has no Welsh yet."""
        return any(
            not (topic.title_cy or "").strip()
            or any(not (item.text_cy or "").strip() for item in topic.items)
            for day in self.days
            for topic in day.topics
        )

    @property
    def units_lack_welsh(self) -> bool:
        """Some unit or learning outcome has no Welsh yet."""
        return any(
            not (unit.title_cy or "").strip()
            or any(not (outcome.text_cy or "").strip() for outcome in unit.outcomes)
            for unit in self.units
        )


class CourseDay(db.Model):  # type: ignore[name-defined]
    __tablename__ = "course_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    day_number: Mapped[int] = mapped_column(Integer)

    course: Mapped[Course] = relationship(back_populates="days")
    topics: Mapped[list[AgendaTopic]] = relationship(
        back_populates="day", cascade="all, delete-orphan", order_by="AgendaTopic.position"
    )


class AgendaTopic(db.Model):  # type: ignore[name-defined]
    __tablename__ = "agenda_topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    day_id: Mapped[int] = mapped_column(
        ForeignKey("course_days.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    #: The Welsh (trainhub.bilingual): None is "no Welsh yet".
    title_cy: Mapped[str | None] = mapped_column(Text)

    day: Mapped[CourseDay] = relationship(back_populates="topics")
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="topic", cascade="all, delete-orphan", order_by="AgendaItem.position"
    )


class AgendaItem(db.Model):  # type: ignore[name-defined]
    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_topics.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    #: The Welsh (trainhub.bilingual): None is "no Welsh yet".
    text_cy: Mapped[str | None] = mapped_column(Text)

    topic: Mapped[AgendaTopic] = relationship(back_populates="items")


class CourseUnit(db.Model):  # type: ignore[name-defined]
    __tablename__ = "course_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    #: The Welsh (trainhub.bilingual): None is "no Welsh yet".
    title_cy: Mapped[str | None] = mapped_column(Text)

    course: Mapped[Course] = relationship(back_populates="units")
    outcomes: Mapped[list[CourseOutcome]] = relationship(
        back_populates="unit", cascade="all, delete-orphan", order_by="CourseOutcome.position"
    )


class CourseOutcome(db.Model):  # type: ignore[name-defined]
    __tablename__ = "course_outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("course_units.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    #: The Welsh (trainhub.bilingual): None is "no Welsh yet".
    text_cy: Mapped[str | None] = mapped_column(Text)

    unit: Mapped[CourseUnit] = relationship(back_populates="outcomes")


class Venue(db.Model):  # type: ignore[name-defined]
    __tablename__ = "venues"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    address: Mapped[str] = mapped_column(Text)
    capacity: Mapped[int] = mapped_column(Integer)
    accessibility_notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: The name and the access notes in Welsh (trainhub.bilingual): None is "no Welsh yet".
    #: The address stays one: it is postal.
    name_cy: Mapped[str | None] = mapped_column(String(200))
    accessibility_notes_cy: Mapped[str | None] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def shown_name(self) -> str:
        """The name in the language being written, else the other: plain text."""
        return bilingual.shown(self.name, self.name_cy).text
