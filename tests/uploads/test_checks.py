"""The structure checks over the whole corpus: every hostile file refused with the message of
its family, every valid one accepted as the type its structure shows (no database needed)."""

from __future__ import annotations

import contextlib
import hashlib
from collections import Counter
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import base_config
from tests.uploads import build
from tests.uploads.corpus import Sample, expected, hostile, valid
from tests.uploads.messages import MESSAGES, message_for
from trainhub import create_app
from trainhub.uploads import (
    DOCUMENTS,
    DOCX,
    EVIDENCE,
    FileTooLarge,
    Limits,
    Upload,
    UploadRefused,
    check_upload,
)
from trainhub.uploads.refusals import Reason

MB = 1024 * 1024
LIMIT = 20 * MB
FORMS = {"file": DOCUMENTS, "evidence": EVIDENCE}


def test_the_corpus_has_over_200_hostile_files_of_every_family() -> None:
    families = Counter(sample.reason for sample in hostile())

    assert len(hostile()) >= 200
    assert set(families) == set(Reason), set(Reason) - set(families)
    assert set(MESSAGES) | {Reason.TYPE} == set(Reason)


@pytest.mark.parametrize("sample", hostile(), ids=lambda sample: sample.id)
def test_a_hostile_file_is_refused_saying_what_was_found(sample: Sample) -> None:
    for field, allowed in FORMS.items():
        reason = expected(sample, allowed)

        with pytest.raises(UploadRefused) as refused:
            check_upload(Upload(sample.filename, sample.data), allowed, LIMIT, field=field)

        assert reason is not None
        assert (refused.value.field, refused.value.reason) == (field, reason), field
        assert refused.value.message == message_for(reason, allowed)


@pytest.mark.parametrize("sample", valid(), ids=lambda sample: sample.id)
def test_a_valid_file_is_accepted_as_its_structure_shows(sample: Sample) -> None:
    for field, allowed in FORMS.items():
        if sample.kind not in allowed:
            with pytest.raises(UploadRefused) as refused:
                check_upload(Upload(sample.filename, sample.data), allowed, LIMIT, field=field)
            assert refused.value.reason is Reason.TYPE
            continue

        checked = check_upload(Upload(sample.filename, sample.data), allowed, LIMIT, field=field)

        assert checked.content_type == sample.kind
        assert checked.filename.endswith(f".{allowed[sample.kind]}")
        assert (checked.size, checked.data) == (len(sample.data), sample.data)
        assert checked.sha256 == hashlib.sha256(sample.data).hexdigest()


def test_the_type_comes_from_the_structure_not_the_name() -> None:
    checked = check_upload(Upload("notes.txt", build.docx_bytes()), DOCUMENTS, LIMIT)
    renamed = check_upload(Upload("scan.pdf", build.jpeg_bytes()), EVIDENCE, LIMIT)

    assert (checked.content_type, checked.filename) == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "notes.docx",
    )
    assert (renamed.content_type, renamed.filename) == ("image/jpeg", "scan.jpg")


def test_a_valid_pdf_of_exactly_the_size_limit_is_accepted_and_a_byte_more_is_too_large() -> None:
    limit = 1 * MB
    exact = build.padded_pdf(limit)

    checked = check_upload(Upload("w.pdf", exact), DOCUMENTS, limit)
    with pytest.raises(FileTooLarge) as refused:
        check_upload(Upload("w.pdf", build.padded_pdf(limit + 1)), DOCUMENTS, limit)

    assert (len(exact), checked.size, checked.content_type) == (limit, limit, "application/pdf")
    assert refused.value.message == "The selected file must be smaller than 1 MB"


def test_a_word_document_of_exactly_the_size_limit_is_accepted() -> None:
    limit = 1 * MB
    exact = build.padded_docx(limit)

    checked = check_upload(Upload("w.docx", exact), DOCUMENTS, limit)
    with pytest.raises(FileTooLarge):
        check_upload(Upload("w.docx", build.padded_docx(limit + 1)), DOCUMENTS, limit)

    assert (checked.size, checked.content_type) == (limit, DOCX)


def test_the_limits_come_from_the_app_configuration() -> None:
    app = create_app(
        {
            **base_config("sqlite://"),
            "UPLOAD_MAX_UNPACKED_BYTES": 1 * MB,
            "UPLOAD_MAX_IMAGE_PIXELS": 1_000_000,
        }
    )
    # Two megabytes of text that packs only a little: inside every ratio, over a 1 MB limit.
    text = "".join(f"<p>{n:x}{n * 7919 % 104729:x}</p>" for n in range(120_000))
    document = build.docx_bytes(body=f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>")
    picture = build.png_bytes((2000, 1000))

    with app.app_context(), pytest.raises(UploadRefused) as unpacked:
        check_upload(Upload("w.docx", document), DOCUMENTS, LIMIT)
    with app.app_context(), pytest.raises(UploadRefused) as pixels:
        check_upload(Upload("c.png", picture), EVIDENCE, LIMIT)

    assert unpacked.value.reason is Reason.UNPACKED
    assert "(more than 1 MB or 1000 parts)" in unpacked.value.message
    assert pixels.value.reason is Reason.PIXELS
    assert "more than 1 million pixels" in pixels.value.message
    assert check_upload(Upload("w.docx", document), DOCUMENTS, LIMIT, limits=Limits())


def test_a_zip_bomb_is_refused_without_unpacking_it_all(monkeypatch: pytest.MonkeyPatch) -> None:
    """The lying header is caught by the bytes that really come out, not after the fact."""
    from trainhub.uploads import zips

    unpacked: list[int] = []
    original = zips.Archive.read

    def counting(self: zips.Archive, entry: zips.Entry) -> Iterator[bytes]:
        for chunk in original(self, entry):
            unpacked.append(len(chunk))
            yield chunk

    monkeypatch.setattr(zips.Archive, "read", counting)
    bomb = next(s for s in hostile() if s.id == "docx-bomb-lying-header")

    with pytest.raises(UploadRefused):
        check_upload(Upload("w.docx", bomb.data), DOCUMENTS, LIMIT)

    assert sum(unpacked) < 1 * MB


@pytest.mark.heavy
@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_a_mangled_file_is_accepted_or_refused_and_never_trips_a_checker(
    data: st.DataObject, caplog: pytest.LogCaptureFixture
) -> None:
    sample = data.draw(st.sampled_from(valid()), label="sample")
    mangled = bytearray(sample.data[: data.draw(st.integers(1, len(sample.data)), label="cut")])
    for position, value in data.draw(
        st.lists(st.tuples(st.integers(0, len(mangled) - 1), st.integers(0, 255)), max_size=6),
        label="changes",
    ):
        mangled[position] = value
    caplog.clear()

    with contextlib.suppress(UploadRefused):
        check_upload(Upload(sample.filename, bytes(mangled)), EVIDENCE, LIMIT)

    assert not [r for r in caplog.records if r.levelname == "WARNING"], caplog.text
