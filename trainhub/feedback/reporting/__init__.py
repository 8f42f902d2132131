"""Reporting: the training figures of a financial year or quarter (R35-R41), aggregated in
SQL, typed from the statement to the table, one module per section of the report.

=============  ==========================================================================
module         what it holds
=============  ==========================================================================
periods        the period asked for (``parse_period``) and the cohorts that count in it
anonymity      the anonymity floor: ``hide_below_floor``, the one rule for every breakdown
delivery       how much: cohorts, days, places, attendees and completions by course
audiences      who came (background, sector, area, organisation), partners, facilitators,
               and the cohorts planned for the next year
ratings        how well: feedback means with n, by statement, course and trainer; a
               cohort's results as trainers read them
outcomes       is anyone better off: applications and awards by level, CPD banked
impact         the follow-up impact survey's answers (R34), joined to the outcomes' statement
workforce      the IFST workforce and the Level 6 clock (in numbers, and by name)
budget         the allocation, the spend by quarter and category, what remains
quotes         the consented comments picked for the report
readiness      the dashboard's checklist before the report is due
years          five years at a glance: a year and the four before it, grouped in SQL, and
               the organisation by course by year pivot (R43)
figures        ``compute`` (every section's figures: what a snapshot stores) and ``build``
               (every section's tables, in report order)
tables         what a table is, how a figure is shown, what changed since publication
=============  ==========================================================================

Each section's module holds its statement, the ``TypedDict`` of its figures and the
builder of its tables. Callers import from here.
"""

from __future__ import annotations

from trainhub.feedback.reporting.anonymity import Floored, hide_below_floor, min_members
from trainhub.feedback.reporting.budget import SPEND_LABELS, Budget, budget, budget_tables
from trainhub.feedback.reporting.delivery import (
    Delivery,
    Totals,
    delivery,
    headline,
    headlines,
)
from trainhub.feedback.reporting.figures import Figures, build, compute, stored
from trainhub.feedback.reporting.periods import (
    DELIVERED_STATUSES,
    in_period,
    parse_period,
    parse_year,
    period_cohorts,
)
from trainhub.feedback.reporting.quotes import Quote, quotes
from trainhub.feedback.reporting.ratings import (
    CohortResults,
    ItemMean,
    Summary,
    cohort_feedback,
    feedback,
    item_text,
    trainer_feedback,
)
from trainhub.feedback.reporting.readiness import Check, readiness
from trainhub.feedback.reporting.tables import (
    SECTIONS,
    Column,
    Difference,
    Table,
    differences,
    display,
    quarter_label,
)
from trainhub.feedback.reporting.workforce import Member, Workforce, workforce, workforce_members
from trainhub.feedback.reporting.years import (
    FiveYears,
    PivotCell,
    five_year_table,
    five_years,
    pivot_table,
)

__all__ = [
    "DELIVERED_STATUSES",
    "SECTIONS",
    "SPEND_LABELS",
    "Budget",
    "Check",
    "CohortResults",
    "Column",
    "Delivery",
    "Difference",
    "Figures",
    "FiveYears",
    "Floored",
    "ItemMean",
    "Member",
    "PivotCell",
    "Quote",
    "Summary",
    "Table",
    "Totals",
    "Workforce",
    "budget",
    "budget_tables",
    "build",
    "cohort_feedback",
    "compute",
    "delivery",
    "differences",
    "display",
    "feedback",
    "five_year_table",
    "five_years",
    "headline",
    "headlines",
    "hide_below_floor",
    "in_period",
    "item_text",
    "min_members",
    "parse_period",
    "parse_year",
    "period_cohorts",
    "pivot_table",
    "quarter_label",
    "quotes",
    "readiness",
    "stored",
    "trainer_feedback",
    "workforce",
    "workforce_members",
]
