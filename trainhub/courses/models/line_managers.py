"""A line manager's decision on a learner's booking, for courses that ask for one."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainhub.extensions import UTCDateTime, db, utcnow

if TYPE_CHECKING:
    from trainhub.auth.models import User
    from trainhub.courses.models.cohorts import Booking

#: pending → approved or declined; withdrawn when the learner cancelled the request first, or
#: the line manager's account was erased. (A request whose cohort was cancelled is left
#: pending: its booking is no longer ``requested``, so it is not shown or decided.)
APPROVAL_STATUSES = ("pending", "approved", "declined", "withdrawn", "expired")


class LineManagerApproval(db.Model):  # type: ignore[name-defined]
    """One request to a line manager to let a learner attend a cohort, and its answer.

    The line manager is copied from the learner's ``LineManager`` when asked, so a later
    change of line manager does not move a request already sent: it stays with the person
    asked.
    Someone without an account answers through a link with a random token, kept here only
    as its SHA-256 hash; it works until ``expires_at`` and only while the request waits.
    """

    __tablename__ = "line_manager_approvals"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), index=True
    )
    #: The line manager's account, when they have one (they decide on their requests page).
    manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: Without an account: who was asked, and where the link went.
    name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    #: One of APPROVAL_STATUSES.
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    #: SHA-256 of the e-mailed link's token (no account only).
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    booking: Mapped[Booking] = relationship()
    manager: Mapped[User | None] = relationship()

    @property
    def manager_name(self) -> str:
        return self.manager.full_name if self.manager is not None else self.name

    @property
    def is_pending(self) -> bool:
        return self.status == "pending"
