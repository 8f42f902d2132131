"""Content in English and Welsh (Welsh Language Standards): what a reader of one language
is shown of a text people wrote, and whether it is the other language standing in.

Welsh is stored beside English, in a nullable ``<field>_cy`` column next to ``<field>``;
None or blank is "no Welsh yet". Any area may import this module; it imports no area.
Pages show a value with the ``show`` macro of ``templates/_bilingual.html``: fallback text
carries ``lang`` (so screen readers pronounce it) and staff see "No Welsh yet".
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from trainhub.errors import PermissionDenied, ValidationFailed
from trainhub.extensions import db
from trainhub.text import has_control_characters

WELSH = "cy"
ENGLISH = "en"


def own(value: str | None) -> str | None:
    """``value`` when it says something, else None."""
    return value if value and value.strip() else None


@dataclass(frozen=True)
class Shown:
    """A text as one language's readers see it."""

    text: str
    #: The language of ``text`` when it is not the reader's (the fallback), else None.
    lang: str | None
    #: The Welsh is missing though the English says something: a gap for staff to see.
    missing_welsh: bool

    @property
    def lines(self) -> list[str]:
        """The non-blank lines of a one-item-per-line text (aims, themes)."""
        return [line for line in self.text.splitlines() if line.strip()]

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text.strip())


def pick(english: str | None, welsh: str | None, lang: str) -> Shown:
    """What readers of ``lang`` are shown of a text written as ``english`` and ``welsh``.

    Each language falls back to the other, marked with the other's code.
    """
    en, cy = own(english), own(welsh)
    missing = en is not None and cy is None
    if lang == WELSH:
        if cy is not None:
            return Shown(cy, None, missing)
        return Shown(en or "", ENGLISH if en else None, missing)
    if en is not None:
        return Shown(en, None, missing)
    return Shown(cy or "", WELSH if cy else None, missing)


def current_language() -> str:
    """The visitor's language: "cy" or "en"."""
    return WELSH if str(get_locale()) == WELSH else ENGLISH


def shown(english: str | None, welsh: str | None) -> Shown:
    """``pick`` for the visitor's language (templates call it as ``bilingual``)."""
    return pick(english, welsh, current_language())


def sees_missing_welsh(actor: Any) -> bool:
    """Staff (trainers, assessors, managers, administrators) are shown what has no Welsh
    yet, so that it gets written; learners and visitors just read the other language."""
    # Imported here: importing trainhub.auth registers its own kind with this module.
    from trainhub.auth.roles import Role

    readers = (Role.TRAINER, Role.ASSESSOR, Role.MANAGER, Role.ADMIN)
    return bool(actor.is_authenticated and actor.has_role(*readers))


def _visitor_sees_missing_welsh() -> bool:
    return sees_missing_welsh(current_user)


# -- what lacks Welsh ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    """One text that has English but no Welsh yet."""

    #: What the text belongs to, as its readers know it (a course's title, "Level 6").
    item: str
    #: Which of its texts (a field's label, "Summary").
    field: str
    #: The page where it is written: an endpoint and its arguments (``url_for``).
    endpoint: str
    args: tuple[tuple[str, Any], ...]
    #: The id of the Welsh field on that page.
    anchor: str


@dataclass(frozen=True)
class TextUnit:
    """One text of one row, as a translator working outside trainhub sees it (export and
    import)."""

    #: A stable id, "<kind>:<row id>:<field>" ("venues:12:name", "courses:3:aims").
    key: str
    #: What the text belongs to, as its English readers know it ("Cardiff City Hall").
    item: str
    #: The field's label, translated when read ("Name").
    field: str
    #: The English text now.
    english: str
    #: The Welsh text now; None when there is none yet.
    welsh: str | None
    #: Only some of those who write this kind's Welsh may write this text (the kind's
    #: ``writable`` says who): a fidelity-controlled course's canonical content.
    restricted: bool = False


#: Every text of a kind that has English, in page order, in a fixed number of queries.
UnitsOf = Callable[[], list[TextUnit]]
#: Writes ``{key: Welsh}`` of a kind for the acting user through its service ("" clears the
#: Welsh): validates every change before writing any (an unknown key, a row gone, too long
#: for its column raise ``ValidationFailed`` naming the key), never commits, returns how
#: many texts changed.
ApplyWelsh = Callable[[dict[str, str], Any], int]
#: Whether someone who may write a kind's Welsh may write this one text of it.
Writable = Callable[[Any, TextUnit], bool]


def _all_writable(actor: Any, unit: TextUnit) -> bool:
    return True


@dataclass(frozen=True)
class ContentKind:
    """A kind of content with Welsh beside its English (courses, levels), as an area
    registers it for the completeness page."""

    key: str
    #: A plural heading, translated when read ("Courses").
    label: Any
    #: Every text of this kind that lacks Welsh, in the order its pages show them.
    gaps: Callable[[], list[Gap]]
    #: Whether someone may write this kind's Welsh (is linked to its edit pages).
    can_edit: Callable[[Any], bool]
    #: Its texts for export, and how imported Welsh is written (None: not exported).
    units: UnitsOf | None = None
    apply: ApplyWelsh | None = None
    #: Whether ``actor`` may write one text of it: an export leaves out the others, an
    #: import lists them as not imported.
    writable: Writable = _all_writable


_KINDS: dict[str, ContentKind] = {}


