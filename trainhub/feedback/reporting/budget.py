"""The training budget (R39): the year's allocation, spend by quarter and category, and
what remains. The allocation and the spend lines are kept by
``trainhub.feedback.services.budget``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NotRequired, TypedDict

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Integer, Numeric, String, func, or_, select

from trainhub.feedback.models import QUARTERS, SPEND_CATEGORIES, SpendLine, TrainingBudget
from trainhub.feedback.reporting._sql import money, tagged_union
from trainhub.feedback.reporting.tables import Column, Table, as_decimal, quarter_label
from trainhub.financial_years import Period

SPEND_LABELS = {
    "venue": _l("Venue hire"),
    "catering": _l("Catering"),
    "hospitality": _l("Hospitality"),
    "conference": _l("Conference expenses"),
    "print": _l("Print costs and stationery"),
    "books": _l("Books and resources"),
    "trainer_fees": _l("Trainer fees"),
    "travel": _l("Travel"),
    "other": _l("Other"),
}
assert set(SPEND_LABELS) == set(SPEND_CATEGORIES)


class SpendFigure(TypedDict):
    #: None: a line given for the whole year only (counted in whole-year figures only).
    quarter: int | None
    category: str
    #: What the manager wrote ("Training, 8.4"); "" for none.
    description: NotRequired[str]
    #: Pounds and pence as text ("388.00"): JSON keeps it exactly.
    amount: str


class Budget(TypedDict):
    #: None: no allocation recorded for the year.
    allocation: str | None
    #: The period's own lines (a quarter's only, for a quarter).
    lines: list[SpendFigure]
    #: Spent from April to the end of the period.
    spent_to_date: str
    remaining: str | None
    #: The manager's choice to show what remains (not in snapshots before it was added).
    show_remaining: NotRequired[bool]


def budget(period: Period) -> Budget:
    """Allocation, spend by quarter and category, and what remains (R39), in one statement.

    A whole-year line (no quarter) counts in the whole year's figures only: no quarter's
    figures can say when in the year it was spent.
    """
    last_quarter = period.quarter or 4
    in_period = SpendLine.quarter <= last_quarter
    if period.quarter is None:
        in_period = or_(in_period, SpendLine.quarter.is_(None))
    parts = tagged_union(
        {
            "quarter": Integer(),
            "category": String(),
            "description": String(),
            "amount": Numeric(),
            "show": Boolean(),
        },
        {
            "allocation": select(
                TrainingBudget.allocation.label("amount"),
                TrainingBudget.show_remaining.label("show"),
            ).where(TrainingBudget.financial_year == period.year),
            "spend": select(
                SpendLine.quarter.label("quarter"),
                SpendLine.category.label("category"),
                SpendLine.description.label("description"),
                func.sum(SpendLine.amount).label("amount"),
            )
            .where(SpendLine.financial_year == period.year, in_period)
            .group_by(SpendLine.quarter, SpendLine.category, SpendLine.description),
        },
    )
    allocation = parts["allocation"][0].amount if parts["allocation"] else None
    show = bool(parts["allocation"][0].show) if parts["allocation"] else True
    # Ordered here: SQLite puts NULLs first and PostgreSQL last; whole-year lines go last.
    spend = sorted(
        ((r.quarter, r.category, (r.description or "").strip(), r.amount) for r in parts["spend"]),
        key=lambda s: (s[1], s[2].casefold(), s[0] is None, s[0] or 0),
    )
    lines: list[SpendFigure] = [
        {"quarter": q, "category": c, "description": d, "amount": money(a)}
        for q, c, d, a in spend
        if period.quarter is None or q == period.quarter
    ]
    spent = sum((Decimal(str(a)) for _q, _c, _d, a in spend), Decimal(0))
    return {
        "allocation": money(allocation) if allocation is not None else None,
        "lines": lines,
        "spent_to_date": money(spent),
        "remaining": money(allocation - spent) if allocation is not None else None,
        "show_remaining": show,
    }


def budget_tables(figures: Budget, quarter: int | None) -> list[Table]:
    """The allocation against the spend, then the spend by category and quarter (one
    quarter's column for a quarter; a "Whole year" column when the year has lines given for
    the year only)."""
    quarters: list[int | None] = [quarter] if quarter else list(QUARTERS)
    if quarter is None and any(line["quarter"] is None for line in figures["lines"]):
        quarters.append(None)
    # A row for each description (the category's name where a line has none).
    amounts: dict[tuple[tuple[str, str], int | None], Decimal] = {}
    for line in figures["lines"]:
        key = ((line["category"], line.get("description", "")), line["quarter"])
        amounts[key] = amounts.get(key, Decimal(0)) + Decimal(line["amount"])
    order = {c: i for i, c in enumerate(SPEND_CATEGORIES)}
    categories = sorted(
        {c for c, q in amounts if q in quarters}, key=lambda c: (order[c[0]], c[1].casefold())
    )
    zero = Decimal("0.00")
    spent = [
        [
            c[1] or str(SPEND_LABELS[c[0]]),
            *[amounts.get((c, q), zero) for q in quarters],
            sum((amounts.get((c, q), zero) for q in quarters), zero),
        ]
        for c in categories
    ]
    total: list[Any] = [
        _("Total"),
        *[sum((amounts.get((c, q), zero) for c in categories), zero) for q in quarters],
        sum((amounts.get((c, q), zero) for c in categories for q in quarters), zero),
    ]
    spend = Table(
        "spend",
        "budget",
        _("Training and professional development spend"),
        [
            Column("category", _("Category"), "text"),
            *[
                Column("year" if q is None else f"q{q}", quarter_label(q), "money")
                for q in quarters
            ],
            Column("total", _("Total"), "money"),
        ],
        spent,
        empty=_("No spending recorded in this period."),
        total=total if spent else None,
    )
    allocation = as_decimal(figures["allocation"])
    measures: list[list[Any]] = [
        [_("Allocation for the year"), allocation],
        [_("Spent in the year to date"), Decimal(figures["spent_to_date"])],
    ]
    if figures.get("show_remaining", True):
        measures.append([_("Remaining"), as_decimal(figures["remaining"])])
    summary = Table(
        "budget",
        "budget",
        _("Training budget"),
        [Column("measure", _("Measure"), "text"), Column("amount", _("Amount"), "money")],
        measures,
        note="" if allocation is not None else _("No allocation has been recorded for this year."),
    )
    return [summary, spend]
