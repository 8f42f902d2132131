"""The 2016-17 year brought in through ``flask history import`` (tests/history/data): the
statistics and the Training report then say what the 2016-17 report says, importing the
files again changes nothing, and the bad files give exactly their expected lines."""

from __future__ import annotations

import html
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, render_template
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.factories import make_user
from tests.helpers import login
from trainhub.auth.models import User
from trainhub.auth.services import seed_organisations
from trainhub.extensions import db
from trainhub.feedback import reporting
from trainhub.feedback.services import budget, quotes
from trainhub.feedback.services import report as report_service
from trainhub.financial_years import Period

pytestmark = pytest.mark.usefixtures("catalogue")

DATA = Path(__file__).parent / "data"
FILES = (
    ("cohorts", "cohorts-2016-17.csv"),
    ("completions", "completions-history.csv"),
    ("awards", "awards-2016-17.csv"),
    ("feedback", "feedback-2016-17.csv"),
)
YEAR = Period(2016)
#: The five quotes of the 2016-17 report (DOMAIN.md §4.4), as the feedback file holds them.
QUOTE_STARTS = ("I thoroughly enjoyed all aspects of the training",)


def manager() -> User:
    seed_organisations()
    person = make_user(roles=("manager",), email="history.manager@example.org")
    db.session.commit()
    return person


def history_import(app: Flask, kind: str, name: str, *options: str) -> Any:
    return app.test_cli_runner().invoke(
        args=[
            "history",
            "import",
            kind,
            str(DATA / name),
            "--by",
            "history.manager@example.org",
            *options,
        ]
    )


def import_year(app: Flask) -> None:
    for kind, name in FILES:
        result = history_import(app, kind, name)
        assert result.exit_code == 0, (name, result.output)


def row_counts() -> dict[str, int]:
    return {
        table.name: db.session.execute(select(func.count()).select_from(table)).scalar_one()
        for table in db.metadata.sorted_tables
    }


def expected_lines(name: str) -> list[int]:
    text = (DATA / name).read_text(encoding="utf-8")
    return [int(line.split(":", 1)[0]) for line in text.splitlines() if line.strip()]


def problem_lines(output: str) -> list[int]:
    return sorted({int(n) for n in re.findall(r"^line (\d+): ", output, re.MULTILINE)})


def consented_comments() -> list[str]:
    return [answer.text for answer in db.session.execute(quotes.consented(YEAR)).unique().scalars()]


def test_the_2016_17_year_comes_in_as_the_report_says(app: Flask, client: FlaskClient) -> None:
    actor = manager()
    import_year(app)

    figures = reporting.compute(YEAR)
    by_code = {course["code"]: course for course in figures["courses"]}
    ffi = by_code["FFI-3DAY"]
    assert (ffi["cohorts"], ffi["days"], ffi["attendees"], ffi["completions"]) == (5, 15, 90, 90)
    core_group = by_code["CORE-GROUP-CHAIR"]
    assert (core_group["cohorts"], core_group["days"], core_group["completions"]) == (2, 2, 22)
    assert figures["totals"]["completions"] == 112
    partners = {partner["name"]: partner for partner in figures["partners"]}
    assert partners["Cardiff University"]["cohorts"] == 1
    assert partners["Cardiff University"]["attendees"] == 20
    level_2 = next(level for level in figures["accreditation"] if level["level"] == 2)
    assert level_2["awards"] == 4
    # The 2014 and 2015 completions are history, not 2016-17 training.
    assert "IFSS-CORE" not in by_code or by_code["IFSS-CORE"]["completions"] == 0

    # The five quotes of the report are the only comments that may be quoted.
    answers = list(db.session.execute(quotes.consented(YEAR)).unique().scalars())
    assert len(answers) == 5
    assert answers[0].text.startswith(QUOTE_STARTS[0])
    for answer in answers:
        quotes.set_selected(actor, answer, True)
    budget.set_allocation(actor, 2016, Decimal("18000"))
    # The 2016-17 report gives "Training £120.00" for the whole year, with no quarter.
    budget.add_spend(actor, 2016, None, "other", "Training", Decimal("120.00"))
    db.session.commit()
    texts = [answer.text for answer in answers]

    login(client, actor)
    page = client.get("/reports/statistics?fy=2016-17")
    assert page.status_code == 200
    shown = html.unescape(page.get_data(as_text=True))
    for text in texts:
        assert text in shown
    assert "Cardiff University" in shown
    assert "£18,000" in shown
    # As the 2016-17 report opens: five three-day modules, about 90 attendees.
    assert "5 cohorts of Family Focused Interventions" in shown
    assert "(3 days each) were delivered to 90 attendees, of whom 90 completed." in shown
    assert "Whole year" in shown and "Training" in shown and "£120" in shown

    pdf = client.get("/reports/training-report.pdf?fy=2016-17")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    # No PDF text extractor is installed: check the HTML the PDF is made from.
    with app.test_request_context():
        report = html.unescape(
            render_template(
                "feedback/report_pdf.html", **report_service.context(reporting.compute(YEAR))
            )
        )
    for text in texts:
        assert text in report
    assert "Cardiff University" in report
    assert "£18,000" in report
    assert "(3 days each) were delivered to 90 attendees, of whom 90 completed." in report
    assert "Whole year" in report and "£120" in report

    # The same four files again add nothing.
    before = row_counts()
    for kind, name in FILES:
        result = history_import(app, kind, name)
        assert result.exit_code == 0, (name, result.output)
        assert "0 added" in result.output
    assert row_counts() == before


def test_a_dry_run_lists_the_year_and_writes_nothing(app: Flask) -> None:
    manager()
    before = row_counts()
    result = history_import(app, "cohorts", "cohorts-2016-17.csv", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Dry run: nothing was imported. 7 to add:" in result.output
    assert "Family Focused Interventions — Cardiff University health visiting students" in (
        result.output
    )
    assert "amira.merriott@example.org" in result.output  # a new account it would make
    assert row_counts() == before


def test_the_bad_cohorts_file_gives_its_lines_and_writes_nothing(app: Flask) -> None:
    manager()
    before = row_counts()
    result = history_import(app, "cohorts", "bad-cohorts.csv")
    assert result.exit_code == 1
    assert "nothing was imported" in result.output
    assert problem_lines(result.output) == expected_lines("bad-cohorts.expected.txt")
    assert row_counts() == before


def test_the_bad_feedback_file_gives_its_lines_and_writes_nothing(app: Flask) -> None:
    manager()
    assert history_import(app, "cohorts", "cohorts-2016-17.csv").exit_code == 0
    before = row_counts()
    result = history_import(app, "feedback", "bad-feedback.csv")
    assert result.exit_code == 1
    assert "nothing was imported" in result.output
    assert problem_lines(result.output) == expected_lines("bad-feedback.expected.txt")
    assert "the rating of knowledge is 6: ratings run from 1 to 5" in result.output
    assert row_counts() == before
