"""The figures as titled tables with translated labels: one source for the page, the CSV
and Excel exports and the annual-report PDF (and for the difference against a snapshot)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from trainhub.auth.choices import LOCAL_AUTHORITIES, PROFESSIONAL_BACKGROUNDS, SECTORS
from trainhub.feedback.models import QUARTERS, SPEND_CATEGORIES

#: The four RBA report-card headings of the 2016-17 report (R38), then the rest.
SECTIONS = {
    "how_much": _l("How much did we do?"),
    "how_well": _l("How well did we do it?"),
    "better_off": _l("Is anyone better off?"),
    "workforce": _l("IFST workforce"),
    "budget": _l("Training budget"),
    "next_year": _l("Developments for the next year"),
}

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


def quarter_label(quarter: int) -> str:
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
    kind: str = "int"


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


def _label(labels: Mapping[str, Any], key: str | None) -> str:
    if not key:
        return _("Not recorded")
    return str(labels.get(key, key))


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _breakdown(
    key: str, title: str, heading: str, rows: list[dict[str, Any]], name: Callable[[Any], str]
) -> Table:
    return Table(
        key,
        "how_much",
        title,
        [Column("group", heading, "text"), Column("attendees", _("Attendees"))],
        [[name(r), r["attendees"]] for r in rows],
        empty=_("No training recorded in this period."),
    )


def item_text(item: Mapping[str, Any]) -> str:
    welsh = str(get_locale()) == "cy"
    return str(item["text_cy"] if welsh and item.get("text_cy") else item["text"])


def build(data: Mapping[str, Any]) -> list[Table]:
    """All the tables of one period's figures, in report order."""
    none = _("No training recorded in this period.")
    totals = data["totals"]
    tables = [
        Table(
            "courses",
            "how_much",
            _("Training delivered, by course"),
            [
                Column("course", _("Course"), "text"),
                Column("cohorts", _("Cohorts")),
                Column("days", _("Training days")),
                Column("places_offered", _("Places offered")),
                Column("places_filled", _("Places filled")),
                Column("attendees", _("Attendees")),
                Column("completions", _("Completed")),
                Column("completion_rate", _("Completion rate"), "percent"),
                Column("no_shows", _("Did not attend")),
                Column("late_cancellations", _("Late cancellations")),
            ],
            [
                [
                    c["course"],
                    c["cohorts"],
                    c["days"],
                    c["places_offered"],
                    c["places_filled"],
                    c["attendees"],
                    c["completions"],
                    c["completion_rate"],
                    c["no_shows"],
                    c["late_cancellations"],
                ]
                for c in data["courses"]
            ],
            empty=none,
            total=[
                _("Total"),
                totals["cohorts"],
                totals["days"],
                totals["places_offered"],
                totals["places_filled"],
                totals["attendees"],
                totals["completions"],
                totals["completion_rate"],
                totals["no_shows"],
                totals["late_cancellations"],
            ]
            if data["courses"]
            else None,
            note=_("Someone who came on two courses is one attendee in the total."),
        ),
        _breakdown(
            "backgrounds",
            _("Attendees by professional background"),
            _("Professional background"),
            data["backgrounds"],
            lambda r: _label(PROFESSIONAL_BACKGROUNDS, r["key"]),
        ),
        _breakdown(
            "organisations",
            _("Attendees by organisation"),
            _("Organisation"),
            data["organisations"],
            lambda r: r["name"] or _("Not recorded"),
        ),
        _breakdown(
            "sectors",
            _("Attendees by sector"),
            _("Sector"),
            data["sectors"],
            lambda r: _label(SECTORS, r["key"]),
        ),
        _breakdown(
            "local_authorities",
            _("Attendees by local authority area"),
            _("Local authority area"),
            data["local_authorities"],
            lambda r: _label(LOCAL_AUTHORITIES, r["key"]),
        ),
        Table(
            "partners",
            "how_much",
            _("Closed cohorts for partners"),
            [
                Column("partner", _("Partner"), "text"),
                Column("cohorts", _("Closed cohorts")),
                Column("places", _("Places")),
                Column("attendees", _("Attendees")),
            ],
            [[p["name"], p["cohorts"], p["places"], p["attendees"]] for p in data["partners"]],
            empty=_("No closed cohorts in this period."),
        ),
        Table(
            "facilitators",
            "how_much",
            _("Facilitators by role"),
            [
                Column("role", _("Role"), "text"),
                Column("people", _("People")),
                Column("cohorts", _("Cohorts facilitated")),
            ],
            [
                [f["title"] or _("Role not recorded"), f["people"], f["cohorts"]]
                for f in data["facilitators"]
            ],
            empty=none,
        ),
        Table(
            "feedback",
            "how_well",
            _("Feedback from attendees (1 = strongly disagree, 5 = strongly agree)"),
            [
                Column("statement", _("Statement"), "text"),
                Column("n", _("Responses (n)")),
                Column("mean", _("Mean rating"), "mean"),
            ],
            [[item_text(i), i["n"], _decimal(i["mean"])] for i in data["feedback"]["items"]],
            empty=_("No feedback received in this period."),
            note=_(
                "%(responses)d responses from %(requests)d attendees asked. Means from fewer "
                "than %(floor)d responses are not shown.",
                responses=data["feedback"]["responses"],
                requests=data["feedback"]["requests"],
                floor=data["feedback"]["floor"],
            ),
        ),
        Table(
            "feedback_by_course",
            "how_well",
            _("Feedback by course (mean of all ratings)"),
            [
                Column("course", _("Course"), "text"),
                Column("n", _("Responses (n)")),
                Column("mean", _("Mean rating"), "mean"),
            ],
            [[r["course"], r["n"], _decimal(r["mean"])] for r in data["feedback_by_course"]],
            empty=_("No feedback received in this period."),
        ),
        Table(
            "feedback_by_trainer",
            "how_well",
            _("Feedback by trainer (mean of all ratings)"),
            [
                Column("trainer", _("Trainer"), "text"),
                Column("n", _("Responses (n)")),
                Column("mean", _("Mean rating"), "mean"),
            ],
            [[r["trainer"], r["n"], _decimal(r["mean"])] for r in data["feedback_by_trainer"]],
            empty=_("No feedback received in this period."),
            in_report=False,
        ),
        Table(
            "accreditation",
            "better_off",
            _("Accreditation applications and awards, by level"),
            [
                Column("level", _("Level"), "text"),
                Column("applications", _("Workbooks submitted")),
                Column("awards", _("Levels awarded")),
            ],
            [
                [
                    _("Level %(n)d: %(title)s", n=a["level"], title=a["title"]),
                    a["applications"],
                    a["awards"],
                ]
                for a in data["accreditation"]
            ],
            empty=_("No accreditation applications or awards in this period."),
        ),
        Table(
            "cpd",
            "better_off",
            _("CPD banked"),
            [Column("measure", _("Measure"), "text"), Column("value", _("Total"), "number")],
            [
                [_("People banking CPD"), data["cpd"]["people"]],
                [_("CPD hours"), Decimal(data["cpd"]["hours"])],
                [_("CQF credits"), Decimal(data["cpd"]["credits"])],
            ],
        ),
        _workforce_table(data["workforce"]),
        *budget_tables(data["budget"], data["period"]["quarter"]),
        Table(
            "planned",
            "next_year",
            _("Cohorts already scheduled for the next financial year"),
            [
                Column("course", _("Course"), "text"),
                Column("cohorts", _("Cohorts")),
                Column("places", _("Places")),
            ],
            [[p["course"], p["cohorts"], p["places"]] for p in data["planned"]],
            empty=_("Nothing scheduled for the next financial year yet."),
        ),
    ]
    if data["period"]["quarter"] is not None:
        tables = [t for t in tables if t.key != "planned"]
    return tables


