"""The report's own words: per financial year, the prose sections a manager writes
(introduction, developments and new collaborations, anything else) as plain paragraphs or
Markdown, shown on the statistics page, in the PDF and in the Word file, frozen at
publication."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markdown_it.token import Token
from markupsafe import Markup
from sqlalchemy import select

from trainhub import markdown
from trainhub.auth.models import User
from trainhub.errors import ConflictError, PermissionDenied, ValidationFailed
from trainhub.extensions import db
from trainhub.feedback import permissions
from trainhub.feedback.models import NARRATIVE_SECTIONS, ReportNarrative, ReportSnapshot
from trainhub.text import has_control_characters

log = logging.getLogger(__name__)

#: Each section's heading, in report order.
SECTION_TITLES = {
    "introduction": _l("Introduction"),
    "developments": _l("Developments and new collaborations"),
    "other": _l("Anything else"),
}
assert tuple(SECTION_TITLES) == NARRATIVE_SECTIONS
#: The longest text a section may hold (some four pages).
MAX_LENGTH = 20_000
_MD = markdown.markdown()


def render(text: str) -> Markup:
    """Markdown as safe HTML: markdown-it escapes every character of the text it does not
    turn into markup itself, and links lead only to the web or an e-mail address."""
    return markdown.render(_MD, text)


def tokens(text: str) -> list[Token]:
    """The parsed text, for writers other than HTML (the Word file)."""
    return _MD.parse(text)


@dataclass
class Section:
    key: str
    title: str
    text: str

    @property
    def html(self) -> Markup:
        return render(self.text)


def texts_of(year: int) -> dict[str, str]:
    """The sections written so far for the financial year starting in ``year``."""
    found = db.session.execute(
        select(ReportNarrative.section, ReportNarrative.text).where(
            ReportNarrative.financial_year == year
        )
    )
    return {section: text for section, text in found}


def narrative_of(year: int, snapshot: ReportSnapshot | None = None) -> dict[str, str]:
    """What the report says in words: the published text once the year is published
    (``snapshot``), today's before.

    Today's text is read either way, so a page sends the same statements whatever the data.
    """
    texts = texts_of(year)
    return dict(snapshot.narrative or {}) if snapshot is not None else texts


def sections(narrative: Mapping[str, Any]) -> list[Section]:
    """The sections with something written, in report order, with translated headings."""
    return [
        Section(key, str(title), str(narrative[key]))
        for key, title in SECTION_TITLES.items()
        if str(narrative.get(key) or "").strip()
    ]


def save_narrative(actor: User, year: int, texts: Mapping[str, str | None]) -> None:
    """Write the year's sections (an empty one is taken out).

    :raises PermissionDenied: when ``actor`` is not a manager.
    :raises ConflictError: when the year is published: its words are frozen.
    :raises ValidationFailed: on a section whose text is too long or holds control
        characters.
    """
    if not permissions.can_view_reports(actor):
        raise PermissionDenied(_("Only managers can write the annual report"))
    published = db.session.execute(
        select(ReportSnapshot.id).where(ReportSnapshot.financial_year == year)
    ).first()
    if published is not None:
        raise ConflictError(_("This year is published: its report no longer changes"))
    cleaned: dict[str, str] = {}
    for section in NARRATIVE_SECTIONS:
        text = (texts.get(section) or "").replace("\r\n", "\n").strip()
        if len(text) > MAX_LENGTH:
            raise ValidationFailed(
                section,
                _(
                    "Enter %(max)d characters or fewer (you entered %(length)d)",
                    max=MAX_LENGTH,
                    length=len(text),
                ),
            )
        if has_control_characters(text, multiline=True):
            raise ValidationFailed(
                section, _("Remove the hidden control characters from this text")
            )
        cleaned[section] = text
    rows = {
        row.section: row
        for row in db.session.execute(
            select(ReportNarrative).where(ReportNarrative.financial_year == year)
        ).scalars()
    }
    for section, text in cleaned.items():
        row = rows.get(section)
        if not text:
            if row is not None:
                db.session.delete(row)
            continue
        if row is None:
            row = ReportNarrative(financial_year=year, section=section, text=text)
            db.session.add(row)
        if row.text != text or row.updated_by_id is None:
            row.text = text
            row.updated_by_id = actor.id
    db.session.flush()
    log.info("Narrative for %s written by user %s", year, actor.id)
