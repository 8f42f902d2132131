"""Files built from bytes by the tests: PDFs written object by object (so a test controls
every byte), Word and OpenDocument files assembled part by part, pictures drawn by Pillow.

Nothing here is a checked-in binary: every corpus file (tests/uploads/corpus.py) and every
"real minimal" document the other tests upload comes from these builders.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

from PIL import Image

# PDF ---------------------------------------------------------------------------------------

PDF_HEADER = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"


def raw_pdf(
    objects: Iterable[bytes],
    *,
    header: bytes = PDF_HEADER,
    trailer: bytes = b"",
    comment: bytes = b"",
) -> bytes:
    """A PDF whose objects are exactly ``objects`` (object 1 is the catalogue), with a correct
    cross-reference table; ``comment`` goes in a comment line before ``%%EOF`` (it makes
    distinct files without touching the structure)."""
    out = bytearray(header)
    offsets = []
    bodies = list(objects)
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n" % (
        len(bodies) + 1,
        trailer,
        xref,
    )
    if comment:
        out += b"% " + comment.replace(b"\n", b" ").replace(b"\r", b" ") + b"\n"
    out += b"%%EOF\n"
    return bytes(out)


def stream(content: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n%s\nendstream" % (len(content), extra, content)


def page_pdf(
    *,
    catalog: bytes = b"",
    page: bytes = b"",
    extra: Iterable[bytes] = (),
    content: bytes = b"BT /F1 12 Tf 72 720 Td (Reflective account) Tj ET",
    trailer: bytes = b"",
    comment: bytes = b"",
    header: bytes = PDF_HEADER,
) -> bytes:
    """A one-page PDF with some text. Objects 1–5 are the catalogue, the page tree, the page,
    its content and its font; ``extra`` objects are numbered from 6, so ``catalog`` and
    ``page`` (keys added to those dictionaries) can point at them as ``6 0 R`` …"""
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R %s>>" % catalog,
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> %s>>" % page,
            stream(content),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            *extra,
        ],
        trailer=trailer,
        comment=comment,
        header=header,
    )


def minimal_pdf(note: str = "") -> bytes:
    """The smallest real PDF: one page, a line of text; ``note`` makes distinct bytes."""
    return page_pdf(comment=note.encode())


def padded_pdf(size: int) -> bytes:
    """A clean PDF of exactly ``size`` bytes, the padding inside a stream object."""
    empty = page_pdf(extra=[stream(b"")])
    pad = size - len(empty)
    if pad < 0:
        raise ValueError(f"{size} bytes is smaller than the smallest padded PDF")
    # The stream's /Length grows with the padding's number of digits: settle it.
    for _attempt in range(3):
        built = page_pdf(extra=[stream(b"%" * pad)])
        pad += size - len(built)
    built = page_pdf(extra=[stream(b"%" * pad)])
    assert len(built) == size, (len(built), size)
    return built


def pikepdf_pdf(**save: object) -> bytes:
    """A blank-page PDF written by qpdf (object streams, compressed xref with ``save``)."""
    import pikepdf

    document = pikepdf.new()
    document.add_blank_page()
    buffer = io.BytesIO()
    document.save(buffer, static_id=True, **save)  # type: ignore[arg-type]
    return buffer.getvalue()


@cache
def weasyprint_pdf() -> bytes:
    """A PDF as trainhub itself writes them, with a web link and a link inside the document."""
    from weasyprint import HTML

    html = (
        "<h1>Level 3 workbook</h1><p>Family A (anonymised). See "
        '<a href="https://www.gov.wales/">the guidance</a> and <a href="#plan">the plan</a>.</p>'
        '<h2 id="plan">Plan</h2><p>Weekly visits.</p>'
    )
    result: bytes = HTML(string=html).write_pdf()
    return result


# ZIP ---------------------------------------------------------------------------------------


def zip_of(
    parts: Mapping[str, bytes | str],
    *,
    compression: int = zipfile.ZIP_DEFLATED,
    stored: Iterable[str] = ("mimetype",),
) -> bytes:
    """A ZIP of ``parts`` in their order; ``stored`` names are not compressed."""
    keep = set(stored)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 3, 27, 9, 30, 0))
            info.compress_type = zipfile.ZIP_STORED if name in keep else compression
            archive.writestr(info, content)
    return buffer.getvalue()


def patch_zip(
    data: bytes, name: str, *, size: int | None = None, flags: int | None = None
) -> bytes:
    """Make the headers of entry ``name`` lie: another unpacked ``size``, other ``flags``."""
    out = bytearray(data)
    encoded = name.encode()
    central = out.find(b"PK\x01\x02")
    while central >= 0:
        name_length = struct.unpack("<H", out[central + 28 : central + 30])[0]
        if out[central + 46 : central + 46 + name_length] == encoded:
            (local,) = struct.unpack("<I", out[central + 42 : central + 46])
            if size is not None:
                struct.pack_into("<I", out, central + 24, size)
                struct.pack_into("<I", out, local + 22, size)
            if flags is not None:
                struct.pack_into("<H", out, central + 8, flags)
                struct.pack_into("<H", out, local + 6, flags)
            return bytes(out)
        central = out.find(b"PK\x01\x02", central + 4)
    raise KeyError(name)


@dataclass(frozen=True)
class RawEntry:
    """One entry of a ZIP written byte by byte by :func:`raw_zip`."""

    name: str
    data: bytes | str
    deflate: bool = True
    #: Whether the CRC and sizes follow the data in a descriptor (with its signature, or
    #: "bare" without), the local header holding zeros; None: in the local header.
    descriptor: str | None = None
    #: General-purpose flags besides the descriptor's (bit 3), e.g. 0x800 (UTF-8 names).
    flags: int = 0
    local_extra: bytes = b""
    central_extra: bytes = b""
    comment: bytes = b""
    #: 2026-03-27 09:30 in MS-DOS form.
    dos_time: int = 0x4BC0
    dos_date: int = 0x5C7B
    #: Local header fields that say something else than the central directory (a lying ZIP):
    #: name (bytes), flags, method, crc, compress_size, file_size.
    local: Mapping[str, object] = field(default_factory=dict)
    #: Data descriptor fields that say something else: crc, compress_size, file_size.
    descriptor_says: Mapping[str, int] = field(default_factory=dict)


def raw_zip(entries: Iterable[RawEntry]) -> bytes:
    """A ZIP of ``entries``, every header field under the test's control."""
    out = bytearray()
    directory = bytearray()
    count = 0
    for entry in entries:
        count += 1
        data = entry.data.encode() if isinstance(entry.data, str) else entry.data
        name = entry.name.encode()
        flags = entry.flags | (0x8 if entry.descriptor else 0)
        if not entry.name.isascii():
            flags |= 0x800
        if entry.deflate:
            packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
            packed = packer.compress(data) + packer.flush()
        else:
            packed = data
        method = 8 if entry.deflate else 0
        crc = zlib.crc32(data)
        fields: dict[str, object] = {
            "name": name,
            "flags": flags,
            "method": method,
            "crc": 0 if entry.descriptor else crc,
            "compress_size": 0 if entry.descriptor else len(packed),
            "file_size": 0 if entry.descriptor else len(data),
            **entry.local,
        }
        local_name = fields["name"]
        assert isinstance(local_name, bytes)
        offset = len(out)
        out += struct.pack(
            "<4sHHHHHIIIHH",
            b"PK\x03\x04",
            20,
            fields["flags"],
            fields["method"],
            entry.dos_time,
            entry.dos_date,
            fields["crc"],
            fields["compress_size"],
            fields["file_size"],
            len(local_name),
            len(entry.local_extra),
        )
        out += local_name + entry.local_extra + packed
        if entry.descriptor:
            says = {"crc": crc, "compress_size": len(packed), "file_size": len(data)}
            says.update(entry.descriptor_says)
            if entry.descriptor != "bare":
                out += b"PK\x07\x08"
            out += struct.pack("<III", says["crc"], says["compress_size"], says["file_size"])
        directory += struct.pack(
            "<4sHHHHHHIIIHHHHHII",
            b"PK\x01\x02",
            0x2D,
            20,
            flags,
            method,
            entry.dos_time,
            entry.dos_date,
            crc,
            len(packed),
            len(data),
            len(name),
            len(entry.central_extra),
            len(entry.comment),
            0,
            0,
            0,
            offset,
        )
        directory += name + entry.central_extra + entry.comment
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, count, count, len(directory), len(out), 0)
    return bytes(out + directory + end)


