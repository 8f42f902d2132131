"""Is anyone better off: accreditation applications submitted and levels awarded, by level,
the CPD hours and CQF credits banked in the period (R36, R38) and the follow-up impact
survey's answers (R34)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, NotRequired, TypedDict

from flask_babel import gettext as _
from sqlalchemy import Integer, Numeric, Row, Select, String, and_, case, distinct, func, select
from sqlalchemy.types import TypeEngine

from trainhub.accreditation.models import ACHIEVED, AccreditationLevel, Application, CpdEntry
from trainhub.feedback.reporting._sql import local_midnight, money, tagged_union
from trainhub.feedback.reporting.anonymity import min_members
from trainhub.feedback.reporting.impact import Impact, impact_from, impact_parts
from trainhub.feedback.reporting.tables import Column, Table
from trainhub.financial_years import Period


class LevelOutcome(TypedDict):
    level: int
    title: str
    applications: int
    awards: int


class CpdBanked(TypedDict):
    people: int
    #: Pounds-and-pence style text, "12.50": JSON keeps it exactly.
    hours: str
    credits: str


class Outcomes(TypedDict):
    accreditation: list[LevelOutcome]
    cpd: CpdBanked
    #: Not in the figures of snapshots published before the survey existed.
    impact: NotRequired[Impact]


#: The columns of the statement's parts (``_sql.tagged_union``).
SLOTS: dict[str, TypeEngine[Any]] = {
    "number": Integer(),
    "title": String(),
    "n": Integer(),
    "n2": Integer(),
    "hours": Numeric(),
    "credits": Numeric(),
}
#: How the rows of the parts come back.
ORDER = ("number",)


def outcome_parts(period: Period) -> dict[str, Select[*tuple[Any, ...]]]:
    """The parts of :func:`outcomes`' statement, for ``tagged_union`` (``figures.compute``
    reads them in one statement with the figures counted apart); the impact survey's
    answers only from the anonymity floor."""
    submitted = func.sum(
        case(
            (
                and_(
                    Application.submitted_at >= local_midnight(period.start),
                    Application.submitted_at < local_midnight(period.end + dt.timedelta(days=1)),
                ),
                1,
            ),
            else_=0,
        )
    )
    awarded = func.sum(
        case(
            (
                and_(
                    Application.status == ACHIEVED,
                    Application.achieved_on >= period.start,
                    Application.achieved_on <= period.end,
                ),
                1,
            ),
            else_=0,
        )
    )
    return {
        "levels": select(
            AccreditationLevel.number.label("number"),
            AccreditationLevel.title.label("title"),
            submitted.label("n"),
            awarded.label("n2"),
        )
        .join(Application, Application.level_id == AccreditationLevel.id)
        .group_by(AccreditationLevel.number, AccreditationLevel.title),
        "cpd": select(
            func.count(distinct(CpdEntry.user_id)).label("n"),
            func.sum(CpdEntry.hours).label("hours"),
            func.sum(CpdEntry.credits).label("credits"),
        ).where(CpdEntry.occurred_on >= period.start, CpdEntry.occurred_on <= period.end),
        **impact_parts(period, min_members()),
    }


def read_outcomes(found: Mapping[str, list[Row[Any]]]) -> Outcomes:
    """The figures from the rows of :func:`outcome_parts`."""
    (cpd,) = found["cpd"]
    return {
        "accreditation": [
            {
                "level": r.number,
                "title": r.title,
                "applications": int(r.n or 0),
                "awards": int(r.n2 or 0),
            }
            for r in found["levels"]
            if r.n or r.n2
        ],
        "cpd": {"people": int(cpd.n), "hours": money(cpd.hours), "credits": money(cpd.credits)},
        "impact": impact_from(found, min_members()),
    }


def outcomes(period: Period) -> Outcomes:
    """Applications submitted and levels awarded by level, the CPD hours and CQF credits
    banked in the period (corrections included) and the impact survey's answers (only from
    the anonymity floor), in one statement."""
    return read_outcomes(tagged_union(SLOTS, outcome_parts(period), order=ORDER))


def outcome_tables(figures: Outcomes) -> list[Table]:
    """Applications and awards by level, and the CPD banked."""
    cpd = figures["cpd"]
    return [
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
                for a in figures["accreditation"]
            ],
            empty=_("No accreditation applications or awards in this period."),
        ),
        Table(
            "cpd",
            "better_off",
            _("CPD banked"),
            [Column("measure", _("Measure"), "text"), Column("value", _("Total"), "number")],
            [
                [_("People banking CPD"), cpd["people"]],
                [_("CPD hours"), Decimal(cpd["hours"])],
                [_("CQF credits"), Decimal(cpd["credits"])],
            ],
        ),
    ]
