"""PDFs, parsed by qpdf (pikepdf) and walked object by object.

Refused: a file qpdf cannot open (a 4-byte ``%PDF`` included); other data before ``%PDF`` or
after the last ``%%EOF`` (a polyglot: a program, a web page or a ZIP glued to a PDF);
JavaScript anywhere (``/JS``, the ``/JavaScript`` name tree, JavaScript actions, XFA forms);
actions that start programs or open other files (``/Launch``, ``/GoToR``, ``/GoToE``, a
``/Thread`` in another file); actions that send or fetch data (``/SubmitForm``,
``/ImportData``), a web address opened by itself (``/URI`` in ``/OpenAction`` or an ``/AA``
trigger) and a link someone clicks that opens anything but a web page or an e-mail (a
``file:`` or network path, a program's scheme: ``links.py``); attached
files (``/EmbeddedFiles``, ``/EmbeddedFile`` streams, ``/EF``, FileAttachment annotations);
video, sound and 3D (RichMedia, 3D, Movie, Sound, Screen).
"""

from __future__ import annotations

import io
import logging

import pikepdf
from pikepdf import ObjectType

from trainhub.uploads.limits import Limits
from trainhub.uploads.links import is_safe_link
from trainhub.uploads.refusals import Reason, Refused

#: PDF's white-space characters (ISO 32000-1, 7.2.2): what may follow the last ``%%EOF``.
WHITESPACE = b"\x00\t\n\x0c\r "
#: Before ``%PDF``: white space and a byte-order mark, as a few careless servers add, and no
#: more (a reader that finds ``%PDF`` up to 1 KB in would open a file with anything there).
_PREFIX_ALLOWANCE = 16
_BOM = b"\xef\xbb\xbf"
_MAX_DEPTH = 64

#: Action types refused wherever they are (a click is enough to do harm).
_ALWAYS = {
    "/JavaScript": Reason.PDF_JAVASCRIPT,
    "/Launch": Reason.PDF_LAUNCH,
    "/GoToR": Reason.PDF_LAUNCH,
    "/GoToE": Reason.PDF_LAUNCH,
    "/SubmitForm": Reason.PDF_ACTIONS,
    "/ImportData": Reason.PDF_ACTIONS,
    "/RichMediaExecute": Reason.PDF_MEDIA,
    "/Rendition": Reason.PDF_MEDIA,
    "/Movie": Reason.PDF_MEDIA,
    "/Sound": Reason.PDF_MEDIA,
}
#: Refused when the PDF does it by itself (on opening, on a page or field event).
_AUTOMATIC = {"/URI": Reason.PDF_ACTIONS, **_ALWAYS}
_MEDIA = frozenset({"/RichMedia", "/3D", "/Movie", "/Sound", "/Screen"})

log = logging.getLogger(__name__)


def check_pdf(data: bytes, limits: Limits) -> None:
    """Return when ``data`` is a clean PDF; raise :class:`Refused` saying what was found."""
    _check_edges(data)
    # Before qpdf reads them all: each object of a PDF is written "n g obj" (or packed in an
    # object stream, counted by the trailer's /Size below).
    if data.count(b"obj") > 2 * limits.pdf_objects:
        raise Refused(Reason.PDF_COMPLEX, "too many objects written")
    try:
        document = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        raise Refused(Reason.PASSWORD, "a user password") from None
    except Exception as error:  # qpdf has many ways to say "damaged"
        raise Refused(Reason.DAMAGED_PDF, f"{type(error).__name__}: {error}") from None
    with document:
        try:
            _Walk(limits).document(document)
        except Refused:
            raise
        except Exception as error:  # an object qpdf could not read, a loop, a bad stream
            raise Refused(Reason.DAMAGED_PDF, f"{type(error).__name__}: {error}") from None


def _check_edges(data: bytes) -> None:
    start = data.find(b"%PDF", 0, 1024)
    if start < 0:
        raise Refused(Reason.DAMAGED_PDF, "no %PDF header")
    prefix = data[:start].removeprefix(_BOM)
    if start > _PREFIX_ALLOWANCE or prefix.strip(WHITESPACE):
        raise Refused(Reason.HIDDEN_DATA, f"{start} bytes before %PDF")
    end = data.rfind(b"%%EOF")
    if end < 0:
        raise Refused(Reason.DAMAGED_PDF, "no %%EOF")
    if data[end + 5 :].strip(WHITESPACE):
        raise Refused(Reason.HIDDEN_DATA, f"{len(data) - end - 5} bytes after %%EOF")


