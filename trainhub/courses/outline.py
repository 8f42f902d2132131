"""Agendas and outcomes as editable text, and back.

An agenda is written one line at a time::

    Day 1
    Introduction to the Model: Overview of Model & Training
    - an item under that topic
    Day 2
    ...

Units of learning outcomes use the same shape, with ``Unit`` headings written
as plain lines and outcomes as ``- `` lines.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _

from trainhub.courses.catalogue_data import DayData, TopicData, UnitData
from trainhub.errors import ValidationFailed

#: "Day 2", "Diwrnod 2", or "Day 2: First topic" (the rest of the line is the day's first topic).
_DAY = re.compile(r"^(day|diwrnod)\s+(\d+)\s*(?:[:.\-\u2013]\s*(.*))?$", re.IGNORECASE)
_BULLET = re.compile(r"^\s*[-*\u2022](\s+|$)")


def parse_agenda(text: str, duration_days: int) -> list[DayData]:
    """Parse agenda text; the days must run 1..duration in order."""
    days: list[DayData] = []
    topic: TopicData | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        day_match = _DAY.match(line)
        if day_match:
            expected = len(days) + 1
            if int(day_match.group(2)) != expected:
                raise ValidationFailed(
                    "agenda",
                    _("Line %(line)d: expected “Day %(day)d”", line=number, day=expected),
                )
            days.append({"topics": []})
            topic = None
            if day_match.group(3):
                topic = {"title": day_match.group(3).strip(), "items": []}
                days[-1]["topics"].append(topic)
        elif not days:
            raise ValidationFailed(
                "agenda", _("Line %(line)d: start the agenda with “Day 1”", line=number)
            )
        elif _BULLET.match(raw):
            if topic is None:
                raise ValidationFailed(
                    "agenda",
                    _("Line %(line)d: an item (“- …”) must come under a topic", line=number),
                )
            item = _BULLET.sub("", raw).strip()
            if item:  # an empty bullet is a slip of the keyboard, not an item
                topic["items"].append(item)
        else:
            topic = {"title": line, "items": []}
            days[-1]["topics"].append(topic)
    if days and len(days) != duration_days:
        raise ValidationFailed(
            "agenda",
            _(
                "The agenda has %(found)d days but the course lasts %(days)d",
                found=len(days),
                days=duration_days,
            ),
        )
    for index, day in enumerate(days, start=1):
        if not day["topics"]:
            raise ValidationFailed("agenda", _("Day %(day)d has no topics", day=index))
    return days


def format_agenda(days: list[DayData], day: str = "Day") -> str:
    """The agenda as its text; ``day`` heads each day ("Diwrnod" for the Welsh)."""
    lines: list[str] = []
    for number, each in enumerate(days, start=1):
        lines.append(f"{day} {number}")
        for topic in each["topics"]:
            lines.append(topic["title"])
            lines.extend(f"- {item}" for item in topic["items"])
    return "\n".join(lines)


def parse_units(text: str) -> list[UnitData]:
    """Parse units: a heading line, then its outcomes as ``- `` lines."""
    units: list[UnitData] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if _BULLET.match(raw):
            if not units:
                raise ValidationFailed(
                    "units",
                    _("Line %(line)d: an outcome (“- …”) must come under a unit", line=number),
                )
            outcome = _BULLET.sub("", raw).strip()
            if outcome:
                units[-1]["outcomes"].append(outcome)
        else:
            units.append({"title": line, "outcomes": []})
    return units


def format_units(units: list[UnitData]) -> str:
    lines: list[str] = []
    for unit in units:
        lines.append(unit["title"])
        lines.extend(f"- {outcome}" for outcome in unit["outcomes"])
    return "\n".join(lines)
