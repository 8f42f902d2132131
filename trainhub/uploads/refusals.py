"""Why a file was refused, and what the person who sent it is told to do about it.

The checkers raise :class:`Refused` with a :class:`Reason`; ``check_upload`` turns it into the
translated message (:func:`message`) on the form's file field. One message per reason, in
plain words: what was found and how to send an acceptable file instead.
"""

from __future__ import annotations

import enum
from typing import Any, assert_never

from flask_babel import gettext as _


class Reason(enum.StrEnum):
    """What the structure check found (stable names: tests and logs use them)."""

    #: Not one of the allowed kinds at all.
    TYPE = "type"
    #: An older Word document (.doc) or a Word file protected with a password (OLE container).
    OLD_WORD = "old_word"
    DAMAGED_PDF = "damaged_pdf"
    DAMAGED_DOCX = "damaged_docx"
    DAMAGED_ODT = "damaged_odt"
    DAMAGED_IMAGE = "damaged_image"
    PASSWORD = "password"  # noqa: S105 - a reason, not a secret
    #: Other data before or after the document (a polyglot: PDF + program, ZIP + PDF …).
    HIDDEN_DATA = "hidden_data"
    #: Bytes after the end of a PNG (IEND) or JPEG (EOI) picture.
    IMAGE_TRAILER = "image_trailer"
    #: More pixels than may be decoded (a decompression bomb, or simply too big a picture).
    PIXELS = "pixels"
    PDF_JAVASCRIPT = "pdf_javascript"
    PDF_LAUNCH = "pdf_launch"
    PDF_ACTIONS = "pdf_actions"
    PDF_ATTACHMENTS = "pdf_attachments"
    PDF_MEDIA = "pdf_media"
    PDF_COMPLEX = "pdf_complex"
    DOCX_MACROS = "docx_macros"
    ODT_MACROS = "odt_macros"
    #: Content loaded from elsewhere: a remote template, a picture on a network share …
    LINKED = "linked"
    #: A link that opens a program or a file when clicked (a path on a drive or a network
    #: share, ``file:``, a program's own scheme such as ``ms-msdt:``), not a web page or e-mail.
    UNSAFE_LINK = "unsafe_link"
    #: Objects or files inside the document: OLE objects, ActiveX controls, programs.
    EMBEDDED = "embedded"
    #: Word field codes that run commands or fetch files (DDE, INCLUDETEXT …).
    FIELDS = "fields"
    #: Too big, too many parts or too compressed once unpacked (a zip bomb).
    UNPACKED = "unpacked"


class Refused(Exception):
    """Raised by a structure check; ``params`` fill the message's placeholders."""

    def __init__(self, reason: Reason, detail: str = "", **params: Any) -> None:
        super().__init__(f"{reason}: {detail}" if detail else str(reason))
        self.reason = reason
        #: What exactly was found, for the log (never shown: it may be attacker-chosen).
        self.detail = detail
        self.params = params


