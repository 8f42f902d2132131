"""Learners' interest in a course that has no dates yet (or none that suit them)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainhub.extensions import UTCDateTime, db, utcnow

if TYPE_CHECKING:
    from trainhub.auth.models import User
    from trainhub.courses.models.catalogue import Course
    from trainhub.courses.models.cohorts import Cohort

#: The languages a learner may ask to be trained in (a bilingual cohort suits both).
INTEREST_LANGUAGES = ("en", "cy")


class CourseInterest(db.Model):  # type: ignore[name-defined]
    """A learner asked to hear when ``course`` has dates. Open until they are told (once,
    when a matching cohort is published) or withdraw it; a told interest is kept for their
    list and is never told again: they ask again to hear of the next cohort."""

    __tablename__ = "course_interests"
    __table_args__ = (
        # The open interests of a course, read when one of its cohorts is published and for
        # the demand page.
        Index("ix_course_interests_course_id_told_at", "course_id", "told_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    #: A key of ``auth.choices.LOCAL_AUTHORITIES`` (where they would like to train), or None
    #: for anywhere: it is for planning, not a filter on who is told.
    local_authority: Mapped[str | None] = mapped_column(String(40))
    #: "en" or "cy", or None for either; a bilingual cohort suits both.
    language: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When they were told of a cohort (``told_cohort_id``); None while still open.
    told_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    told_cohort_id: Mapped[int | None] = mapped_column(
        ForeignKey("cohorts.id", ondelete="SET NULL")
    )

    user: Mapped[User] = relationship()
    course: Mapped[Course] = relationship()
    told_cohort: Mapped[Cohort | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.told_at is None
