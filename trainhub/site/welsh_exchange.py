"""Welsh content to and from a translator working outside trainhub (Welsh Language
Standards): every text of every kind of content someone may edit (``trainhub.bilingual``),
exported as XLIFF 1.2 or CSV with its English, and their Welsh imported back after a check of
what will change.

A file carries each text's English as it was exported: a translation of English that has
changed since is skipped, never written over the new English. A blank Welsh is ignored, so an
import never clears Welsh. Uploaded XML is read with defusedxml, which refuses document type
declarations (and so entity expansion and external references) outright.
"""

from __future__ import annotations

import csv
import io
import logging
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from trainhub import audit, bilingual
from trainhub.bilingual import ContentKind, TextUnit
from trainhub.errors import PermissionDenied, ValidationFailed
from trainhub.spreadsheets import CSV_ENCODING, csv_text, read_cell

log = logging.getLogger(__name__)

IMPORTED = audit.describe("welsh.imported", _l("Welsh imported from a translator"))

XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
#: The CSV's columns, in this order; its first row names them (not translated: a file
#: exported in Welsh is imported by anyone).
CSV_COLUMNS = ("key", "kind", "item", "field", "English", "Welsh")
#: The largest file read, in bytes (the whole catalogue in both languages is far smaller).
MAX_FILE_BYTES = 5 * 1024 * 1024


def _t(tag: str) -> str:
    return f"{{{XLIFF_NS}}}{tag}"


# -- export ---------------------------------------------------------------------------------------


def kinds_for(actor: Any) -> list[ContentKind]:
    """The kinds of content ``actor`` may write the Welsh of that go to translators."""
    return [
        kind
        for kind in bilingual.kinds()
        if kind.units is not None and kind.apply is not None and kind.can_edit(actor)
    ]


def export_units(actor: Any, *, only_missing: bool) -> list[tuple[ContentKind, list[TextUnit]]]:
    """Each kind ``actor`` may edit with the texts of it they may write (only those without
    Welsh when ``only_missing``); kinds with nothing to translate are left out."""
    found = []
    for kind in kinds_for(actor):
        assert kind.units is not None
        units = [
            u
            for u in kind.units()
            if not (only_missing and bilingual.own(u.welsh)) and kind.writable(actor, u)
        ]
        if units:
            found.append((kind, units))
    return found


def xliff_bytes(groups: list[tuple[ContentKind, list[TextUnit]]]) -> bytes:
    """XLIFF 1.2: one ``<file>`` per kind, one ``<trans-unit>`` per text, its id the text's
    key, its English the ``<source>``, its Welsh (where there is some) the ``<target>``."""
    ET.register_namespace("", XLIFF_NS)
    root = ET.Element(_t("xliff"), {"version": "1.2"})
    for kind, units in groups:
        file = ET.SubElement(
            root,
            _t("file"),
            {
                "original": f"trainhub/{kind.key}",
                "source-language": bilingual.ENGLISH,
                "target-language": bilingual.WELSH,
                "datatype": "plaintext",
            },
        )
        header = ET.SubElement(file, _t("header"))
        ET.SubElement(header, _t("note")).text = str(kind.label)
        body = ET.SubElement(file, _t("body"))
        for unit in units:
            element = ET.SubElement(
                body, _t("trans-unit"), {"id": unit.key, _XML_SPACE: "preserve"}
            )
            source = ET.SubElement(element, _t("source"), {_XML_LANG: bilingual.ENGLISH})
            source.text = unit.english
            if bilingual.own(unit.welsh):
                target = ET.SubElement(
                    element, _t("target"), {_XML_LANG: bilingual.WELSH, "state": "translated"}
                )
                target.text = unit.welsh
            ET.SubElement(element, _t("note")).text = f"{unit.item} — {unit.field}"
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def csv_content(groups: list[tuple[ContentKind, list[TextUnit]]]) -> str:
    """The same texts as a CSV (``CSV_COLUMNS``), formula-safe (``trainhub.spreadsheets``)."""
    return csv_text(
        CSV_COLUMNS,
        (
            (unit.key, kind.key, unit.item, unit.field, unit.english, unit.welsh or "")
            for kind, units in groups
            for unit in units
        ),
    )


