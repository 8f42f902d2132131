"""Word (DOCX) and OpenDocument text (ODT) files, checked part by part.

Both are ZIPs of XML. Only the parts a plain document has are allowed: text, styles,
relationships, pictures, fonts, each judged by its bytes as well as its name (``parts.py``).
Refused: macros (``vbaProject.bin``, macro-enabled content types, a ribbon's customUI, ODF
Basic, dialogs and scripts at any depth, script events), embedded objects (OLE, ActiveX,
programs, applets, altChunk), content loaded from elsewhere (a remote template, a picture on a
network share or web server, an external frame or section), links that open a file or a
program when clicked (only web, e-mail and in-document links: ``links.py``) and Word field
codes that run commands or fetch files (DDE, DDEAUTO, INCLUDETEXT … : ``fields.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace

from trainhub.uploads.fields import Fields
from trainhub.uploads.kinds import DOCX, ODT
from trainhub.uploads.limits import Limits
from trainhub.uploads.links import decoded_forms, is_safe_link
from trainhub.uploads.parts import HEAD, SvgCheck, check_not_program, is_font, is_picture
from trainhub.uploads.refusals import Reason, Refused
from trainhub.uploads.xmlscan import BadXml, XmlScan, attribute, split
from trainhub.uploads.zips import Archive, Entry

WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
ODT_MIMETYPE = ODT
ODF_PREFIX = "application/vnd.oasis.opendocument."

_IMAGES = frozenset(
    {"png", "jpg", "jpeg", "jpe", "jfif", "gif", "bmp", "dib", "tif", "tiff", "emf", "wmf"}
    | {"emz", "wmz", "svgz", "svm", "ico", "wdp", "jxr", "webp", "pict", "pct"}
)
#: Pictures that are XML, read as such (``parts.SvgCheck``).
_SVG = "svg"
_FONTS = frozenset({"ttf", "otf"})
#: Fonts Word and PowerPoint embed scrambled (the first 32 bytes XOR'd with a key), so their
#: bytes say nothing: they are allowed when the package declares them as such.
_SCRAMBLED_FONTS = {
    "odttf": "application/vnd.openxmlformats-officedocument.obfuscatedfont",
    "fntdata": "application/x-fontdata",
}
_XML = frozenset({"xml", "rels", "vml", "rdf"})
#: Documents a Word chart keeps its data in (``word/embeddings/Microsoft_Excel_Worksheet.xlsx``):
#: allowed, and checked inside like the document itself, one level deep.
_PACKAGES = frozenset({"xlsx", "docx", "pptx"})

_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*:")
_SCRIPT_LINKS = ("vnd.sun.star.script:", "macro:", "javascript:", "vbscript:", "basic:")
#: Relationship types of a ribbon's customisation (callbacks into macros), under any part name.
_CUSTOM_UI_TYPES = ("/ui/extensibility", "/ui/usercustomization")
_CUSTOM_UI_NS = frozenset(
    {
        "http://schemas.microsoft.com/office/2006/01/customui",
        "http://schemas.microsoft.com/office/2009/07/customui",
    }
)

#: A path on a lettered drive of the author's own machine, as a URL or as a path.
_LOCAL_PATH = re.compile(r"^(file:///)?[A-Za-z]:[\\/]")

_SCRIPT_NS = "urn:oasis:names:tc:opendocument:xmlns:script:1.0"
_XLINK_NS = "http://www.w3.org/1999/xlink"
#: StarBasic modules, libraries and dialogs, wherever in the package they are.
_BASIC_NS = frozenset(
    {
        "http://openoffice.org/2000/script",
        "http://openoffice.org/2000/library",
        "http://openoffice.org/2000/dialog",
    }
)
_MACRO_FOLDERS = frozenset({"basic", "scripts", "dialogs"})
_MACRO_FILES = frozenset({"script-lc.xml", "script-lb.xml", "dialog-lc.xml", "dialog-lb.xml"})


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


def _chunks(archive: Archive, entry: Entry) -> Iterator[bytes]:
    """The part's bytes as they are unpacked; refused as soon as they start like a program or
    an OLE container, whatever the part is called."""
    start = b""
    for chunk in archive.read(entry):
        if len(start) < 8:
            start += chunk[: 8 - len(start)]
            check_not_program(start, entry.name)
        yield chunk


def _parse(archive: Archive, entry: Entry, scan: XmlScan) -> None:
    try:
        for chunk in _chunks(archive, entry):
            scan.feed(chunk)
        if entry.info.file_size:
            scan.close()
    except BadXml as error:
        raise Refused(archive.damaged, f"{entry.name}: {error}") from None


def _head(archive: Archive, entry: Entry) -> bytes:
    """Unpack a part that is not XML (so its size and CRC are checked); its first bytes."""
    head = b""
    for chunk in _chunks(archive, entry):
        if len(head) < HEAD:
            head += chunk[: HEAD - len(head)]
    return head


def _parse_svg(archive: Archive, entry: Entry) -> None:
    svg = SvgCheck(entry.name)
    _parse(archive, entry, svg.scan())
    svg.finish()


# Word --------------------------------------------------------------------------------------


def _check_ooxml(archive: Archive, *, nested: bool) -> None:
    xml_parts: list[Entry] = []
    svgs: list[Entry] = []
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
        elif extension == _SVG:
            svgs.append(entry)
        elif _word_binary(path, extension):
            others.append(entry)
        else:
            raise Refused(Reason.EMBEDDED, entry.name)

    by_name = {entry.name.casefold(): entry for entry in archive.entries}
    content_types = by_name.get("[content_types].xml")
    if content_types is None:
        raise Refused(Reason.TYPE if not nested else Reason.EMBEDDED, "no [Content_Types].xml")
    defaults, overrides = _content_types(archive, content_types)

    def content_type(name: str) -> str:
        return overrides.get(f"/{name}".casefold()) or defaults.get(_extension(name), "")

    main = _relationships(archive, xml_parts)
    if not nested:
        if main is None or main.casefold() not in by_name:
            raise Refused(archive.damaged, "no main document part")
        main_type = content_type(main)
        if main_type != WORD_MAIN:
            raise Refused(Reason.TYPE, f"main part is {main_type!r}")
    for entry in xml_parts:
        if entry is content_types or entry.name.casefold().endswith(".rels"):
            continue
        _parse(archive, entry, _word_scan())
    for entry in svgs:
        _parse_svg(archive, entry)
    for entry in others:
        _check_word_binary(entry, _head(archive, entry), content_type(entry.name))
    for entry in packages:
        _check_package(archive, entry)


def _word_binary(path: str, extension: str) -> bool:
    """Whether a part that is not XML belongs in a plain Word document: pictures, fonts,
    signatures and the printer settings Word keeps."""
    if extension in _IMAGES or extension in _FONTS or extension in _SCRAMBLED_FONTS:
        return True
    if extension in ("sigs", "psdsxs"):
        return True
    return extension == "bin" and "/printersettings/" in path


def _check_word_binary(entry: Entry, head: bytes, content_type: str) -> None:
    """A picture must start like one, a font like one; a scrambled font must be declared."""
    extension = _extension(entry.name)
    if extension in _IMAGES and not is_picture(head, extension):
        raise Refused(Reason.EMBEDDED, f"{entry.name} is not a picture: {head[:8]!r}")
    if extension in _FONTS and not is_font(head):
        raise Refused(Reason.EMBEDDED, f"{entry.name} is not a font: {head[:8]!r}")
    scrambled = _SCRAMBLED_FONTS.get(extension)
    if scrambled is not None and content_type.casefold() != scrambled:
        raise Refused(Reason.EMBEDDED, f"{entry.name} is {content_type[:80]!r}")


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
            type_uri = attributes.get("Type", "").casefold()
            kind = type_uri.rsplit("/", 1)[-1]
            target = attributes.get("Target", "").strip()
            # Only an absent TargetMode or exactly "Internal" keeps the target in the package.
            mode = attributes.get("TargetMode")
            external = mode is not None and mode != "Internal"
            if kind in ("vbaproject", "wordvbadata", "keymapcustomizations"):
                raise Refused(Reason.DOCX_MACROS, kind)
            if type_uri.endswith(_CUSTOM_UI_TYPES):
                raise Refused(Reason.DOCX_MACROS, type_uri)
            if kind in ("oleobject", "control", "activexcontrol", "activexcontrolbinary"):
                raise Refused(Reason.EMBEDDED, kind)
            if kind == "afchunk":
                raise Refused(Reason.EMBEDDED, "altChunk")
            if kind in ("subdocument", "externallink", "connections"):
                raise Refused(Reason.LINKED, kind)
            if external:
                _check_external(kind, target)
            elif _leaves_package(target):
                raise Refused(Reason.LINKED, f"{kind} → {target[:80]} (internal)")
            elif root and kind == "officedocument":
                main.append(target.lstrip("/"))

        _parse(archive, entry, XmlScan(start))
    return main[0] if main else None


def _check_external(kind: str, target: str) -> None:
    """An external target is allowed for a hyperlink to a web page, an e-mail address or a
    place in the document, and for the template a document was made from when it sits on the
    author's own drive (``file:///C:/…``: Word records it and nothing is fetched from another
    machine). Remote templates, pictures, frames are refused."""
    if kind == "hyperlink":
        if not is_safe_link(target):
            raise Refused(Reason.UNSAFE_LINK, target[:80])
    elif not (kind == "attachedtemplate" and _LOCAL_PATH.match(target)):
        raise Refused(Reason.LINKED, f"{kind} → {target[:80]}")


def _leaves_package(target: str) -> bool:
    """Whether a target said to be inside the package points out of it: a URI scheme (a
    drive letter too), or a network path."""
    return any(
        _SCHEME.match(form.casefold()) or form.startswith(("//", "\\"))
        for form in decoded_forms(target)
    )


def _word_scan() -> XmlScan:
    fields = Fields()
    depth = [0]

    def start(namespace: str, local: str, attributes: dict[str, str]) -> None:
        depth[0] += 1
        if namespace in _CUSTOM_UI_NS:
            raise Refused(Reason.DOCX_MACROS, f"customUI {local}")
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
    data = b"".join(_chunks(archive, entry))
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
    svgs: list[Entry] = []
    others: list[Entry] = []
    for entry in archive.entries[1:]:
        folded = entry.name.casefold()
        folders = folded.split("/")[:-1]
        if _MACRO_FOLDERS.intersection(folders) or folded.rsplit("/", 1)[-1] in _MACRO_FILES:
            raise Refused(Reason.ODT_MACROS, entry.name)  # Basic/ … at any depth
        if folded.endswith("/"):
            continue
        top = folders[0] if folders else ""
        extension = _extension(folded)
        if folded == "meta-inf/macrosignatures.xml":
            raise Refused(Reason.ODT_MACROS, entry.name)
        if extension in _XML:
            xml_parts.append(entry)
        elif extension == _SVG and _odf_picture_folder(top):
            svgs.append(entry)
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
    for entry in svgs:
        _parse_svg(archive, entry)
    for entry in others:
        _check_odf_binary(entry, _head(archive, entry))


def _odf_picture_folder(top: str) -> bool:
    return top in ("pictures", "thumbnails", "configurations2") or top.startswith("object ")


def _odf_binary(name: str, top: str, extension: str) -> bool:
    """Whether a part that is not XML belongs in a plain OpenDocument text: pictures, fonts,
    the thumbnail, a chart's replacement picture (no extension), OpenOffice's layout cache."""
    if _odf_picture_folder(top):
        return extension in _IMAGES
    if top == "fonts":  # fonts embedded by LibreOffice ("Embed fonts in document")
        return extension in _FONTS
    if top == "objectreplacements":
        return extension in _IMAGES or not extension
    return name == "layout-cache"  # written by OpenOffice.org 2 and 3


def _check_odf_binary(entry: Entry, head: bytes) -> None:
    """Pictures (a chart's replacement is a metafile without an extension) and fonts must
    start like what they are."""
    folded = entry.name.casefold()
    extension = _extension(folded)
    if folded.startswith("fonts/"):
        if not is_font(head):
            raise Refused(Reason.EMBEDDED, f"{entry.name} is not a font: {head[:8]!r}")
    elif folded != "layout-cache" and not is_picture(head, extension):
        raise Refused(Reason.EMBEDDED, f"{entry.name} is not a picture: {head[:8]!r}")


def _manifest_start(_namespace: str, local: str, attributes: dict[str, str]) -> None:
    if local == "encryption-data":
        raise Refused(Reason.PASSWORD, "encrypted ODF entry")
    media_type = (attribute(attributes, "media-type") or "").casefold()
    if "oleobject" in media_type:
        raise Refused(Reason.EMBEDDED, media_type)


def _is_external(href: str) -> bool:
    """Whether an ODF reference leaves the package (a scheme, an absolute path, a ``../``),
    as written or percent-decoded."""
    return any(
        _SCHEME.match(form.casefold()) or form.startswith(("/", "\\", "../", "..\\"))
        for form in decoded_forms(href)
    )


_ODF_RULES: dict[str, Callable[[], Refused]] = {
    "script": lambda: Refused(Reason.ODT_MACROS, "office:script"),
    "event-listener": lambda: Refused(Reason.ODT_MACROS, "event listener"),
    "execute-macro": lambda: Refused(Reason.ODT_MACROS, "text:execute-macro"),
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
    if namespace == _SCRIPT_NS or namespace in _BASIC_NS:
        raise Refused(Reason.ODT_MACROS, f"{namespace} {local}")
    rule = _ODF_RULES.get(local)
    if rule is not None:
        raise rule()
    href = None
    for key, value in attributes.items():
        attribute_namespace, name = split(key)
        if attribute_namespace == _SCRIPT_NS or attribute_namespace in _BASIC_NS:
            raise Refused(Reason.ODT_MACROS, f"{attribute_namespace} {name}")
        if attribute_namespace == _XLINK_NS and name == "href":
            href = value.strip()
    if not href:
        return
    if any(form.casefold().startswith(_SCRIPT_LINKS) for form in decoded_forms(href)):
        raise Refused(Reason.ODT_MACROS, href[:80])
    if local == "a":  # a hyperlink (text:a, draw:a): followed only when clicked
        if not is_safe_link(href):
            raise Refused(Reason.UNSAFE_LINK, href[:80])
    elif _is_external(href):
        raise Refused(Reason.LINKED, f"{local} → {href[:80]}")
