"""Where uploaded files live: outside the web root, under content-hash names.

A small interface with two homes behind it, chosen by ``STORAGE_BACKEND``: the local disk
(the default) or, for a deployment past one machine, a private bucket in S3-compatible
object storage (docs/deployment.md, section 3).
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

from flask import Flask, Response, current_app, render_template, send_file
from werkzeug.exceptions import Gone, NotFound

from trainhub.uploads.names import ascii_name, download_name

log = logging.getLogger(__name__)


class FileMissing(NotFound):
    """A stored file's record exists but its bytes are gone: a 404 that says so."""

    reason = "file_missing"


class FilePurged(Gone):
    """The record's file was deleted on purpose (the retention schedule, an erasure): its
    key was cleared. A 410 whose page says so, not a storage error."""

    reason = "file_purged"

    def get_response(self, environ: Any = None, scope: Any = None) -> Response:
        return Response(
            render_template("privacy/file_purged.html"),
            status=self.code,
            mimetype="text/html",
        )


class Storage(Protocol):
    def save(self, data: bytes) -> str:
        """Keep ``data`` and return its key; the same bytes always get the same key."""

    def load(self, key: str) -> bytes:
        """The bytes kept under ``key`` (``KeyError`` when there are none)."""

    def delete(self, key: str) -> None:
        """Remove the bytes kept under ``key``; nothing happens when there are none."""


def _check_key(key: str) -> None:
    """Refuse anything but a SHA-256 in lower-case hex, so a key can never name another file."""
    if len(key) != 64 or not all(c in "0123456789abcdef" for c in key):
        raise KeyError(key)


