"""Virus scanning of uploaded files by a ClamAV daemon (clamd), when one is configured.

``CLAMD_SOCKET`` (a Unix socket) or ``CLAMD_HOST`` + ``CLAMD_PORT`` (TCP) turn scanning on;
the bytes go to clamd with INSTREAM (clamav-client), so clamd needs no access to the
upload folder. A scanner that is down, slow or confused refuses the upload
(:class:`ScannerUnavailable`): a file is never stored unscanned while scanning is on.
"""

from __future__ import annotations

import io
import logging
import math
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from clamav_client.clamd import ClamdError, ClamdNetworkSocket, ClamdUnixSocket, CommunicationError
from flask import Flask, current_app
from flask_babel import gettext as _

from trainhub.errors import ValidationFailed

log = logging.getLogger(__name__)

#: Seconds a refused person is asked to wait (the 503 page's Retry-After).
RETRY_AFTER_SECONDS = 300
_EXTENSION = "trainhub.antivirus"


class VirusFound(ValidationFailed):
    """clamd recognised the file: it is refused and never stored."""

    def __init__(self, field: str, signature: str) -> None:
        super().__init__(
            field,
            _(
                "This file contains a virus or other harmful content (%(name)s) and cannot be "
                "accepted",
                name=signature,
            ),
        )
        self.signature = signature


class ScannerUnavailable(ValidationFailed):
    """The file could not be scanned, so it is refused; views answer 503 with Retry-After.

    A ``ValidationFailed`` so that a caller which does not know it still refuses the file
    with its message on the form, rather than storing anything.
    """

    retry_after = RETRY_AFTER_SECONDS

    def __init__(self, field: str) -> None:
        super().__init__(
            field,
            _(
                "Files cannot be checked for viruses at the moment, so none can be uploaded. "
                "Try again later."
            ),
        )


class Scanner(Protocol):
    def scan(self, data: bytes) -> str | None:
        """The name of the signature found in ``data``, or None when it is clean.

        :raises ScanFailed: when the scanner could not give an answer.
        """


class ScanFailed(Exception):
    """The scanner gave no answer (down, timed out, or an error of its own)."""


class _UnixSocket(ClamdUnixSocket):
    """clamav-client's Unix socket, with the timeout set before connecting (and kept a float:
    the library rounds it to whole seconds, and 0 would make the socket non-blocking)."""

    def __init__(self, path: str, timeout: float) -> None:
        super().__init__(path)
        self.float_timeout = timeout

    def _init_socket(self) -> None:
        try:
            self.clamd_socket = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.clamd_socket.settimeout(self.float_timeout)
            self.clamd_socket.connect(self.unix_socket)
        except OSError as error:
            raise CommunicationError(self._error_message(error)) from error


@dataclass(frozen=True)
class ClamdScanner:
    """clamd on a Unix socket (``socket_path``) or over TCP (``host``, ``port``)."""

    socket_path: str | None
    host: str | None
    port: int
    timeout: float

    @property
    def address(self) -> str:
        return self.socket_path or f"{self.host}:{self.port}"

    def client(self) -> ClamdNetworkSocket:
        if self.socket_path:
            return _UnixSocket(self.socket_path, self.timeout)
        return ClamdNetworkSocket(str(self.host), self.port, self.timeout)

    def ping(self) -> bool:
        try:
            return self.client().ping() == "PONG"
        except (ClamdError, OSError):
            return False

    def scan(self, data: bytes) -> str | None:
        try:
            report = self.client().instream(io.BytesIO(data))
        except (ClamdError, OSError) as error:  # refused, timed out, stream too long…
            raise ScanFailed(f"clamd at {self.address}: {error}") from error
        status, signature = report.get("stream", (None, None))
        if status == "OK":
            return None
        if status == "FOUND" and signature:
            return signature
        raise ScanFailed(f"clamd at {self.address} answered {report!r}")


def scanner_from_config(config: Mapping[str, Any]) -> ClamdScanner | None:
    """The scanner the settings describe (None: scanning is off), or RuntimeError."""
    socket_path = config.get("CLAMD_SOCKET") or None
    host = config.get("CLAMD_HOST") or None
    if socket_path is None and host is None:
        return None
    if socket_path is not None and host is not None:
        raise RuntimeError(
            "Set either TRAINHUB_CLAMD_SOCKET (a Unix socket) or TRAINHUB_CLAMD_HOST and "
            "TRAINHUB_CLAMD_PORT (TCP) for the virus scanner, not both."
        )
    port = _number(config, "CLAMD_PORT")
    if port != int(port) or not 0 < port < 65536:
        raise RuntimeError(
            f"TRAINHUB_CLAMD_PORT must be a TCP port number (1 to 65535), not {port:g}."
        )
    timeout = _number(config, "CLAMD_TIMEOUT")
    if not timeout > 0:
        raise RuntimeError(f"TRAINHUB_CLAMD_TIMEOUT must be more than 0 seconds, not {timeout:g}.")
    return ClamdScanner(
        socket_path=str(socket_path) if socket_path else None,
        host=str(host) if host else None,
        port=int(port),
        timeout=timeout,
    )


def _number(config: Mapping[str, Any], key: str) -> float:
    value = config.get(key)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    try:
        number = float(str(value).strip()) if isinstance(value, str) else math.nan
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise RuntimeError(f"TRAINHUB_{key} must be a number, not {value!r}.")
    return number


def init_app(app: Flask) -> None:
    """Check the CLAMD_* settings (RuntimeError when they make no sense) and keep the scanner."""
    clamd = scanner_from_config(app.config)
    app.extensions[_EXTENSION] = clamd
    if clamd is None:
        log.info("Virus scanning is off: set TRAINHUB_CLAMD_SOCKET or TRAINHUB_CLAMD_HOST")
    else:
        log.info("Uploaded files are scanned for viruses by clamd at %s", clamd.address)


def scanner() -> Scanner | None:
    """This app's scanner, None when scanning is off."""
    found: Scanner | None = current_app.extensions.get(_EXTENSION)
    return found


def scan(data: bytes, field: str = "file") -> None:
    """Refuse ``data`` if the scanner finds something in it or cannot scan it (scanning on).

    :raises VirusFound: shown on the form's ``field``.
    :raises ScannerUnavailable: the upload is refused too (503): never stored unscanned.
    """
    active = scanner()
    if active is None:
        return
    try:
        signature = active.scan(data)
    except ScanFailed as error:
        log.error("Upload refused: the virus scanner is unavailable (%s)", error)
        raise ScannerUnavailable(field) from error
    if signature is not None:
        log.warning("Upload refused: the virus scanner found %s (%d bytes)", signature, len(data))
        raise VirusFound(field, signature)
