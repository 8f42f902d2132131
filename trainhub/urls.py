"""Where a ``next`` parameter may send a visitor: only to a path on this site."""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit


def safe_next(target: str | None, fallback: str) -> str:
    """``target`` if it is a path on this site, otherwise ``fallback`` (no open redirects).

    Browsers are generous with what they take for another host: ``//host``, ``////host``,
    ``/\\host``, ``/\\t/host`` (tabs and newlines are dropped), a full-width solidus. So the
    target must be one slash then something else, hold no backslash, control, format or
    separator character, and stay so once normalised (NFKC) and once more percent-decoded.
    """
    if not target:
        return fallback
    for form in (target, unicodedata.normalize("NFKC", target), unquote(target)):
        if not _is_local_path(form):
            return fallback
    return target


#: Characters that some browser, proxy or mail client has taken for a slash.
_SLASH_LIKE = frozenset("\\\u2044\u2215\u2216\u29f5\u29f8\u29f9\ufe68\uff0f\uff3c")


def _is_local_path(target: str) -> bool:
    if not target.startswith("/") or target[1:2] in ("/", "\\"):
        return False
    if any(c in _SLASH_LIKE for c in target) or any(
        unicodedata.category(c)[0] in "CZ" and c != " " for c in target
    ):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
