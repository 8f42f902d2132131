"""Local file storage: content-hash names, nothing overwritten, nothing half-written."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from tests.conftest import base_config
from trainhub import create_app
from trainhub.storage import LocalStorage, storage


def files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_a_file_is_kept_under_its_sha256_in_a_two_letter_folder(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path)

    key = store.save(b"workbook bytes")

    assert key == hashlib.sha256(b"workbook bytes").hexdigest()
    assert files(tmp_path) == [tmp_path / key[:2] / key]
    assert store.load(key) == b"workbook bytes"


def test_only_the_owner_can_read_a_stored_file(tmp_path: Path) -> None:
    key = LocalStorage(tmp_path).save(b"private")

    mode = stat.S_IMODE((tmp_path / key[:2] / key).stat().st_mode)

    assert mode == 0o600


def test_the_same_bytes_are_kept_once_and_different_bytes_apart(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path)

    first = store.save(b"version one")
    again = store.save(b"version one")
    second = store.save(b"version two")

    assert first == again != second
    assert len(files(tmp_path)) == 2
    assert (store.load(first), store.load(second)) == (b"version one", b"version two")


def test_a_failed_write_leaves_no_file_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = LocalStorage(tmp_path)

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError):
        store.save(b"half written")

    assert files(tmp_path) == []


@pytest.mark.parametrize(
    "key",
    [
        "0" * 64,  # well formed, never stored
        "../" + "0" * 61,
        "A" * 64,  # upper case is not how keys are written
        "0" * 63,
        "",
        "/etc/passwd",
    ],
)
def test_an_unknown_or_malformed_key_is_a_key_error(tmp_path: Path, key: str) -> None:
    with pytest.raises(KeyError):
        LocalStorage(tmp_path).load(key)


def test_the_app_keeps_uploads_in_the_configured_folder_or_its_instance_folder(
    tmp_path: Path,
) -> None:
    configured = create_app({**base_config("sqlite://"), "UPLOAD_FOLDER": str(tmp_path / "up")})
    default = create_app({**base_config("sqlite://"), "UPLOAD_FOLDER": None})

    with configured.app_context():
        key = storage().save(b"kept")
    with default.app_context():
        root = storage().root  # type: ignore[attr-defined]

    assert files(tmp_path / "up") == [tmp_path / "up" / key[:2] / key]
    assert root == Path(default.instance_path) / "uploads"
