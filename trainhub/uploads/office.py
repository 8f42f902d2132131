"""Word (DOCX) and OpenDocument text (ODT) files, checked part by part.

Both are ZIPs of XML. Only the parts a plain document has are allowed: text, styles,
relationships, pictures, fonts. Refused: macros (``vbaProject.bin``, macro-enabled content
types, ODF Basic and scripts, script events), embedded objects (OLE, ActiveX, programs,
applets, altChunk), content loaded from elsewhere (a remote template, a picture on a network
share or web server, an external frame or section; an ordinary hyperlink is fine) and Word
field codes that run commands or fetch files (DDE, DDEAUTO, INCLUDETEXT, INCLUDEPICTURE …).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from trainhub.uploads.kinds import DOCX, ODT
from trainhub.uploads.limits import Limits
from trainhub.uploads.refusals import Reason, Refused
from trainhub.uploads.xmlscan import BadXml, XmlScan, split
from trainhub.uploads.zips import Archive, Entry

WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
ODT_MIMETYPE = ODT
ODF_PREFIX = "application/vnd.oasis.opendocument."

_IMAGES = frozenset(
    {"png", "jpg", "jpeg", "jpe", "jfif", "gif", "bmp", "dib", "tif", "tiff", "emf", "wmf"}
    | {"emz", "wmz", "svg", "svm", "ico", "wdp", "jxr", "webp", "pict", "pct"}
)
_FONTS = frozenset({"odttf", "ttf", "otf", "fntdata"})
_XML = frozenset({"xml", "rels", "vml", "rdf"})
#: Documents a Word chart keeps its data in (``word/embeddings/Microsoft_Excel_Worksheet.xlsx``):
#: allowed, and checked inside like the document itself, one level deep.
_PACKAGES = frozenset({"xlsx", "docx", "pptx"})

#: Word fields that run a command or bring in another file when the document is opened or
#: updated. HYPERLINK, REF, PAGE … are harmless and stay.
_FIELDS = frozenset(
    {"DDE", "DDEAUTO", "INCLUDETEXT", "INCLUDEPICTURE", "INCLUDE", "LINK", "IMPORT", "MACROBUTTON"}
)
_FIELD_NAME = re.compile(r"\s*\\?([A-Za-z]+)")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*:")
#: Link targets that reach a file share or run script even from a click.
_UNSAFE_LINKS = ("\\\\", "//", "file:", "javascript:", "vbscript:", "data:")
_SCRIPT_LINKS = ("vnd.sun.star.script:", "macro:", "javascript:", "vbscript:", "basic:")

#: A path on a lettered drive of the author's own machine, as a URL or as a path.
_LOCAL_PATH = re.compile(r"^(file:///)?[A-Za-z]:[\\/]")

_SCRIPT_NS = "urn:oasis:names:tc:opendocument:xmlns:script:1.0"
_XLINK_NS = "http://www.w3.org/1999/xlink"


def check_office(data: bytes, limits: Limits) -> str:
    """The content type of a DOCX or ODT that passes every check (``Refused`` otherwise)."""
    odf = data[30:38] == b"mimetype"
    archive = Archive(data, limits, Reason.DAMAGED_ODT if odf else Reason.DAMAGED_DOCX)
    names = {entry.name for entry in archive.entries}
    if "mimetype" in names:
        archive.damaged = Reason.DAMAGED_ODT
        _check_odt(archive)
        return ODT
    if "[content_types].xml" in {name.casefold() for name in names}:
        archive.damaged = Reason.DAMAGED_DOCX
        _check_ooxml(archive, nested=False)
        return DOCX
    raise Refused(Reason.TYPE, "a ZIP that is neither OOXML nor ODF")


def _extension(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[-1].casefold() if "." in base else ""


def _attribute(attributes: dict[str, str], local: str) -> str | None:
    """An attribute by its local name, whatever its namespace prefix."""
    for key, value in attributes.items():
        if split(key)[1] == local:
            return value
    return None


def _parse(archive: Archive, entry: Entry, scan: XmlScan) -> None:
    try:
        for chunk in archive.read(entry):
            scan.feed(chunk)
        if entry.info.file_size:
            scan.close()
    except BadXml as error:
        raise Refused(archive.damaged, f"{entry.name}: {error}") from None


def _drain(archive: Archive, entry: Entry) -> None:
    """Unpack a part we do not read, so its size and CRC are still checked."""
    for _chunk in archive.read(entry):
        pass


# Word --------------------------------------------------------------------------------------


def _check_ooxml(archive: Archive, *, nested: bool) -> None:
    xml_parts: list[Entry] = []
    packages: list[Entry] = []
    others: list[Entry] = []
    for entry in archive.entries:
        folded = entry.name.casefold()
        if folded.endswith("/"):
            continue
        base = folded.rsplit("/", 1)[-1]
        extension = _extension(folded)
        path = f"/{folded}"
        if base in ("vbaproject.bin", "vbadata.xml") or base.startswith("vbaprojectsignature"):
            raise Refused(Reason.DOCX_MACROS, entry.name)
        if "/customui/" in path or base == "customizations.xml":
            raise Refused(Reason.DOCX_MACROS, entry.name)
        if "/activex/" in path or base.startswith("oleobject"):
            raise Refused(Reason.EMBEDDED, entry.name)
        if "/embeddings/" in path:
            if extension in _PACKAGES and not nested:
                packages.append(entry)
                continue
            raise Refused(Reason.EMBEDDED, entry.name)
        if extension in _XML:
            xml_parts.append(entry)
        elif _word_binary(path, extension):
            others.append(entry)
        else:
            raise Refused(Reason.EMBEDDED, entry.name)

    by_name = {entry.name.casefold(): entry for entry in archive.entries}
    content_types = by_name.get("[content_types].xml")
    if content_types is None:
        raise Refused(Reason.TYPE if not nested else Reason.EMBEDDED, "no [Content_Types].xml")
    defaults, overrides = _content_types(archive, content_types)
    main = _relationships(archive, xml_parts)
    if not nested:
        if main is None or main.casefold() not in by_name:
            raise Refused(archive.damaged, "no main document part")
        extension = _extension(main)
        main_type = overrides.get(f"/{main}".casefold()) or defaults.get(extension, "")
        if main_type != WORD_MAIN:
            raise Refused(Reason.TYPE, f"main part is {main_type!r}")
    for entry in xml_parts:
        if entry is content_types or entry.name.casefold().endswith(".rels"):
            continue
        _parse(archive, entry, _word_scan())
    for entry in others:
        _drain(archive, entry)
    for entry in packages:
        _check_package(archive, entry)


def _word_binary(path: str, extension: str) -> bool:
    """Whether a part that is not XML belongs in a plain Word document: pictures, fonts,
    signatures and the printer settings Word keeps."""
    if extension in _IMAGES or extension in _FONTS or extension in ("sigs", "psdsxs"):
        return True
    return extension == "bin" and "/printersettings/" in path


def _content_types(archive: Archive, entry: Entry) -> tuple[dict[str, str], dict[str, str]]:
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}

    def start(_namespace: str, local: str, attributes: dict[str, str]) -> None:
        content_type = attributes.get("ContentType", "")
        folded = content_type.casefold()
        if any(word in folded for word in ("macroenabled", "vbaproject", "vbadata")):
            raise Refused(Reason.DOCX_MACROS, content_type)
        if "activex" in folded or "oleobject" in folded:
            raise Refused(Reason.EMBEDDED, content_type)
        if local == "Default":
            defaults[attributes.get("Extension", "").casefold()] = content_type
        elif local == "Override":
            overrides[attributes.get("PartName", "").casefold()] = content_type

    _parse(archive, entry, XmlScan(start))
    return defaults, overrides


def _relationships(archive: Archive, parts: list[Entry]) -> str | None:
    """Check every ``.rels`` part; the main document's part name (from ``_rels/.rels``)."""
    main: list[str] = []
    for entry in parts:
        if not entry.name.casefold().endswith(".rels"):
            continue
        root = entry.name.casefold() == "_rels/.rels"

        def start(
            _namespace: str, local: str, attributes: dict[str, str], root: bool = root
        ) -> None:
            if local != "Relationship":
                return
            kind = attributes.get("Type", "").rsplit("/", 1)[-1].casefold()
            target = attributes.get("Target", "").strip()
            external = attributes.get("TargetMode", "").casefold() == "external"
            if kind in ("vbaproject", "wordvbadata", "keymapcustomizations", "ui/extensibility"):
                raise Refused(Reason.DOCX_MACROS, kind)
            if kind in ("oleobject", "control", "activexcontrol", "activexcontrolbinary"):
                raise Refused(Reason.EMBEDDED, kind)
            if kind == "afchunk":
                raise Refused(Reason.EMBEDDED, "altChunk")
            if kind in ("subdocument", "externallink", "connections"):
                raise Refused(Reason.LINKED, kind)
            if external and not _harmless_external(kind, target):
                raise Refused(Reason.LINKED, f"{kind} → {target[:80]}")
            elif root and kind == "officedocument":
                main.append(target.lstrip("/"))

        _parse(archive, entry, XmlScan(start))
    return main[0] if main else None