class _Walk:
    """Every object of the document, and the direct objects inside each, within a budget."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.nodes = 0

    def document(self, document: pikepdf.Pdf) -> None:
        try:
            declared = int(document.trailer.get("/Size", 0))
        except (TypeError, ValueError):
            declared = 0
        if declared > self.limits.pdf_objects + 1:
            raise Refused(Reason.PDF_COMPLEX, f"/Size {declared}")
        objects = document.objects
        if len(objects) > self.limits.pdf_objects:
            raise Refused(Reason.PDF_COMPLEX, f"{len(objects)} objects")
        for obj in objects:
            self.visit(obj, 0)
        self.visit(document.trailer, 0)

    def count(self) -> None:
        self.nodes += 1
        if self.nodes > self.limits.pdf_nodes:
            raise Refused(Reason.PDF_COMPLEX, f"over {self.limits.pdf_nodes} nodes")

    def visit(self, obj: object, depth: int) -> None:
        """Check ``obj``; go into its direct parts (indirect ones are visited on their own)."""
        if not isinstance(obj, pikepdf.Object):
            return
        self.count()
        if depth > _MAX_DEPTH:
            raise Refused(Reason.PDF_COMPLEX, "nested too deep")
        kind = obj._type_code
        if kind in (ObjectType.dictionary, ObjectType.stream):
            self.dictionary(obj)
            for _key, value in obj.items():
                if isinstance(value, pikepdf.Object) and not value.is_indirect:
                    self.visit(value, depth + 1)
        elif kind == ObjectType.array:
            for value in obj:
                if isinstance(value, pikepdf.Object) and not value.is_indirect:
                    self.visit(value, depth + 1)

    def dictionary(self, obj: pikepdf.Object) -> None:
        keys = set(obj.keys())
        if keys & {"/JS", "/JavaScript", "/XFA"}:
            raise Refused(Reason.PDF_JAVASCRIPT, ", ".join(sorted(keys & {"/JS", "/XFA"})))
        if keys & {"/EmbeddedFiles", "/EF"}:
            raise Refused(Reason.PDF_ATTACHMENTS, "embedded files")
        kind = _name(obj.get("/Type"))
        subtype = _name(obj.get("/Subtype"))
        if kind == "/EmbeddedFile" or subtype == "/FileAttachment":
            raise Refused(Reason.PDF_ATTACHMENTS, kind or subtype)
        if subtype in _MEDIA or kind in _MEDIA:
            raise Refused(Reason.PDF_MEDIA, subtype or kind)
        action = _name(obj.get("/S"))
        if action in _ALWAYS:
            raise Refused(_ALWAYS[action], action)
        if action == "/Thread" and "/F" in keys:  # an article thread in another file
            raise Refused(Reason.PDF_LAUNCH, "/Thread in another file")
        if action == "/URI" and "/URI" in keys:
            self.link(obj.get("/URI"))
        if "/Base" in keys:  # the catalogue's base for relative links (a share would do)
            self.link(obj.get("/Base"))
        if "/OpenAction" in keys:
            self.automatic(obj.get("/OpenAction"), 0)
        if "/AA" in keys:
            triggers = obj.get("/AA")
            if isinstance(triggers, pikepdf.Object) and triggers._type_code == (
                ObjectType.dictionary
            ):
                for _trigger, action_ in triggers.items():
                    self.automatic(action_, 0)

    @staticmethod
    def link(uri: object) -> None:
        """A link someone may click: a web page, an e-mail, or a place in the document."""
        if not (_is_string(uri) and is_safe_link(str(uri))):
            raise Refused(Reason.UNSAFE_LINK, f"/URI {str(uri)[:80]}")

    def automatic(self, action: object, depth: int) -> None:
        """An action the viewer runs by itself, with the actions chained after it (``/Next``)."""
        if not isinstance(action, pikepdf.Object) or depth > _MAX_DEPTH:
            return
        self.count()
        if action._type_code == ObjectType.array:  # a destination, or a list of /Next actions
            for item in action:
                if isinstance(item, pikepdf.Object) and item._type_code == ObjectType.dictionary:
                    self.automatic(item, depth + 1)
            return
        if action._type_code != ObjectType.dictionary:
            return
        name = _name(action.get("/S"))
        if name in _AUTOMATIC:
            raise Refused(_AUTOMATIC[name], f"{name} run by itself")
        self.automatic(action.get("/Next"), depth + 1)


def _is_string(value: object) -> bool:
    return isinstance(value, pikepdf.Object) and value._type_code == ObjectType.string


def _name(value: object) -> str:
    """A PDF name as text (``"/JavaScript"``), or "" for anything else."""
    if isinstance(value, pikepdf.Object) and value._type_code == ObjectType.name_:
        return str(value)
    return ""
