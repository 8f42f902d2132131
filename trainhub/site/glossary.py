"""The glossary of the framework's terms (R46): what a reader sees in which language, the
order of the visitor's alphabet, what administrators may write, and the terms a new
database starts with."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, fields

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from trainhub import audit
from trainhub.auth.models import User
from trainhub.bilingual import Gap, TextUnit
from trainhub.errors import PermissionDenied, ValidationFailed
from trainhub.extensions import db, utcnow
from trainhub.site import permissions
from trainhub.site.glossary_data import TERMS, TermData
from trainhub.site.models import GlossaryTerm
from trainhub.text import has_control_characters

log = logging.getLogger(__name__)

ADDED = audit.describe("glossary.added", _l("Glossary term added"))
CHANGED = audit.describe("glossary.changed", _l("Glossary term changed"))
REMOVED = audit.describe("glossary.removed", _l("Glossary term removed"))

MAX_SLUG = 60
MAX_TERM = 200
MAX_ABBREVIATION = 20
#: The longest definition (a long paragraph or three).
MAX_DEFINITION = 5_000
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass
class TermInput:
    """What an administrator writes for a term; empty strings are fields left empty."""

    slug: str = ""
    term_en: str = ""
    abbreviation_en: str = ""
    definition_en: str = ""
    term_cy: str = ""
    abbreviation_cy: str = ""
    definition_cy: str = ""

    @classmethod
    def of(cls, term: GlossaryTerm) -> TermInput:
        """A term as its edit form starts."""
        return cls(**{field.name: getattr(term, field.name) or "" for field in fields(cls)})


#: The fields of ``TermInput``, in the form's order.
FIELDS = tuple(field.name for field in fields(TermInput))


# -- the visitor's alphabet ------------------------------------------------------------------------

#: The Welsh alphabet: its digraphs are letters of their own (``ch`` after ``c``, ``ll``
#: after ``l``); j is borrowed.
_WELSH_LETTERS = [
    "a",
    "b",
    "c",
    "ch",
    "d",
    "dd",
    "e",
    "f",
    "ff",
    "g",
    "ng",
    "h",
    "i",
    "j",
    "l",
    "ll",
    "m",
    "n",
    "o",
    "p",
    "ph",
    "r",
    "rh",
    "s",
    "t",
    "th",
    "u",
    "w",
    "y",
]
_WELSH_ORDER = {letter: index for index, letter in enumerate(_WELSH_LETTERS)}
_WELSH_TOKEN = re.compile(r"ch|dd|ff|ng|ll|ph|rh|th|.", re.S)


def _plain(text: str) -> str:
    """``text`` in lower case without accents (ŵ sorts with w)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def sort_key(text: str, lang: str) -> tuple[tuple[int, str], ...] | str:
    """Where ``text`` sorts in an alphabetical list in ``lang``: Welsh by the Welsh alphabet
    (``Llyfr`` after ``Lefel``), anything else by its letters, case and accents aside."""
    plain = _plain(text)
    if lang != "cy":
        return plain
    return tuple(
        (_WELSH_ORDER.get(token, len(_WELSH_ORDER)), token) for token in _WELSH_TOKEN.findall(plain)
    )


# -- what a reader sees ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ShownTerm:
    """A term as readers of one language see it; each ``*_lang`` is "en" where a Welsh
    reader is shown the English (no Welsh of its own yet), None where the text is in the
    page's language."""

    id: int
    slug: str
    #: What the glossary lists it under: the short form when it has one, else the term.
    headword: str
    headword_lang: str | None
    #: The full term beside a short form (None when the headword is the term itself).
    expansion: str | None
    expansion_lang: str | None
    #: The short form in the reader's language ("DPP"), None without one.
    abbreviation: str | None
    #: The full term in the reader's language, or the English.
    term: str
    term_lang: str | None
    definition: str
    definition_lang: str | None
    #: Its Welsh term or definition is still to write (staff see "No Welsh yet").
    missing_welsh: bool


def _own(value: str | None) -> str | None:
    return value if value and value.strip() else None


