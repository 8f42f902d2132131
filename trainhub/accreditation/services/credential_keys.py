"""The keys that sign Open Badges: RSA key pairs kept as JWK files outside the database.

The folder (``CREDENTIALS_KEY_DIR``; in development ``<instance>/credential-keys``) holds
``<id>.private.jwk`` (mode 0600) and ``<id>.public.jwk`` for each key, ``<id>`` being the
key's RFC 7638 thumbprint. The newest private key signs; every public key in the folder is
published, so badges signed with an older key still verify after a rotation. A new key
removes the older private halves (nothing needs them, and a private key on disk is one more to
leak); a private key readable by anyone but its owner is refused. Retiring a key removes its
public half too: badges it signed stop verifying (for a key that may have leaked).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from joserfc.jwk import RSAKey

log = logging.getLogger(__name__)

#: RS256 with a 3072-bit key: the algorithm OB 3.0 requires every verifier to support, and
#: the key size NIST SP 800-57 gives for use beyond 2030.
ALGORITHM = "RS256"
KEY_BITS = 3072
_PRIVATE = ".private.jwk"
_PUBLIC = ".public.jwk"
#: A thumbprint: base64url of a SHA-256 digest (43 characters).
_KID = re.compile(r"^[A-Za-z0-9_-]{43}$")


class NoSigningKey(RuntimeError):
    """No private key in the key folder (or no folder configured): nothing can be signed."""


@dataclass(frozen=True)
class PublicKey:
    kid: str
    created: str
    jwk: dict[str, Any]
    can_sign: bool


def key_dir() -> Path | None:
    """The configured folder; in development and tests a default inside the instance."""
    configured = current_app.config.get("CREDENTIALS_KEY_DIR")
    if configured:
        return Path(str(configured))
    if current_app.config.get("ENV") != "production":
        return Path(current_app.instance_path) / "credential-keys"
    return None


def is_key_id(kid: str) -> bool:
    return bool(_KID.match(kid))


def _read(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path} is not a JWK")
    return data


def generate(folder: Path) -> str:
    """A new key pair written into ``folder`` (made if missing); gives back its id."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = RSAKey.generate_key(KEY_BITS, private=True)
    kid = key.thumbprint()
    created = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    extra = {"kid": kid, "alg": ALGORITHM, "use": "sig", "created": created}
    # The public half first, written whole then renamed: a key never signs before every
    # instance reading the folder can publish it.
    public = folder / f"{kid}{_PUBLIC}"
    partial = folder / f".{kid}{_PUBLIC}.part"
    partial.write_text(json.dumps({**key.as_dict(private=False), **extra}), encoding="utf-8")
    partial.replace(public)
    private = folder / f"{kid}{_PRIVATE}"
    descriptor = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        json.dump({**key.as_dict(private=True), **extra}, file)
    for older in folder.glob(f"*{_PRIVATE}"):
        if older != private:
            older.unlink()  # rotated out: its public half stays, for the badges it signed
    return kid


def public_keys(folder: Path | None = None) -> list[PublicKey]:
    """Every published key, newest first."""
    folder = folder if folder is not None else key_dir()
    if folder is None or not folder.is_dir():
        return []
    found = []
    for path in folder.glob(f"*{_PUBLIC}"):
        kid = path.name.removesuffix(_PUBLIC)
        if not is_key_id(kid):
            continue
        try:
            data = _read(path)
        except (OSError, ValueError) as error:  # one damaged file must not hide the others
            log.error("Credential key %s cannot be read: %s", path, error)
            continue
        created = str(data.pop("created", ""))
        names: tuple[str, ...] = ("kty", "n", "e", "kid", "alg", "use")
        jwk = {name: data[name] for name in names if name in data}
        can_sign = (folder / f"{kid}{_PRIVATE}").is_file()
        found.append(PublicKey(kid, created, jwk, can_sign))
    return sorted(found, key=lambda key: (key.created, key.kid), reverse=True)


def public_key(kid: str) -> PublicKey | None:
    if not is_key_id(kid):
        return None
    return next((key for key in public_keys() if key.kid == kid), None)


def signing_key() -> tuple[str, RSAKey]:
    """The newest key that has both halves: its id and the private key.

    :raises NoSigningKey: when there is none.
    """
    folder = key_dir()
    for key in public_keys(folder):
        if key.can_sign and folder is not None:
            path = folder / f"{key.kid}{_PRIVATE}"
            if path.stat().st_mode & 0o077:
                log.error("Credential key %s is readable by others: chmod 600 it", path)
                raise NoSigningKey(f"{path} is readable by others than its owner")
            data = _read(path)
            data.pop("created", None)
            return key.kid, RSAKey.import_key(data)
    raise NoSigningKey("no private key in CREDENTIALS_KEY_DIR")


def retire(folder: Path, kid: str) -> bool:
    """Remove both halves of a key; False when there is no such key."""
    if not is_key_id(kid):
        return False
    removed = False
    for suffix in (_PRIVATE, _PUBLIC):
        path = folder / f"{kid}{suffix}"
        if path.exists():
            path.unlink()
            removed = True
    return removed