def register_kind(
    key: str,
    label: Any,
    gaps: Callable[[], list[Gap]],
    can_edit: Callable[[Any], bool],
    *,
    units: UnitsOf | None = None,
    apply: ApplyWelsh | None = None,
    writable: Writable | None = None,
) -> None:
    """Areas name their bilingual content here, so that one page lists what lacks Welsh
    (and one export carries it to a translator) without importing them."""
    _KINDS[key] = ContentKind(key, label, gaps, can_edit, units, apply, writable or _all_writable)


def kinds() -> list[ContentKind]:
    """The registered kinds, in the order they were registered."""
    return list(_KINDS.values())


def init_app(app: Flask) -> None:
    """Templates' ``bilingual(english, welsh)`` and ``sees_missing_welsh()``."""
    app.jinja_env.globals.update(bilingual=shown, sees_missing_welsh=_visitor_sees_missing_welsh)


def unit_key(kind: str, row_id: int, field: str) -> str:
    """A ``TextUnit``'s key: "<kind>:<row id>:<field>"."""
    return f"{kind}:{row_id}:{field}"


def split_keys(kind: str, fields: Iterable[str], keys: Iterable[str]) -> dict[str, tuple[int, str]]:
    """Each of ``keys`` as (row id, field), checked to be one of ``kind``'s ``fields``.

    :raises ValidationFailed: on the first key that is not, its message naming it.
    """
    allowed = set(fields)
    found: dict[str, tuple[int, str]] = {}
    for key in keys:
        parts = key.split(":")
        if len(parts) != 3 or parts[0] != kind or not parts[1].isdigit() or parts[2] not in allowed:
            raise ValidationFailed(key, _("%(key)s is not a text trainhub knows", key=key))
        found[key] = (int(parts[1]), parts[2])
    return found


def fitted(
    welsh: str,
    limit: int | None = None,
    *,
    key: str | None = None,
    field: str | None = None,
    one_line: bool = True,
) -> str:
    """Welsh as it is stored: a name or title on one line with single spaces, other texts
    trimmed ("" is no Welsh). Imported Welsh (``key``) and a form's (``field``) obey the same
    rule as every form field: no hidden control characters.

    :raises ValidationFailed: on ``key`` (its message naming it) or on ``field``, when the
        Welsh is longer than ``limit`` characters or holds a control character (in a
        multi-line text, line breaks and tabs are allowed).
    """
    text = " ".join(welsh.split()) if one_line else welsh.replace("\r\n", "\n").strip()
    if has_control_characters(text, multiline=not one_line):
        if key is not None:
            message = _("%(key)s: remove the hidden control characters from this text", key=key)
        else:
            message = _("Remove the hidden control characters from this text")
        raise ValidationFailed(key or field or "", message)
    if limit is not None and len(text) > limit:
        if key is not None:
            message = ngettext(
                "%(key)s: the Welsh is longer than %(num)d character",
                "%(key)s: the Welsh is longer than %(num)d characters",
                limit,
                key=key,
            )
        else:
            message = ngettext(
                "Enter Welsh of %(num)d character or fewer, or leave it empty",
                "Enter Welsh of %(num)d characters or fewer, or leave it empty",
                limit,
            )
        raise ValidationFailed(key or field or "", message)
    return text


def apply_columns(
    model: Any,
    kind: str,
    limits: Mapping[str, int | None],
    changes: dict[str, str],
    *,
    multiline: Collection[str] = (),
    options: Iterable[Any] = (),
    may: Callable[[Any], bool] | None = None,
    changed: Callable[[Any], None] | None = None,
) -> int:
    """Write imported Welsh (``{"<kind>:<id>:<field>": Welsh}``, "" clears one) into the
    ``<field>_cy`` columns of ``model``'s rows, in one query, every change checked before
    any is written; returns how many texts changed. The caller checks who may write the
    kind at all.

    :param limits: each field's longest Welsh (None: no limit).
    :param multiline: the fields whose Welsh keeps its lines (the others are one line).
    :param options: loader options for the rows (what ``may`` and ``changed`` read).
    :param may: whether the acting user may change a row (None: every row).
    :param changed: told of each row whose Welsh changed, after it is written (an area's
        own rule for a change: a calendar update).
    :raises ValidationFailed: naming the first key that is unknown, whose row is gone or
        whose Welsh does not fit.
    :raises PermissionDenied: naming the first key whose row ``may`` refuses.
    """
    keys = split_keys(kind, limits, changes)
    ids = {row_id for row_id, _field in keys.values()}
    query = select(model).where(model.id.in_(ids)).options(*options)
    found = {row.id: row for row in db.session.execute(query).scalars()}
    wanted: list[tuple[Any, str, str]] = []
    for key, (row_id, name) in keys.items():
        row = found.get(row_id)
        if row is None:
            raise ValidationFailed(key, _("%(key)s: this text is no longer in trainhub", key=key))
        if may is not None and not may(row):
            raise PermissionDenied(_("%(key)s: you cannot change this text", key=key))
        text = fitted(changes[key], limits[name], key=key, one_line=name not in multiline)
        wanted.append((row, f"{name}_cy", text))
    count = 0
    touched: dict[int, Any] = {}
    for row, column, text in wanted:
        if (getattr(row, column) or "") != text:
            setattr(row, column, text or None)
            count += 1
            touched[row.id] = row
    db.session.flush()
    if changed is not None:
        for row in touched.values():
            changed(row)
    return count