# -- reading a file -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One text of an uploaded file."""

    key: str
    #: The English it was translated from, as exported.
    english: str
    #: The translation ("" when the translator left it empty).
    welsh: str


def _problem(message: str) -> ValidationFailed:
    return ValidationFailed("file", message)


def read_file(data: bytes) -> list[Row]:
    """The texts of an XLIFF or CSV file, told apart by what it holds.

    :raises ValidationFailed: on ``file`` when it is empty, too large, neither XLIFF nor a
        CSV with the exported columns, or names a text twice.
    """
    if len(data) > MAX_FILE_BYTES:
        raise _problem(_("The file must be smaller than 5 MB"))
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not start:
        raise _problem(_("The selected file is empty"))
    rows = _read_xliff(data) if start.startswith(b"<") else _read_csv(data)
    if not rows:
        raise _problem(_("The file has no texts in it"))
    seen: set[str] = set()
    for row in rows:
        if row.key in seen:
            raise _problem(_("%(key)s is in the file twice", key=row.key))
        seen.add(row.key)
    return rows


def _text(element: Any) -> str:
    return "".join(element.itertext()) if element is not None else ""


def _read_xliff(data: bytes) -> list[Row]:
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise _problem(
            _(
                "The file declares a document type or entities, which trainhub does not read: "
                "use the XLIFF file trainhub exported"
            )
        ) from error
    except ET.ParseError as error:
        raise _problem(_("The file is not XLIFF or CSV: it could not be read")) from error
    if root.tag != _t("xliff"):
        raise _problem(_("The file is not XLIFF 1.2 or CSV"))
    for file in root.iter(_t("file")):
        language = file.get("target-language", bilingual.WELSH)
        if language.lower().split("-")[0] != bilingual.WELSH:
            raise _problem(
                _("The file is a translation into “%(lang)s”, not Welsh (cy)", lang=language)
            )
    rows = []
    for element in root.iter(_t("trans-unit")):
        key = element.get("id", "")
        if not key:
            raise _problem(_("A trans-unit in the file has no id"))
        rows.append(Row(key, _text(element.find(_t("source"))), _text(element.find(_t("target")))))
    return rows


def _read_csv(data: bytes) -> list[Row]:
    try:
        text = data.decode(CSV_ENCODING)
    except UnicodeDecodeError as error:
        raise _problem(
            _("The file is not XLIFF or CSV in UTF-8: save it as “CSV UTF-8” and try again")
        ) from error
    if "\x00" in text:
        raise _problem(_("The file is not XLIFF or CSV"))
    try:
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise _problem(_("The file is not XLIFF or CSV: it could not be read")) from error
    header = [name.strip().lower() for name in lines[0]] if lines else []
    wanted = ("key", "english", "welsh")
    if any(name not in header for name in wanted):
        raise _problem(
            _(
                "The CSV's first row must name its columns as exported: %(columns)s",
                columns=", ".join(CSV_COLUMNS),
            )
        )
    at = {name: header.index(name) for name in wanted}
    rows = []
    for line in lines[1:]:
        if not any(cell.strip() for cell in line):
            continue
        cells = {name: read_cell(line[i]) if i < len(line) else "" for name, i in at.items()}
        rows.append(Row(cells["key"].strip(), cells["english"], cells["welsh"]))
    return rows


# -- what an import changes -----------------------------------------------------------------------


def _same(one: str | None, other: str | None) -> bool:
    """The same text, whatever the line endings and the spaces around it."""

    def plain(text: str | None) -> str:
        return "\n".join(line.strip() for line in (text or "").strip().splitlines())

    return plain(one) == plain(other)


@dataclass(frozen=True)
class Change:
    kind: ContentKind
    unit: TextUnit
    welsh: str