#: The padding Word reserves in its first local header (System.IO.Packaging's "growth
#: hint", extra field 0xA220): signature 0xA028, 512 bytes asked for, 512 zero bytes.
GROWTH_HINT = struct.pack("<HHHH", 0xA220, 516, 0xA028, 512) + bytes(512)


def word_docx(parts: Mapping[str, bytes | str] | None = None) -> bytes:
    """A DOCX laid out as Word writes it: every part deflated, flags 6 (the "super fast"
    deflate option), dated 1 January 1980, no data descriptors, and the growth-hint padding in
    the local header of the first part, ``[Content_Types].xml``."""
    chosen = docx_parts() if parts is None else parts
    return raw_zip(
        RawEntry(
            name,
            content,
            flags=0x6,
            dos_time=0,
            dos_date=0x21,
            local_extra=GROWTH_HINT if index == 0 else b"",
        )
        for index, (name, content) in enumerate(chosen.items())
    )


def padded_docx(size: int) -> bytes:
    """A Word-written DOCX of exactly ``size`` bytes, the padding in a stored XML part."""

    def built(pad: int) -> bytes:
        parts = {**docx_parts(), "customXml/item1.xml": "<a>" + " " * pad + "</a>"}
        return raw_zip(
            RawEntry(name, content, deflate=name != "customXml/item1.xml", flags=0x6)
            for name, content in parts.items()
        )

    pad = size - len(built(0))
    if pad < 0:
        raise ValueError(f"{size} bytes is smaller than the smallest padded DOCX")
    padded = built(pad)
    assert len(padded) == size, (len(padded), size)
    return padded


