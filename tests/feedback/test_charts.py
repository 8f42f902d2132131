"""The report's charts are read in full on a phone (390 px wide) and in the PDF: no label is cut
("Chairing Core Group Meetings Tr…"), no text runs past the picture (measured with the font
the PDF draws it in), and long names move to a key, in English and in Welsh."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import force_locale
from fontTools.ttLib import TTFont
from sqlalchemy import select

from tests.factories import make_user
from tests.feedback.view_helpers import asked_cohort
from trainhub.courses.catalogue_data import COURSES
from trainhub.courses.models import Course
from trainhub.extensions import db
from trainhub.feedback.reporting import compute, item_text
from trainhub.feedback.services import budget as budget_services
from trainhub.feedback.services import charts
from trainhub.financial_years import Period

SVG = "{http://www.w3.org/2000/svg}"
PHONE = 390
#: The smallest text a phone may show (px) once the chart is shrunk to its width.
READABLE = 12
LONGEST = max((c["title"] for c in COURSES), key=len)


@cache
def _font(bold: bool) -> TTFont:
    """The font the PDF draws "Arial, sans-serif" with (fontconfig's choice, as WeasyPrint's)."""
    assert shutil.which("fc-match"), "fontconfig's fc-match is needed to measure the charts"
    style = "Arial:bold" if bold else "Arial"
    path = subprocess.run(
        ["fc-match", "--format=%{file}", style], capture_output=True, text=True, check=True
    ).stdout
    assert Path(path).is_file(), path
    return TTFont(path)


def measured(text: str, size: float, bold: bool) -> float:
    font = _font(bold)
    cmap, metrics = font.getBestCmap(), font["hmtx"]
    units = sum(metrics[cmap.get(ord(ch), ".notdef")][0] for ch in text)
    return units * size / font["head"].unitsPerEm


@dataclass
class Line:
    text: str
    left: float
    right: float
    top: float
    baseline: float
    size: float


def lines_of(svg: str) -> tuple[float, float, list[Line], list[tuple[float, float]]]:
    """The chart's viewBox width and height, every text line placed, every bar's x span."""
    root = ET.fromstring(svg)
    _x, _y, width, height = (float(v) for v in root.attrib["viewBox"].split())
    assert not root.findall(f".//{SVG}g[@transform]"), "measure without transforms"
    lines = []
    for node in root.iter(f"{SVG}text"):
        size = float(node.attrib["font-size"])
        text = node.text or ""
        w = measured(text, size, node.attrib.get("font-weight") == "bold")
        x, y = float(node.attrib["x"]), float(node.attrib["y"])
        left = x - w if node.attrib.get("text-anchor") == "end" else x
        lines.append(Line(text, left, left + w, y - size, y, size))
    bars = [
        (float(r.attrib["x"]), float(r.attrib["x"]) + float(r.attrib["width"]))
        for r in root.iter(f"{SVG}rect")
    ]
    return width, height, lines, bars


def assert_readable(svg: str, labels: list[str]) -> list[Line]:
    width, height, lines, bars = lines_of(svg)
    for line in lines:
        assert "…" not in line.text and line.text == line.text.strip(), line
        assert line.left >= 0 and line.right <= width, line
        assert line.top >= 0 and line.baseline <= height, line
        assert line.size * PHONE / width >= READABLE, line
    for left, right in bars:
        assert 0 <= left <= right <= width
    # Every label is there in full, in order, on one or more lines.
    everything = " ".join(line.text for line in lines)
    for label in labels:
        assert " ".join(label.split()) in everything, label
    return lines


@pytest.fixture
def request_context(app: Flask) -> Iterator[None]:
    with app.test_request_context():
        yield


@pytest.mark.once
@pytest.mark.usefixtures("request_context")
@pytest.mark.parametrize("language", ["en", "cy"])
def test_course_titles_are_never_cut_and_long_ones_go_to_a_key(language: str) -> None:
    titles = [c["title"] for c in COURSES]
    items = [(title, float(n * 7), str(100 + n * 7)) for n, title in enumerate(titles)]

    with force_locale(language):
        svg = str(charts.bar_chart("Attendees by course", items))
        short = str(charts.bar_chart("Attendees by course", [("Safety planning", 4.0, "4")]))

    lines = assert_readable(svg, titles)
    # A key: each bar has its number, and the key gives the number with the name in full.
    numbers = [line for line in lines if line.text.isdigit() and int(line.text) < 100]
    assert [n.text for n in numbers] == [str(n) for n in range(1, len(titles) + 1)] * 2
    assert_readable(short, ["Safety planning"])
    assert not any(line.text == "1" for line in lines_of(short)[2])


@pytest.mark.once
@pytest.mark.usefixtures("request_context")
def test_the_spend_value_stays_inside_its_picture() -> None:
    budget = {
        "lines": [
            {"quarter": 1, "amount": "123456.78"},
            {"quarter": 2, "amount": "99999999.99"},
            {"quarter": None, "amount": "0.00"},
        ]
    }

    svg = str(charts.budget_chart(budget))  # type: ignore[arg-type]

    _width, _height, lines, bars = lines_of(svg)
    assert_readable(svg, ["£123,456.78", "£99,999,999.99", "£0.00"])
    values = [line for line in lines if line.text.startswith("£")]
    # Each value is drawn after the end of its bar.
    assert [round(v.left - right) for v, (_left, right) in zip(values, bars, strict=True)] == [
        6,
        6,
        6,
    ]


@pytest.mark.once
@pytest.mark.usefixtures("request_context")
def test_a_title_too_long_for_one_line_wraps() -> None:
    title = "Cyfartaledd sgôr pob datganiad (allan o 5) gan fynychwyr pob cwrs eleni"

    svg = str(charts.bar_chart(title, [("Ŵyn", 5.0, "5.00")], scale=5))

    lines = assert_readable(svg, [title, "Ŵyn"])
    assert len([line for line in lines if line.size == 16]) == 2


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_reports_charts_are_readable_in_both_languages(
    app: Flask, catalogue: None, language: str
) -> None:
    core = db.session.execute(select(Course).where(Course.code == "IFSS-CORE")).scalar_one()
    asked_cohort(6, 5, course=core)
    asked_cohort(5, 5)
    boss = make_user(roles=["manager"])
    budget_services.add_spend(boss, 2016, 1, "venue", "Neuadd y Dref", Decimal("1234567.89"))
    data = compute(Period(2016), today=dt.date(2017, 6, 1))

    with app.test_request_context(), force_locale(language):
        drawn = charts.charts(data)
        labels = {
            "how_much": [c["course"] for c in data["courses"]],
            "how_well": [item_text(i) for i in data["feedback"]["items"] if i["mean"]],
            "budget": ["£1,234,567.89"],
        }

    assert set(drawn) == set(labels)
    for section, svg in drawn.items():
        assert str(svg), section
        assert_readable(str(svg), labels[section])
    if language == "cy":
        assert "Roedd yr hyfforddwyr yn wybodus." in str(drawn["how_well"])
