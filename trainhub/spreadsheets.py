"""Spreadsheets that open safely and read well.

CSV: a text cell never runs as a formula, and the file is UTF-8 with a byte-order mark, so
Excel on Windows shows en dashes and Welsh letters (w with a circumflex) instead of reading
the file in the Windows code page. Every CSV is written by :func:`csv_text` (the formula
escaping) and every CSV download is answered by :func:`csv_response` (the byte-order mark);
nothing else writes one.

Excel workbooks (openpyxl) need no escaping: a cell typed as a string stays text, shown
as written, with no leading apostrophe. Their sheets are named by :func:`sheet_name`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from flask import Response, send_file

#: A spreadsheet would run a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

#: UTF-8 starting with a byte-order mark ("\ufeff"), which ``utf-8-sig`` readers drop.
CSV_ENCODING = "utf-8-sig"


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet shows as text (numbers are left as numbers)."""
    if isinstance(value, str) and value[:1] in _FORMULA_START:
        return "'" + value
    return value


def read_cell(value: str) -> str:
    """A text cell of a CSV this module wrote, as it was before :func:`safe_cell` (for files
    that come back, filled in)."""
    if value[:1] == "'" and value[1:2] in _FORMULA_START and value[1:2]:
        return value[1:]
    return value


def _plain(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value if isinstance(value, (int, float)) else safe_cell(str(value))


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """One header row, then the rows: decimals with two places, text made formula-safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([_plain(v) for v in row])
    return out.getvalue()


def csv_bytes(text: str) -> bytes:
    """The CSV as its file holds it: UTF-8 with a byte-order mark."""
    return text.encode(CSV_ENCODING)


def csv_response(text: str, filename: str) -> Response:
    """A CSV from :func:`csv_text` as a download named ``filename`` (UTF-8 with a BOM)."""
    return send_file(
        io.BytesIO(csv_bytes(text)),
        mimetype="text/csv",
        as_attachment=True,
        download_name=filename,
        max_age=0,
    )


#: Excel's longest sheet name, and the characters it refuses in one.
SHEET_NAME_LIMIT = 31
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
#: Words a shortened name does not end on ("Cohorts already scheduled for the" → "Cohorts
#: already scheduled"), in English and Welsh.
_LINKING_WORDS = frozenset(
    {"a", "an", "and", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"}
    | {"ac", "am", "ar", "at", "fesul", "gan", "gyda", "gyfer", "i", "o", "y", "yn", "yr", "ôl"}
)
#: Punctuation a shortened name does not end on (en and em dashes among it).
_TRAILING = ",;:-\u2013\u2014\u00b7'"
#: An aside in brackets, as whole words: "Feedback by trainer (mean of all ratings)".
_ASIDE = re.compile(r"(?:^|\s)\([^()]*\)(?=$|\s|[,.;:](?:$|\s))")


def sheet_name(title: str, used: set[str]) -> str:
    """A sheet name for ``title`` that Excel accepts, unique among ``used`` (casefolded, and
    added to it): the characters Excel refuses become spaces; a title longer than 31
    characters loses its brackets' aside, then whole words from its end (and a linking word
    left last), never part of a word; when that name is used already, the title without its
    linking words if it fits, else " (2)", " (3)"…
    """
    words = _NOT_IN_SHEET_NAMES.sub(" ", title).split()
    if len(" ".join(words)) > SHEET_NAME_LIMIT:
        words = _ASIDE.sub("", " ".join(words)).split() or words
    name, n = _fit(words, SHEET_NAME_LIMIT), 1
    if name.casefold() in used:
        # Two long titles cut to the same words ("Attendees by course and background" and
        # "… and organisation"): try again without the linking words.
        terse = [words[0], *(w for w in words[1:] if w.casefold() not in _LINKING_WORDS)]
        shorter = _fit(terse, SHEET_NAME_LIMIT)
        if shorter and shorter.casefold() not in used:
            name = shorter
    while not name or name.casefold() in used or name.casefold() == "history":
        n += 1
        suffix = f"({n})"
        base = _fit(words, SHEET_NAME_LIMIT - len(suffix) - 1)
        name = f"{base} {suffix}" if base else suffix
    used.add(name.casefold())
    return name


def _fit(words: list[str], limit: int) -> str:
    """As many of ``words`` as fit in ``limit`` characters, cut only between words."""
    kept: list[str] = []
    for word in words:
        if len(" ".join([*kept, word])) > limit:
            break
        kept.append(word)
    else:
        return " ".join(kept).strip(" '")
    if not kept:
        # One word longer than a sheet name: the only case where a word is cut.
        return words[0][:limit].strip(" '")
    while len(kept) > 1 and kept[-1].strip(_TRAILING).casefold() in _LINKING_WORDS:
        kept.pop()
    kept[-1] = kept[-1].rstrip(_TRAILING) or kept[-1]
    return " ".join(kept).strip(" '")
