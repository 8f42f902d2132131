"""Access and dietary needs a learner gives for a booking: special category data (UK GDPR
article 9), in a table of its own so that no query about bookings reads it by accident."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainhub.extensions import UTCDateTime, db, utcnow

if TYPE_CHECKING:
    from trainhub.courses.models.cohorts import Booking

#: The categories a learner can tick, in the order the form lists them.
NEED_CATEGORIES = (
    "step_free",
    "hearing_loop",
    "bsl_interpreter",
    "welsh_interpreter",
    "accessible_materials",
    "vegetarian",
    "vegan",
    "halal",
    "gluten_free",
    "allergy",
    "other",
)
#: Categories that need words: what the allergy is, what the other need is.
NEEDS_DETAILS = ("allergy", "other")


class AccessNeeds(db.Model):  # type: ignore[name-defined]
    """What one booking's learner told the trainers they need; one row per booking at most,
    deleted when the booking is cancelled, on erasure, and by the retention schedule."""

    __tablename__ = "access_needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), unique=True
    )
    #: The ticked ``NEED_CATEGORIES``, comma-separated, in their order.
    categories: Mapped[str] = mapped_column(String(300), default="", server_default="")
    #: The learner's own words.
    details: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    booking: Mapped[Booking] = relationship()

    @property
    def category_list(self) -> list[str]:
        return [c for c in self.categories.split(",") if c]