def _pick(english: str | None, welsh: str | None, lang: str) -> tuple[str | None, str | None]:
    """The text for ``lang`` and, when Welsh readers get the English, "en"."""
    if lang == "cy" and _own(welsh):
        return welsh, None
    if lang == "cy" and _own(english):
        return english, "en"
    return _own(english), None


def shown_term(row: GlossaryTerm, lang: str) -> ShownTerm:
    """``row`` as readers of ``lang`` see it."""
    term, term_lang = _pick(row.term_en, row.term_cy, lang)
    definition, definition_lang = _pick(row.definition_en, row.definition_cy, lang)
    # A short form is a name rather than a sentence: an English one in Welsh is no gap.
    abbreviation, abbreviation_lang = _pick(row.abbreviation_en, row.abbreviation_cy, lang)
    if abbreviation is not None and lang == "cy" and not _own(row.abbreviation_cy):
        abbreviation_lang = "en"
    assert term is not None and definition is not None
    headword, headword_lang = (
        (abbreviation, abbreviation_lang) if abbreviation else (term, term_lang)
    )
    return ShownTerm(
        id=row.id,
        slug=row.slug,
        headword=headword,
        headword_lang=headword_lang,
        expansion=term if abbreviation else None,
        expansion_lang=term_lang if abbreviation else None,
        abbreviation=abbreviation,
        term=term,
        term_lang=term_lang,
        definition=definition,
        definition_lang=definition_lang,
        missing_welsh=not (_own(row.term_cy) and _own(row.definition_cy)),
    )


def all_terms() -> list[GlossaryTerm]:
    """Every term, with who changed it last: one query."""
    query = select(GlossaryTerm).options(joinedload(GlossaryTerm.updated_by))
    return list(db.session.execute(query).scalars())


def glossary(lang: str, rows: Iterable[GlossaryTerm] | None = None) -> list[ShownTerm]:
    """Every term as readers of ``lang`` see them, in the order of their alphabet."""
    shown = [shown_term(row, lang) for row in (all_terms() if rows is None else rows)]
    return sorted(shown, key=lambda term: (sort_key(term.headword, lang), term.slug))


def term_by_id(term_id: int) -> GlossaryTerm | None:
    return db.session.get(GlossaryTerm, term_id)


# -- changing them ---------------------------------------------------------------------------------


def slug_for(text: str) -> str:
    """An anchor made from ``text``: "Open Badge" → ``open-badge``."""
    plain = _plain(text)
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:MAX_SLUG].strip("-")


def _too_long(field: str, text: str, limit: int) -> None:
    if len(text) > limit:
        raise ValidationFailed(
            field,
            _(
                "Enter %(max)d characters or fewer (you entered %(length)d)",
                max=limit,
                length=len(text),
            ),
        )


def _clean(data: TermInput) -> dict[str, str]:
    """Each field trimmed and checked for shape: lengths, lines, hidden characters."""
    limits = {
        "slug": MAX_SLUG,
        "term_en": MAX_TERM,
        "term_cy": MAX_TERM,
        "abbreviation_en": MAX_ABBREVIATION,
        "abbreviation_cy": MAX_ABBREVIATION,
        "definition_en": MAX_DEFINITION,
        "definition_cy": MAX_DEFINITION,
    }
    cleaned: dict[str, str] = {}
    for field in FIELDS:
        text = (getattr(data, field) or "").replace("\r\n", "\n").strip()
        multiline = field.startswith("definition")
        if has_control_characters(text, multiline=multiline):
            raise ValidationFailed(
                field,
                _("Remove the hidden control characters from this text")
                if multiline
                else _(
                    "Enter this on one line, without line breaks, tabs or hidden control characters"
                ),
            )
        _too_long(field, text, limits[field])
        cleaned[field] = text
    return cleaned


