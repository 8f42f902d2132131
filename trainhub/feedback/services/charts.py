"""Bar charts as SVG drawn on the server: the same markup in the page and in the PDF.

Drawn to be read on a phone (390 px wide) as well as in the PDF: 400 units wide, labels
written in full on the line above their bar (wrapped, never cut), the value after the bar
inside the picture. When a label would take more than two lines, the bars are numbered and
a key below gives each number's label in full. Text widths are estimated generously (for
DejaVu Sans, wider than Arial), so nothing runs past the picture's edge.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from flask import render_template
from flask_babel import gettext as _
from markupsafe import Markup

from trainhub.feedback.reporting import Budget, Figures, item_text, quarter_label

#: The picture's width: at 390 px on a phone its 14-unit text is still 13.6 px.
WIDTH = 400
FONT = 14
TITLE_FONT = 16
LINE = 18
TITLE_LINE = 20
BAR = 18
GAP = 14
#: A label longer than this many lines moves to the key.
MAX_LABEL_LINES = 2

_NARROW = frozenset("'ijlIJîíìïÎ|.,:; \u2018\u2019")
_MEDIUM = frozenset('!/\\f-()[]tr"*_`\u2013\u201c\u201d')
_WIDE = frozenset("mwMW%@&#+<=>^~\u2014\u2026ŵŴẁẃẅẀẂẄ")


def text_width(text: str, size: float, bold: bool = False) -> float:
    """A generous estimate of ``text``'s width at ``size`` (an upper bound for DejaVu Sans,
    what WeasyPrint draws Arial with here, and so for the narrower Arial of browsers)."""
    em = 0.0
    for ch in text:
        if ch in _NARROW:
            em += 0.34
        elif ch in _MEDIUM:
            em += 0.58
        elif ch in _WIDE:
            em += 1.0
        elif ch.isupper():
            em += 0.8
        elif ch.isascii() or ch.isalpha() or ch in "£€":
            em += 0.66
        else:
            em += 1.0
    return em * size * (1.15 if bold else 1.0)


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """``text`` in lines no wider than ``width``, broken between words (a word wider than a
    line, between its letters): every character is kept."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size, bold) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        for ch in word:
            if current and text_width(current + ch, size, bold) > width:
                lines.append(current)
                current = ""
            current += ch
    if current:
        lines.append(current)
    return lines or [""]


@dataclass(frozen=True)
class Text:
    """One line of text, its baseline at ``y``; ``end`` anchors it at its right."""

    text: str
    x: float
    y: float
    size: int = FONT
    bold: bool = False
    end: bool = False


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float


def bar_chart(
    title: str, items: Sequence[tuple[str, float, str]], scale: float | None = None
) -> Markup:
    """A horizontal bar chart of (label, value, value as shown); empty when there is no data."""
    if not items:
        return Markup("")
    texts: list[Text] = []
    y = 0.0
    for line in wrap(title, WIDTH, TITLE_FONT, bold=True):
        y += TITLE_LINE
        texts.append(Text(line, 0, y - 4, TITLE_FONT, bold=True))
    y += 8
    top = scale or max((value for _label, value, _shown in items), default=0) or 1
    shown_width = max(text_width(shown, FONT) for _label, _value, shown in items)
    labels = [wrap(label, WIDTH, FONT) for label, _value, _shown in items]
    keyed = any(len(lines) > MAX_LABEL_LINES for lines in labels)
    numbers = [str(n) for n in range(1, len(items) + 1)]
    bar_x = max(text_width(n, FONT) for n in numbers) + 8 if keyed else 0.0
    plot = WIDTH - bar_x - 6 - shown_width - 2
    bars: list[Rect] = []
    for number, lines, (_label, value, shown) in zip(numbers, labels, items, strict=True):
        if keyed:
            texts.append(Text(number, bar_x - 8, y + BAR - 4, end=True))
        else:
            for line in lines:
                y += LINE
                texts.append(Text(line, 0, y - 4))
            y += 2
        width = max(0.0, plot * min(value, top) / top)
        bars.append(Rect(bar_x, y, width, BAR))
        texts.append(Text(shown, bar_x + width + 6, y + BAR - 4))
        y += BAR + GAP
    if keyed:
        y += 4
        indent = bar_x
        for number, (label, _value, _shown) in zip(numbers, items, strict=True):
            for i, line in enumerate(wrap(label, WIDTH - indent, FONT)):
                y += LINE
                if i == 0:
                    texts.append(Text(number, indent - 8, y - 4, end=True))
                texts.append(Text(line, indent, y - 4))
            y += 4
    # Our own autoescaped template: safe to put in the page as markup.
    return Markup(  # noqa: S704
        render_template(
            "feedback/_bar_chart.svg",
            title=title,
            chart_id="chart-" + hashlib.sha256(title.encode()).hexdigest()[:8],
            texts=texts,
            bars=bars,
            width=WIDTH,
            height=round(y + 4),
        )
    )


def charts(data: Figures) -> dict[str, Markup]:
    """The report's charts, by the section they illustrate."""
    result = {
        "how_much": bar_chart(
            _("Attendees by course"),
            [(c["course"], c["attendees"], str(c["attendees"])) for c in data["courses"]],
        ),
        "how_well": bar_chart(
            _("Mean rating of each statement (out of 5)"),
            [
                (item_text(i), float(i["mean"]), i["mean"])
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
