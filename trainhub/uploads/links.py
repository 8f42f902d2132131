"""Where a link someone clicks in a document may lead: a web page, an e-mail address or a place
in the same document, and nowhere else.

Word, LibreOffice and PDF readers hand any other target to Windows or the desktop, which opens
a path on the reader's drive or a network share (``C:\\…``, ``\\\\host\\share``, ``file:``) or
starts the program registered for the scheme (``ms-msdt:``, ``search-ms:``, ``ms-word:``,
``vnd.libreoffice.command:`` …): one click away from running something. So this is an
allow-list, not a list of the schemes known to be dangerous today.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

_ALLOWED = re.compile(r"(?:https?|mailto):", re.IGNORECASE)
#: Percent-decoding rounds before a link still changing is given up on (``%25255c`` …).
_ROUNDS = 4


def is_safe_link(target: str) -> bool:
    """Whether ``target`` opens a web page or an e-mail, or goes to a place in the document.

    The link is judged as written (white space around it stripped) and after each round of
    percent-decoding, and every form must pass: ``https%3A//…`` is a file name to Windows,
    and ``%5c%5chost`` a share to some readers.
    """
    current = target.strip()
    if not current:
        return True  # an empty link goes nowhere
    for _round in range(_ROUNDS):
        if not _allowed(current):
            return False
        decoded = unquote(current, errors="replace").strip()
        if decoded == current:
            return True
        current = decoded
    return False


def decoded_forms(target: str) -> list[str]:
    """``target`` stripped, then after each round of percent-decoding (a few at most)."""
    forms = [target.strip()]
    for _round in range(_ROUNDS):
        decoded = unquote(forms[-1], errors="replace").strip()
        if decoded == forms[-1]:
            break
        forms.append(decoded)
    return forms


def _allowed(form: str) -> bool:
    # Only the start is judged: a scheme written with anything in it (a tab, a look-alike
    # letter) is not one of these, and what follows a web scheme is the browser's to read.
    return form.startswith("#") or _ALLOWED.match(form) is not None
