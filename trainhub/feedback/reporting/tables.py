"""The figures as titled tables with translated labels: one source for the page, the CSV
and Excel exports and the annual-report PDF (and for the difference against a snapshot).

Each section's module builds its own tables from its own typed figures;
``figures.build`` puts them in report order. Here: what a table is, how a figure is shown,
and how two versions of the report differ.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from trainhub.i18n import TEAM

#: The four RBA report-card headings of the 2016-17 report (R38), then the rest.
SECTIONS = {
    "how_much": _l("How much did we do?"),
    "how_well": _l("How well did we do it?"),
    "better_off": _l("Is anyone better off?"),
    "workforce": _l("%(team)s workforce", team=TEAM),
    "budget": _l("Training budget"),
    "next_year": _l("Developments for the next year"),
}

#: How a column is shown and exported.
Kind = Literal["int", "money", "mean", "percent", "number", "text"]


def quarter_label(quarter: int | None) -> str:
    """The months of a quarter (1 is April to June), translated; "Whole year" for None (a
    spend line given for the year only)."""
    if quarter is None:
        return _("Whole year")
    return {
        1: _("April to June"),
        2: _("July to September"),
        3: _("October to December"),
        4: _("January to March"),
    }[quarter]


@dataclass
class Column:
    key: str
    label: str
    #: "int", "money", "mean", "percent", "number" or "text": how to show and export it.
    kind: Kind = "int"


@dataclass
class Table:
    key: str
    section: str
    title: str
    columns: list[Column]
    rows: list[list[Any]]
    #: Shown instead of an empty table.
    empty: str = ""
    total: list[Any] | None = None
    #: Part of the annual-report PDF (a few tables are for managers' eyes only).
    in_report: bool = True
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def label(labels: Mapping[str, Any], key: str | None) -> str:
    """The translated label of a code, "Not recorded" for none, the code itself if unknown."""
    if not key:
        return _("Not recorded")
    return str(labels.get(key, key))


def as_decimal(value: str | None) -> Decimal | None:
    """A figure kept as text ("4.60", "18000.00") as a number for the table."""
    return None if value is None else Decimal(value)


def flatten(tables: list[Table]) -> dict[tuple[str, str, str], Any]:
    """Every figure keyed by (table, row, column), to compare two versions of the report."""
    cells: dict[tuple[str, str, str], Any] = {}
    for table in tables:
        rows = table.rows + ([table.total] if table.total else [])
        for row in rows:
            for column, value in zip(table.columns[1:], row[1:], strict=False):
                cells[(table.title, str(row[0]), column.label)] = value
    return cells


@dataclass
class Difference:
    table: str
    row: str
    column: str
    published: Any
    now: Any


def differences(published: list[Table], current: list[Table]) -> list[Difference]:
    """What changed since publication: figures that differ, appeared or disappeared."""
    before, after = flatten(published), flatten(current)
    result = []
    for key in list(before) + [k for k in after if k not in before]:
        old, new = before.get(key), after.get(key)
        if old != new:
            result.append(Difference(*key, published=old, now=new))
    return result


def display(value: Any, kind: str) -> str:
    """A figure as the page and the PDF show it; a dash where nothing is shown."""
    if value is None:
        return "\u2013"
    if kind == "money":
        return f"£{Decimal(value):,.2f}"
    if kind == "mean":
        return f"{Decimal(value):.2f}"
    if kind == "percent":
        return f"{float(value):.1f}%"
    if kind == "number" and isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