def _harmless_external(kind: str, target: str) -> bool:
    """An ordinary web or e-mail hyperlink, or the template a document was made from when it
    sits on the author's own drive (``file:///C:/…``: Word records it and nothing is fetched
    from another machine). Remote templates, pictures, frames are never harmless."""
    if kind == "hyperlink":
        return not target.casefold().startswith(_UNSAFE_LINKS)
    return kind == "attachedtemplate" and bool(_LOCAL_PATH.match(target))


class _Fields:
    """Field instructions as Word stores them: ``w:fldSimple/@w:instr``, or ``w:instrText``
    runs between ``w:fldChar`` begin and separate (split over runs, and nested)."""

    def __init__(self) -> None:
        self.open: list[list[str]] = []
        self.done: list[bool] = []
        self.loose: list[str] = []
        self.in_instruction = False

    @staticmethod
    def check(instruction: str) -> None:
        match = _FIELD_NAME.match(instruction)
        if match and match.group(1).upper() in _FIELDS:
            raise Refused(Reason.FIELDS, instruction.strip()[:80])

    def start(self, local: str, attributes: dict[str, str]) -> None:
        if local == "fldSimple":
            self.check(_attribute(attributes, "instr") or "")
        elif local == "fldChar":
            kind = _attribute(attributes, "fldCharType")
            if kind == "begin":
                self.open.append([])
                self.done.append(False)
            elif kind in ("separate", "end") and self.open:
                if not self.done[-1]:
                    self.check("".join(self.open[-1]))
                    self.done[-1] = True
                if kind == "end":
                    self.open.pop()
                    self.done.pop()
        elif local == "instrText":
            self.in_instruction = True

    def end(self, local: str) -> None:
        if local == "instrText":
            self.in_instruction = False
            if not self.open:
                self.check("".join(self.loose))
                self.loose.clear()

    def text(self, text: str) -> None:
        if self.in_instruction:
            (self.open[-1] if self.open else self.loose).append(text)

    def close(self) -> None:
        for parts in self.open:
            self.check("".join(parts))


