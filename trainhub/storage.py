"""Where uploaded files live: outside the web root, under content-hash names.

A small interface so that a deployment past one machine can keep files in S3-compatible
object storage instead (docs/deployment.md); today there is the local disk.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from pathlib import Path
from typing import Protocol

from flask import Flask, Response, abort, current_app, send_file


class Storage(Protocol):
    def save(self, data: bytes) -> str:
        """Keep ``data`` and return its key; the same bytes always get the same key."""

    def load(self, key: str) -> bytes:
        """The bytes kept under ``key`` (``KeyError`` when there are none)."""


class LocalStorage:
    """Files under ``root/ab/abcdef…`` named by their SHA-256; nothing is ever overwritten."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if len(key) != 64 or not all(c in "0123456789abcdef" for c in key):
            raise KeyError(key)
        return self.root / key[:2] / key

    def save(self, data: bytes) -> str:
        key = hashlib.sha256(data).hexdigest()
        path = self._path(key)
        if path.exists():
            return key
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write beside the target and rename, so a half-written file is never read.
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, 0o600)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return key

    def load(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise KeyError(key) from None


def init_app(app: Flask) -> None:
    root = app.config.get("UPLOAD_FOLDER") or os.path.join(app.instance_path, "uploads")
    app.extensions["trainhub.storage"] = LocalStorage(Path(root))


def storage() -> Storage:
    """The application's file storage."""
    store: Storage = current_app.extensions["trainhub.storage"]
    return store


def download(key: str, content_type: str, filename: str) -> Response:
    """A stored file as an attachment (never shown inline, never cached); 404 if it is gone."""
    try:
        data = storage().load(key)
    except KeyError:
        abort(404)
    return send_file(
        io.BytesIO(data),
        mimetype=content_type,
        as_attachment=True,
        download_name=filename,
        max_age=0,
    )
