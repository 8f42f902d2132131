"""What every section's statement is built with: several aggregates in one statement, a
mean as ``avg`` gives it, and the figures as plain JSON-ready values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Integer,
    Row,
    Select,
    cast,
    func,
    literal_column,
    null,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.types import NullType, TypeEngine

from trainhub.courses.models import LOCAL_TIME
from trainhub.extensions import db


def rows(query: Any) -> list[Any]:
    """Every row of ``query``."""
    return list(db.session.execute(query))


def tagged_union(
    slots: Mapping[str, TypeEngine[Any]],
    parts: Mapping[str, Select[*tuple[Any, ...]]],
    order: Sequence[str] = (),
) -> dict[str, list[Row[Any]]]:
    """Several small aggregates in one statement: the UNION ALL of ``parts``, each row tagged
    with its part's name (GROUPING SETS would do, but SQLite lacks them).

    Each part labels its columns with names from ``slots``; a slot a part lacks is a NULL of
    the slot's type (PostgreSQL types a UNION pairwise, so an untyped NULL can clash). Values
    come back as the part's own column would give them. Rows are grouped by part, each part
    in ``order`` (slot names, "-" first for descending).
    """
    branches = [
        part.with_only_columns(
            literal_column(f"'{kind}'").label("kind"),
            *(
                part.selected_columns[name]
                if name in part.selected_columns
                else cast(null(), type_).label(name)
                for name, type_ in slots.items()
            ),
            maintain_column_froms=True,
        )
        for kind, part in parts.items()
    ]
    union = union_all(*branches).subquery()
    columns = [
        type_coerce(
            union.c[name],
            next(
                (
                    p.selected_columns[name].type
                    for p in parts.values()
                    if name in p.selected_columns
                ),
                type_,
            ),
        ).label(name)
        for name, type_ in slots.items()
    ]
    ordering = [union.c[o[1:]].desc() if o.startswith("-") else union.c[o] for o in order]
    result: dict[str, list[Row[Any]]] = {kind: [] for kind in parts}
    for row in db.session.execute(select(union.c.kind, *columns).order_by(union.c.kind, *ordering)):
        result[row.kind].append(row)
    return result


def ratio(total: Any, count: Any) -> Any:
    """``total / count`` as ``avg`` gives it (None for no count): a numeric on PostgreSQL and
    a float on SQLite, untyped so that both come back as the database returns them."""
    return type_coerce(total / type_coerce(func.nullif(count, 0), Integer), NullType())


def money(value: Decimal | None) -> str:
    """An amount as the figures keep it: pounds and pence, "0.00" for none."""
    return f"{(value or Decimal(0)):.2f}"


def mean(value: Any) -> str | None:
    """A mean rating to two places (None for none)."""
    return None if value is None else f"{Decimal(str(value)):.2f}"


def rate(part: int, whole: int) -> float | None:
    """``part`` as a percentage of ``whole`` to one place (None when ``whole`` is 0)."""
    return round(100 * part / whole, 1) if whole else None


def local_midnight(day: dt.date) -> dt.datetime:
    """The first moment of ``day`` in Wales."""
    return dt.datetime.combine(day, dt.time.min, LOCAL_TIME)
