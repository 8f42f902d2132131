"""History in the feedback area: whole-year budget lines (old reports give some for the year
only), and a recorded cohort's paper feedback counted against its attendees, who are never
asked or reminded by e-mail."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from flask import Flask, render_template
from openpyxl import load_workbook
from sqlalchemy import select

from tests.courses.recorded_helpers import recorded_cohort
from tests.factories import make_user
from tests.feedback.helpers import AFTER, RATING_KEYS
from tests.helpers import as_user, banners, count, follow, outbox, page
from trainhub.auth.models import User
from trainhub.courses.models import Cohort, Completion
from trainhub.courses.signals import course_completed, last_day_attended
from trainhub.errors import ConflictError, ValidationFailed
from trainhub.extensions import db
from trainhub.feedback import queries, reporting
from trainhub.feedback.models import (
    TEXT,
    FeedbackAnswer,
    FeedbackRequest,
    FeedbackResponse,
    SpendLine,
)
from trainhub.feedback.reporting import compute
from trainhub.feedback.reporting.ratings import feedback
from trainhub.feedback.services import budget, exports, report
from trainhub.feedback.services.charts import budget_chart
from trainhub.feedback.services.questionnaire import current_questionnaire
from trainhub.feedback.services.responses import remind_cohort
from trainhub.financial_years import Period

FY = 2016
LABEL = "2016-17"
IN_2016_17 = dt.date(2016, 10, 3)


@pytest.fixture
def manager(app: Flask) -> User:
    return make_user(roles=["manager"], full_name="Morgan Manager")


# Whole-year budget lines -------------------------------------------------------------------


def test_a_spend_line_may_be_for_the_whole_year(app: Flask, manager: User) -> None:
    line = budget.add_spend(manager, FY, None, "trainer_fees", " Training ", Decimal("120"))
    budget.add_spend(manager, FY, 2, "venue", "Hall", Decimal("50"))

    assert (line.quarter, line.description) == (None, "Training")
    assert [(s.quarter, s.category) for s in budget.spend_lines(FY)] == [
        (2, "venue"),
        (None, "trainer_fees"),
    ]
    with pytest.raises(ValidationFailed) as refused:
        budget.add_spend(manager, FY, 5, "venue", "", Decimal("1"))
    assert refused.value.field == "quarter"


def _spend_rows(table_csv: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(table_csv.removeprefix("\ufeff"))))


def test_a_whole_year_line_through_the_budget_page_and_every_export(
    app: Flask, manager: User
) -> None:
    client = as_user(app, manager)
    client.post(
        f"/reports/budget/allocation?fy={LABEL}",
        data={"allocation": "18000", "show_remaining": "y"},
    )
    response = client.post(
        f"/reports/budget/spend?fy={LABEL}",
        data={
            "quarter": "year",
            "category": "trainer_fees",
            "description": "Training",
            "amount": "120",
        },
    )
    assert ("success", "Spending added.") in banners(follow(client, response))
    client.post(
        f"/reports/budget/spend?fy={LABEL}",
        data={"quarter": "3", "category": "venue", "description": "Hall", "amount": "388.50"},
    )
    line = db.session.execute(select(SpendLine).where(SpendLine.quarter.is_(None))).scalar_one()
    assert (line.category, line.description, line.amount) == (
        "trainer_fees",
        "Training",
        Decimal("120.00"),
    )

    text = page(client.get(f"/reports/budget?fy={LABEL}"))
    assert "Whole year" in text
    assert "£508.50" in text  # spent in the year: both lines
    assert "£17,491.50" in text  # what remains
    assert "Training" in text and "Hall" in text  # each line's description

    # The whole year's table has a "Whole year" column; a quarter's figures leave it out.
    rows = _spend_rows(page(client.get(f"/reports/statistics/spend.csv?fy={LABEL}")))
    assert rows[0] == [
        "Category",
        "April to June",
        "July to September",
        "October to December",
        "January to March",
        "Whole year",
        "Total",
    ]
    # A line's description names its row (its category's name where it has none).
    assert ["Training", "0.00", "0.00", "0.00", "0.00", "120.00", "120.00"] in rows
    assert rows[-1] == ["Total", "0.00", "0.00", "388.50", "0.00", "120.00", "508.50"]
    quarter = _spend_rows(page(client.get(f"/reports/statistics/spend.csv?fy={LABEL}&quarter=3")))
    assert quarter[0] == ["Category", "October to December", "Total"]
    assert quarter[-1] == ["Total", "388.50", "388.50"]
    summary = _spend_rows(page(client.get(f"/reports/statistics/budget.csv?fy={LABEL}&quarter=4")))
    assert ["Spent in the year to date", "388.50"] in summary

    book = load_workbook(io.BytesIO(client.get(f"/reports/statistics.xlsx?fy={LABEL}").get_data()))
    sheet = next(s for s in book.worksheets if s["F1"].value == "Whole year")
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] == [
        ["Hall", 0, 0, 388.5, 0, 0, 388.5],
        ["Training", 0, 0, 0, 0, 120, 120],
        ["Total", 0, 0, 388.5, 0, 120, 508.5],
    ]

    context = report.context(compute(Period(FY), today=AFTER))
    html = render_template("feedback/report_pdf.html", **context)
    assert "Whole year" in html
    assert "120.00" in html
    assert exports.annual_report_pdf(context).startswith(b"%PDF")

    text = page(client.get(f"/reports/budget/spend/{line.id}/delete"))
    assert "Whole year" in text
    assert "Training" in text


def test_the_spend_chart_puts_whole_year_lines_last(app: Flask, manager: User) -> None:
    budget.add_spend(manager, FY, None, "other", "", Decimal("120"))
    budget.add_spend(manager, FY, 4, "other", "", Decimal("10"))
    budget.add_spend(manager, FY, 1, "other", "", Decimal("20"))

    chart = str(budget_chart(reporting.budget(Period(FY))))
    assert (
        chart.index("April to June") < chart.index("January to March") < chart.index("Whole year")
    )


# A recorded cohort's paper feedback --------------------------------------------------------


def paper_responses(cohort: Cohort, n: int, rating: int = 4, comment: str = "") -> None:
    """``n`` paper forms entered from records (no request was sent for them)."""
    questionnaire = current_questionnaire()
    for _ in range(n):
        response = FeedbackResponse(
            cohort_id=cohort.id,
            questionnaire_id=questionnaire.id,
            submitted_on=cohort.last_day,
            on_paper=True,
        )
        response.answers = [
            FeedbackAnswer(item_id=item.id, text=comment)
            if item.kind == TEXT
            else FeedbackAnswer(item_id=item.id, rating=rating)
            for item in questionnaire.items
        ]
        db.session.add(response)
    db.session.flush()


def test_paper_responses_count_against_the_attendees(app: Flask) -> None:
    cohort = recorded_cohort(6, start=IN_2016_17)
    paper_responses(cohort, 5)
    ids = select(Cohort.id).where(Cohort.id == cohort.id)

    summary = feedback(ids)
    assert (summary["requests"], summary["responses"]) == (6, 5)
    assert summary["response_rate"] == 83.3  # a percentage, never over 100
    assert {i["key"]: i["mean"] for i in summary["items"]} == dict.fromkeys(RATING_KEYS, "4.00")
    assert queries.counts_by_cohort([cohort.id]) == {cohort.id: (6, 5)}

    year = compute(Period(FY), today=AFTER)["feedback"]
    assert (year["requests"], year["responses"]) == (6, 5)


def test_the_anonymity_floor_holds_for_paper_responses(app: Flask) -> None:
    cohort = recorded_cohort(6, start=IN_2016_17)
    paper_responses(cohort, 4)

    summary = feedback(select(Cohort.id).where(Cohort.id == cohort.id))
    assert summary["responses"] == 4
    assert {i["mean"] for i in summary["items"]} == {None}


def test_a_recorded_cohort_is_listed_and_never_reminded(app: Flask, manager: User) -> None:
    cohort = recorded_cohort(6, start=IN_2016_17)
    paper_responses(cohort, 5, comment="The genogram exercise was useful")
    client = as_user(app, manager)

    listed = page(client.get("/feedback/cohorts"))
    assert cohort.title in listed

    text = page(client.get(f"/feedback/cohorts/{cohort.id}"))
    assert "Recorded from records" in text
    assert "Not answered yet" not in text
    assert "Remind the" not in text
    assert "n = 5 (83%)" in text
    assert "The genogram exercise was useful" in text

    response = client.post(f"/feedback/cohorts/{cohort.id}/remind")
    assert "nobody to remind" in follow(client, response)
    with pytest.raises(ConflictError, match="recorded from records"):
        remind_cohort(manager, cohort)
    assert outbox() == []
    assert count(FeedbackRequest) == 0


def test_a_recorded_cohort_asks_nobody(app: Flask) -> None:
    cohort = recorded_cohort(3, start=IN_2016_17)
    people = [b.user_id for b in cohort.bookings]
    completions = list(
        db.session.execute(select(Completion).where(Completion.cohort_id == cohort.id)).scalars()
    )

    last_day_attended.send(cohort=cohort, user_ids=people, actor=None)
    course_completed.send(completions=completions, actor=None)

    assert count(FeedbackRequest) == 0
    assert outbox() == []
