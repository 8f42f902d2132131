"""Feedback, training statistics and the annual report in a real browser.

Besides the demo (whose learner, Catrin, is asked about last term's core), this module's
database has two cohorts the demo trainer facilitated last financial year
(``feedback_cohorts``): a 3-day module whose seven attendees were asked for feedback and six
answered (all but one agreeing to be quoted), and a one-day course only two people answered
about, below the anonymity floor of 5.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Download, expect
from sqlalchemy import select

from tests.browser.conftest import DEMO, Visitor
from tests.factories import set_test_password
from trainhub.auth.models import Organisation, User, UserRole
from trainhub.courses.models import Course, Venue, local_today
from trainhub.extensions import db
from trainhub.feedback.seed_data import STANDARD_ITEMS
from trainhub.financial_years import financial_year, financial_year_label

pytestmark = pytest.mark.browser

THIS_YEAR = financial_year(local_today())
#: The fixture's cohorts ran in the financial year before this one.
LAST_YEAR = THIS_YEAR - 1
THIS_FY = financial_year_label(THIS_YEAR)
LAST_FY = financial_year_label(LAST_YEAR)

BIG_TITLE = "Family-focused module (browser journeys)"
SMALL_TITLE = "Consultation skills (browser journeys)"
#: Written by the one attendee of the big cohort who did not agree to be quoted.
SECRET = "SECRET-NOT-CONSENTED: the venue was far too cold"
#: Comments of attendees who agreed to be quoted.
QUOTES = [f"Quotable comment {n}: the genogram exercise changed how I work" for n in range(5)]
SMALL_COMMENT = "SMALL-COHORT-COMMENT: good day"


@dataclass(frozen=True)
class Attendee:
    name: str
    rating: int
    comment: str
    consent: bool


BIG_ATTENDEES = [Attendee(f"Quoted Attendee {n}", 4 + n % 2, QUOTES[n], True) for n in range(5)]
BIG_ATTENDEES.append(Attendee("Private Attendee", 3, SECRET, False))
#: Asked, has not answered: the trainer's reminder goes to this one.
SILENT = "Silent Attendee"
SMALL_ATTENDEES = [
    Attendee("Small Attendee 0", 5, SMALL_COMMENT, True),
    Attendee("Small Attendee 1", 4, "", False),
]


@pytest.fixture(scope="module", autouse=True)
def feedback_cohorts(live_app: Flask) -> Iterator[None]:
    from trainhub.courses.services.attendance import Mark, record_attendance
    from trainhub.courses.services.booking import book_place
    from trainhub.courses.services.scheduling import (
        CohortInput,
        DayInput,
        FacilitatorInput,
        complete_cohort,
        schedule_cohort,
    )
    from trainhub.feedback.models import FeedbackRequest
    from trainhub.feedback.services.questionnaire import current_questionnaire
    from trainhub.feedback.services.responses import request_feedback, submit_response

    with live_app.app_context():
        cardiff = db.session.execute(
            select(Organisation).where(Organisation.name == "Cardiff Council")
        ).scalar_one()
        trainer = db.session.execute(
            select(User).where(User.email == DEMO["trainer"].email)
        ).scalar_one()
        room = db.session.execute(select(Venue).order_by(Venue.id)).scalars().first()
        assert room is not None
        questionnaire = current_questionnaire()

        def person(name: str) -> User:
            email = name.lower().replace(" ", ".") + "@example.org"
            user = User(email=email, full_name=name, organisation=cardiff)
            user.role_rows = [UserRole(role="learner")]
            set_test_password(user, "feedback-browser-2026")
            db.session.add(user)
            return user

        def cohort(code: str, title: str, first: date, attendees: list[Attendee]) -> None:
            course = db.session.execute(select(Course).where(Course.code == code)).scalar_one()
            days = [
                DayInput(first + timedelta(days=n), time(9, 30), time(16, 30), room.id)
                for n in range(course.duration_days)
            ]
            data = CohortInput(
                title=title,
                capacity=12,
                days=days,
                facilitators=[FacilitatorInput(trainer.id, trainer.job_title)],
            )
            new = schedule_cohort(trainer, course, data)
            new.status = "published"  # published at the time: publishing now refuses past dates
            db.session.flush()
            people = {a.name: person(a.name) for a in attendees}
            if code == "FFI-3DAY":
                people[SILENT] = person(SILENT)
            db.session.flush()
            for user in people.values():
                book_place(trainer, new, user)
            for day in new.days:
                record_attendance(trainer, day, {u.id: Mark("present") for u in people.values()})
            complete_cohort(trainer, new)
            # The registers asked everyone already; asking again changes nothing.
            request_feedback(new, [u.id for u in people.values()])
            requests = {
                r.user_id: r
                for r in db.session.execute(
                    select(FeedbackRequest).where(FeedbackRequest.cohort_id == new.id)
                ).scalars()
            }
            assert len(requests) == len(people)
            for attendee in attendees:
                user = people[attendee.name]
                answers: dict[str, int | str | None] = {
                    item.key: attendee.rating for item in questionnaire.items
                }
                answers["take_away"] = attendee.comment
                answers["better"] = ""
                submit_response(
                    user,
                    requests[user.id],
                    questionnaire,
                    answers,
                    attendee.consent,
                    today=new.last_day + timedelta(days=1),
                )

        start = date(LAST_YEAR, 6, 2)
        cohort("FFI-3DAY", BIG_TITLE, start, BIG_ATTENDEES)
        cohort("IFSS-CONSULT", SMALL_TITLE, start + timedelta(days=60), SMALL_ATTENDEES)
        db.session.commit()
        db.session.remove()
    yield


def _download(visitor: Visitor, link_name: str, tmp_path: Path) -> tuple[Download, bytes]:
    """Click a download link in the main content; the file's suggested name and bytes."""
    with visitor.page.expect_download() as info:
        visitor.main.get_by_role("link", name=link_name, exact=True).click()
    download = info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    return download, path.read_bytes()


