"""The Training report a manager can paste: the year being written about on the dashboard,
the narrative in their own words (safe Markdown, frozen at publication), the Word file read
back with python-docx, and the five-year view in one statement."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from docx import Document
from docx.oxml.ns import qn
from flask import Flask, render_template
from sqlalchemy import select

from tests.accreditation import helpers as accreditation
from tests.conftest import QueryCounter
from tests.factories import make_course, make_user
from tests.feedback.view_helpers import (
    as_user,
    asked_cohort,
    banners,
    field_error,
    filename,
    follow,
    page,
)
from trainhub import settings_check
from trainhub.accreditation.models import ACHIEVED, Application
from trainhub.auth.models import User
from trainhub.errors import ConflictError, PermissionDenied
from trainhub.extensions import db
from trainhub.feedback import reporting
from trainhub.feedback.models import ReportNarrative, ReportSnapshot
from trainhub.feedback.services import narrative, report
from trainhub.feedback.services.budget import add_spend, set_allocation
from trainhub.feedback.services.quotes import set_selected
from trainhub.financial_years import Period

FY = "2016-17"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
INTRODUCTION = "The service trained **ninety** practitioners this year.\n\nA second paragraph."
DEVELOPMENTS = "- A new course with *Cardiff University*\n- Two new partners"


@pytest.fixture
def manager(app: Flask) -> User:
    return make_user(roles=["manager"], full_name="Morgan Manager")


# The year being written about ------------------------------------------------------------------


def years_shown(today: dt.date) -> list[str]:
    return [r.period.fy for r in report.report_years(today)]


def test_on_10_april_the_year_just_ended_comes_first(app: Flask, manager: User) -> None:
    assert app.config["REPORT_DEADLINE"] == "06-30"
    assert years_shown(dt.date(2017, 4, 10)) == ["2016-17", "2017-18"]
    # Still there on the deadline itself, gone the day after.
    assert years_shown(dt.date(2017, 6, 30)) == ["2016-17", "2017-18"]
    assert years_shown(dt.date(2017, 7, 1)) == ["2017-18"]
    # During the year only that year.
    assert years_shown(dt.date(2017, 3, 31)) == ["2016-17"]


def test_a_published_year_leaves_the_dashboard(app: Flask, manager: User) -> None:
    report.publish(manager, 2016, today=dt.date(2017, 4, 5))
    assert years_shown(dt.date(2017, 4, 10)) == ["2017-18"]


def test_the_deadline_is_configurable(app: Flask, manager: User) -> None:
    app.config["REPORT_DEADLINE"] = "09-30"
    assert report.deadline(2016) == dt.date(2017, 9, 30)
    assert years_shown(dt.date(2017, 9, 1)) == ["2016-17", "2017-18"]
    app.config["REPORT_DEADLINE"] = "04-30"
    assert years_shown(dt.date(2017, 5, 1)) == ["2017-18"]


def test_the_year_written_about_warns_near_its_deadline(app: Flask, manager: User) -> None:
    early, late = (
        report.report_years(dt.date(2017, 4, 10)),
        report.report_years(dt.date(2017, 6, 1)),
    )
    assert [r.warn for r in early] == [False, False]  # 81 days left, over 42
    assert (late[0].period.year, late[0].days_left, late[0].warn) == (2016, 29, True)
    assert {c["key"] for c in late[0].checks} >= {"registers", "allocation", "quotes", "published"}
    assert late[1].warn is False  # 2017-18's report is due in 2018


def test_the_dashboard_shows_a_checklist_for_each_open_year(app: Flask, manager: User) -> None:
    text = page(as_user(app, manager).get("/reports"))
    for year in report.report_years(dt.date.today()):
        assert f"Annual report checklist for {year.period.fy}" in text


@pytest.mark.once
@pytest.mark.parametrize(
    ("deadline", "problem", "warning"),
    [("06-30", False, False), ("12-31", False, False), ("03-31", False, True)]
    + [(bad, True, False) for bad in ("02-29", "13-01", "June", "6/30")],
)
def test_the_settings_check_reads_the_deadline(deadline: str, problem: bool, warning: bool) -> None:
    config = {"ENV": "production", "REPORT_DEADLINE": deadline}
    problems = {f.setting for f in settings_check.problems(config)}
    warnings = {f.setting for f in settings_check.warnings(config, {})}
    assert ("REPORT_DEADLINE" in problems, "REPORT_DEADLINE" in warnings) == (problem, warning)


# The narrative ----------------------------------------------------------------------------------


@pytest.mark.once
def test_markdown_is_rendered_safely(app: Flask) -> None:
    with app.test_request_context():
        html = str(narrative.render(INTRODUCTION))
        assert "<strong>ninety</strong>" in html and html.count("<p>") == 2
        assert "<ul>" in str(narrative.render(DEVELOPMENTS))
        html = str(narrative.render("<script>alert(1)</script> <b onclick=x>hi</b>"))
        assert "<script" not in html and "<b " not in html
        assert "&lt;script&gt;" in html
        for link in (
            "[click](javascript:alert(1))",
            "[click](JAVASCRIPT:alert(1))",
            "[click](vbscript:x)",
            "[click](data:text/html;base64,PHNjcmlwdD4=)",
            "[click](file:///etc/passwd)",
            "<javascript:alert(1)>",
        ):
            assert "href" not in str(narrative.render(link)), link
        assert '<a href="https://example.gov.wales">' in str(
            narrative.render("[site](https://example.gov.wales)")
        )
        assert '<a href="mailto:team@example.gov.wales">' in str(
            narrative.render("<mailto:team@example.gov.wales>")
        )
        # No headings (the report's own frame the text) and no pictures (nothing fetched).
        assert "<h1" not in str(narrative.render("# Big"))
        assert "<img" not in str(narrative.render("![a](https://example.org/a.png)"))


def test_a_manager_writes_the_years_words(app: Flask, manager: User) -> None:
    client = as_user(app, manager)
    text = page(client.get(f"/reports/statistics?fy={FY}"))
    assert "Write the report's text" in text
    text = page(client.get(f"/reports/narrative?fy={FY}"))
    assert "The report's text for 2016-17" in text
    assert 'name="introduction"' in text and 'name="developments"' in text

    response = client.post(
        f"/reports/narrative?fy={FY}",
        data={"introduction": INTRODUCTION, "developments": DEVELOPMENTS, "other": "  "},
    )
    assert response.headers["Location"] == f"/reports/statistics?fy={FY}#narrative"
    text = follow(client, response)
    assert ("success", "The report's text for 2016-17 is saved.") in banners(text)
    assert "<strong>ninety</strong>" in text
    assert "<em>Cardiff University</em>" in text
    assert "Anything else" not in text  # left empty: left out
    rows = db.session.execute(select(ReportNarrative).order_by(ReportNarrative.section)).scalars()
    assert [(r.financial_year, r.section, r.updated_by_id) for r in rows] == [
        (2016, "developments", manager.id),
        (2016, "introduction", manager.id),
    ]
    # The PDF draws the same words.
    with app.test_request_context():
        words = narrative.narrative_of(2016)
        context = report.context(reporting.compute(Period(2016)), words=words)
        html = render_template("feedback/report_pdf.html", **context)
    assert "<strong>ninety</strong>" in html and "Developments and new collaborations" in html

    # Emptying a section takes it out.
    client.post(f"/reports/narrative?fy={FY}", data={"introduction": INTRODUCTION})
    assert narrative.texts_of(2016) == {"introduction": INTRODUCTION.strip()}


def test_a_year_that_has_not_started_has_no_words_yet(app: Flask, manager: User) -> None:
    response = as_user(app, manager).get("/reports/narrative?fy=2099-00")
    assert response.status_code == 400
    assert "2099-00 has not started yet" in field_error(page(response), "fy")
    assert 'action="/reports/narrative"' in page(response)  # the form leads back here


def test_too_long_a_section_is_refused(app: Flask, manager: User) -> None:
    response = as_user(app, manager).post(
        f"/reports/narrative?fy={FY}", data={"other": "x" * (narrative.MAX_LENGTH + 1)}
    )
    assert response.status_code == 400
    assert field_error(page(response), "other") == (
        f"Enter {narrative.MAX_LENGTH} characters or fewer (you entered 20001)"
    )
    assert narrative.texts_of(2016) == {}


def test_only_managers_write_the_words(app: Flask, manager: User) -> None:
    learner = make_user(roles=["learner"])
    with pytest.raises(PermissionDenied):
        narrative.save_narrative(learner, 2016, {"introduction": "Hello"})


def test_publishing_freezes_the_words(app: Flask, manager: User) -> None:
    client = as_user(app, manager)
    narrative.save_narrative(manager, 2016, {"introduction": "As published."})
    report.publish(manager, 2016, today=dt.date(2017, 5, 1))
    snapshot = db.session.execute(select(ReportSnapshot)).scalar_one()
    assert snapshot.narrative == {"introduction": "As published."}
    # A changed row (there is no way to change it in the app) does not change the report.
    row = db.session.execute(select(ReportNarrative)).scalar_one()
    row.text = "Rewritten afterwards."
    db.session.commit()

    text = page(client.get(f"/reports/statistics?fy={FY}"))
    assert "As published." in text and "Rewritten afterwards." not in text
    assert "The report's text is frozen with the published figures." in text
    text = page(client.get(f"/reports/narrative?fy={FY}"))
    assert "As published." in text and 'name="introduction"' not in text
    response = client.post(f"/reports/narrative?fy={FY}", data={"introduction": "Later"})
    assert response.status_code == 409
    with pytest.raises(ConflictError):
        narrative.save_narrative(manager, 2016, {"introduction": "Later"})


# The Word file ----------------------------------------------------------------------------------


def test_the_training_section_downloads_as_word(app: Flask, manager: User) -> None:
    asked = asked_cohort(
        6,
        6,
        course=make_course(title="Family Functioning Intervention"),
        consent=True,
        comment="The genogram exercise was brilliant",
    )
    set_selected(manager, asked.comments[0], True)
    set_allocation(manager, 2016, Decimal("18000"))
    add_spend(manager, 2016, 1, "venue", "Hall", Decimal("388.50"))
    narrative.save_narrative(
        manager, 2016, {"introduction": INTRODUCTION, "developments": DEVELOPMENTS}
    )
    db.session.commit()
    client = as_user(app, manager)
    assert "Download the Training section (Word)" in page(
        client.get(f"/reports/statistics?fy={FY}")
    )

    response = client.get(f"/reports/training-report.docx?fy={FY}")
    assert response.status_code == 200
    assert response.mimetype == DOCX
    assert filename(response) == "training-2016-17-report.docx"
    document = Document(io.BytesIO(response.get_data()))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == "Training"
    for heading in (
        "Introduction",
        "How much did we do?",
        "How well did we do it?",
        "Five years at a glance",
        "Developments and new collaborations",
        "What attendees said",
    ):
        assert heading in headings, heading
    assert headings.index("Introduction") < headings.index("How much did we do?")
    texts = [p.text for p in document.paragraphs]
    assert (
        "Prepared in accordance with S.62 of The Children and Families (Wales) Measure 2010."
        in (texts)
    )
    assert "The service trained ninety practitioners this year." in texts
    bold = [r.text for p in document.paragraphs for r in p.runs if r.bold]
    assert "ninety" in bold
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert bullets == ["A new course with Cardiff University", "Two new partners"]
    quotes = [p.text for p in document.paragraphs if p.style.name == "Quote"]
    assert quotes == ["“The genogram exercise was brilliant”"]

    # Real tables: the courses table's header and its row, the five years, the spend.
    cells = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    assert cells[0][:2] == ["Course", "Cohorts"]
    assert any(row[:2] == ["Family Functioning Intervention", "1"] for row in cells)
    assert any(row[0] == "2012-13" for row in cells) and any(row[0] == FY for row in cells)
    assert any("£388.50" in row for row in cells)
    # Charts as pictures, each described by its title.
    assert len(document.inline_shapes) >= 2
    described = [s._inline.docPr.get("descr") for s in document.inline_shapes]
    assert "Attendees by course" in described and "Attendees, year by year" in described


def test_a_quarters_word_file_has_no_years_words(app: Flask, manager: User) -> None:
    narrative.save_narrative(manager, 2016, {"introduction": "Whole year only."})
    db.session.commit()
    response = as_user(app, manager).get(f"/reports/training-report.docx?fy={FY}&quarter=2")
    assert filename(response) == "training-2016-17-q2-report.docx"
    document = Document(io.BytesIO(response.get_data()))
    texts = [p.text for p in document.paragraphs]
    assert "Whole year only." not in texts and "Five years at a glance" not in texts
    assert any("quarter 2, July to September" in t for t in texts)


def test_the_word_file_is_in_the_readers_language(app: Flask, manager: User) -> None:
    client = as_user(app, manager)
    document = Document(io.BytesIO(client.get(f"/reports/training-report.docx?fy={FY}").data))
    assert document.core_properties.language == "en"
    client.get("/language/cy")
    document = Document(io.BytesIO(client.get(f"/reports/training-report.docx?fy={FY}").data))
    assert document.core_properties.language == "cy"
    normal = document.styles["Normal"].element.rPr
    assert normal is not None and normal.find(qn("w:lang")).get(qn("w:val")) == "cy-GB"


# Five years -------------------------------------------------------------------------------------


def test_five_years_in_one_statement(
    app: Flask, manager: User, catalogue: None, count_queries: QueryCounter
) -> None:
    asked_cohort(5, 5, start=dt.date(2012, 6, 1), rating=3)
    asked_cohort(2, 2, start=dt.date(2016, 6, 1), rating=5)
    asked_cohort(1, 0, start=dt.date(2016, 9, 1))
    asked_cohort(1, 1, start=dt.date(2011, 6, 1))  # 2011-12: before the five years
    add_spend(manager, 2014, None, "venue", "Hall", Decimal("120.00"))
    learner = accreditation.learner(core_on=dt.date(2015, 5, 1), ifst_member=True)
    db.session.add(
        Application(
            user_id=learner.id,
            level_id=accreditation.level(3).id,
            status=ACHIEVED,
            achieved_on=dt.date(2016, 12, 1),
        )
    )
    db.session.flush()

    count_queries.statements.clear()
    figures = reporting.five_years(2016)
    assert count_queries.count == 1, count_queries.statements
    years = {y["year"]: y for y in figures["years"]}
    assert list(years) == [2012, 2013, 2014, 2015, 2016]
    assert {k: years[2012][k] for k in ("cohorts", "responses", "mean")} == {
        "cohorts": 1,
        "responses": 5,
        "mean": "3.00",
    }
    # Two responses are below the anonymity floor of five: no mean.
    assert (years[2016]["cohorts"], years[2016]["responses"], years[2016]["mean"]) == (2, 2, None)
    assert years[2016]["awards"] == 1
    assert years[2014]["spend"] == "120.00" and years[2013]["spend"] == "0.00"
    assert years[2013]["cohorts"] == 0
    table = reporting.five_year_table(figures)
    assert [row[0] for row in table.rows] == ["2012-13", "2013-14", "2014-15", "2015-16", FY]


def test_the_statistics_page_and_pdf_show_five_years(app: Flask, manager: User) -> None:
    asked_cohort(5, 5, start=dt.date(2013, 6, 1))
    client = as_user(app, manager)
    text = page(client.get(f"/reports/statistics?fy={FY}"))
    assert "Five years at a glance" in text and "Attendees, year by year" in text
    assert "2012-13" in text
    # A quarter's page looks at the quarter only.
    assert "Five years at a glance" not in page(
        client.get(f"/reports/statistics?fy={FY}&quarter=1")
    )
    assert client.get(f"/reports/training-report.pdf?fy={FY}").status_code == 200