def _word_scan() -> XmlScan:
    fields = _Fields()
    depth = [0]

    def start(_namespace: str, local: str, attributes: dict[str, str]) -> None:
        depth[0] += 1
        if local in ("altChunk", "OLEObject", "control", "objectEmbed", "objectLink"):
            raise Refused(Reason.EMBEDDED, local)
        if local == "subDoc":
            raise Refused(Reason.LINKED, local)
        fields.start(local, attributes)

    def end(_namespace: str, local: str) -> None:
        depth[0] -= 1
        fields.end(local)
        if depth[0] == 0:  # the end of the part: a field left open is still a field
            fields.close()

    return XmlScan(start, end, fields.text)


def _check_package(archive: Archive, entry: Entry) -> None:
    """A document inside the document (a chart's data): the same rules, no deeper nesting."""
    data = archive.read_all(entry)
    remaining = max(0, archive.limits.unpacked_bytes - archive.unpacked)
    limits = replace(archive.limits, unpacked_bytes=remaining)
    try:
        inner = Archive(data, limits, Reason.EMBEDDED)
    except Refused as refused:
        if refused.reason in (Reason.HIDDEN_DATA, Reason.TYPE):
            raise Refused(Reason.EMBEDDED, f"{entry.name}: {refused.detail}") from None
        raise
    inner.damaged = Reason.EMBEDDED
    _check_ooxml(inner, nested=True)
    archive.unpacked += inner.unpacked


# OpenDocument ------------------------------------------------------------------------------