def _pdf_text(content: bytes, tmp_path: Path) -> str | None:
    """The text of a PDF (poppler's pdftotext), or None when the tool is not installed."""
    if shutil.which("pdftotext") is None:
        return None
    source = tmp_path / "check.pdf"
    source.write_bytes(content)
    result = subprocess.run(
        ["pdftotext", "-layout", str(source), "-"], capture_output=True, check=True, timeout=30
    )
    return result.stdout.decode("utf-8", "replace")


# Learner --------------------------------------------------------------------------------------


def test_learner_gives_feedback_once(visitor: Visitor) -> None:
    visitor.sign_in(DEMO["learner"])
    visitor.click_link("Feedback on your courses")
    expect(visitor.page.locator("h1")).to_have_text("Feedback on your courses")
    row = visitor.main.get_by_role("row").filter(has_text="IFSS core training (autumn)")
    visitor.follow(row.get_by_role("link", name="Give feedback"))
    expect(visitor.page.locator("h1")).to_contain_text("Feedback on IFSS core training (autumn)")
    give_url = visitor.page.url

    # Nothing chosen: every statement asks for a rating.
    visitor.submit("Send feedback", status=400)
    expect(visitor.error_summary()).to_contain_text(
        "Choose a rating from 1 to 5 for “The trainers were knowledgeable”"
    )
    expect(visitor.page).to_have_title(
        "Error: Feedback on IFSS core training (autumn) – IFSS training"
    )

    # Each statement is the legend of its five ratings.
    statements = [item["text"] for item in STANDARD_ITEMS if item["kind"] == "rating"]
    expect(visitor.main.get_by_role("group")).to_have_count(len(statements))
    for statement in statements:
        group = visitor.main.get_by_role("group", name=statement, exact=True)
        expect(group).to_contain_text(f"Choose a rating from 1 to 5 for “{statement[:-1]}”")
        group.get_by_role("radio", name="4 Agree").check()
    visitor.main.get_by_label("What will you take away from the training?").fill(
        "Working with the whole family, not just the parent in front of me."
    )
    visitor.main.get_by_label("What could be better?").fill("More time for role play.")
    visitor.main.get_by_label(
        "You may quote my written comments in reports, without my name"
    ).check()
    visitor.submit("Send feedback")
    expect(visitor.success_banner()).to_contain_text("Thank you: your feedback has been sent.")
    row = visitor.main.get_by_role("row").filter(has_text="IFSS core training (autumn)")
    expect(row).to_contain_text("Sent")
    expect(row.get_by_role("link")).to_have_count(0)

    # The same request again (a bookmark, the back button): the first answers stand.
    visitor.page.goto(give_url)
    visitor.audit()
    expect(visitor.page.locator("h1")).to_contain_text("You have already given feedback")
    visitor.click_link("Back to feedback on your courses")