def _check(cleaned: dict[str, str], term: GlossaryTerm | None) -> None:
    """The rules: an English term and definition, a unique anchor of the right shape."""
    if not cleaned["term_en"]:
        raise ValidationFailed("term_en", _("Enter the term in English"))
    if not cleaned["definition_en"]:
        raise ValidationFailed("definition_en", _("Enter what the term means, in English"))
    if cleaned["abbreviation_cy"] and not cleaned["term_cy"]:
        raise ValidationFailed(
            "term_cy", _("Enter the term in Welsh, or leave its Welsh short form empty too")
        )
    if cleaned["definition_cy"] and not cleaned["term_cy"]:
        raise ValidationFailed("term_cy", _("Enter the term in Welsh for its Welsh definition"))
    slug = cleaned["slug"]
    if not SLUG.match(slug):
        raise ValidationFailed(
            "slug",
            _("Enter a link name of lower-case letters, numbers and hyphens, like open-badge"),
        )
    query = select(GlossaryTerm).where(GlossaryTerm.slug == slug)
    clash = db.session.execute(query).scalar_one_or_none()
    if clash is not None and clash is not term:
        raise ValidationFailed(
            "slug",
            _("“%(term)s” already uses the link name %(slug)s", term=clash.term_en, slug=slug),
        )


def save_term(actor: User, term: GlossaryTerm | None, data: TermInput) -> GlossaryTerm:
    """Add a term (``term`` None) or change one; audited. An empty link name is made from
    the English short form or term.

    :raises PermissionDenied: when ``actor`` is not an administrator.
    :raises ValidationFailed: on the field that breaks a rule; nothing is written.
    """
    if not permissions.can_edit_glossary(actor):
        raise PermissionDenied(_("Only an administrator can change the glossary"))
    cleaned = _clean(data)
    if not cleaned["slug"]:
        cleaned["slug"] = slug_for(cleaned["abbreviation_en"] or cleaned["term_en"])
    _check(cleaned, term)
    adding = term is None
    if term is None:
        term = GlossaryTerm()
        db.session.add(term)
    for field, value in cleaned.items():
        setattr(term, field, value or None)  # the required fields are never empty here
    term.updated_at = utcnow()
    term.updated_by_id = actor.id
    audit.record(actor, ADDED if adding else CHANGED, f"{term.term_en} ({term.slug})")
    db.session.flush()
    log.info(
        "Glossary term %s %s by user %s", term.slug, "added" if adding else "changed", actor.id
    )
    return term


def remove_term(actor: User, term: GlossaryTerm) -> str:
    """Remove ``term`` from the glossary; audited. Returns its English name.

    :raises PermissionDenied: when ``actor`` is not an administrator.
    """
    if not permissions.can_edit_glossary(actor):
        raise PermissionDenied(_("Only an administrator can change the glossary"))
    name = term.term_en
    audit.record(actor, REMOVED, f"{name} ({term.slug})")
    db.session.delete(term)
    db.session.flush()
    log.info("Glossary term %s removed by user %s", term.slug, actor.id)
    return name


# -- Welsh gaps, export and import (trainhub.bilingual) -------------------------------------------

#: The texts of a term with a Welsh beside them, as their labels read.
WELSH_TEXTS = {
    "term": _l("Term"),
    "abbreviation": _l("Short form"),
    "definition": _l("Definition"),
}


def _terms_in_english_order() -> list[GlossaryTerm]:
    rows = db.session.execute(select(GlossaryTerm)).scalars()
    return sorted(rows, key=lambda row: (sort_key(row.term_en, "en"), row.slug))


def glossary_welsh_gaps() -> list[Gap]:
    """Each term and definition that has no Welsh yet (a short form without one shows the
    English's), in the English alphabet's order, in one query."""
    return [
        Gap(
            row.term_en,
            str(WELSH_TEXTS[name]),
            "site.admin_glossary_edit",
            (("term_id", row.id),),
            f"{name}_cy",
        )
        for row in _terms_in_english_order()
        for name in ("term", "definition")
        if _own(getattr(row, f"{name}_en")) and not _own(getattr(row, f"{name}_cy"))
    ]


