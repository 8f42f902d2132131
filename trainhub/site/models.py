"""The public service's own pages, as administrators have changed them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainhub.extensions import UTCDateTime, db, utcnow

if TYPE_CHECKING:
    from trainhub.auth.models import User

#: The pages every public service has, in the order the footer and the admin list show them.
PAGE_KEYS = ("privacy", "accessibility", "cookies", "help")


class SitePage(db.Model):  # type: ignore[name-defined]
    """An administrator's text for one of ``PAGE_KEYS``. A field left empty (None) shows the
    text trainhub ships with (``trainhub.site.defaults``); no row at all means every field
    does."""

    __tablename__ = "site_pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: One of ``PAGE_KEYS``.
    key: Mapped[str] = mapped_column(String(30), unique=True)
    title_en: Mapped[str | None] = mapped_column(String(200))
    title_cy: Mapped[str | None] = mapped_column(String(200))
    #: Markdown (CommonMark, raw HTML shown as text).
    body_en: Mapped[str | None] = mapped_column(Text)
    body_cy: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    updated_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<SitePage {self.key!r}>"


class GlossaryTerm(db.Model):  # type: ignore[name-defined]
    """One of the framework's terms, explained in English and (where someone has written it)
    in Welsh, for the public glossary and the abbreviations explained on course pages (R46).

    The Welsh fields stay empty until someone writes them: the framework's text is never
    machine-translated (fidelity). An empty Welsh field shows the English, marked as English.
    """

    __tablename__ = "glossary_terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The term's anchor on /glossary (``/glossary#cpd``) and its key for other pages'
    #: links: lower-case letters, digits and hyphens.
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    term_en: Mapped[str] = mapped_column(String(200))
    #: The short form a page shows ("CPD"), if the term has one.
    abbreviation_en: Mapped[str | None] = mapped_column(String(20))
    definition_en: Mapped[str] = mapped_column(Text)
    term_cy: Mapped[str | None] = mapped_column(String(200))
    #: The Welsh short form ("DPP"); empty: the English one.
    abbreviation_cy: Mapped[str | None] = mapped_column(String(20))
    definition_cy: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    updated_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<GlossaryTerm {self.slug!r}>"