# Trainer --------------------------------------------------------------------------------------


def test_trainer_reads_results_behind_the_floor(visitor: Visitor) -> None:
    visitor.sign_in(DEMO["trainer"])
    visitor.click_link("What attendees said about your cohorts")
    expect(visitor.page.locator("h1")).to_have_text("Feedback on cohorts")
    expect(visitor.main).to_contain_text("Across all the cohorts you facilitated")
    big_row = visitor.main.get_by_role("row").filter(has_text=BIG_TITLE)
    expect(big_row.get_by_role("cell").nth(2)).to_have_text("7")
    expect(big_row.get_by_role("cell").nth(3)).to_have_text("6")

    # Six answers: means with n, and what they wrote (anonymously, in no telling order).
    visitor.click_link(BIG_TITLE)
    expect(visitor.page.locator("h1")).to_have_text(f"Feedback on {BIG_TITLE}")
    ratings = visitor.main.get_by_role("table")
    expect(ratings).to_contain_text("n = 6")
    expect(ratings).to_contain_text("The trainers were knowledgeable.")
    expect(ratings.get_by_role("row").filter(has_text="knowledgeable")).to_contain_text("4.17")
    expect(visitor.main).to_contain_text(QUOTES[0])
    expect(visitor.main).to_contain_text(SECRET)  # the training team reads every comment
    expect(visitor.main).not_to_contain_text("Quoted Attendee")  # never a name

    # One has not answered: the trainer reminds them.
    visitor.submit("Remind the 1 person who has not answered")
    expect(visitor.success_banner()).to_contain_text("Reminder sent to 1 person.")
    expect(visitor.page.locator("h1")).to_have_text(f"Feedback on {BIG_TITLE}")

    # Two answers: counts only, no means and no comments.
    visitor.click_link("Back to feedback on cohorts")
    visitor.click_link(SMALL_TITLE)
    expect(visitor.main).to_contain_text(
        "2 responses so far (n = 2). Results are shown from 5 responses"
    )
    expect(visitor.main.get_by_role("table")).to_have_count(0)
    expect(visitor.main).not_to_contain_text(SMALL_COMMENT)
    expect(visitor.main.get_by_role("button")).to_have_count(0)  # everyone asked answered


# Manager --------------------------------------------------------------------------------------