class LocalStorage:
    """Files under ``root/ab/abcdef…`` named by their SHA-256; nothing is ever overwritten."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        _check_key(key)
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

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


#: botocore's error codes for "no such object": GetObject answers NoSuchKey; HeadObject has
#: no body, so its code is the bare status; some S3-compatible stores say NotFound.
_MISSING = frozenset({"NoSuchKey", "404", "NotFound"})

#: The server-side encryption S3_SSE may ask for, by the names S3 gives them.
_ENCRYPTIONS = {"aes256": "AES256", "aws:kms": "aws:kms"}


class S3Storage:
    """Objects ``prefix/ab/abcdef…`` in one private bucket, named by their SHA-256.

    Every object is put with server-side encryption and never overwritten; downloads go
    through the app (``download``), never through public or pre-signed URLs.
    """

    def __init__(
        self,
        client: Any,
        bucket: str,
        *,
        prefix: str = "",
        encryption: str = "AES256",
        kms_key_id: str | None = None,
    ) -> None:
        self.client = client  # a boto3 S3 client: thread-safe, made once per app
        self.bucket = bucket
        self.prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
        self.encryption = encryption
        self.kms_key_id = kms_key_id

    def _name(self, key: str) -> str:
        _check_key(key)
        return f"{self.prefix}{key[:2]}/{key}"

    def save(self, data: bytes) -> str:
        from botocore.exceptions import ClientError

        key = hashlib.sha256(data).hexdigest()
        name = self._name(key)
        try:
            self.client.head_object(Bucket=self.bucket, Key=name)
        except ClientError as error:
            if not _is_missing(error):
                raise
        else:
            return key  # the same bytes are already there: nothing to overwrite
        encryption: dict[str, str] = {"ServerSideEncryption": self.encryption}
        if self.kms_key_id:
            encryption["SSEKMSKeyId"] = self.kms_key_id
        # A single PUT is atomic: the object is there whole or not at all.
        self.client.put_object(Bucket=self.bucket, Key=name, Body=data, **encryption)
        return key

    def load(self, key: str) -> bytes:
        from botocore.exceptions import ClientError

        name = self._name(key)
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=name)
        except ClientError as error:
            if _is_missing(error):
                raise KeyError(key) from None
            raise  # no such bucket, access denied, the store is down: not a missing file
        body = response["Body"]
        try:
            data: bytes = body.read()
        finally:
            body.close()
        return data

    def delete(self, key: str) -> None:
        # S3 answers a delete of a missing object with success: deleting is idempotent.
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))


def _is_missing(error: Any) -> bool:
    """Whether a botocore ``ClientError`` says the object does not exist."""
    return error.response.get("Error", {}).get("Code") in _MISSING


def init_app(app: Flask) -> None:
    """Give the app the storage its settings choose; refuse to start on a wrong setting."""
    backend = _setting(app.config, "STORAGE_BACKEND") or "local"
    store: Storage
    if backend.lower() == "local":
        root = app.config.get("UPLOAD_FOLDER") or os.path.join(app.instance_path, "uploads")
        store = LocalStorage(Path(root))
    elif backend.lower() == "s3":
        store = _s3_storage(app.config)
    else:
        raise RuntimeError(
            f"TRAINHUB_STORAGE_BACKEND is {backend!r}: set it to 'local' (files in "
            "TRAINHUB_UPLOAD_FOLDER, the default) or 's3' (an S3-compatible bucket)."
        )
    app.extensions["trainhub.storage"] = store


def _setting(config: Mapping[str, Any], name: str) -> str | None:
    """A text setting, or None when unset or blank.

    ``from_prefixed_env`` reads values as JSON where it can, so ``TRAINHUB_S3_PREFIX=2024``
    arrives as a number: take every value back to text.
    """
    value = config.get(name)
    if value is None:
        return None
    return str(value).strip() or None


def _s3_storage(config: Mapping[str, Any]) -> S3Storage:
    bucket = _setting(config, "S3_BUCKET")
    if not bucket:
        raise RuntimeError(
            "TRAINHUB_STORAGE_BACKEND is 's3' but TRAINHUB_S3_BUCKET is not set: name the "
            "(private) bucket that holds trainhub's files."
        )
    sse = _setting(config, "S3_SSE") or "AES256"
    encryption = _ENCRYPTIONS.get(sse.lower())
    if encryption is None:
        raise RuntimeError(
            f"TRAINHUB_S3_SSE is {sse!r}: set it to 'AES256' (keys managed by the store, the "
            "default) or 'aws:kms' (a KMS key, TRAINHUB_S3_KMS_KEY_ID or the bucket's default)."
        )
    kms_key_id = _setting(config, "S3_KMS_KEY_ID")
    if kms_key_id and encryption != "aws:kms":
        raise RuntimeError(
            "TRAINHUB_S3_KMS_KEY_ID is set but TRAINHUB_S3_SSE is not 'aws:kms': the key would "
            "not be used. Set TRAINHUB_S3_SSE=aws:kms, or remove the key id."
        )
    # Only here, so an app on the local disk never imports boto3. Credentials come from
    # boto3's own chain (AWS_* environment variables, the shared files, the machine's role);
    # there are no settings for them.
    import boto3

    client = boto3.Session().client(
        "s3",
        endpoint_url=_setting(config, "S3_ENDPOINT_URL"),
        region_name=_setting(config, "S3_REGION"),
    )
    return S3Storage(
        client,
        bucket,
        prefix=_setting(config, "S3_PREFIX") or "",
        encryption=encryption,
        kms_key_id=kms_key_id,
    )


def storage() -> Storage:
    """The application's file storage."""
    store: Storage = current_app.extensions["trainhub.storage"]
    return store


def download(key: str, content_type: str, filename: str) -> Response:
    """A stored file as an attachment (never shown inline, never cached); 404 if it is gone.

    The name is made safe again (rows from before names were cleaned included): never a
    Windows device name like ``CON.pdf``, in the UTF-8 name nor in the plain-ASCII one that
    Werkzeug would otherwise derive from it by dropping accents.

    A record whose key is "" had its file deleted under the retention schedule (or its
    owner erased): a 410 page that says so.
    """
    if not key:
        raise FilePurged()
    try:
        data = storage().load(key)
    except KeyError:
        # The record lists a file the store no longer has (a restore that missed the files,
        # a bucket emptied by hand): say so, and tell the operators.
        log.error("Stored file %s (%r) is missing from storage", key, filename)
        raise FileMissing() from None
    name = download_name(filename)
    response = send_file(
        io.BytesIO(data),
        mimetype=content_type,
        as_attachment=True,
        download_name=name,
        max_age=0,
    )
    fallback = ascii_name(name)
    names = {"filename": fallback}
    if fallback != name:
        names["filename*"] = f"UTF-8''{quote(name, safe='!#$&+^`|')}"
    response.headers.set("Content-Disposition", "attachment", **names)
    response.headers["Cache-Control"] = "no-store"  # people's files: never kept by a cache
    return response
