"""Checking an uploaded file before anything is stored: size, a clean name, and the real type
decided by the file's structure, not by its first bytes.

A PDF is parsed (``pdf.py``), a Word or OpenDocument file unpacked part by part within limits
(``zips.py``, ``office.py``; its parts judged by their bytes: ``parts.py``; Word fields:
``fields.py``), a picture walked to its end and decoded (``images.py``); a link someone clicks
may open only a web page, an e-mail or a place in the document (``links.py``). What is found
is refused with a message saying what it was and what to do (``refusals.py``). The type and
the extension a file is stored with come from that check. Names: ``names.py``.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass

from flask import current_app, has_app_context
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from trainhub.errors import ValidationFailed
from trainhub.uploads.images import JPEG_START, PNG_SIGNATURE, check_image
from trainhub.uploads.kinds import DOCUMENTS, DOCX, EVIDENCE, JPEG, ODT, PDF, PNG
from trainhub.uploads.limits import Limits, limits_from, megabytes
from trainhub.uploads.names import clean_filename
from trainhub.uploads.office import check_office
from trainhub.uploads.pdf import check_pdf
from trainhub.uploads.refusals import Reason, Refused, message
from trainhub.uploads.zips import looks_like_zip

__all__ = [
    "DOCUMENTS",
    "DOCX",
    "EVIDENCE",
    "JPEG",
    "ODT",
    "PDF",
    "PNG",
    "CheckedFile",
    "FileTooLarge",
    "Limits",
    "Reason",
    "Upload",
    "UploadRefused",
    "check_upload",
    "clean_filename",
    "megabytes",
    "upload_of",
]

log = logging.getLogger(__name__)

_DAMAGED = {
    PDF: Reason.DAMAGED_PDF,
    DOCX: Reason.DAMAGED_DOCX,
    PNG: Reason.DAMAGED_IMAGE,
    JPEG: Reason.DAMAGED_IMAGE,
}

#: An OLE compound file: an old Word .doc, or a Word file encrypted with a password.
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Upload:
    """A file as it arrived: the name the browser sent and the bytes."""

    filename: str
    data: bytes
    #: The form received text where a file was expected: the browser's multipart header for
    #: the file could not be read (a name with a line break in it, sent unescaped).
    unreadable: bool = False


def upload_of(sent: FileStorage | str | None) -> Upload | None:
    """What a form's file field received, read into memory (None when nothing was sent)."""
    if isinstance(sent, str) and sent:
        return Upload("", b"", unreadable=True)
    if sent is None or not isinstance(sent, FileStorage):
        return None
    return Upload(sent.filename or "", sent.read())


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    size: int
    sha256: str
    data: bytes


class FileTooLarge(ValidationFailed):
    """Shown on the form with a 413 status."""


class UploadRefused(ValidationFailed):
    """The file's structure was refused; ``reason`` says what was found."""

    def __init__(self, field: str, message: str, reason: Reason) -> None:
        super().__init__(field, message)
        self.reason = reason


def check_upload(
    upload: Upload | None,
    allowed: Mapping[str, str],
    max_bytes: int,
    field: str = "file",
    *,
    limits: Limits | None = None,
) -> CheckedFile:
    """The file, checked: refuse what is empty, too large, not of an allowed type, or has
    anything in it a plain document or picture does not (see the modules of this package).

    ``limits`` default to the app's ``UPLOAD_MAX_UNPACKED_BYTES`` and
    ``UPLOAD_MAX_IMAGE_PIXELS`` (or built-in values outside an app).
    """
    if upload is not None and upload.unreadable:
        raise ValidationFailed(
            field,
            _(
                "The name of the selected file could not be read. Rename the file using only "
                "letters, numbers and spaces (for example workbook.pdf) and choose it again."
            ),
        )
    if upload is None or not upload.filename:
        raise ValidationFailed(field, _("Choose a file to upload"))
    if not upload.data:
        raise ValidationFailed(field, _("The selected file is empty"))
    if len(upload.data) > max_bytes:
        raise FileTooLarge(
            field, _("The selected file must be smaller than %(mb)s MB", mb=megabytes(max_bytes))
        )
    if limits is None:
        limits = limits_from(current_app.config) if has_app_context() else Limits()
    try:
        content_type = structure_type(upload.data, allowed, limits)
    except Refused as refused:
        log.info("Upload %r refused: %s", upload.filename[:100], refused)
        params = dict(refused.params)
        if refused.reason is Reason.TYPE:
            params["types"] = _types(allowed)
        raise UploadRefused(field, message(refused.reason, **params), refused.reason) from None
    return CheckedFile(
        filename=clean_filename(upload.filename, allowed[content_type]),
        content_type=content_type,
        size=len(upload.data),
        sha256=hashlib.sha256(upload.data).hexdigest(),
        data=upload.data,
    )


def structure_type(data: bytes, allowed: Mapping[str, str], limits: Limits) -> str:
    """The content type ``data`` really is, once its structure has passed every check."""
    if data.startswith(PNG_SIGNATURE):
        claimed = PNG
    elif data.startswith(JPEG_START):
        claimed = JPEG
    elif data.startswith(b"PK\x03\x04"):
        claimed = DOCX  # or ODT: the ZIP's parts decide
    elif data.startswith(_OLE):
        raise Refused(Reason.OLD_WORD if DOCX in allowed else Reason.TYPE, "an OLE file")
    elif b"%PDF" in data[:1024]:
        claimed = PDF
    else:
        raise Refused(Reason.TYPE, repr(data[:8]))
    if claimed == DOCX and not (DOCX in allowed or ODT in allowed):
        raise Refused(Reason.TYPE, "a ZIP")
    if claimed != DOCX and claimed not in allowed:
        raise Refused(Reason.TYPE, claimed)
    try:
        if claimed == DOCX:
            content_type = check_office(data, limits)
        elif claimed == PDF:
            check_pdf(data, limits)
            content_type = PDF
        else:
            check_image(data, claimed, limits)
            content_type = claimed
    except Refused:
        raise
    except Exception as error:  # a file odd enough to trip a checker up is not accepted
        log.warning("Structure check of a %s failed", claimed, exc_info=True)
        raise Refused(_DAMAGED[claimed], f"{type(error).__name__}: {error}") from None
    if content_type not in allowed:
        raise Refused(Reason.TYPE, content_type)
    # A reader of another kind must not find its own file in this one either.
    if content_type != PDF and b"%PDF" in data[:1024]:
        raise Refused(Reason.HIDDEN_DATA, "%PDF in the first kilobyte")
    if content_type not in (DOCX, ODT) and looks_like_zip(data):
        raise Refused(Reason.HIDDEN_DATA, "a ZIP inside")
    return content_type


def _types(allowed: Mapping[str, str]) -> str:
    return ", ".join(sorted(extension.upper() for extension in set(allowed.values())))
