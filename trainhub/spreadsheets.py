"""CSV that spreadsheets open safely: a text cell never runs as a formula, and the file is
UTF-8 with a byte-order mark, so Excel on Windows shows en dashes and Welsh letters (w with
a circumflex) instead of reading the file in the Windows code page.

Every CSV is written by :func:`csv_text` (the formula escaping) and every CSV download is
answered by :func:`csv_response` (the byte-order mark); nothing else writes one. Excel
workbooks (openpyxl) need no escaping: a cell written as a string stays text.
"""

from __future__ import annotations

import csv
import io
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