def test_manager_reports_from_statistics_to_the_published_pdf(
    visitor: Visitor, tmp_path: Path
) -> None:
    visitor.sign_in(DEMO["manager"])
    visitor.nav("Reports")
    expect(visitor.page.locator("h1")).to_have_text("Training reports")
    expect(visitor.main).to_contain_text(f"This financial year so far: {THIS_FY}")

    # Statistics: this year, then last year (chosen in the form), then a year that is not one.
    visitor.follow(visitor.main.get_by_role("link", name=f"Statistics {THIS_FY}"))
    expect(visitor.page.locator("h1")).to_have_text(f"Training statistics {THIS_FY}")
    visitor.main.get_by_label("Financial year").select_option(LAST_FY)
    visitor.submit("Show")
    expect(visitor.page.locator("h1")).to_have_text(f"Training statistics {LAST_FY}")
    # One sentence per course, then the people counted once.
    expect(visitor.main).to_contain_text(
        "(3 days) was delivered to 7 attendees, of whom 7 completed."
    )
    expect(visitor.main).to_contain_text("In all, 9 different people came on the training.")
    visitor.goto("/reports/statistics?fy=2016-18", status=400)
    expect(visitor.page.locator("h1")).to_have_text("Choose a financial year")
    expect(visitor.error_summary()).to_contain_text(
        "A financial year runs April to March, like 2016-17: the years must follow on"
    )
    visitor.goto(f"/reports/statistics?fy={LAST_FY}")

    # Quotes: only consented comments are offered; one goes into the report.
    visitor.follow(visitor.main.get_by_role("link", name="Quotes", exact=True))
    expect(visitor.page.locator("h1")).to_have_text(f"Quotes for the {LAST_FY} report")
    expect(visitor.main).to_contain_text(QUOTES[0])
    expect(visitor.main).not_to_contain_text("SECRET-NOT-CONSENTED")
    card = visitor.main.locator(".govuk-summary-card").filter(has_text=QUOTES[2])
    visitor.follow(card.get_by_role("button", name="Use in the report"))
    expect(visitor.success_banner()).to_contain_text("Quote chosen for the annual report.")
    card = visitor.main.locator(".govuk-summary-card").filter(has_text=QUOTES[2])
    expect(card).to_contain_text("In the report")
    expect(card.get_by_role("button", name="Take out of the report")).to_be_visible()

    # The report's own words: a text too long is a field error; then saved, shown, in Word.
    visitor.goto(f"/reports/statistics?fy={LAST_FY}")
    visitor.click_link("Write the report's text (introduction, developments, anything else)")
    expect(visitor.page.locator("h1")).to_have_text(f"The report's text for {LAST_FY}")
    introduction = visitor.main.get_by_label("Introduction", exact=True)
    introduction.fill("x" * 20_001)
    visitor.submit("Save the report's text", status=400)
    expect(visitor.error_summary()).to_contain_text("Enter 20000 characters or fewer")
    introduction.fill("The team delivered **five** modules with its partners.")
    visitor.submit("Save the report's text")
    expect(visitor.success_banner()).to_contain_text(f"The report's text for {LAST_FY} is saved.")
    expect(visitor.main).to_contain_text("The team delivered five modules with its partners.")
    word, content = _download(visitor, "Download the Training section (Word)", tmp_path)
    assert word.suggested_filename.endswith(".docx") and content[:2] == b"PK"
    visitor.goto(f"/reports/statistics?fy={LAST_FY}")

    # Budget: bad amounts are field errors; a good line is added, then one removed.
    visitor.follow(visitor.main.get_by_role("link", name="Budget", exact=True))
    expect(visitor.page.locator("h1")).to_have_text(f"Training budget {LAST_FY}")
    spend = visitor.main.locator("form").filter(
        has=visitor.page.get_by_role("button", name="Add the spending")
    )

    def add_spending(amount: str, status: int = 200) -> None:
        spend.get_by_label("Quarter").select_option(label="2: July to September")
        spend.get_by_label("Category").select_option(index=1)
        spend.get_by_label("Description (optional)").fill("Venue hire for the module")
        spend.get_by_label("Amount in pounds").fill(amount)
        visitor.submit("Add the spending", status=status)

    add_spending("-5", status=400)
    expect(visitor.error_summary()).to_contain_text("The amount cannot be negative")
    expect(spend.locator(".govuk-error-message")).to_contain_text("The amount cannot be negative")
    add_spending("abc", status=400)
    expect(visitor.error_summary()).to_contain_text("Enter a number")
    add_spending("388.50")
    expect(visitor.success_banner()).to_contain_text("Spending added.")
    lines = visitor.main.get_by_role("table", name="Spending lines")
    expect(lines).to_contain_text("Venue hire for the module")
    expect(lines).to_contain_text("388.50")
    visitor.follow(lines.get_by_role("link", name="Remove"))
    expect(visitor.page.locator("h1")).to_have_text("Remove this spending line?")
    expect(visitor.main).to_contain_text("£388.50")
    visitor.submit("Remove the line")
    expect(visitor.success_banner()).to_contain_text("Spending line removed.")
    expect(visitor.main).to_contain_text(f"No spending recorded for {LAST_FY} yet.")

    # Exports: the Excel workbook, a table as CSV, the Training section PDF, a named export.
    visitor.follow(visitor.main.get_by_role("link", name="Exports", exact=True))
    expect(visitor.page.locator("h1")).to_have_text(f"Exports {LAST_FY}")
    excel, content = _download(visitor, "Every table, one sheet each (Excel)", tmp_path)
    assert excel.suggested_filename == f"training-{LAST_FY}-statistics.xlsx"
    assert content[:2] == b"PK"
    with zipfile.ZipFile(io.BytesIO(content)) as workbook:
        xml = b"".join(workbook.read(name) for name in workbook.namelist())
    assert b"SECRET-NOT-CONSENTED" not in xml
    assert QUOTES[2].encode() in xml  # the chosen quote is in the workbook
    csv_link = visitor.main.get_by_role("list").get_by_role("link").filter(has_text="(CSV)")
    csv_name = csv_link.first.inner_text()
    csv, content = _download(visitor, csv_name, tmp_path)
    assert csv.suggested_filename.startswith(f"training-{LAST_FY}-")
    assert csv.suggested_filename.endswith(".csv")
    assert b"SECRET-NOT-CONSENTED" not in content
    assert len(content.decode("utf-8-sig").splitlines()) >= 1
    pdf, content = _download(visitor, "Training section with today's figures (PDF)", tmp_path)
    assert pdf.suggested_filename == f"training-{LAST_FY}-report.pdf"
    assert content.startswith(b"%PDF")
    text = _pdf_text(content, tmp_path)
    if text is not None:
        assert "Children and Families (Wales) Measure 2010" in text
        assert "SECRET-NOT-CONSENTED" not in text
        assert "genogram exercise" in text  # the chosen quote
    named, content = _download(
        visitor, "Attendees of the period's cohorts, by name (CSV)", tmp_path
    )
    assert named.suggested_filename == f"training-{LAST_FY}-attendees-named.csv"
    assert b"Quoted Attendee 0" in content
    assert b"SECRET-NOT-CONSENTED" not in content
    visitor.goto("/reports")
    visitor.click_link("Audit log of named exports")
    expect(visitor.page.locator("h1")).to_have_text("Audit log")
    first = visitor.main.get_by_role("row").nth(1)
    expect(first).to_contain_text(DEMO["manager"].full_name)
    expect(first).to_contain_text("Named export")

    # Publish last year's figures; the statistics say so and offer the frozen PDF.
    visitor.goto(f"/reports/publish?fy={LAST_FY}")
    expect(visitor.page.locator("h1")).to_have_text(f"Publish the {LAST_FY} figures")
    visitor.submit(f"Publish the {LAST_FY} figures")
    expect(visitor.success_banner()).to_contain_text(f"The {LAST_FY} figures are published.")
    expect(visitor.page.locator("h1")).to_have_text(f"Training statistics {LAST_FY}")
    expect(visitor.main).to_contain_text(f"The {LAST_FY} figures were published on")
    expect(visitor.main).to_contain_text("None: today's figures match the published report.")
    published, content = _download(visitor, "Download the published report (PDF)", tmp_path)
    assert published.suggested_filename == f"training-{LAST_FY}-published.pdf"
    assert content.startswith(b"%PDF")
    text = _pdf_text(content, tmp_path)
    if text is not None:
        assert "SECRET-NOT-CONSENTED" not in text
        assert "Published on" in text
    visitor.follow(visitor.main.get_by_role("link", name="Publish", exact=True))
    expect(visitor.main).to_contain_text(f"The {LAST_FY} figures were published on")
    expect(visitor.main.get_by_role("button")).to_have_count(0)


