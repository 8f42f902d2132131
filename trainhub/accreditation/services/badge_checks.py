"""Checking a badge someone pasted or uploaded: signed by us, revoked, or not ours.

Untrusted input throughout: a size limit before anything is read, strict UTF-8, no XML
parser (the credential is cut out of a baked SVG by its element), JSON nesting bounded by
the size, and only RS256 with one of our own published keys, named by its URL. A JSON
credential without a signature can only be compared with the credential as we issue it.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from typing import Any, Final

from flask_babel import gettext as _
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

from trainhub.accreditation.models import Certificate
from trainhub.accreditation.services import badges, credential_keys
from trainhub.accreditation.services.certificates import find_by_code
from trainhub.errors import ValidationFailed
from trainhub.mail.services import external_url

#: The largest badge accepted: a baked SVG is some 20 KB, a credential a few.
MAX_BYTES: Final = 256 * 1024

VALID: Final = "valid"
REVOKED: Final = "revoked"
NOT_OURS: Final = "not_ours"
MATCHES: Final = "matches"
DIFFERS: Final = "differs"

_JWT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")
#: The baked element's tags, found with ``str.find`` in one pass (a regex with a lazy ``.*?``
#: goes quadratic on text repeating the opening tag without closing it).
_OPEN_TAG = "<openbadges:credential"
_CLOSE_TAG = "</openbadges:credential"
_CDATA = re.compile(r"^<!\[CDATA\[(.*)\]\]>$", re.DOTALL)


@dataclass(frozen=True)
class Verdict:
    """What a badge turned out to be; ``certificate`` is ours when it names one of ours."""

    outcome: str
    certificate: Certificate | None = None
    credential: dict[str, Any] | None = None
    #: Why it is not ours (shown on the page), for ``NOT_OURS``.
    reason: str = ""
    signed: bool = True


def _unreadable(message: str) -> ValidationFailed:
    return ValidationFailed("badge", message)


def text_of(data: bytes) -> str:
    """The badge's text: at most MAX_BYTES of UTF-8, or the credential baked into a PNG.

    :raises ValidationFailed: on ``badge`` otherwise.
    """
    if len(data) > MAX_BYTES:
        raise _unreadable(_("The badge must be smaller than 256 KB"))
    if data.startswith(_PNG_SIGNATURE):
        return _unbake_png(data)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _unreadable(
            _("The badge must be a .jwt, .json or .svg file saved as text (UTF-8), or a .png")
        ) from None


_PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"


def _unbake_png(data: bytes) -> str:
    """The text of the PNG's ``openbadgecredential`` iTXt chunk (OB 3.0 §5.3.1), read from
    the chunks by their lengths (no image decoder; compressed text refused, never inflated)."""
    position = len(_PNG_SIGNATURE)
    while position + 8 <= len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        if len(body) < length:
            break
        if kind == b"iTXt":
            keyword, _sep, rest = body.partition(b"\x00")
            if keyword == badges.PNG_KEYWORD.encode() and len(rest) >= 2 and rest[0] == 0:
                # compression flag 0, method, language tag NUL, translated keyword NUL, text
                _language, _sep, rest = rest[2:].partition(b"\x00")
                _translated, _sep, text = rest.partition(b"\x00")
                try:
                    return text.decode("utf-8")
                except UnicodeDecodeError:
                    break
        if kind == b"IEND":
            break
        position += 12 + length
    raise _unreadable(
        _("This picture has no badge baked into it. Upload the .png file downloaded from trainhub")
    )


def _baked_element(text: str) -> str | None:
    """The text inside the one ``<openbadges:credential>`` element, or None (none, or more
    than one: OB 3.0 bakes exactly one). Linear in the length of ``text``."""
    lowered = text.lower()
    start = lowered.find(_OPEN_TAG)
    if start < 0 or lowered.find(_OPEN_TAG, start + 1) >= 0:
        return None
    after = start + len(_OPEN_TAG)
    if after < len(text) and not (text[after].isspace() or text[after] in ">/"):
        return None  # another element whose name starts the same
    opened = lowered.find(">", after)
    closed = lowered.find(_CLOSE_TAG, opened + 1) if opened >= 0 else -1
    if closed < 0 or lowered.find(">", closed) < 0:
        return None
    return text[opened + 1 : closed]


def _unbake(text: str) -> str:
    found = _baked_element(text)
    if found is None:
        raise _unreadable(
            _(
                "This picture has no badge baked into it. Upload the .svg file "
                "downloaded from trainhub"
            )
        )
    inner = found.strip()
    cdata = _CDATA.match(inner)
    if cdata:
        return cdata.group(1).strip()
    return (
        inner.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


def check_submission(pasted: str, uploaded: bytes | None) -> Verdict:
    """The verdict on what the verify form sent: the uploaded file's bytes when there are
    any (at most ``MAX_BYTES`` + 1 read), else the pasted text.

    :raises ValidationFailed: on ``badge`` as :func:`text_of` and :func:`check` do.
    """
    return check(text_of(uploaded) if uploaded is not None else pasted)


def check(text: str) -> Verdict:
    """The verdict on a pasted or uploaded badge (a VC-JWT, a baked SVG or JSON).

    :raises ValidationFailed: on ``badge`` when it is empty or not a badge at all.
    """
    text = text.strip()
    if not text:
        raise _unreadable(_("Paste a badge or choose a badge file"))
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise _unreadable(_("The badge must be smaller than 256 KB"))
    if text.startswith("<"):
        text = _unbake(text)
    if _JWT.match(text):
        return _check_jwt(text)
    if text.startswith("{"):
        return _check_json(text)
    raise _unreadable(
        _("This is not a badge: paste the text of a .jwt or .json badge file, or upload one")
    )


def _b64json(segment: str) -> Any:
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
        return json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError):
        return None


def _ours(credential: Any) -> Certificate | None:
    """Our certificate the credential's ``id`` names, if it is one of ours."""
    if not isinstance(credential, dict) or not isinstance(credential.get("id"), str):
        return None
    prefix = external_url("accreditation.verify_certificate", code="X")[:-1]
    identifier = credential["id"]
    if not identifier.startswith(prefix):
        return None
    code = identifier.removeprefix(prefix)
    certificate = find_by_code(code)
    return certificate if certificate is not None and certificate.code == code else None


