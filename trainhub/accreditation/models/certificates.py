"""Certificates: what was certified, frozen at issue, and whether it still stands."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Final
from zoneinfo import ZoneInfo

from sqlalchemy import Date, ForeignKey, Index, Numeric, String, Text, literal_column
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainhub.extensions import UTCDateTime, db, utcnow

LOCAL_TIME = ZoneInfo("Europe/London")

if TYPE_CHECKING:
    from trainhub.auth.models import User

VALID: Final = "valid"
REVOKED: Final = "revoked"
CERTIFICATE_KINDS: Final = ("course", "level")
#: The revocation reason of an erased person's certificates (stored in English, shown
#: translated): their verification page then says only this, never their name.
WITHDRAWN_BY_HOLDER: Final = "withdrawn at the holder's request"


class Certificate(db.Model):  # type: ignore[name-defined]
    """A certificate for a completed course or an awarded level.

    The certified fields are copied at issue, so the verification page always shows what
    was printed. Revoking flips the status; nothing is ever deleted.
    """

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The verification code printed on the certificate (and in its QR code).
    code: Mapped[str] = mapped_column(String(20), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"), index=True)
    level_id: Mapped[int | None] = mapped_column(ForeignKey("accreditation_levels.id"))
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"))
    learner_name: Mapped[str] = mapped_column(String(200))
    achievement: Mapped[str] = mapped_column(String(300))
    awarded_on: Mapped[dt.date] = mapped_column(Date)
    issuer: Mapped[str] = mapped_column(String(200))
    hours: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    credits: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    accrediting_body: Mapped[str] = mapped_column(String(200), default="", server_default="")
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default=VALID)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: The certificate this one was reissued in place of.
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    #: The achievement and the issuer in Welsh as printed (None: there was no Welsh at issue,
    #: so the Welsh side shows the English, marked as English).
    achievement_cy: Mapped[str | None] = mapped_column(String(300))
    issuer_cy: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])
    replaces: Mapped[Certificate | None] = relationship(
        remote_side=[id], back_populates="replaced_by"
    )
    replaced_by: Mapped[list[Certificate]] = relationship(back_populates="replaces")

    @property
    def is_valid(self) -> bool:
        return self.status == VALID

    @property
    def withdrawn_by_holder(self) -> bool:
        """Revoked because its holder was erased: nothing about them is shown any more."""
        return self.status == REVOKED and self.revoked_reason == WITHDRAWN_BY_HOLDER

    @property
    def issued_on(self) -> dt.date:
        """The day it was issued, in Wales."""
        return self.issued_at.astimezone(LOCAL_TIME).date()

    @property
    def issued_later(self) -> bool:
        """Issued on another day than the one it certifies (training recorded from before
        trainhub, or a register taken late): the certificate then says both."""
        return self.issued_on != self.awarded_on

    @property
    def display_code(self) -> str:
        """The code in groups of four, easier to read out and type."""
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))


class BadgeLink(db.Model):  # type: ignore[name-defined]
    """A public address a learner made for one of their badges, until they withdraw it."""

    __tablename__ = "badge_links"
    __table_args__ = (
        # One live link a certificate, even when two requests race to make one.
        Index(
            "uq_badge_links_live",
            "certificate_id",
            unique=True,
            postgresql_where=literal_column("withdrawn_at").is_(None),
            sqlite_where=literal_column("withdrawn_at").is_(None),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), index=True)
    #: The secret part of the address (``secrets.token_urlsafe``): unguessable.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When the learner withdrew it (or was erased): the address then answers "withdrawn".
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: The language the learner chose for the badge the link serves ("en" or "cy").
    language: Mapped[str] = mapped_column(String(2), default="en", server_default="en")

    certificate: Mapped[Certificate] = relationship()

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None and not self.certificate.withdrawn_by_holder
