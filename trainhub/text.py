"""What text may hold: one home for the rule every form field, import and e-mail uses.

Pasted text brings invisible characters with it. In one line (a title, a provider, a name)
a line break or a tab can forge a new line in an e-mail body, and a bidirectional control
(U+202E and friends) can make a subject read backwards; NUL cannot be stored by PostgreSQL.
"""

from __future__ import annotations

import unicodedata

#: The invisible controls of bidirectional text (embeddings, overrides, isolates, marks).
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
#: What a paragraph of text may keep of the control characters.
TEXT_WHITESPACE = frozenset("\t\n\r")


def is_control(char: str, *, multiline: bool = False) -> bool:
    """Whether ``char`` is a control character not allowed in one line (or in a paragraph)."""
    if unicodedata.category(char) == "Cc":
        return not (multiline and char in TEXT_WHITESPACE)
    if char in ("\u2028", "\u2029"):  # line and paragraph separators
        return not multiline
    return char in BIDI_CONTROLS


def has_control_characters(value: str, *, multiline: bool = False) -> bool:
    """Whether ``value`` holds a character that ``is_control`` refuses."""
    return any(is_control(char, multiline=multiline) for char in value)


def one_line(value: str) -> str:
    """``value`` with every control character replaced by a space (for e-mail subjects)."""
    return " ".join("".join(" " if is_control(c) else c for c in value).split())
