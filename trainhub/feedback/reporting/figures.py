"""Every figure of a period, as plain JSON-ready data, and every table drawn from them.

``compute`` returns numbers, codes and names, never translated labels, so a published
snapshot is stored as it is and drawn again in either language; ``build`` turns the figures
into the tables the statistics page, the spreadsheets and the PDF all show, each section's
module building its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, NotRequired, TypedDict, cast

from trainhub.courses.models import local_today
from trainhub.feedback.reporting._sql import tagged_union
from trainhub.feedback.reporting.audiences import (
    ByCode,
    ByCourse,
    ByOrganisation,
    Facilitators,
    Partner,
    Planned,
    Presenter,
    ResponseRate,
    attendee_tables,
    audiences,
    course_tables,
    panel_tables,
    planned_table,
)
from trainhub.feedback.reporting.budget import Budget, budget, budget_tables
from trainhub.feedback.reporting.delivery import (
    CourseFigures,
    Scheduled,
    Totals,
    courses_table,
    delivery,
    scheduled_tables,
)
from trainhub.feedback.reporting.impact import Impact, impact_tables
from trainhub.feedback.reporting.outcomes import ORDER as OUTCOME_ORDER
from trainhub.feedback.reporting.outcomes import SLOTS as OUTCOME_SLOTS
from trainhub.feedback.reporting.outcomes import (
    CpdBanked,
    LevelOutcome,
    outcome_parts,
    outcome_tables,
    read_outcomes,
)
from trainhub.feedback.reporting.periods import period_cohorts
from trainhub.feedback.reporting.quotes import Quote, quotes
from trainhub.feedback.reporting.ratings import (
    CourseMean,
    Summary,
    TrainerMean,
    ratings,
    ratings_tables,
)
from trainhub.feedback.reporting.sessions import SLOTS as APART_SLOTS
from trainhub.feedback.reporting.sessions import (
    EventFigures,
    FollowUpFigures,
    apart_parts,
    event_table,
    follow_up_table,
    read_apart,
)
from trainhub.feedback.reporting.tables import Table
from trainhub.feedback.reporting.workforce import Workforce, workforce, workforce_table
from trainhub.feedback.reporting.years import FiveYears, pivot_table
from trainhub.financial_years import Period


class PeriodFigures(TypedDict):
    year: int
    quarter: int | None
    #: ISO dates.
    start: str
    end: str


class Figures(TypedDict):
    """What ``compute`` returns and a snapshot stores, section by section."""

    period: PeriodFigures
    computed_on: str
    # How much (delivery)
    courses: list[CourseFigures]
    totals: Totals
    # Not in the snapshots published before they were added.
    scheduled: NotRequired[list[Scheduled]]
    # Counted apart (R14, R18); not in the snapshots published before they were added.
    follow_ups: NotRequired[list[FollowUpFigures]]
    events: NotRequired[list[EventFigures]]
    # How much (audiences)
    backgrounds: list[ByCode]
    sectors: list[ByCode]
    local_authorities: list[ByCode]
    organisations: list[ByOrganisation]
    partners: list[Partner]
    facilitators: list[Facilitators]
    presenters: NotRequired[list[Presenter]]
    backgrounds_by_course: NotRequired[list[ByCourse]]
    organisations_by_course: NotRequired[list[ByCourse]]
    response_rates: NotRequired[list[ResponseRate]]
    # (Snapshots published between issue 17's pivot and its move to the five-year view
    # also hold a "pivot": it is not drawn from them.)
    # How well (ratings)
    feedback: Summary
    feedback_by_course: list[CourseMean]
    feedback_by_trainer: list[TrainerMean]
    # Is anyone better off (outcomes)
    accreditation: list[LevelOutcome]
    cpd: CpdBanked
    #: The follow-up impact survey (not in snapshots published before it existed).
    impact: NotRequired[Impact]
    workforce: Workforce
    budget: Budget
    planned: list[Planned]
    quotes: list[Quote]


def compute(period: Period, today: dt.date | None = None) -> Figures:
    """Every figure of the period, as plain data (what a snapshot stores).

    A fixed number of statements however much data there is: each section aggregates in
    one statement.
    """
    today = today or local_today()
    as_at = min(today, period.end)
    groups = audiences(period, today)
    rated = ratings(period_cohorts(period))
    # Better off and what is counted apart (R14, R18): one statement for both sections.
    found = tagged_union(
        OUTCOME_SLOTS | APART_SLOTS,
        outcome_parts(period) | apart_parts(period, today),
        order=OUTCOME_ORDER,
    )
    better_off = read_outcomes(found)
    counted_apart = read_apart(found)
    how_much = delivery(period, today)
    return {
        "period": {
            "year": period.year,
            "quarter": period.quarter,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
        "computed_on": today.isoformat(),
        "courses": how_much["courses"],
        "totals": how_much["totals"],
        "scheduled": how_much.get("scheduled", []),
        "follow_ups": counted_apart["follow_ups"],
        "events": counted_apart["events"],
        "backgrounds": groups["backgrounds"],
        "sectors": groups["sectors"],
        "local_authorities": groups["local_authorities"],
        "organisations": groups["organisations"],
        "partners": groups["partners"],
        "facilitators": groups["facilitators"],
        "presenters": groups.get("presenters", []),
        "backgrounds_by_course": groups.get("backgrounds_by_course", []),
        "organisations_by_course": groups.get("organisations_by_course", []),
        "response_rates": groups.get("response_rates", []),
        "feedback": rated["feedback"],
        "feedback_by_course": rated["feedback_by_course"],
        "feedback_by_trainer": rated["feedback_by_trainer"],
        "accreditation": better_off["accreditation"],
        "cpd": better_off["cpd"],
        "impact": better_off["impact"],
        "workforce": workforce(as_at),
        "budget": budget(period),
        "planned": groups["planned"],
        "quotes": quotes(period),
    }


def stored(data: Mapping[str, Any]) -> Figures:
    """A snapshot's figures (``ReportSnapshot.data``): ``compute``'s, kept as JSON."""
    return cast(Figures, data)


def build(figures: Figures, years: FiveYears | None = None) -> list[Table]:
    """All the tables of one period's figures, in report order (the next year's cohorts
    for a whole year only), with the organisation by course by year pivot when a whole
    year's five-year view (``years``) is given."""
    quarter = figures["period"]["quarter"]
    tables = [
        courses_table(figures),
        *scheduled_tables(figures),
        *([follow_up_table(figures["follow_ups"])] if "follow_ups" in figures else []),
        *([event_table(figures["events"])] if "events" in figures else []),
        *attendee_tables(figures),
        *panel_tables(figures),
        *ratings_tables(figures),
        *course_tables(figures),
        *outcome_tables(figures),
        *impact_tables(figures.get("impact")),
        workforce_table(figures["workforce"]),
        *([pivot_table(years)] if years is not None else []),
        *budget_tables(figures["budget"], quarter),
    ]
    if quarter is None:
        tables.append(planned_table(figures["planned"]))
    return tables
