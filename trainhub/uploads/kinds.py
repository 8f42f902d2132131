"""The kinds of file trainhub accepts, by MIME type, and the extension each is saved with."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

PDF: Final = "application/pdf"
DOCX: Final = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT: Final = "application/vnd.oasis.opendocument.text"
PNG: Final = "image/png"
JPEG: Final = "image/jpeg"

#: Workbooks: the type (decided by the file's structure) and the extension it is saved with.
DOCUMENTS: Final[Mapping[str, str]] = {PDF: "pdf", DOCX: "docx", ODT: "odt"}
#: Evidence of learning done elsewhere may also be a photo or scan of a certificate.
EVIDENCE: Final[Mapping[str, str]] = {**DOCUMENTS, PNG: "png", JPEG: "jpg"}