@dataclass
class Plan:
    """What importing a file would do."""

    changes: list[Change] = field(default_factory=list)
    #: Translations of English that has changed since the file was exported: not imported.
    stale: list[tuple[ContentKind, TextUnit, Row]] = field(default_factory=list)
    #: Translations of texts gone since the export (an agenda saved again, an outcome or a
    #: question removed, an English text emptied): not imported.
    gone: list[Row] = field(default_factory=list)
    #: Translations of texts the importer may not write (a fidelity-controlled course's
    #: canonical content, for a trainer): not imported.
    refused: list[tuple[ContentKind, TextUnit, Row]] = field(default_factory=list)
    #: Texts whose Welsh is already what the file says.
    unchanged: int = 0
    #: Texts the translator left without Welsh (ignored: an import never clears Welsh).
    blank: int = 0

    def counts(self) -> list[tuple[ContentKind, int]]:
        """How many texts change, per kind, in the kinds' order."""
        by_kind = Counter(change.kind.key for change in self.changes)
        return [(kind, by_kind[kind.key]) for kind in bilingual.kinds() if by_kind[kind.key]]


def plan_import(actor: Any, rows: list[Row]) -> Plan:
    """What importing ``rows`` would change, after every check: each key a text of a kind
    ``actor`` may edit, and every change accepted by its kind's rules (the kinds' ``apply``
    runs: the caller rolls back to check only, or commits to import). Texts gone since the
    export and texts ``actor`` may not write are listed, not imported.

    :raises ValidationFailed: on ``file``, naming the first key at fault.
    """
    allowed = {kind.key for kind in kinds_for(actor)}
    units: dict[str, tuple[ContentKind, TextUnit]] = {}
    for kind in bilingual.kinds():
        if kind.units is not None and kind.apply is not None:
            units.update((unit.key, (kind, unit)) for unit in kind.units())
    # Each table's kind and the fields its texts have: a key of a known table and field that
    # is not a text now is gone (its row removed, or its English emptied since the export).
    tables: dict[str, ContentKind] = {}
    fields: dict[str, set[str]] = {}
    for key, (kind, _unit) in units.items():
        table, _sep, rest = key.partition(":")
        tables[table] = kind
        fields.setdefault(table, set()).add(rest.rpartition(":")[2])
    plan = Plan()
    for row in rows:
        found = units.get(row.key)
        if found is None:
            table, _sep, rest = row.key.partition(":")
            row_id, _sep, field_name = rest.partition(":")
            gone_kind = tables.get(table)
            if gone_kind is None or not row_id or field_name not in fields[table]:
                raise _problem(_("%(key)s: trainhub has no such text", key=row.key))
            if gone_kind.key not in allowed:
                raise _problem(_not_yours(row.key, gone_kind))
            plan.gone.append(row)
            continue
        kind, unit = found
        if kind.key not in allowed:
            raise _problem(_not_yours(row.key, kind))
        if not bilingual.own(row.welsh):
            plan.blank += 1
        elif not kind.writable(actor, unit):
            plan.refused.append((kind, unit, row))
        elif not _same(row.english, unit.english):
            plan.stale.append((kind, unit, row))
        elif _same(row.welsh, unit.welsh):
            plan.unchanged += 1
        else:
            plan.changes.append(Change(kind, unit, row.welsh.strip()))
    _apply(actor, plan)
    return plan


def _not_yours(key: str, kind: ContentKind) -> str:
    return _("%(key)s: you cannot change this kind of content (%(kind)s)", key=key, kind=kind.label)


def _apply(actor: Any, plan: Plan) -> int:
    written = 0
    for kind in bilingual.kinds():
        changes = {c.unit.key: c.welsh for c in plan.changes if c.kind.key == kind.key}
        if not changes:
            continue
        assert kind.apply is not None
        try:
            written += kind.apply(changes, actor)
        except ValidationFailed as error:
            raise _problem(error.message) from error
        except PermissionDenied as error:
            raise _problem(error.message) from error
    return written


def import_welsh(actor: Any, rows: list[Row]) -> int:
    """Write the Welsh of ``rows`` after checking all of it again (``plan_import``), and
    audit it; returns how many texts changed. The caller commits.

    :raises ValidationFailed: on ``file``, naming the first key at fault; nothing is kept.
    """
    plan = plan_import(actor, rows)
    written = len(plan.changes)
    if written:
        detail = ", ".join(f"{kind.key}: {count}" for kind, count in plan.counts())
        audit.record(actor, IMPORTED, f"{written} texts ({detail})")
    # Logged here, not by the kinds: their rules also run for a check that is rolled back.
    log.info(
        "Welsh of %d texts imported by %s: %s",
        written,
        getattr(actor, "id", None),
        ", ".join(change.unit.key for change in plan.changes),
    )
    return written