class _Unseekable(io.RawIOBase):
    """A stream zipfile cannot seek back in, so it writes data descriptors."""

    def __init__(self) -> None:
        self.written = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.written += data
        return len(data)


def streamed_zip(
    parts: Mapping[str, bytes | str], *, stored: Iterable[str] = ("mimetype",)
) -> bytes:
    """A ZIP as a writer streaming to a pipe or a web response writes it (Java, Apache POI,
    .NET to a non-seekable stream): every entry's CRC and sizes in a data descriptor."""
    keep = set(stored)
    stream = _Unseekable()
    with zipfile.ZipFile(stream, "w") as archive:
        for name, content in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 3, 27, 9, 30, 0))
            info.compress_type = zipfile.ZIP_STORED if name in keep else zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return bytes(stream.written)


# Word --------------------------------------------------------------------------------------

WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"

DOCX_BODY = (
    '<w:p><w:r><w:t xml:space="preserve">Reflective account, family A (anonymised). </w:t></w:r>'
    '<w:hyperlink r:id="rIdLink"><w:r><w:t>Guidance</w:t></w:r></w:hyperlink></w:p>'
    '<w:p><w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p>'
    '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">'
    ' HYPERLINK "https://www.gov.wales/" </w:instrText></w:r><w:r><w:fldChar '
    'w:fldCharType="separate"/></w:r><w:r><w:t>gov.wales</w:t></w:r><w:r><w:fldChar '
    'w:fldCharType="end"/></w:r></w:p>'
    '<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/'
    'drawingml/2006/wordprocessingDrawing"><wp:extent cx="95250" cy="95250"/><wp:docPr id="1" '
    'name="Picture 1"/><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/'
    'main"><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
    '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
    '<pic:blipFill><a:blip r:embed="rIdImg"/></pic:blipFill></pic:pic></a:graphicData>'
    "</a:graphic></wp:inline></w:drawing></w:r></w:p>"
)
SECTION = '<w:sectPr><w:headerReference w:type="default" r:id="rIdHdr"/></w:sectPr>'


def word_xml(root: str, body: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:{root} xmlns:w="{W}" xmlns:r="{R}" '
        'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">'
        f"{body}</w:{root}>"
    )


def document_xml(body: str = DOCX_BODY) -> str:
    return word_xml("document", f"<w:body>{body}{SECTION}</w:body>")


def relationships(*rels: tuple[str, str, str] | tuple[str, str, str, str]) -> str:
    """``(id, type (after …/relationships/), target[, mode])``."""
    items = []
    for rel in rels:
        rid, kind, target = rel[:3]
        mode = f' TargetMode="{rel[3]}"' if len(rel) > 3 else ""
        uri = kind if kind.startswith("http") else f"{REL}/{kind}"
        items.append(f'<Relationship Id="{rid}" Type="{uri}" Target="{target}"{mode}/>')
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<Relationships xmlns="{PKG_REL}">{"".join(items)}</Relationships>'
    )


DOCUMENT_RELS: tuple[tuple[str, ...], ...] = (
    ("rIdStyles", "styles", "styles.xml"),
    ("rIdSettings", "settings", "settings.xml"),
    ("rIdHdr", "header", "header1.xml"),
    ("rIdImg", "image", "media/image1.png"),
    ("rIdLink", "hyperlink", "https://www.gov.wales/", "External"),
)