def _check_jwt(token: str) -> Verdict:
    header = _b64json(token.split(".", 1)[0])
    if not isinstance(header, dict):
        raise _unreadable(_("This badge is damaged: its header cannot be read"))
    if header.get("alg") != credential_keys.ALGORITHM:
        return Verdict(NOT_OURS, reason=_("It is not signed the way trainhub signs badges."))
    kid = str(header.get("kid") or "")
    prefix = badges.key_url("")
    key = credential_keys.public_key(kid.removeprefix(prefix)) if kid.startswith(prefix) else None
    if key is None:
        return Verdict(NOT_OURS, reason=_("It is not signed with one of trainhub's keys."))
    try:
        decoded = jwt.decode(
            token,
            RSAKey.import_key(key.jwk),
            algorithms=[credential_keys.ALGORITHM],
        )
    except (JoseError, ValueError, RecursionError):
        return Verdict(
            NOT_OURS, reason=_("Its signature does not match: it was changed after we signed it.")
        )
    credential = decoded.claims
    certificate = _ours(credential)
    issuer = credential.get("issuer")
    if (
        certificate is None
        or not isinstance(issuer, dict)
        or issuer.get("id") != badges.issuer_id()
        or credential.get("iss") != badges.issuer_id()
        or credential.get("jti") != credential.get("id")
    ):
        return Verdict(NOT_OURS, reason=_("It does not name a certificate trainhub issued."))
    outcome = VALID if certificate.is_valid else REVOKED
    return Verdict(outcome, certificate, credential)


def _comparable(credential: dict[str, Any]) -> dict[str, Any]:
    return {
        name: value for name, value in credential.items() if name not in badges.REGISTERED_CLAIMS
    }


def _check_json(text: str) -> Verdict:
    try:
        credential = json.loads(text)
    except (ValueError, RecursionError):
        raise _unreadable(_("This badge is damaged: it is not valid JSON")) from None
    if not isinstance(credential, dict):
        raise _unreadable(_("This is not a badge: a badge's JSON is an object"))
    certificate = _ours(credential)
    if certificate is None:
        return Verdict(
            NOT_OURS,
            credential=credential,
            reason=_("It does not name a certificate trainhub issued."),
            signed=False,
        )
    # A badge is had in English or Welsh: it matches our record in either.
    given = _comparable(credential)
    matches = any(
        given == _comparable(badges.open_badge_credential(certificate, language))
        for language in badges.BADGE_LANGUAGES
    )
    outcome = MATCHES if matches else DIFFERS
    return Verdict(outcome, certificate, credential, signed=False)