def glossary_welsh_units() -> list[TextUnit]:
    """Every text of every term that has English, with its Welsh, in one query. Keys:
    ``glossary:<id>:term``, ``glossary:<id>:abbreviation``, ``glossary:<id>:definition``."""
    return [
        TextUnit(
            f"glossary:{row.id}:{name}",
            row.term_en,
            str(WELSH_TEXTS[name]),
            getattr(row, f"{name}_en"),
            _own(getattr(row, f"{name}_cy")),
        )
        for row in _terms_in_english_order()
        for name in WELSH_TEXTS
        if _own(getattr(row, f"{name}_en"))
    ]


def write_glossary_welsh(actor: User, changes: dict[str, str]) -> int:
    """Write a translator's Welsh of terms (``{key: Welsh}``, "" clears it) through
    ``save_term`` (audited), after checking every changed term against its rules. Returns
    how many texts changed.

    :raises PermissionDenied: when ``actor`` is not an administrator.
    :raises ValidationFailed: naming the key: a term trainhub does not have (or no longer
        has), or Welsh that breaks a rule of the term's edit form (too long, on more than
        one line, a definition without a Welsh term).
    """
    if not permissions.can_edit_glossary(actor):
        raise PermissionDenied(_("Only an administrator can change the glossary"))
    parsed: dict[str, tuple[int, str]] = {}
    for key in changes:
        parts = key.split(":")
        if (
            len(parts) != 3
            or parts[0] != "glossary"
            or not parts[1].isdigit()
            or parts[2] not in WELSH_TEXTS
        ):
            raise ValidationFailed(key, _("%(key)s: trainhub has no such text", key=key))
        parsed[key] = (int(parts[1]), parts[2])
    ids = {term_id for term_id, _name in parsed.values()}
    terms = {
        row.id: row
        for row in db.session.execute(
            select(GlossaryTerm).where(GlossaryTerm.id.in_(ids))
        ).scalars()
    }
    inputs: dict[int, TermInput] = {}
    keys_of: dict[int, list[str]] = {}
    for key, (term_id, name) in parsed.items():
        term = terms.get(term_id)
        if term is None:
            raise ValidationFailed(key, _("%(key)s: this text is no longer in trainhub", key=key))
        data = inputs.setdefault(term_id, TermInput.of(term))
        setattr(data, f"{name}_cy", changes[key])
        keys_of.setdefault(term_id, []).append(key)
    changed: list[tuple[GlossaryTerm, TermInput, int]] = []
    for term_id, data in inputs.items():
        term = terms[term_id]
        try:
            cleaned = _clean(data)
            _check(cleaned, term)
        except ValidationFailed as error:
            key = next(
                (k for k in keys_of[term_id] if k.endswith(error.field.removesuffix("_cy"))),
                keys_of[term_id][0],
            )
            raise ValidationFailed(key, f"{key}: {error.message}") from error
        count = sum(
            1
            for name in WELSH_TEXTS
            if cleaned[f"{name}_cy"] != (getattr(term, f"{name}_cy") or "")
        )
        if count:
            changed.append((term, data, count))
    for term, data, _count in changed:
        save_term(actor, term, data)
    return sum(count for _term, _data, count in changed)


def seed_glossary(entries: Iterable[TermData] = TERMS) -> list[GlossaryTerm]:
    """Add the framework's terms that are missing (by link name); terms already there,
    changed or not, are left as they are, and a term an administrator removed comes back
    only with the next seeding. Safe to run any number of times."""
    known = set(db.session.execute(select(GlossaryTerm.slug)).scalars())
    added = []
    for entry in entries:
        if entry["slug"] in known:
            continue
        term = GlossaryTerm(
            slug=entry["slug"],
            term_en=entry["term_en"],
            abbreviation_en=entry.get("abbreviation_en"),
            definition_en=entry["definition_en"],
            term_cy=entry.get("term_cy"),
            abbreviation_cy=entry.get("abbreviation_cy"),
            definition_cy=entry.get("definition_cy"),
        )
        db.session.add(term)
        known.add(entry["slug"])
        added.append(term)
    db.session.flush()
    return added
