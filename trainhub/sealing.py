"""Secrets trainhub must read back, encrypted at rest.

A password can be hashed; an identity provider's client secret (sent to the provider) and a
person's authenticator secret (needed to check their codes) cannot. They are sealed with
Fernet (AES-128-CBC and HMAC-SHA256) under a key derived by HKDF from the application's key
and the secret's *purpose*, so a copy of the database or a backup alone reveals neither,
and a key derived for one purpose opens nothing else.

The keys follow Flask's own rotation: ``SECRET_KEY`` seals, and it or any of
``SECRET_KEY_FALLBACKS`` opens, so a secret sealed before a rotation keeps working while the
old key is a fallback; ``flask secrets reseal`` seals everything again under the new key
before the fallback is removed. A purpose may name its own setting instead (the identity
providers' ``OIDC_SECRET_KEY``), which then replaces ``SECRET_KEY`` for that purpose.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app


class Unreadable(Exception):
    """A sealed secret no configured key opens (the key changed without a fallback)."""


def _fernet(material: str, purpose: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(
        material.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def _keys(purpose: str, setting: str | None) -> MultiFernet:
    config = current_app.config
    own = config.get(setting) if setting else None
    if own:
        materials = [str(own)]
    else:
        materials = [str(config["SECRET_KEY"]), *map(str, config.get("SECRET_KEY_FALLBACKS") or ())]
    return MultiFernet([_fernet(material, purpose) for material in materials])


def seal(value: str, purpose: str, setting: str | None = None) -> str:
    """``value`` encrypted under the current key for ``purpose``."""
    return _keys(purpose, setting).encrypt(value.encode()).decode()


def unseal(sealed: str, purpose: str, setting: str | None = None) -> str:
    """The sealed value; :class:`Unreadable` when no configured key opens it."""
    try:
        return _keys(purpose, setting).decrypt(sealed.encode()).decode()
    except InvalidToken as error:
        raise Unreadable(purpose) from error


def reseal(sealed: str, purpose: str, setting: str | None = None) -> str:
    """The same value sealed again under the current key (after a rotation)."""
    try:
        return _keys(purpose, setting).rotate(sealed.encode()).decode()
    except InvalidToken as error:
        raise Unreadable(purpose) from error
