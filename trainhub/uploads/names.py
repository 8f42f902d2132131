"""File names: what a browser sent, made safe to store, show and send back in a download.

The name is never refused (it is not the file): a path is cut to its last part, control
characters and punctuation become ``_``, and a Windows device name (``CON``, ``COM1`` …,
which Windows will not save) gets a ``_`` after it.
"""

from __future__ import annotations

import re
import unicodedata

#: Names Windows keeps for devices, in any case and with any extension (``con.pdf`` too).
#: Superscript digits (COM¹) are folded to digits by NFKC before the check.
_DEVICES = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "CLOCK$"}
    | {f"COM{n}" for n in range(10)}
    | {f"LPT{n}" for n in range(10)}
)

#: Browsers send a file name in a multipart header with these three characters escaped
#: (HTML's "form-data" encoding); anything else is sent as it is.
_BROWSER_ESCAPES = {"%0A": "\n", "%0D": "\r", "%22": '"', "%0a": "\n", "%0d": "\r"}

_UNSAFE = re.compile(r"[^\w\- ()]+")
_EXTENSION = re.compile(r"[a-z0-9]{1,10}")
_MAX_STEM = 120


def base_name(name: str) -> str:
    """The part after the last ``/`` or ``\\``: browsers send only that, old ones a path."""
    for escaped, character in _BROWSER_ESCAPES.items():
        name = name.replace(escaped, character)
    return re.split(r"[/\\]", name)[-1]


def is_device_name(stem: str) -> bool:
    """Whether Windows would take ``stem`` (the part before the extension) for a device."""
    folded = unicodedata.normalize("NFKC", stem).rstrip(" .").upper()
    return folded in _DEVICES or folded.split(".", 1)[0].rstrip(" ") in _DEVICES


def clean_filename(name: str, extension: str) -> str:
    """A name safe to show and to send in a download header, ending in the real extension.

    Letters of any alphabet (Welsh ŵ and ŷ included) are kept; anything else (control
    characters, quotes, slashes, right-to-left overrides) becomes ``_``. Compatibility
    characters are folded (NFKC: full-width letters become plain ones, ¹ becomes 1), so
    that a device name cannot hide behind them.
    """
    name = unicodedata.normalize("NFKC", base_name(name))
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = _UNSAFE.sub("_", stem).strip(" ._")
    stem = re.sub(r"\s+", " ", stem)[:_MAX_STEM].strip(" ._") or "file"
    if is_device_name(stem):
        stem = f"{stem}_"
    return f"{stem}.{extension}"


def download_name(filename: str) -> str:
    """A stored name made safe again for a download (rows saved before names were cleaned
    this way included): the same rules as :func:`clean_filename`, keeping the extension."""
    name = unicodedata.normalize("NFKC", base_name(filename))
    _stem, dot, extension = name.rpartition(".")
    extension = extension.lower()
    if not dot or not _EXTENSION.fullmatch(extension):
        return clean_filename(f"{name}.bin", "bin")
    return clean_filename(name, extension)


def ascii_name(filename: str) -> str:
    """The plain-ASCII ``filename=`` of a download header (old browsers, and Windows when it
    saves): accents dropped, other letters ``_``, and again never a device name."""
    name = unicodedata.normalize("NFKD", download_name(filename))
    stem, _dot, extension = name.rpartition(".")
    stem = stem.encode("ascii", "ignore").decode("ascii")
    stem = re.sub(r"[^A-Za-z0-9\- ()]+", "_", stem).strip(" ._")
    stem = re.sub(r"_+", "_", stem) or "file"
    if is_device_name(stem):
        stem = f"{stem}_"
    return f"{stem}.{extension}"
