"""Checking an uploaded file before anything is stored: size, real type, a clean name."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import filetype
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from trainhub.errors import ValidationFailed

PDF: Final = "application/pdf"
DOCX: Final = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT: Final = "application/vnd.oasis.opendocument.text"
PNG: Final = "image/png"
JPEG: Final = "image/jpeg"

#: Workbooks: the type (detected from the content) and the extension it is saved with.
DOCUMENTS: Final[Mapping[str, str]] = {PDF: "pdf", DOCX: "docx", ODT: "odt"}
#: Evidence of learning done elsewhere may also be a photo or scan of a certificate.
EVIDENCE: Final[Mapping[str, str]] = {**DOCUMENTS, PNG: "png", JPEG: "jpg"}


@dataclass(frozen=True)
class Upload:
    """A file as it arrived: the name the browser sent and the bytes."""

    filename: str
    data: bytes


def upload_of(sent: FileStorage | None) -> Upload | None:
    """What a form's file field received, read into memory (None when nothing was sent)."""
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


def check_upload(
    upload: Upload | None, allowed: Mapping[str, str], max_bytes: int, field: str = "file"
) -> CheckedFile:
    """The file, checked: refuse what is empty, too large, of another type or oddly named."""
    if upload is None or not upload.filename:
        raise ValidationFailed(field, _("Choose a file to upload"))
    if "/" in upload.filename or "\\" in upload.filename or "\x00" in upload.filename:
        raise ValidationFailed(
            field,
            _("The file name must not include a folder: rename the file, for example workbook.pdf"),
        )
    if not upload.data:
        raise ValidationFailed(field, _("The selected file is empty"))
    if len(upload.data) > max_bytes:
        raise FileTooLarge(
            field, _("The selected file must be smaller than %(mb)s MB", mb=megabytes(max_bytes))
        )
    kind = filetype.guess(upload.data)
    content_type = kind.mime if kind is not None else ""
    if content_type not in allowed:
        names = ", ".join(sorted(ext.upper() for ext in set(allowed.values())))
        raise ValidationFailed(field, _("The selected file must be a %(types)s", types=names))
    return CheckedFile(
        filename=clean_filename(upload.filename, allowed[content_type]),
        content_type=content_type,
        size=len(upload.data),
        sha256=hashlib.sha256(upload.data).hexdigest(),
        data=upload.data,
    )


def clean_filename(name: str, extension: str) -> str:
    """A name safe to show and to send in a download header, ending in the real extension.

    Letters of any alphabet (Welsh ŵ and ŷ included) are kept; anything else becomes ``_``.
    """
    stem = unicodedata.normalize("NFC", name).rsplit(".", 1)[0]
    stem = re.sub(r"[^\w\- ()]+", "_", stem).strip(" ._")
    stem = re.sub(r"\s+", " ", stem)[:120] or "file"
    return f"{stem}.{extension}"


def megabytes(size: int) -> str:
    """The limit in MB, rounded down to a tenth: a file under the figure shown must pass."""
    tenths = size * 10 // (1024 * 1024)
    whole, tenth = divmod(tenths, 10)
    return f"{whole}.{tenth}" if tenth else str(whole)