# Admin ----------------------------------------------------------------------------------------


def test_admin_changes_the_questionnaire(visitor: Visitor) -> None:
    visitor.sign_in(DEMO["admin"])
    visitor.nav("Administration")
    visitor.click_link("Feedback questionnaire")
    expect(visitor.page.locator("h1")).to_have_text("Feedback questionnaire")
    expect(visitor.main).to_contain_text("Version 1 (current)")
    visitor.follow(visitor.main.get_by_role("link", name="Change the questionnaire"))
    expect(visitor.page.locator("h1")).to_have_text("Change the questionnaire")

    first = visitor.main.get_by_role("group", name="Question 1", exact=True)
    first.get_by_label("Wording in English").fill("The trainers knew their subject well.")
    visitor.submit("Save as a new version", status=400)
    expect(visitor.error_summary()).to_contain_text("Say what changed, for the version history")
    # The rewording survives the error.
    expect(
        visitor.main.get_by_role("group", name="Question 1", exact=True).get_by_label(
            "Wording in English"
        )
    ).to_have_value("The trainers knew their subject well.")

    visitor.main.get_by_label("What changed and why").fill("Plainer wording for question 1")
    visitor.submit("Save as a new version")
    expect(visitor.success_banner()).to_contain_text("The questionnaire is saved as a new version.")
    expect(visitor.main).to_contain_text("Version 2 (current)")
    expect(visitor.main).to_contain_text("The trainers knew their subject well.")
    versions = visitor.main.get_by_role("table", name="Versions")
    expect(versions.get_by_role("row").nth(1)).to_contain_text("Plainer wording for question 1")
    expect(versions.get_by_role("row").nth(1)).to_contain_text(DEMO["admin"].full_name)
    expect(versions.get_by_role("row")).to_have_count(3)