def content_types(*, main: str = WORD_MAIN, extra: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<Types xmlns="{CT}">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="png" ContentType="image/png"/>'
        f'<Override PartName="/word/document.xml" ContentType="{main}"/>'
        '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.styles+xml"/>'
        '<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.settings+xml"/>'
        '<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.header+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
        'package.core-properties+xml"/>'
        f"{extra}</Types>"
    )


def docx_parts(
    *,
    body: str = DOCX_BODY,
    rels: Iterable[tuple[str, ...]] = DOCUMENT_RELS,
    main: str = WORD_MAIN,
    types_extra: str = "",
    header: str = "<w:p><w:r><w:t>Level 3 workbook</w:t></w:r></w:p>",
) -> dict[str, bytes | str]:
    """The parts of a plain Word document: text, a hyperlink, a header, a picture, fields."""
    return {
        "[Content_Types].xml": content_types(main=main, extra=types_extra),
        "_rels/.rels": relationships(
            ("rId1", "officeDocument", "word/document.xml"),
            (
                "rId2",
                "http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
                "core-properties",
                "docProps/core.xml",
            ),
        ),
        "word/document.xml": document_xml(body),
        "word/_rels/document.xml.rels": relationships(*rels),  # type: ignore[arg-type]
        "word/styles.xml": word_xml("styles", ""),
        "word/settings.xml": word_xml("settings", '<w:zoom w:percent="100"/>'),
        "word/header1.xml": word_xml("hdr", header),
        "word/media/image1.png": png_bytes((3, 3)),
        "docProps/core.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.'
            'openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/'
            'dc/elements/1.1/"><dc:title>Workbook</dc:title></cp:coreProperties>'
        ),
    }


def docx_bytes(**options: object) -> bytes:
    """A plain Word document (see :func:`docx_parts`)."""
    return zip_of(docx_parts(**options))  # type: ignore[arg-type]


# OpenDocument ------------------------------------------------------------------------------

ODT_MIMETYPE = "application/vnd.oasis.opendocument.text"
ODF_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
    'xmlns:form="urn:oasis:names:tc:opendocument:xmlns:form:1.0" '
    'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" '
    'xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.3"'
)
ODT_TEXT = (
    "<text:p>Reflective account, family A (anonymised). "
    '<text:a xlink:type="simple" xlink:href="https://www.gov.wales/">Guidance</text:a></text:p>'
    '<text:p><draw:frame draw:name="Picture 1" svg:width="1cm" svg:height="1cm">'
    '<draw:image xlink:href="Pictures/picture.png" xlink:type="simple" xlink:show="embed" '
    'xlink:actuate="onLoad"/></draw:frame></text:p>'
)


def odf_xml(root: str, inner: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><office:{root} {ODF_NAMESPACES}>'
        f"{inner}</office:{root}>"
    )


def content_xml(text: str = ODT_TEXT, *, before: str = "<office:scripts/>") -> str:
    return odf_xml(
        "document-content", f"{before}<office:body><office:text>{text}</office:text></office:body>"
    )


def manifest(names: Iterable[str], *, extra: str = "") -> str:
    entries = "".join(
        f'<manifest:file-entry manifest:full-path="{name}" manifest:media-type=""/>'
        for name in names
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:'
        'names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODT_MIMETYPE}"/>'
        f"{entries}{extra}</manifest:manifest>"
    )


def odt_parts(
    *,
    content: str | None = None,
    styles: str | None = None,
    mimetype: str = ODT_MIMETYPE,
    extra: Mapping[str, bytes | str] | None = None,
    manifest_extra: str = "",
) -> dict[str, bytes | str]:
    """The parts of a plain OpenDocument text: text, a hyperlink, a picture, a thumbnail."""
    parts: dict[str, bytes | str] = {
        "mimetype": mimetype,
        "content.xml": content if content is not None else content_xml(),
        "styles.xml": styles
        if styles is not None
        else odf_xml("document-styles", "<office:styles/>"),
        "meta.xml": odf_xml("document-meta", "<office:meta/>"),
        "settings.xml": odf_xml("document-settings", "<office:settings/>"),
        "Pictures/picture.png": png_bytes((3, 3)),
        "Thumbnails/thumbnail.png": png_bytes((8, 8)),
    }
    parts.update(extra or {})
    parts["META-INF/manifest.xml"] = manifest(
        [n for n in parts if n != "mimetype"], extra=manifest_extra
    )
    return parts