def message(reason: Reason, **params: Any) -> str:
    """The translated message for ``reason``."""
    if reason is Reason.TYPE:
        return _("The selected file must be a %(types)s", **params)
    if reason is Reason.OLD_WORD:
        return _(
            "The selected file is an older Word document (.doc) or is protected with a "
            "password. Open it in Word, remove any password, save it as a Word document "
            "(.docx) and upload that."
        )
    if reason is Reason.DAMAGED_PDF:
        return _(
            "The selected file is damaged or is not really a PDF. Open it, save or print it "
            "as a new PDF and upload that."
        )
    if reason is Reason.DAMAGED_DOCX:
        return _(
            "The selected file is damaged or is not really a Word document. Open it in Word, "
            "save it as a Word document (.docx) and upload it again."
        )
    if reason is Reason.DAMAGED_ODT:
        return _(
            "The selected file is damaged or is not really an OpenDocument text file. Open "
            "it, save it as an OpenDocument text file (.odt) and upload it again."
        )
    if reason is Reason.DAMAGED_IMAGE:
        return _(
            "The selected picture is damaged or is not really a PNG or JPEG. Open it, save it "
            "again as a PNG or JPEG and upload that."
        )
    if reason is Reason.PASSWORD:
        return _(
            "The selected file is protected with a password, so it cannot be checked. Remove "
            "the password, save the file and upload it again."
        )
    if reason is Reason.HIDDEN_DATA:
        return _(
            "The selected file has other data hidden in it, before or after the document, "
            "which cannot be accepted. Open it, save it as a new file and upload that."
        )
    if reason is Reason.IMAGE_TRAILER:
        return _(
            "The selected picture has extra data after the end of the image, which cannot be "
            "accepted. Open it, save it as a new PNG or JPEG (or take a screenshot of it) and "
            "upload that."
        )
    if reason is Reason.PIXELS:
        return _(
            "The selected picture is too big: it has more than %(millions)s million pixels. "
            "Save it at a smaller size and upload it again.",
            **params,
        )
    if reason is Reason.PDF_JAVASCRIPT:
        return _(
            "This PDF contains JavaScript, which cannot be accepted. Print it to a new PDF "
            "(for example with Microsoft Print to PDF) and upload that."
        )
    if reason is Reason.PDF_LAUNCH:
        return _(
            "This PDF tries to start a program or open another file, which cannot be accepted. "
            "Print it to a new PDF (for example with Microsoft Print to PDF) and upload that."
        )
    if reason is Reason.PDF_ACTIONS:
        return _(
            "This PDF opens web pages or sends information by itself, which cannot be "
            "accepted. Print it to a new PDF (for example with Microsoft Print to PDF) and "
            "upload that."
        )
    if reason is Reason.PDF_ATTACHMENTS:
        return _(
            "This PDF has other files attached inside it, which cannot be accepted. Print it "
            "to a new PDF (for example with Microsoft Print to PDF) and upload that."
        )
    if reason is Reason.PDF_MEDIA:
        return _(
            "This PDF contains video, sound or 3D content, which cannot be accepted. Print it "
            "to a new PDF (for example with Microsoft Print to PDF) and upload that."
        )
    if reason is Reason.PDF_COMPLEX:
        return _(
            "This PDF is too complicated to be checked. Print it to a new PDF (for example "
            "with Microsoft Print to PDF) and upload that."
        )
    if reason is Reason.DOCX_MACROS:
        return _(
            "This Word document contains macros, which cannot be accepted. Save it as a Word "
            "document (.docx) without macros and upload it again."
        )
    if reason is Reason.ODT_MACROS:
        return _(
            "This document contains macros or scripts, which cannot be accepted. Copy the "
            "text into a new document, save it and upload that."
        )
    if reason is Reason.LINKED:
        return _(
            "This document loads content from somewhere else, such as a template or picture "
            "on the internet or on a network drive, which cannot be accepted. Put the content "
            "in the document itself (or remove it), save it and upload it again."
        )
    if reason is Reason.UNSAFE_LINK:
        return _(
            "This document contains a link that opens a program or a file on a computer or "
            "network, which cannot be accepted. Remove the link (links to websites and email "
            "addresses are fine), save it and upload it again."
        )
    if reason is Reason.EMBEDDED:
        return _(
            "This document has other files or objects inside it, such as an embedded "
            "spreadsheet, a control or a program, which cannot be accepted. Remove them (paste "
            "a picture of them instead if you need to), save it and upload it again."
        )
    if reason is Reason.FIELDS:
        return _(
            "This Word document contains field codes that can run commands or fetch other "
            "files, which cannot be accepted. Select all the text, press Ctrl+Shift+F9 to turn "
            "the fields into plain text, save it and upload it again."
        )
    if reason is Reason.UNPACKED:
        return _(
            "The selected document is too large once unpacked (more than %(mb)s MB or "
            "%(parts)s parts), or is made to look smaller than it is. Save it again with "
            "smaller pictures and upload it.",
            **params,
        )
    assert_never(reason)
