"""What the data-protection lifecycle keeps about itself: erasures and file deletions."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Final

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainhub.extensions import UTCDateTime, db, utcnow

if TYPE_CHECKING:
    from trainhub.auth.models import User

#: Why a stored file is deleted.
ERASURE: Final = "erasure"
RETENTION: Final = "retention"


class Erasure(db.Model):  # type: ignore[name-defined]
    """A person erased: their account row stays (totals count it) with its personal fields
    replaced; this row says when, by whom and why."""

    __tablename__ = "erasures"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    #: None when the retention purge erased an inactive account.
    erased_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    #: Erased although an application of theirs was being assessed (with ``force_reason``).
    forced: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    force_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    erased_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    erased_by: Mapped[User | None] = relationship(foreign_keys=[erased_by_id])


class FileDeletion(db.Model):  # type: ignore[name-defined]
    """A stored file to delete, written in the transaction that decides it; the bytes go
    only after that commit (``services.files.delete_pending``), so a rolled-back erasure
    never loses a file, and a deletion that fails is retried by the daily purge."""

    __tablename__ = "file_deletions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The storage key (a SHA-256); unique, so a file is queued once.
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    #: ``erasure`` or ``retention``.
    reason: Mapped[str] = mapped_column(String(20))
    #: Whose file it was (None when the retention purge deleted a decided workbook's).
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: None until the bytes are gone from the storage.
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