def odt_bytes(**options: object) -> bytes:
    """A plain OpenDocument text (see :func:`odt_parts`)."""
    return zip_of(odt_parts(**options))  # type: ignore[arg-type]


#: The RDF metadata LibreOffice writes beside the manifest.
MANIFEST_RDF = (
    '<?xml version="1.0" encoding="utf-8"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
    '22-rdf-syntax-ns#"><rdf:Description rdf:about="content.xml"><rdf:type rdf:resource="http'
    '://docs.oasis-open.org/ns/office/1.2/meta/odf#ContentFile"/></rdf:Description></rdf:RDF>'
)
#: The empty folders LibreOffice keeps for a document's own toolbars and menus.
CONFIGURATION_FOLDERS = tuple(
    f"Configurations2/{folder}/"
    for folder in (
        "progressbar",
        "floater",
        "popupmenu",
        "toolpanel",
        "menubar",
        "toolbar",
        "images/Bitmaps",
        "statusbar",
    )
)


def libreoffice_odt(**options: object) -> bytes:
    """An ODT laid out as LibreOffice 7 writes it (copied from one it saved): names flagged
    UTF-8, mimetype first and stored, the large XML parts deflated with a data descriptor
    (signed, zeros in the local header), meta.xml and pictures stored, an empty deflated
    accelerator list and empty Configurations2 folders, the manifest last."""
    parts = odt_parts(
        extra={"manifest.rdf": MANIFEST_RDF, "Configurations2/accelerator/current.xml": ""},
        **options,  # type: ignore[arg-type]
    )
    described = {"content.xml", "styles.xml", "settings.xml", "META-INF/manifest.xml"}
    stored = {"mimetype", "meta.xml"}
    entries = []
    for name, content in parts.items():
        entries.append(
            RawEntry(
                name,
                content,
                deflate=name not in stored and not name.endswith(".png"),
                descriptor="signed" if name in described else None,
                flags=0x800,
            )
        )
        if name == "Configurations2/accelerator/current.xml":
            entries += [
                RawEntry(folder, b"", deflate=False, flags=0x800)
                for folder in CONFIGURATION_FOLDERS
            ]
    return raw_zip(entries)


def info_zip_docx() -> bytes:
    """A DOCX zipped again with Info-ZIP (``zip -r``): an extended timestamp and the Unix
    owner in every header (local: modification and access times; central: modification)."""
    timestamp = struct.pack("<HHBII", 0x5455, 9, 3, 1774603800, 1774603800)
    owner = struct.pack("<HHBBIBI", 0x7875, 11, 1, 4, 1000, 4, 1000)
    central_timestamp = struct.pack("<HHBI", 0x5455, 5, 3, 1774603800)
    return raw_zip(
        RawEntry(
            name,
            content,
            local_extra=timestamp + owner,
            central_extra=central_timestamp + owner,
        )
        for name, content in docx_parts().items()
    )


# Pictures ----------------------------------------------------------------------------------


def png_bytes(size: tuple[int, int] = (16, 12), mode: str = "RGB") -> bytes:
    picture = Image.new(mode, size, _colour(mode))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes(size: tuple[int, int] = (32, 24), **save: object) -> bytes:
    picture = Image.new("RGB", size, (30, 110, 60))
    for x in range(0, size[0], 3):
        picture.putpixel((x, x % size[1]), (250, 250, 250))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85, **save)
    return buffer.getvalue()


def _colour(mode: str) -> int | tuple[int, ...]:
    return {"RGB": (30, 110, 60), "RGBA": (30, 110, 60, 200), "L": 128, "1": 1, "P": 3}[mode]


def jpeg_with_thumbnail(size: tuple[int, int] = (64, 48)) -> bytes:
    """A JPEG whose EXIF (APP1) holds a thumbnail JPEG, with its own end-of-image marker."""
    thumbnail = jpeg_bytes((16, 12))
    # A little-endian TIFF: IFD0 (orientation) → IFD1 (the thumbnail's offset and length).
    ifd0 = struct.pack("<H", 1) + struct.pack("<HHII", 0x0112, 3, 1, 1) + struct.pack("<I", 26)
    ifd1 = (
        struct.pack("<H", 3)
        + struct.pack("<HHII", 0x0103, 3, 1, 6)
        + struct.pack("<HHII", 0x0201, 4, 1, 68)
        + struct.pack("<HHII", 0x0202, 4, 1, len(thumbnail))
        + struct.pack("<I", 0)
    )
    tiff = b"II*\x00" + struct.pack("<I", 8) + ifd0 + ifd1 + thumbnail
    app1 = b"\xff\xe1" + struct.pack(">H", len(tiff) + 8) + b"Exif\x00\x00" + tiff
    main = jpeg_bytes(size)
    return main[:2] + app1 + main[2:]