def _workforce_table(workforce: Mapping[str, Any]) -> Table:
    rows: list[list[Any]] = [
        [_("IFST members"), workforce["members"]],
        [_("Core training completed"), workforce["core_trained"]],
        [_("New members not yet core-trained"), workforce["not_core_trained"]],
        *[[_("Holding Level %(n)d", n=row["level"]), row["people"]] for row in workforce["levels"]],
        [_("Accreditation due"), workforce["due"]],
        [_("Accreditation overdue"), workforce["overdue"]],
    ]
    return Table(
        "workforce",
        "workforce",
        _("IFST workforce training status"),
        [Column("measure", _("Measure"), "text"), Column("people", _("People"))],
        rows,
        note=_(
            "As at %(day)s.",
            day=format_date(dt.date.fromisoformat(workforce["as_at"]), "d MMMM yyyy"),
        ),
    )


def budget_tables(budget: Mapping[str, Any], quarter: int | None) -> list[Table]:
    quarters = [quarter] if quarter else list(QUARTERS)
    amounts: dict[tuple[str, int], Decimal] = {
        (line["category"], line["quarter"]): Decimal(line["amount"]) for line in budget["lines"]
    }
    categories = [c for c in SPEND_CATEGORIES if any((c, q) in amounts for q in quarters)]
    zero = Decimal("0.00")
    rows = [
        [
            str(SPEND_LABELS[c]),
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
            *[Column(f"q{q}", quarter_label(q), "money") for q in quarters],
            Column("total", _("Total"), "money"),
        ],
        rows,
        empty=_("No spending recorded in this period."),
        total=total if rows else None,
    )
    allocation = _decimal(budget["allocation"])
    summary = Table(
        "budget",
        "budget",
        _("Training budget"),
        [Column("measure", _("Measure"), "text"), Column("amount", _("Amount"), "money")],
        [
            [_("Allocation for the year"), allocation],
            [_("Spent in the year to date"), Decimal(budget["spent_to_date"])],
            [_("Remaining"), _decimal(budget["remaining"])],
        ],
        note="" if allocation is not None else _("No allocation has been recorded for this year."),
    )
    return [summary, spend]


def headline(data: Mapping[str, Any]) -> str:
    """The sentence the 2016-17 report opened its training section with (R36)."""
    totals = data["totals"]
    if not totals["cohorts"]:
        return _("No training recorded in this period.")
    parts = [
        _(
            "%(cohorts)d x %(title)s (%(days)d-day)",
            cohorts=c["cohorts"],
            title=c["course"],
            days=c["duration_days"],
        )
        for c in data["courses"]
    ]
    return _(
        "%(cohorts)d cohorts (%(days)d training days) were delivered to %(attendees)d "
        "attendees, of whom %(completions)d completed: %(list)s.",
        cohorts=totals["cohorts"],
        days=totals["days"],
        attendees=totals["attendees"],
        completions=totals["completions"],
        list="; ".join(parts),
    )


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
