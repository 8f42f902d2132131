"""Checking an upload before anything is stored: the real type, the size, a clean name.

The structure checks themselves (hostile PDFs, Word and OpenDocument files, pictures) are
tested over the whole corpus in tests/uploads/.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
import zipfile

import pytest

from tests.accreditation.helpers import (
    EXE_BYTES,
    JPEG_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    docx_bytes,
    odt_bytes,
)
from trainhub.errors import ValidationFailed
from trainhub.uploads import (
    DOCUMENTS,
    DOCX,
    EVIDENCE,
    JPEG,
    ODT,
    PDF,
    PNG,
    FileTooLarge,
    Upload,
    check_upload,
    clean_filename,
)

MB = 1024 * 1024


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "not a document")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "content_type", "saved_as"),
    [
        ("workbook.pdf", PDF_BYTES, PDF, "workbook.pdf"),
        ("workbook.docx", docx_bytes(), DOCX, "workbook.docx"),
        ("workbook.odt", odt_bytes(), ODT, "workbook.odt"),
        ("workbook", PDF_BYTES, PDF, "workbook.pdf"),
        ("workbook.docx", PDF_BYTES, PDF, "workbook.pdf"),
    ],
)
def test_documents_are_recognised_by_their_content(
    name: str, data: bytes, content_type: str, saved_as: str
) -> None:
    checked = check_upload(Upload(name, data), DOCUMENTS, MB)

    assert checked.content_type == content_type
    assert checked.filename == saved_as
    assert checked.size == len(data)
    assert checked.sha256 == hashlib.sha256(data).hexdigest()
    assert checked.data == data


@pytest.mark.parametrize(
    ("data", "content_type", "extension"), [(PNG_BYTES, PNG, "png"), (JPEG_BYTES, JPEG, "jpg")]
)
def test_evidence_may_be_a_photo_but_a_workbook_may_not(
    data: bytes, content_type: str, extension: str
) -> None:
    checked = check_upload(Upload("scan.jpeg", data), EVIDENCE, MB, field="evidence")

    with pytest.raises(ValidationFailed) as refused:
        check_upload(Upload("scan.pdf", data), DOCUMENTS, MB)

    assert checked.content_type == content_type
    assert checked.filename == f"scan.{extension}"
    assert refused.value.message == "The selected file must be a DOCX, ODT, PDF"


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        pytest.param(Upload("workbook.pdf", EXE_BYTES), "must be a", id="exe-renamed-pdf"),
        pytest.param(Upload("workbook.docx", zip_bytes()), "must be a", id="plain-zip"),
        pytest.param(
            Upload("workbook.pdf", b"<html><script>x</script></html>"), "must be a", id="html"
        ),
        pytest.param(Upload("workbook.pdf", b""), "The selected file is empty", id="empty"),
        pytest.param(Upload("", PDF_BYTES), "Choose a file to upload", id="no-name"),
        pytest.param(None, "Choose a file to upload", id="nothing"),
        pytest.param(Upload("workbook.pdf", b"%PDF"), "damaged", id="four-bytes-of-pdf"),
        pytest.param(Upload("workbook.pdf", PNG_BYTES), "must be a", id="picture-as-workbook"),
        pytest.param(Upload("", b"", unreadable=True), "could not be read", id="unreadable-name"),
    ],
)
def test_refused_uploads(upload: Upload | None, message: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_upload(upload, DOCUMENTS, MB, field="workbook")

    assert refused.value.field == "workbook"
    assert message in refused.value.message
    assert not isinstance(refused.value, FileTooLarge)


@pytest.mark.parametrize(
    ("name", "saved_as"),
    [
        ("../x.pdf", "x.pdf"),
        ("/etc/x.pdf", "x.pdf"),
        ("C:\\Users\\Siân\\Gwaith.pdf", "Gwaith.pdf"),
        ("..\\x.pdf", "x.pdf"),
        ("x\x00.pdf", "x.pdf"),
        ("<script>alert(1)</script>.pdf", "script.pdf"),
        ("a\r\nb.pdf", "a_b.pdf"),
    ],
)
def test_a_path_or_odd_characters_in_the_name_are_cleaned_not_refused(
    name: str, saved_as: str
) -> None:
    checked = check_upload(Upload(name, PDF_BYTES), DOCUMENTS, MB)

    assert checked.filename == saved_as


def test_the_size_limit_is_inclusive_and_a_larger_file_is_too_large() -> None:
    limit = len(PDF_BYTES) + 10
    at_limit = PDF_BYTES + b" " * 10

    checked = check_upload(Upload("w.pdf", at_limit), DOCUMENTS, limit)
    with pytest.raises(FileTooLarge) as refused:
        check_upload(Upload("w.pdf", at_limit + b" "), DOCUMENTS, limit)

    assert checked.size == limit
    assert isinstance(refused.value, ValidationFailed)
    assert refused.value.field == "file"


@pytest.mark.parametrize(
    ("limit", "shown"),
    [(20 * MB, "20"), (MB // 2, "0.5"), (int(2.5 * MB), "2.5"), (1_000_000, "0.9")],
)
def test_the_size_limit_is_said_in_megabytes_never_rounded_up(limit: int, shown: str) -> None:
    with pytest.raises(FileTooLarge) as refused:
        check_upload(Upload("w.pdf", PDF_BYTES + b" " * limit), DOCUMENTS, limit)

    assert refused.value.message == f"The selected file must be smaller than {shown} MB"


@pytest.mark.parametrize(
    ("name", "cleaned"),
    [
        ("Llyfr gwaith ŵŷ.docx", "Llyfr gwaith ŵŷ.pdf"),
        ("Gwaith Siân (drafft 2).pdf", "Gwaith Siân (drafft 2).pdf"),
        ("my   workbook.pdf", "my workbook.pdf"),
        ('weird<>:"|?*name.pdf', "weird_name.pdf"),
        ("  ..hidden.pdf", "hidden.pdf"),
        ("\u202egpj.exe", "gpj.pdf"),  # a right-to-left override cannot disguise the name
        ("...", "file.pdf"),
        ("a" * 300 + ".pdf", "a" * 120 + ".pdf"),
        (unicodedata.normalize("NFD", "Ŵyl.pdf"), "Ŵyl.pdf"),
    ],
)
def test_clean_filename(name: str, cleaned: str) -> None:
    assert clean_filename(name, "pdf") == cleaned