def mpo_bytes() -> bytes:
    """A Multi-Picture JPEG (as many cameras write): a second picture after the first."""
    first = Image.new("RGB", (32, 24), (30, 110, 60))
    second = Image.new("RGB", (16, 12), (200, 20, 20))
    buffer = io.BytesIO()
    first.save(buffer, "MPO", save_all=True, append_images=[second])
    return buffer.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width: int, height: int, *, bit_depth: int = 1, colour: int = 0) -> bytes:
    """A PNG of ``width`` × ``height`` blank pixels: tiny packed, enormous decoded."""
    row = b"\x00" + bytes((width * bit_depth * {0: 1, 2: 3, 6: 4}[colour] + 7) // 8)
    packer = zlib.compressobj(9)
    block = row * max(1, 4096 // len(row))
    rows_per_block = len(block) // len(row)
    packed = bytearray()
    for _start in range(0, height - height % rows_per_block, rows_per_block):
        packed += packer.compress(block)
    packed += packer.compress(row * (height % rows_per_block))
    packed += packer.flush()
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", bytes(packed))
        + png_chunk(b"IEND", b"")
    )


def picture_bytes(kind: str, size: tuple[int, int] = (6, 4)) -> bytes:
    """A small picture saved by Pillow as ``kind`` (GIF, BMP, TIFF, ICO …)."""
    picture = Image.new("RGB", size, (30, 110, 60))
    buffer = io.BytesIO()
    picture.save(buffer, kind)
    return buffer.getvalue()


#: The start of an enhanced metafile: its header record (type 1, 108 bytes, bounds and
#: frame), the " EMF" signature at offset 40, then the rest of the header and an EOF record.
EMF = (
    struct.pack("<II4i4i", 1, 108, 0, 0, 10, 10, 0, 0, 254, 254)
    + b" EMF"
    + struct.pack("<IIIHH", 0x10000, 128, 2, 1, 0)
    + bytes(108 - 52)
    + struct.pack("<IIIII", 14, 20, 0, 16, 20)
)
#: A placeable Windows metafile (key D7CDC69A, then the bounding box), and a bare one.
WMF_PLACEABLE = (
    b"\xd7\xcd\xc6\x9a"
    + struct.pack("<HhhhhHIH", 0, 0, 0, 100, 100, 1440, 0, 0)
    + struct.pack("<HHHIHIH", 1, 9, 0x300, 12, 0, 3, 0)
    + struct.pack("<IH", 3, 0)
)
WMF = struct.pack("<HHHIHIH", 1, 9, 0x300, 12, 0, 3, 0) + struct.pack("<IH", 3, 0)
#: LibreOffice's own metafile (StarView), as a chart's replacement picture.
SVM = b"VCLMTF" + struct.pack("<HI", 1, 0x31) + bytes(40)
#: A TrueType font's table directory (no tables): enough to be known for a font.
TTF = b"\x00\x01\x00\x00" + struct.pack(">HHHH", 0, 0, 0, 0)

SVG = (
    '<?xml version="1.0" encoding="UTF-8"?><svg xmlns="http://www.w3.org/2000/svg" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10" viewBox="0 0 10 10">'
    '<defs><linearGradient id="g"><stop offset="0" stop-color="#1e6e3c"/></linearGradient>'
    '</defs><rect width="10" height="10" fill="url(#g)"/><use xlink:href="#g"/>'
    '<a href="https://www.gov.wales/"><circle cx="5" cy="5" r="2"/></a></svg>'
)
SVG_WITH_DOCTYPE = (
    '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
    '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg xmlns="http://www.w3.org/2000/svg"'
    ' width="10" height="10"><rect width="10" height="10"/></svg>'
)


def svg(inner: str, *, attributes: str = "") -> str:
    """An SVG picture with ``inner`` elements (and ``attributes`` on its root)."""
    return (
        '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" '
        f'xmlns:xlink="http://www.w3.org/1999/xlink" {attributes}>{inner}</svg>'
    )
