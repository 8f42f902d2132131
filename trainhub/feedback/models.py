"""Feedback questionnaires and answers, the training budget and published report snapshots.

A response is deliberately not linked to the person who gave it: the request (sent to one
attendee, reminded, answered or not) and the answers live in separate tables, so an
anonymous answer can never be shown with a name.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
    literal_column,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainhub.extensions import UTCDateTime, db, utcnow

if TYPE_CHECKING:
    from trainhub.auth.models import User
    from trainhub.courses.models import Cohort, Course

RATING = "rating"
TEXT = "text"
ITEM_KINDS = (RATING, TEXT)
#: Ratings run from 1 (strongly disagree) to 5 (strongly agree).
RATING_VALUES = (1, 2, 3, 4, 5)

#: Lines of the training budget (DOMAIN.md §4.5: the grant return's sub-lines).
SPEND_CATEGORIES = (
    "venue",
    "catering",
    "hospitality",
    "conference",
    "print",
    "books",
    "trainer_fees",
    "travel",
    "other",
)
QUARTERS = (1, 2, 3, 4)


class Questionnaire(db.Model):  # type: ignore[name-defined]
    """One version of the feedback form; editing it makes a new version, never changes one."""

    __tablename__ = "questionnaires"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    #: What changed from the previous version, for the history.
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    items: Mapped[list[QuestionnaireItem]] = relationship(
        back_populates="questionnaire",
        cascade="all, delete-orphan",
        order_by="QuestionnaireItem.position",
    )
    created_by: Mapped[User | None] = relationship()


class QuestionnaireItem(db.Model):  # type: ignore[name-defined]
    """A rating statement or a free-text question of one questionnaire version."""

    __tablename__ = "questionnaire_items"
    __table_args__ = (UniqueConstraint("questionnaire_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True
    )
    #: Stable across versions, so results of a reworded item still add up.
    key: Mapped[str] = mapped_column(String(40))
    #: "rating" (1 to 5) or "text".
    kind: Mapped[str] = mapped_column(String(10))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    #: The Welsh wording; the English is shown when it is empty.
    text_cy: Mapped[str] = mapped_column(Text, default="", server_default="")

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="items")

    def wording(self, language: str) -> str:
        return self.text_cy if language == "cy" and self.text_cy else self.text


class FeedbackRequest(db.Model):  # type: ignore[name-defined]
    """An attendee asked for feedback on a cohort: sent, reminded, answered (not the answers)."""

    __tablename__ = "feedback_requests"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Found by the unique constraint's index, which begins with it.
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: Answered: the answers themselves are in an unlinked ``FeedbackResponse``. No date is
    #: kept here: a day on both rows would let anyone reading the tables pair them up.
    responded: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_reminded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    cohort: Mapped[Cohort] = relationship()
    user: Mapped[User] = relationship()


class FeedbackResponse(db.Model):  # type: ignore[name-defined]
    """One attendee's answers to one cohort's questionnaire, without their name."""

    __tablename__ = "feedback_responses"
    __table_args__ = (
        # A cohort's responses, with the number and mean of their ratings read from the
        # index alone (the five-year view).
        Index(
            "ix_feedback_responses_cohort_id_ratings", "cohort_id", "rating_count", "rating_total"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaires.id"), index=True)
    #: The attendee agreed that their comments may be quoted anonymously in reports (R32).
    quote_consent: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    submitted_on: Mapped[dt.date] = mapped_column(Date)
    #: A paper form entered from records (no request was sent for it).
    on_paper: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    #: How many ratings the answers give, and their sum: kept when the response is written
    #: (answers never change after), so that figures over many years need not read every
    #: answer. Set from ``answers`` on insert (:func:`_add_up_ratings`).
    rating_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    rating_total: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    cohort: Mapped[Cohort] = relationship()
    questionnaire: Mapped[Questionnaire] = relationship()
    answers: Mapped[list[FeedbackAnswer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", order_by="FeedbackAnswer.id"
    )


class FeedbackAnswer(db.Model):  # type: ignore[name-defined]
    """The answer to one item: a rating, or text (which a manager may pick as a quote)."""

    __tablename__ = "feedback_answers"
    __table_args__ = (
        # A response's ratings, read from the index alone (the statistics).
        Index("ix_feedback_answers_response_id_item_id", "response_id", "item_id", "rating"),
        # The few answers picked for the report (R32).
        Index(
            "ix_feedback_answers_picked",
            "response_id",
            postgresql_where=literal_column("selected_for_report").is_(True),
            sqlite_where=literal_column("selected_for_report").is_(True),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_responses.id", ondelete="CASCADE")
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_items.id"), index=True)
    rating: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: Chosen by a manager for the annual report (only possible with the response's consent).
    selected_for_report: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    selected_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    selected_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    response: Mapped[FeedbackResponse] = relationship(back_populates="answers")
    item: Mapped[QuestionnaireItem] = relationship()


@event.listens_for(FeedbackResponse, "before_insert")
def _add_up_ratings(_mapper: Any, _connection: Any, response: FeedbackResponse) -> None:
    """A response written through the ORM keeps the count and sum of its ratings (only
    rating items have one; a written answer's rating is None)."""
    ratings = [answer.rating for answer in response.answers if answer.rating is not None]
    response.rating_count, response.rating_total = len(ratings), sum(ratings)


class TrainingBudget(db.Model):  # type: ignore[name-defined]
    """The training allocation of one financial year (the reports quote £18,000)."""

    __tablename__ = "training_budgets"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The calendar year the financial year starts in (2016 is 2016-17).
    financial_year: Mapped[int] = mapped_column(Integer, unique=True)
    allocation: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    #: Whether the report shows what remains of the allocation (the manager's choice).
    show_remaining: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class SpendLine(db.Model):  # type: ignore[name-defined]
    """Money spent on training in one quarter of a financial year, or in the whole year."""

    __tablename__ = "spend_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    financial_year: Mapped[int] = mapped_column(Integer, index=True)
    #: 1 is April to June … 4 is January to March; None for a whole-year line (old reports
    #: give some lines for the year only, e.g. "Training £120.00" in 2016-17).
    quarter: Mapped[int | None] = mapped_column(Integer)
    #: One of ``SPEND_CATEGORIES``.
    category: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(String(300), default="", server_default="")
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    recorded_by: Mapped[User | None] = relationship()


class ReportSnapshot(db.Model):  # type: ignore[name-defined]
    """A year's figures as published: never changed afterwards."""

    __tablename__ = "report_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    financial_year: Mapped[int] = mapped_column(Integer, unique=True)
    #: The statistics exactly as computed at publication (``reporting.compute``).
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: The published PDF in file storage, byte for byte.
    pdf_key: Mapped[str] = mapped_column(String(200))
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The narrative as published (section → Markdown text), frozen with the figures; None
    #: for a year published before the narrative was written in trainhub.
    narrative: Mapped[dict[str, str] | None] = mapped_column(JSON)
    #: Its Welsh as published (section → Markdown text, only the sections that had Welsh);
    #: None for a year published before the narrative had Welsh: Welsh readers see the
    #: English.
    narrative_cy: Mapped[dict[str, str] | None] = mapped_column(JSON)

    published_by: Mapped[User | None] = relationship()


#: The prose sections of a year's report, in report order.
NARRATIVE_SECTIONS = ("introduction", "developments", "other")


class ReportNarrative(db.Model):  # type: ignore[name-defined]
    """A prose section of a year's report, written by a manager as plain paragraphs or
    Markdown; frozen into the snapshot when the year is published."""

    __tablename__ = "report_narratives"
    __table_args__ = (UniqueConstraint("financial_year", "section"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    financial_year: Mapped[int] = mapped_column(Integer)
    #: One of ``NARRATIVE_SECTIONS``.
    section: Mapped[str] = mapped_column(String(20))
    #: Markdown (CommonMark, raw HTML not rendered); empty when only the Welsh is written.
    text: Mapped[str] = mapped_column(Text)
    #: The same section in Welsh (Markdown); None until someone writes it
    #: (``trainhub.bilingual``).
    text_cy: Mapped[str | None] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    updated_by: Mapped[User | None] = relationship()


#: The follow-up impact survey's kinds of question (R34): yes or no, a 1 to 5 scale, text.
YES_NO = "yes_no"


class ImpactRequest(db.Model):  # type: ignore[name-defined]
    """A learner asked, some months after completing a course, whether their practice changed
    (R34): sent, reminded, answered, not the answers. One per completion, ever."""

    __tablename__ = "impact_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The completion asked about; unique, so a completion is asked once however often the
    #: job runs. Removed with it (a withdrawn record asks nothing more).
    completion_id: Mapped[int] = mapped_column(
        ForeignKey("completions.id", ondelete="CASCADE"), unique=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    #: Answered: the answers are in an unlinked ``ImpactResponse``; no date is kept here.
    responded: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_reminded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
    course: Mapped[Course] = relationship()


class ImpactResponse(db.Model):  # type: ignore[name-defined]
    """One learner's answers to the impact survey on one course, without their name."""

    __tablename__ = "impact_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    #: The version of the survey's questions answered (``services.impact.VERSION``).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    #: The report's period counts a response by this day.
    submitted_on: Mapped[dt.date] = mapped_column(Date, index=True)

    answers: Mapped[list[ImpactAnswer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", order_by="ImpactAnswer.id"
    )


class ImpactAnswer(db.Model):  # type: ignore[name-defined]
    """The answer to one question: 1 yes / 0 no, a rating from 1 to 5, or text."""

    __tablename__ = "impact_answers"
    __table_args__ = (Index("ix_impact_answers_response_id_key", "response_id", "key", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("impact_responses.id", ondelete="CASCADE"))
    #: The question's stable key (``services.impact.QUESTIONS``).
    key: Mapped[str] = mapped_column(String(40))
    #: 1 yes and 0 no, or the rating; None for a written answer.
    value: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="", server_default="")

    response: Mapped[ImpactResponse] = relationship(back_populates="answers")
