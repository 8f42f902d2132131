"""The rules of the public service's own pages: which text a reader sees in which language,
what administrators may write, and going back to the text trainhub ships."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from trainhub import audit, markdown
from trainhub.auth.models import User
from trainhub.errors import NotFound, PermissionDenied, ValidationFailed
from trainhub.extensions import db, utcnow
from trainhub.site import permissions, queries
from trainhub.site.defaults import DEFAULTS
from trainhub.site.models import PAGE_KEYS, SitePage
from trainhub.text import has_control_characters

log = logging.getLogger(__name__)

SAVED = audit.describe("site_page.saved", _l("Site page changed"))
RESET = audit.describe("site_page.reset", _l("Site page reset to the default text"))

MAX_TITLE = 200
#: The longest text a page may hold (some twenty printed pages).
MAX_BODY = 50_000
#: What only the body running the service can write: administrators are told until it is
#: replaced. English and Welsh, straight or curly apostrophe.
PLACEHOLDER = re.compile(r"\[(?:To fill in|I['\u2019]w lenwi):\s*([^\]]+)\]")
#: The form's fields, by language.
FIELDS = ("title_en", "body_en", "title_cy", "body_cy")


# -- Markdown, GOV.UK-styled ---------------------------------------------------------------------

#: The page's own title is its only <h1>: a text's headings start at <h2>.
_MD = markdown.govuk(
    {
        "h1": ("h2", "govuk-heading-m"),
        "h2": ("h2", "govuk-heading-m"),
        "h3": ("h3", "govuk-heading-s"),
    },
    ("h4", "govuk-heading-s"),
)


def render(text: str) -> Markup:
    """A page's Markdown as safe HTML with GOV.UK Frontend's classes."""
    return markdown.render(_MD, text)


# -- what a reader sees ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """A page as a reader sees it in one language."""

    key: str
    title: str
    body: Markup
    #: "en" when Welsh readers are shown the English text (it has no Welsh of its own); None
    #: when the text is in the page's language.
    title_lang: str | None
    body_lang: str | None
    #: When an administrator last changed it (None: the shipped text, never changed).
    updated_at: datetime | None
    updated_by: str | None
    #: What is still to fill in (in either language), for administrators.
    placeholders: tuple[str, ...]


def _text(row: SitePage | None, field: str) -> str | None:
    value = getattr(row, field) if row is not None else None
    return value if value and value.strip() else None


def _chosen(row: SitePage | None, key: str, part: str, lang: str) -> tuple[str, str | None]:
    """The text of ``part`` (title or body) for ``lang`` and its own language when it differs.

    An empty field shows the shipped text; but once the English has been changed, a Welsh
    field without text of its own shows that English (marked as English) rather than a
    shipped Welsh text that no longer says the same.
    """
    own_en = _text(row, f"{part}_en")
    if lang != "cy":
        return own_en or getattr(DEFAULTS[key]["en"], part), None
    own_cy = _text(row, f"{part}_cy")
    if own_cy:
        return own_cy, None
    if own_en:
        return own_en, "en"
    return getattr(DEFAULTS[key]["cy"], part), None


def placeholders(key: str, row: SitePage | None) -> tuple[str, ...]:
    """The placeholders left in the text readers see, in either language, each once."""
    found: list[str] = []
    for lang in ("en", "cy"):
        for part in ("title", "body"):
            text, _lang = _chosen(row, key, part, lang)
            for match in PLACEHOLDER.finditer(text):
                if match.group(0) not in found:
                    found.append(match.group(0))
    return tuple(found)


def shown(key: str, lang: str, row: SitePage | None) -> Shown:
    """The page ``key`` as readers of ``lang`` see it, given its row (None: never changed)."""
    title, title_lang = _chosen(row, key, "title", lang)
    body, body_lang = _chosen(row, key, "body", lang)
    return Shown(
        key=key,
        title=title,
        body=render(body),
        title_lang=title_lang,
        body_lang=body_lang,
        updated_at=row.updated_at if row is not None else None,
        updated_by=row.updated_by.full_name if row is not None and row.updated_by else None,
        placeholders=placeholders(key, row),
    )


def texts_to_edit(key: str, row: SitePage | None) -> dict[str, str]:
    """What the edit form starts with: each field's own text, or the shipped one."""
    texts = {}
    for field in FIELDS:
        part, _sep, lang = field.partition("_")
        texts[field] = _text(row, field) or getattr(DEFAULTS[key][lang], part)
    return texts


# -- changing them --------------------------------------------------------------------------------


def _check_key(key: str) -> None:
    if key not in PAGE_KEYS:
        raise NotFound(key)


def _row_for_writing(key: str) -> SitePage:
    row = queries.page_row(key)
    if row is None:
        row = SitePage(key=key)
        db.session.add(row)
    return row


def save_page(actor: User, key: str, texts: dict[str, str | None]) -> SitePage:
    """Write an administrator's text for the page ``key`` and record it in the audit log. A
    field left empty, or as the shipped text, keeps showing the shipped text.

    :raises PermissionDenied: when ``actor`` is not an administrator.
    :raises NotFound: when ``key`` is not one of the pages.
    :raises ValidationFailed: on a field that is too long, or a title on more than one line
        or a text holding hidden control characters.
    """
    if not permissions.can_edit_site_pages(actor):
        raise PermissionDenied(_("Only an administrator can change the service's pages"))
    _check_key(key)
    cleaned: dict[str, str | None] = {}
    for field in FIELDS:
        text = (texts.get(field) or "").replace("\r\n", "\n").strip()
        limit = MAX_TITLE if field.startswith("title") else MAX_BODY
        if len(text) > limit:
            raise ValidationFailed(
                field,
                _(
                    "Enter %(max)d characters or fewer (you entered %(length)d)",
                    max=limit,
                    length=len(text),
                ),
            )
        if has_control_characters(text, multiline=field.startswith("body")):
            raise ValidationFailed(
                field,
                _("Enter this on one line, without line breaks, tabs or hidden control characters")
                if field.startswith("title")
                else _("Remove the hidden control characters from this text"),
            )
        part, _sep, lang = field.partition("_")
        shipped = getattr(DEFAULTS[key][lang], part).replace("\r\n", "\n").strip()
        # The shipped text as it came is no text of one's own: it stays the default (and an
        # English text of one's own then shows to Welsh readers instead of it).
        cleaned[field] = text if text and text != shipped else None
    row = _row_for_writing(key)
    for field, value in cleaned.items():
        setattr(row, field, value)
    row.updated_at = utcnow()
    row.updated_by_id = actor.id
    audit.record(actor, SAVED, f"{DEFAULTS[key]['en'].title} ({key})")
    db.session.flush()
    log.info("Site page %s changed by user %s", key, actor.id)
    return row


def reset_page(actor: User, key: str) -> SitePage:
    """Show the text trainhub ships again on the page ``key``, in both languages; audited.

    :raises PermissionDenied: when ``actor`` is not an administrator.
    :raises NotFound: when ``key`` is not one of the pages.
    """
    if not permissions.can_edit_site_pages(actor):
        raise PermissionDenied(_("Only an administrator can change the service's pages"))
    _check_key(key)
    row = _row_for_writing(key)
    for field in FIELDS:
        setattr(row, field, None)
    row.updated_at = utcnow()
    row.updated_by_id = actor.id
    audit.record(actor, RESET, f"{DEFAULTS[key]['en'].title} ({key})")
    db.session.flush()
    log.info("Site page %s reset to the shipped text by user %s", key, actor.id)
    return row