def _check_odt(archive: Archive) -> None:
    first = archive.entries[0]
    if first.name != "mimetype" or first.info.compress_type != 0:
        raise Refused(Reason.DAMAGED_ODT, "mimetype is not the first entry, stored")
    mimetype = archive.read_all(first).decode("ascii", "replace").strip()
    if mimetype != ODT_MIMETYPE:
        reason = Reason.TYPE if mimetype.startswith(ODF_PREFIX) else Reason.DAMAGED_ODT
        raise Refused(reason, f"mimetype {mimetype[:80]!r}")
    xml_parts: list[Entry] = []
    others: list[Entry] = []
    for entry in archive.entries[1:]:
        folded = entry.name.casefold()
        if folded.endswith("/"):
            continue
        top = folded.split("/", 1)[0] if "/" in folded else ""
        extension = _extension(folded)
        if top in ("basic", "scripts", "dialogs") or folded == "meta-inf/macrosignatures.xml":
            raise Refused(Reason.ODT_MACROS, entry.name)
        if extension in _XML:
            xml_parts.append(entry)
        elif _odf_binary(folded, top, extension):
            others.append(entry)
        else:
            raise Refused(Reason.EMBEDDED, entry.name)
    by_name = {entry.name: entry for entry in archive.entries}
    manifest = by_name.get("META-INF/manifest.xml")
    if manifest is None or "content.xml" not in by_name:
        raise Refused(Reason.DAMAGED_ODT, "no manifest or no content.xml")
    _parse(archive, manifest, XmlScan(_manifest_start))
    for entry in xml_parts:
        if entry is not manifest:
            _parse(archive, entry, XmlScan(_odf_start))
    for entry in others:
        _drain(archive, entry)


def _odf_binary(name: str, top: str, extension: str) -> bool:
    """Whether a part that is not XML belongs in a plain OpenDocument text: pictures, fonts,
    the thumbnail, a chart's replacement picture (no extension), OpenOffice's layout cache."""
    if top in ("pictures", "thumbnails", "configurations2") or top.startswith("object "):
        return extension in _IMAGES
    if top == "fonts":  # fonts embedded by LibreOffice ("Embed fonts in document")
        return extension in _FONTS
    if top == "objectreplacements":
        return extension in _IMAGES or not extension
    return name == "layout-cache"  # written by OpenOffice.org 2 and 3


def _manifest_start(_namespace: str, local: str, attributes: dict[str, str]) -> None:
    if local == "encryption-data":
        raise Refused(Reason.PASSWORD, "encrypted ODF entry")
    media_type = (_attribute(attributes, "media-type") or "").casefold()
    if "oleobject" in media_type:
        raise Refused(Reason.EMBEDDED, media_type)


def _is_external(href: str) -> bool:
    """Whether an ODF link leaves the package (a scheme, an absolute path, a ``../``)."""
    return bool(_SCHEME.match(href)) or href.startswith(("/", "\\", "../", "..\\"))


_ODF_RULES: dict[str, Callable[[], Refused]] = {
    "script": lambda: Refused(Reason.ODT_MACROS, "office:script"),
    "event-listener": lambda: Refused(Reason.ODT_MACROS, "event listener"),
    "object-ole": lambda: Refused(Reason.EMBEDDED, "draw:object-ole"),
    "applet": lambda: Refused(Reason.EMBEDDED, "draw:applet"),
    "plugin": lambda: Refused(Reason.EMBEDDED, "draw:plugin"),
    "floating-frame": lambda: Refused(Reason.LINKED, "draw:floating-frame"),
    "dde-source": lambda: Refused(Reason.LINKED, "DDE source"),
    "dde-connection-decl": lambda: Refused(Reason.LINKED, "DDE connection"),
    "dde-connection": lambda: Refused(Reason.LINKED, "DDE connection"),
    "dde-link": lambda: Refused(Reason.LINKED, "DDE link"),
}


def _odf_start(namespace: str, local: str, attributes: dict[str, str]) -> None:
    if namespace == _SCRIPT_NS:
        raise Refused(Reason.ODT_MACROS, f"script:{local}")
    rule = _ODF_RULES.get(local)
    if rule is not None:
        raise rule()
    href = None
    for key, value in attributes.items():
        attribute_namespace, attribute = split(key)
        if attribute_namespace == _SCRIPT_NS:
            raise Refused(Reason.ODT_MACROS, f"script:{attribute}")
        if attribute_namespace == _XLINK_NS and attribute == "href":
            href = value.strip()
    if not href:
        return
    folded = href.casefold()
    if folded.startswith(_SCRIPT_LINKS):
        raise Refused(Reason.ODT_MACROS, href[:80])
    if local == "a":  # a hyperlink (text:a, draw:a): followed only when clicked
        if folded.startswith(_UNSAFE_LINKS):
            raise Refused(Reason.LINKED, href[:80])
    elif _is_external(folded):
        raise Refused(Reason.LINKED, f"{local} → {href[:80]}")
