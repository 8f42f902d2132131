"""The parts inside a Word or OpenDocument file judged by their bytes, not by their names.

A part named as a picture must start like a picture and one named as a font like a font; no
part, whatever it is called, may be a program or an OLE container (an old Office file, a macro
project, an OLE object): ``ObjectReplacements/Object 1`` or ``word/media/image9.png`` must
not carry one. SVG pictures are XML and are read: no scripts or event handlers, nothing
loaded from elsewhere.
"""

from __future__ import annotations

from trainhub.uploads.links import decoded_forms, is_safe_link
from trainhub.uploads.refusals import Reason, Refused
from trainhub.uploads.xmlscan import XmlScan, split

#: How much of a part's start is kept to judge it by (a PICT's header is 512 bytes).
HEAD = 1024

_PROGRAMS: tuple[tuple[bytes, str], ...] = (
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"\xd0\xcf\x11\xe0", "an OLE container"),
    (b"\xfe\xed\xfa\xce", "a Mac program"),
    (b"\xfe\xed\xfa\xcf", "a Mac program"),
    (b"\xce\xfa\xed\xfe", "a Mac program"),
    (b"\xcf\xfa\xed\xfe", "a Mac program"),
    (b"\xca\xfe\xba\xbe", "a Mac program or Java class"),
)

#: (offset, bytes) that start each kind of picture an office document holds.
_PICTURES: tuple[tuple[int, bytes], ...] = (
    (0, b"\x89PNG\r\n\x1a\n"),
    (0, b"\xff\xd8\xff"),  # JPEG
    (0, b"GIF87a"),
    (0, b"GIF89a"),
    (0, b"BM"),  # BMP, DIB
    (0, b"II*\x00"),  # TIFF
    (0, b"MM\x00*"),
    (40, b" EMF"),  # an enhanced metafile's header record
    (0, b"\xd7\xcd\xc6\x9a"),  # a placeable Windows metafile
    (0, b"\x01\x00\x09\x00"),  # a Windows metafile in memory or on disk
    (0, b"\x02\x00\x09\x00"),
    (0, b"VCLMTF"),  # LibreOffice's own metafile (SVM)
    (0, b"\x00\x00\x01\x00"),  # ICO
    (0, b"II\xbc"),  # JPEG XR (HD Photo, .wdp)
)
#: Pictures packed with gzip (a compressed EMF, WMF or SVG).
_GZIPPED = frozenset({"emz", "wmz", "svgz"})
_PICT = frozenset({"pict", "pct"})
#: TrueType, OpenType (CFF), Apple TrueType, Type 1 in an sfnt, a TrueType collection.
_FONTS = (b"\x00\x01\x00\x00", b"OTTO", b"true", b"typ1", b"ttcf")

_SVG_NS = "http://www.w3.org/2000/svg"
#: SVG elements that run script or show another document inside the picture.
_SVG_ACTIVE = frozenset({"script", "foreignobject", "handler", "listener", "iframe", "embed"})
_SVG_DATA = ("data:image/png", "data:image/jpeg", "data:image/jpg", "data:image/gif")


def check_not_program(head: bytes, name: str) -> None:
    """Refuse a part that starts like a program or an OLE container."""
    for magic, what in _PROGRAMS:
        if head.startswith(magic):
            raise Refused(Reason.EMBEDDED, f"{name} is {what}")


def is_picture(head: bytes, extension: str) -> bool:
    """Whether a part starts like a picture (of any kind: Word names some by their source)."""
    if extension in _GZIPPED:
        return head.startswith(b"\x1f\x8b")
    if extension in _PICT:  # version 2 or 1 opcode, after the 512-byte header or without it
        return any(head[start : start + 4] == b"\x00\x11\x02\xff" for start in (10, 522)) or any(
            head[start : start + 2] == b"\x11\x01" for start in (10, 522)
        )
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return True
    return any(head[offset : offset + len(magic)] == magic for offset, magic in _PICTURES)


def is_font(head: bytes) -> bool:
    return head.startswith(_FONTS)


class SvgCheck:
    """An SVG picture's elements, as :class:`XmlScan` reads them."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.seen_root = False

    def scan(self) -> XmlScan:
        return XmlScan(self.start, instruction=self.instruction, named_dtd=True)

    def start(self, namespace: str, local: str, attributes: dict[str, str]) -> None:
        if not self.seen_root:
            if local != "svg" or namespace not in (_SVG_NS, ""):
                raise Refused(Reason.EMBEDDED, f"{self.name} is not an SVG picture")
            self.seen_root = True
        if local.casefold() in _SVG_ACTIVE:
            raise Refused(Reason.EMBEDDED, f"{self.name}: an SVG {local}")
        for key, value in attributes.items():
            attribute = split(key)[1]
            if attribute.casefold().startswith("on"):
                raise Refused(Reason.EMBEDDED, f"{self.name}: an SVG {attribute} handler")
            if attribute != "href":
                continue
            if local == "a":
                if not is_safe_link(value):
                    raise Refused(Reason.UNSAFE_LINK, f"{self.name}: {value[:80]}")
            elif not all(_inside_svg(form) for form in decoded_forms(value)):
                raise Refused(Reason.LINKED, f"{self.name}: {local} → {value[:80]}")

    def instruction(self, target: str, _data: str) -> None:
        if target.casefold() == "xml-stylesheet":  # a style sheet fetched from elsewhere
            raise Refused(Reason.LINKED, f"{self.name}: a style sheet")

    def finish(self) -> None:
        if not self.seen_root:
            raise Refused(Reason.EMBEDDED, f"{self.name} is empty")


def _inside_svg(href: str) -> bool:
    """A reference to an element of the same picture, or a picture written inside it."""
    return href.startswith("#") or href.casefold().startswith(_SVG_DATA)
