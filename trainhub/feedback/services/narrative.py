"""The report's own words: per financial year, the prose sections a manager writes
(introduction, developments and new collaborations, anything else) as plain paragraphs or
Markdown, shown on the statistics page, in the PDF and in the Word file, frozen at
publication."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markdown_it.token import Token
from markupsafe import Markup
from sqlalchemy import func, select

from trainhub import bilingual, markdown
from trainhub.auth.models import User
from trainhub.bilingual import Gap, TextUnit, own
from trainhub.courses.models import local_today
from trainhub.errors import ConflictError, PermissionDenied, ValidationFailed
from trainhub.extensions import db
from trainhub.feedback import permissions
from trainhub.feedback.models import NARRATIVE_SECTIONS, ReportNarrative, ReportSnapshot
from trainhub.financial_years import financial_year, financial_year_label
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
    """A section as one language's readers see it: theirs, or the other language standing in
    (``lang``), and whether its Welsh is missing (staff are shown that)."""

    key: str
    title: str
    text: str
    #: The language of ``text`` when it is not the reader's (the fallback), else None.
    lang: str | None = None
    missing_welsh: bool = False

    @property
    def html(self) -> Markup:
        return render(self.text)


@dataclass(frozen=True)
class Words:
    """A year's narrative in both languages: section → Markdown text (only sections that say
    something in that language)."""

    english: dict[str, str] = field(default_factory=dict)
    welsh: dict[str, str] = field(default_factory=dict)


def words_of(year: int) -> Words:
    """Both languages of the sections written so far for the financial year starting in
    ``year``, in one query."""
    found = db.session.execute(
        select(ReportNarrative.section, ReportNarrative.text, ReportNarrative.text_cy).where(
            ReportNarrative.financial_year == year
        )
    )
    english: dict[str, str] = {}
    welsh: dict[str, str] = {}
    for section, text, text_cy in found:
        if own(text):
            english[section] = text
        if text_cy is not None and own(text_cy):
            welsh[section] = text_cy
    return Words(english, welsh)


def texts_of(year: int) -> dict[str, str]:
    """The sections written so far in English for the financial year starting in ``year``."""
    return words_of(year).english


def narrative_of(year: int, snapshot: ReportSnapshot | None = None) -> Words:
    """What the report says in words: the published text once the year is published
    (``snapshot``; a year published before the narrative had Welsh has none, so Welsh
    readers see its English), today's before.

    Today's text is read either way, so a page sends the same statements whatever the data.
    """
    words = words_of(year)
    if snapshot is None:
        return words
    return Words(dict(snapshot.narrative or {}), dict(snapshot.narrative_cy or {}))


def sections(words: Words | Mapping[str, Any] | None, lang: str | None = None) -> list[Section]:
    """The sections with something written, in report order, with translated headings, in
    ``lang`` (default: the visitor's language) or the other language standing in."""
    if not isinstance(words, Words):
        words = Words({key: str(value) for key, value in (words or {}).items()})
    lang = lang or bilingual.current_language()
    found = []
    for key, title in SECTION_TITLES.items():
        shown = bilingual.pick(words.english.get(key), words.welsh.get(key), lang)
        if shown:
            found.append(Section(key, str(title), shown.text, shown.lang, shown.missing_welsh))
    return found


def _clean(name: str, text: str | None) -> str:
    """``text`` as kept (Windows line ends made plain, trimmed).

    :raises ValidationFailed: on ``name`` when it is too long or holds control characters.
    """
    cleaned = (text or "").replace("\r\n", "\n").strip()
    if len(cleaned) > MAX_LENGTH:
        raise ValidationFailed(
            name,
            _(
                "Enter %(max)d characters or fewer (you entered %(length)d)",
                max=MAX_LENGTH,
                length=len(cleaned),
            ),
        )
    if has_control_characters(cleaned, multiline=True):
        raise ValidationFailed(name, _("Remove the hidden control characters from this text"))
    return cleaned


def _published(years: Iterable[int]) -> set[int]:
    return set(
        db.session.execute(
            select(ReportSnapshot.financial_year).where(
                ReportSnapshot.financial_year.in_(list(years))
            )
        ).scalars()
    )


def save_narrative(actor: User, year: int, texts: Mapping[str, str | None]) -> None:
    """Write the year's sections in English (``texts[section]``) and Welsh
    (``texts[section + "_cy"]``, optional); a section empty in both is taken out.

    :raises PermissionDenied: when ``actor`` is not a manager.
    :raises ConflictError: when the year is published: its words are frozen.
    :raises ValidationFailed: on a section (``introduction``, ``introduction_cy``) whose
        text is too long or holds control characters.
    """
    if not permissions.can_view_reports(actor):
        raise PermissionDenied(_("Only managers can write the annual report"))
    if _published([year]):
        raise ConflictError(_("This year is published: its report no longer changes"))
    cleaned: dict[str, tuple[str, str | None]] = {}
    for section in NARRATIVE_SECTIONS:
        welsh = f"{section}_cy"
        english_text = _clean(section, texts.get(section))
        cleaned[section] = (english_text, _clean(welsh, texts.get(welsh)) or None)
    rows = {
        row.section: row
        for row in db.session.execute(
            select(ReportNarrative).where(ReportNarrative.financial_year == year)
        ).scalars()
    }
    for section, (text, text_cy) in cleaned.items():
        row = rows.get(section)
        if not text and not text_cy:
            if row is not None:
                db.session.delete(row)
            continue
        if row is None:
            row = ReportNarrative(financial_year=year, section=section, text=text)
            db.session.add(row)
        if row.text != text or row.text_cy != text_cy or row.updated_by_id is None:
            row.text, row.text_cy = text, text_cy
            row.updated_by_id = actor.id
    db.session.flush()
    log.info("Narrative for %s written by user %s", year, actor.id)


# -- the narrative's Welsh on the page of what lacks it, and for translators -----------------------

#: The key of a section's text for export and import: ``narrative:<row id>:text``.
KIND = "narrative"


def _open_years(today: dt.date) -> list[int]:
    """The years whose narrative may still change and is looked at: the last financial year
    and this one, unless published."""
    now = financial_year(today)
    published = _published([now - 1, now])
    return [year for year in (now - 1, now) if year not in published]


def _item(year: int) -> str:
    return _("Annual report %(fy)s", fy=financial_year_label(year))


def welsh_gaps(today: dt.date | None = None) -> list[Gap]:
    """Every section of the last and this financial year's report (not yet published) that
    has English but no Welsh, years and sections in report order, in two queries."""
    years = _open_years(today or local_today())
    rows = db.session.execute(
        select(ReportNarrative.financial_year, ReportNarrative.section, ReportNarrative.text_cy)
        .where(ReportNarrative.financial_year.in_(years), func.trim(ReportNarrative.text) != "")
        .order_by(ReportNarrative.financial_year)
    )
    order = {section: n for n, section in enumerate(NARRATIVE_SECTIONS)}
    found = sorted(
        ((year, section) for year, section, text_cy in rows if not own(text_cy)),
        key=lambda row: (row[0], order.get(row[1], len(order))),
    )
    return [
        Gap(
            item=_item(year),
            field=str(SECTION_TITLES.get(section, section)),
            endpoint="feedback.narrative_edit",
            args=(("fy", financial_year_label(year)),),
            anchor=f"{section}_cy",
        )
        for year, section in found
    ]


def welsh_units() -> list[TextUnit]:
    """Every section with English of every year not yet published (a published year's words
    never change), years and sections in report order, in one query."""
    published = select(ReportSnapshot.financial_year)
    rows = db.session.execute(
        select(ReportNarrative).where(
            ReportNarrative.financial_year.not_in(published),
            func.trim(ReportNarrative.text) != "",
        )
    ).scalars()
    order = {section: n for n, section in enumerate(NARRATIVE_SECTIONS)}
    return [
        TextUnit(
            key=f"{KIND}:{row.id}:text",
            item=_item(row.financial_year),
            field=str(SECTION_TITLES.get(row.section, row.section)),
            english=row.text,
            welsh=own(row.text_cy),
        )
        for row in sorted(
            rows, key=lambda r: (r.financial_year, order.get(r.section, len(order)), r.id)
        )
    ]


def set_welsh(changes: dict[str, str], actor: User) -> int:
    """Write imported Welsh (``{"narrative:<id>:text": Markdown}``; "" clears it) as the
    edit page would: every change is checked before any is written; returns how many
    sections changed.

    :raises PermissionDenied: when ``actor`` is not a manager.
    :raises ValidationFailed: naming the key of an unknown key, a section gone, a year
        already published, or a text too long or holding control characters.
    """
    if not permissions.can_view_reports(actor):
        raise PermissionDenied(_("Only managers can write the annual report"))
    ids: dict[str, int] = {}
    for key in changes:
        kind, _sep, rest = key.partition(":")
        number, _sep, name = rest.partition(":")
        if kind != KIND or name != "text" or not number.isdigit():
            raise ValidationFailed(key, _("%(key)s is not a text of the report", key=key))
        ids[key] = int(number)
    rows = {
        row.id: row
        for row in db.session.execute(
            select(ReportNarrative).where(ReportNarrative.id.in_(list(ids.values())))
        ).scalars()
    }
    published = _published({row.financial_year for row in rows.values()})
    cleaned: dict[str, tuple[ReportNarrative, str | None]] = {}
    for key, row_id in ids.items():
        found = rows.get(row_id)
        if found is None:
            raise ValidationFailed(key, _("%(key)s: this section no longer exists", key=key))
        if found.financial_year in published:
            raise ValidationFailed(
                key, _("%(key)s: this year is published, its report no longer changes", key=key)
            )
        try:
            text = _clean(key, changes[key])
        except ValidationFailed as error:
            raise ValidationFailed(key, f"{key}: {error}") from error
        cleaned[key] = (found, text or None)
    changed = 0
    for row, welsh in cleaned.values():
        if row.text_cy != welsh:
            row.text_cy = welsh
            row.updated_by_id = actor.id
            changed += 1
    db.session.flush()
    log.info("Welsh of %d narrative sections imported by user %s", changed, actor.id)
    return changed
