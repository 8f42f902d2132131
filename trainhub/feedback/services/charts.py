"""Bar charts as SVG drawn on the server: the same markup in the page and in the PDF."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from flask import render_template
from flask_babel import gettext as _
from markupsafe import Markup

from trainhub.feedback.reporting import Budget, Figures, item_text, quarter_label

WIDTH = 640
BAR = 22
GAP = 8
LABEL_WIDTH = 260


@dataclass
class Bar:
    label: str
    value: float
    shown: str
    y: int
    width: float


def bar_chart(
    title: str, items: Sequence[tuple[str, float, str]], scale: float | None = None
) -> Markup:
    """A horizontal bar chart of (label, value, value as shown); empty when there is no data."""
    if not items:
        return Markup("")
    top = scale or max((value for _label, value, _shown in items), default=0) or 1
    plot = WIDTH - LABEL_WIDTH - 70
    bars = [
        Bar(label, value, shown, 30 + i * (BAR + GAP), max(0.0, plot * value / top))
        for i, (label, value, shown) in enumerate(items)
    ]
    height = 30 + len(bars) * (BAR + GAP) + 10
    # Our own autoescaped template: safe to put in the page as markup.
    return Markup(  # noqa: S704
        render_template(
            "feedback/_bar_chart.svg",
            title=title,
            chart_id="chart-" + hashlib.sha256(title.encode()).hexdigest()[:8],
            bars=bars,
            width=WIDTH,
            height=height,
            bar_height=BAR,
            label_width=LABEL_WIDTH,
        )
    )


def _short(text: str, limit: int = 32) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def charts(data: Figures) -> dict[str, Markup]:
    """The report's charts, by the section they illustrate."""
    result = {
        "how_much": bar_chart(
            _("Attendees by course"),
            [(_short(c["course"]), c["attendees"], str(c["attendees"])) for c in data["courses"]],
        ),
        "how_well": bar_chart(
            _("Mean rating of each statement (out of 5)"),
            [
                (_short(item_text(i)), float(i["mean"]), i["mean"])
                for i in data["feedback"]["items"]
                if i["mean"] is not None
            ],
            scale=5,
        ),
    }
    result["budget"] = budget_chart(data["budget"])
    return result


def budget_chart(budget: Budget) -> Markup:
    """Spend per quarter, from ``reporting.budget``; whole-year lines in a last bar."""
    spend: dict[int | None, Decimal] = {}
    for line in budget["lines"]:
        spend[line["quarter"]] = spend.get(line["quarter"], Decimal(0)) + Decimal(line["amount"])
    return bar_chart(
        _("Training spend by quarter"),
        [
            (quarter_label(q), float(v), f"£{v:,.2f}")
            for q, v in sorted(spend.items(), key=_quarter_order)
        ],
    )


def _quarter_order(item: tuple[int | None, Decimal]) -> tuple[bool, int]:
    return item[0] is None, item[0] or 0
