"""The feedback and report pages: what a learner, a trainer, a manager and an admin see and
change, checked by status, the message on the page and the database."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from tests.accreditation import helpers as accreditation
from tests.conftest import QueryCounter
from tests.courses.cohort_view_helpers import mail_to
from tests.factories import make_course, make_user
from tests.feedback.helpers import build_year, people, run_cohort
from tests.feedback.view_helpers import (
    answers,
    as_user,
    asked_cohort,
    banners,
    count,
    csv_lines,
    field_error,
    filename,
    follow,
    form_answers,
    page,
    summary_errors,
)
from trainhub.accreditation.models import ACHIEVED, Application
from trainhub.accreditation.services.cpd import bank_entry
from trainhub.audit import AuditEvent
from trainhub.auth.models import User
from trainhub.courses.models import Course
from trainhub.extensions import db
from trainhub.feedback.models import (
    FeedbackAnswer,
    FeedbackRequest,
    FeedbackResponse,
    Questionnaire,
    ReportSnapshot,
    SpendLine,
    TrainingBudget,
)
from trainhub.feedback.reporting import compute
from trainhub.feedback.services.budget import add_spend, set_allocation
from trainhub.feedback.services.questionnaire import current_questionnaire
from trainhub.feedback.services.quotes import set_selected
from trainhub.feedback.services.report import publish
from trainhub.feedback.services.responses import submit_response
from trainhub.financial_years import Period
from trainhub.storage import storage

FY = "2016-17"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def manager(app: Flask) -> User:
    return make_user(roles=["manager"], full_name="Morgan Manager")


# Choosing a period --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("fy=abc", "fy", "Enter a financial year like 2016-17"),
        (
            "fy=2016-18",
            "fy",
            "A financial year runs April to March, like 2016-17: the years must follow on",
        ),
        ("fy=2099-00", "fy", "2099-00 has not started yet: choose 2026-27 or an earlier year"),
        ("fy=2016-17&quarter=7", "quarter", "Choose a quarter from 1 to 4, or the whole year"),
    ],
)
def test_a_year_that_does_not_exist_is_refused_with_a_message(
    app: Flask, manager: User, query: str, field: str, message: str
) -> None:
    client = as_user(app, manager)
    for url in ("/reports/statistics", "/reports/statistics/courses.csv", "/reports/budget"):
        if "quarter" in query and url == "/reports/budget":
            continue  # the budget is kept by year: it ignores the quarter
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400, url
        text = page(response)
        assert field_error(text, field) == message, url
        assert message in summary_errors(text), url


def test_the_future_year_message_names_this_year(app: Flask, manager: User) -> None:
    from trainhub.courses.models import local_today
    from trainhub.financial_years import financial_year, financial_year_label

    now = financial_year(local_today())
    future = financial_year_label(now + 1)
    response = as_user(app, manager).get(f"/reports/statistics?fy={future}")
    assert response.status_code == 400
    assert f"{future} has not started yet" in page(response)


def test_a_year_without_training_shows_zeros_and_says_so(app: Flask, manager: User) -> None:
    client = as_user(app, manager)
    response = client.get("/reports/statistics?fy=2010-11")
    assert response.status_code == 200
    text = page(response)
    assert "Training statistics 2010-11" in text
    assert "No training recorded in this period." in text
    assert "No quotes chosen yet." in text
    # The CSV of an empty table is its header row alone.
    lines = csv_lines(client.get("/reports/statistics/courses.csv?fy=2010-11"))
    assert lines[0].startswith("Course,Cohorts,Training days")
    assert all(",0" in line or line == lines[0] for line in lines)


def test_the_tables_download_as_csv_excel_and_pdf(app: Flask, manager: User) -> None:
    asked_cohort(5, 5, course=make_course(title="Core practice"))
    client = as_user(app, manager)

    response = client.get(f"/reports/statistics/courses.csv?fy={FY}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert filename(response) == "training-2016-17-courses.csv"
    lines = csv_lines(response)
    assert lines[0].startswith("Course,Cohorts,Training days,Places offered")
    assert lines[1].startswith("Core practice,1,1,")

    response = client.get(f"/reports/statistics.xlsx?fy={FY}&quarter=1")
    assert response.status_code == 200
    assert response.mimetype == XLSX
    assert filename(response) == "training-2016-17-q1-statistics.xlsx"
    book = load_workbook(io.BytesIO(response.get_data()))
    assert len(book.sheetnames) > 5
    assert book.worksheets[0]["A1"].value == "Training statistics 2016-17"

    response = client.get(f"/reports/training-report.pdf?fy={FY}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert filename(response) == "training-2016-17-report.pdf"
    assert response.get_data().startswith(b"%PDF")


def test_unknown_tables_and_exports_are_not_found(app: Flask, manager: User) -> None:
    client = as_user(app, manager)
    assert client.get(f"/reports/statistics/salaries.csv?fy={FY}").status_code == 404
    assert client.get(f"/reports/named/everyone.csv?fy={FY}").status_code == 404
    assert client.get("/reports/published/2016.pdf").status_code == 404
    assert count(AuditEvent) == 0


# Giving feedback ----------------------------------------------------------------------------


def test_a_learner_gives_feedback_once(app: Flask) -> None:
    asked = asked_cohort(2, 0)
    person, request = asked.people[0], asked.requests[0]
    client = as_user(app, person)
    url = f"/feedback/{request.id}"

    text = page(client.get(url))
    assert "Your answers are not stored with your name." in text
    assert 'name="item_knowledge" type="radio" value="5"' in text

    data = form_answers("5", take_away="Genograms")
    del data["item_pace"]
    response = client.post(url, data=data)
    assert response.status_code == 400
    text = page(response)
    message = "Choose a rating from 1 to 5 for “The pace of the training was well managed”"
    assert field_error(text, "item_pace") == message
    assert message in summary_errors(text)
    assert count(FeedbackResponse) == 0
    assert not db.session.get_one(FeedbackRequest, request.id).responded

    response = client.post(url, data=form_answers("5", consent=True, take_away="Genograms"))
    assert response.status_code == 302
    assert response.headers["Location"] == "/my/feedback"
    assert ("success", "Thank you: your feedback has been sent.") in banners(
        follow(client, response)
    )
    stored = db.session.execute(select(FeedbackResponse)).scalar_one()
    assert stored.quote_consent
    assert {a.rating for a in stored.answers if a.rating is not None} == {5}
    assert [a.text for a in stored.answers if a.text] == ["Genograms"]
    assert db.session.get_one(FeedbackRequest, request.id).responded

    # A second go (another tab, the back button): the first answers stay.
    response = client.post(url, data=form_answers("1", take_away="Changed my mind"))
    assert response.status_code == 409
    text = page(response)
    assert "Your first answers are kept." in text
    assert count(FeedbackResponse) == 1
    assert count(FeedbackAnswer, FeedbackAnswer.rating == 1) == 0
    assert count(FeedbackAnswer, FeedbackAnswer.text == "Changed my mind") == 0

    # An incomplete second go is told the same, not asked to correct the form.
    response = client.post(url, data={"item_pace": "2"})
    assert response.status_code == 409
    assert "You have already given feedback on" in page(response)
    assert count(FeedbackResponse) == 1

    text = page(client.get(url))
    assert "You have already given feedback on" in text
    assert "Send feedback" not in text


def test_the_form_asks_each_statement_as_its_question(app: Flask) -> None:
    asked = asked_cohort(1, 0)
    text = page(as_user(app, asked.people[0]).get(f"/feedback/{asked.requests[0].id}"))
    for statement in (
        "The trainers were knowledgeable.",
        "The pace of the training was well managed.",
    ):
        legend = re.search(r"<legend[^>]*>\s*" + re.escape(statement), text)
        assert legend is not None, f"No legend reads {statement!r}"
    assert "What will you take away from the training?" in text


def test_nobody_answers_someone_elses_request(app: Flask) -> None:
    asked = asked_cohort(2, 0)
    url = f"/feedback/{asked.requests[0].id}"
    for someone in (asked.people[1], make_user(roles=["manager"]), make_user(roles=["admin"])):
        client = as_user(app, someone)
        assert client.get(url).status_code == 403
        assert client.post(url, data=form_answers()).status_code == 403
    assert count(FeedbackResponse) == 0
    assert as_user(app, asked.people[1]).get("/feedback/999999").status_code == 404


def test_my_feedback_lists_what_is_asked_and_what_is_answered(app: Flask) -> None:
    waiting = asked_cohort(1, 0)
    person = waiting.people[0]
    text = page(as_user(app, person).get("/my/feedback"))
    assert waiting.cohort.title in text
    assert f"/feedback/{waiting.requests[0].id}" in text


# The training budget ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-5", "The amount cannot be negative"),
        ("abc", "Enter a number, like 12.5"),
        ("", "Enter an amount in pounds, like 388.50"),
    ],
)
def test_a_spending_line_needs_a_sensible_amount(
    app: Flask, manager: User, amount: str, message: str
) -> None:
    client = as_user(app, manager)
    response = client.post(
        f"/reports/budget/spend?fy={FY}",
        data={"quarter": "2", "category": "venue", "description": "Hall", "amount": amount},
    )
    assert response.status_code == 400
    text = page(response)
    assert field_error(text, "amount") == message
    assert message in summary_errors(text)
    assert count(SpendLine) == 0


def test_a_manager_keeps_the_budget(app: Flask, manager: User) -> None:
    client = as_user(app, manager)
    response = client.post(
        f"/reports/budget/allocation?fy={FY}", data={"allocation": "18000", "show_remaining": "y"}
    )
    assert response.headers["Location"] == f"/reports/budget?fy={FY}"
    assert ("success", "Allocation for 2016-17 saved.") in banners(follow(client, response))
    budget = db.session.execute(select(TrainingBudget)).scalar_one()
    assert (budget.financial_year, budget.allocation) == (2016, Decimal("18000.00"))

    response = client.post(
        f"/reports/budget/spend?fy={FY}",
        data={"quarter": "3", "category": "catering", "description": "Lunch", "amount": "388.50"},
    )
    text = follow(client, response)
    assert ("success", "Spending added.") in banners(text)
    assert "£388.50" in text
    assert "£17,611.50" in text  # what remains
    line = db.session.execute(select(SpendLine)).scalar_one()
    assert (line.financial_year, line.quarter, line.category) == (2016, 3, "catering")
    assert line.recorded_by_id == manager.id

    url = f"/reports/budget/spend/{line.id}/delete"
    text = page(client.get(url))
    assert "Remove this spending line?" in text
    assert "£388.50" in text
    assert count(SpendLine) == 1
    response = client.post(url)
    assert response.headers["Location"] == f"/reports/budget?fy={FY}"
    assert ("success", "Spending line removed.") in banners(follow(client, response))
    assert count(SpendLine) == 0
    assert client.get(url).status_code == 404


# Named exports and the audit log --------------------------------------------------------------


def test_every_named_download_is_in_the_audit_log(app: Flask, manager: User) -> None:
    asked = asked_cohort(2, 0)
    run_cohort(asked.cohort, asked.people)
    # The manager scheduled the cohort, so its attendees are named to them (R49).
    asked.cohort.created_by_id = manager.id
    db.session.commit()
    client = as_user(app, manager)
    for kind in ("attendees", "attendees", "workforce"):
        response = client.get(f"/reports/named/{kind}.csv?fy={FY}")
        assert response.status_code == 200
        assert response.mimetype == "text/csv"
        assert filename(response) == f"training-2016-17-{kind}-named.csv"
        if kind == "attendees":
            assert asked.people[0].full_name in response.get_data(as_text=True)
    events = list(db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars())
    assert len(events) == 3
    assert {(e.actor_id, e.action) for e in events} == {(manager.id, "report.named_export")}

    for someone in ("admin", "trainer", "learner"):
        response = as_user(app, make_user(roles=[someone])).get(
            f"/reports/named/attendees.csv?fy={FY}"
        )
        assert response.status_code == 403, someone
    assert count(AuditEvent) == 3

    text = page(as_user(app, make_user(roles=["admin"])).get("/reports/audit"))
    assert text.count("Named export") == 3
    assert "Morgan Manager" in text
    assert "2016-17" in text


# Quotes for the annual report -----------------------------------------------------------------


def test_a_manager_chooses_a_consented_quote(app: Flask, manager: User) -> None:
    quotable = asked_cohort(1, 1, consent=True, comment="The genogram exercise was brilliant")
    private = asked_cohort(1, 1, consent=False, comment="Only for the trainers")
    client = as_user(app, manager)

    text = page(client.get(f"/reports/quotes?fy={FY}"))
    assert "The genogram exercise was brilliant" in text
    assert "Only for the trainers" not in text

    answer = quotable.comments[0]
    response = client.post(
        f"/reports/quotes/{answer.id}", data={"selected": "1", "fy": FY, "page": "1"}
    )
    assert response.headers["Location"] == f"/reports/quotes?fy={FY}&page=1#quote-{answer.id}"
    text = follow(client, response)
    assert ("success", "Quote chosen for the annual report.") in banners(text)
    assert "In the report" in text
    db.session.expire_all()
    chosen = db.session.get_one(FeedbackAnswer, answer.id)
    assert chosen.selected_for_report and chosen.selected_by_id == manager.id

    text = page(client.get(f"/reports/statistics?fy={FY}"))
    assert "The genogram exercise was brilliant" in text
    assert "No quotes chosen yet." not in text

    # A forged form for a comment whose author did not agree changes nothing.
    hidden = private.comments[0]
    response = client.post(f"/reports/quotes/{hidden.id}", data={"selected": "1", "fy": FY})
    assert response.status_code == 302
    assert ("important", "This attendee did not agree to be quoted") in banners(
        follow(client, response)
    )
    assert not db.session.get_one(FeedbackAnswer, hidden.id).selected_for_report
    for url in (f"/reports/statistics?fy={FY}", f"/reports/quotes?fy={FY}"):
        assert "Only for the trainers" not in page(client.get(url))
    book = load_workbook(io.BytesIO(client.get(f"/reports/statistics.xlsx?fy={FY}").get_data()))
    cells = [str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert any("The genogram exercise was brilliant" in c for c in cells)
    assert not any("Only for the trainers" in c for c in cells)
    assert client.post("/reports/quotes/999999", data={"selected": "1"}).status_code == 404


# Publishing a year's figures ------------------------------------------------------------------


def test_publishing_freezes_the_year(app: Flask, manager: User) -> None:
    asked_cohort(5, 5, course=make_course(title="Core practice"))
    client = as_user(app, manager)

    text = page(client.get(f"/reports/publish?fy={FY}"))
    assert "Publish the 2016-17 figures" in text
    assert "has not ended yet" not in text  # 2016-17 is long over
    response = client.post(f"/reports/publish?fy={FY}")
    assert response.headers["Location"] == f"/reports/statistics?fy={FY}"
    text = follow(client, response)
    assert ("success", "The 2016-17 figures are published.") in banners(text)
    assert "Changes since publication" in text
    assert "None: today's figures match the published report." in text
    snapshot = db.session.execute(select(ReportSnapshot)).scalar_one()
    assert (snapshot.financial_year, snapshot.published_by_id) == (2016, manager.id)
    published_at, pdf_key = snapshot.published_at, snapshot.pdf_key

    response = client.post(f"/reports/publish?fy={FY}")
    assert response.status_code == 409
    assert "were published on" in page(response)
    db.session.expire_all()
    snapshot = db.session.execute(select(ReportSnapshot)).scalar_one()
    assert (snapshot.published_at, snapshot.pdf_key) == (published_at, pdf_key)

    response = client.get("/reports/published/2016.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert filename(response) == "training-2016-17-published.pdf"
    assert response.get_data() == storage().load(pdf_key)

    # A cohort entered late shows as a difference; the published PDF stays as it was.
    asked_cohort(1, 0, course=make_course(title="Late entry"))
    db.session.commit()
    text = page(client.get(f"/reports/statistics?fy={FY}"))
    assert "Changes since publication" in text
    assert "None: today's figures match the published report." not in text
    assert "Late entry" in text
    assert client.get("/reports/published/2016.pdf").get_data() == storage().load(pdf_key)


# Trainers' results behind the anonymity floor -------------------------------------------------


def test_a_trainer_sees_counts_only_below_five_responses(app: Flask) -> None:
    trainer = make_user(roles=["trainer"])
    asked = asked_cohort(6, 4, facilitators=[trainer], comment="Loved the role play")
    client = as_user(app, trainer)
    url = f"/feedback/cohorts/{asked.cohort.id}"

    text = page(client.get(url))
    assert "4 responses so far (n = 4). Results are shown from 5 responses" in text
    assert "Loved the role play" not in text
    assert "Mean rating" not in text
    assert "4.00" not in text

    questionnaire = current_questionnaire()
    submit_response(
        asked.people[4],
        asked.requests[4],
        questionnaire,
        answers(questionnaire, 5, take_away="Loved the role play 4"),
        False,
    )
    db.session.commit()
    text = page(client.get(url))
    assert "Ratings: 5 responses" in text
    assert "4.20" in text  # four 4s and a 5
    assert "Loved the role play" in text
    assert "Loved the role play 4" in text
    assert "Remind the 1 person who has not answered" in text
    # Names never appear beside what was written.
    assert all(person.full_name not in text for person in asked.people)


def test_a_trainer_reminds_those_who_have_not_answered(app: Flask) -> None:
    trainer = make_user(roles=["trainer"])
    asked = asked_cohort(3, 1, facilitators=[trainer])
    before = [len(mail_to(person)) for person in asked.people]
    client = as_user(app, trainer)
    url = f"/feedback/cohorts/{asked.cohort.id}/remind"

    response = client.post(url)
    assert response.headers["Location"] == f"/feedback/cohorts/{asked.cohort.id}"
    assert ("success", "Reminders sent to 2 people.") in banners(follow(client, response))
    after = [len(mail_to(person)) for person in asked.people]
    assert after == [before[0], before[1] + 1, before[2] + 1]
    db.session.expire_all()
    assert [db.session.get_one(FeedbackRequest, r.id).reminders_sent for r in asked.requests] == [
        0,
        1,
        1,
    ]

    # Again the same day: refused, nobody mailed twice.
    text = follow(client, client.post(url))
    assert (
        "important",
        "Everyone who has not answered was reminded in the last 24 hours",
    ) in banners(text)
    assert [len(mail_to(person)) for person in asked.people] == after


def test_a_trainer_sees_only_their_own_cohorts(app: Flask) -> None:
    trainer = make_user(roles=["trainer"])
    mine = asked_cohort(2, 1, facilitators=[trainer])
    scheduled = asked_cohort(2, 1)
    scheduled.cohort.created_by_id = trainer.id
    theirs = asked_cohort(2, 1)
    client = as_user(app, trainer)
    text = page(client.get("/feedback/cohorts"))
    assert mine.cohort.title in text
    assert scheduled.cohort.title in text  # they scheduled it, so they may open it
    assert client.get(f"/feedback/cohorts/{scheduled.cohort.id}").status_code == 200
    assert theirs.cohort.title not in text
    assert client.get(f"/feedback/cohorts/{theirs.cohort.id}").status_code == 403
    assert client.post(f"/feedback/cohorts/{theirs.cohort.id}/remind").status_code == 403
    assert client.get("/feedback/cohorts/999999").status_code == 404


# The questionnaire ------------------------------------------------------------------------------


def questionnaire_form(note: str, **reworded: str) -> MultiDict[str, str]:
    """The edit form as posted: every current item, some reworded (by key), and a note."""
    data: list[tuple[str, str]] = []
    for index, item in enumerate(current_questionnaire().items):
        prefix = f"items-{index}-"
        data += [
            (prefix + "key", item.key),
            (prefix + "kind", item.kind),
            (prefix + "text", reworded.get(item.key, item.text)),
            (prefix + "text_cy", item.text_cy),
        ]
    data.append(("note", note))
    return MultiDict(data)


def test_an_admin_rewords_the_questionnaire_as_a_new_version(app: Flask) -> None:
    admin = make_user(roles=["admin"])
    current_questionnaire()
    client = as_user(app, admin)
    url = "/admin/feedback/questionnaire/edit"
    assert "The trainers were knowledgeable." in page(client.get(url))

    reworded = "The trainers knew their subject."
    response = client.post(url, data=questionnaire_form("", knowledge=reworded))
    assert response.status_code == 400
    text = page(response)
    assert field_error(text, "note") == "Say what changed, for the version history"
    assert count(Questionnaire) == 1

    response = client.post(url, data=questionnaire_form("Plainer wording", knowledge=reworded))
    assert response.headers["Location"] == "/admin/feedback/questionnaire"
    text = follow(client, response)
    assert ("success", "The questionnaire is saved as a new version.") in banners(text)
    assert "Plainer wording" in text
    db.session.expire_all()
    latest = current_questionnaire()
    assert (latest.version, latest.note, latest.created_by_id) == (2, "Plainer wording", admin.id)
    assert latest.items[0].key == "knowledge"
    assert latest.items[0].text == reworded
    assert len(latest.items) == 9
    # The first version is kept as it was, for the responses given to it.
    first = db.session.execute(select(Questionnaire).where(Questionnaire.version == 1)).scalar_one()
    assert first.items[0].text == "The trainers were knowledgeable."

    response = client.post(url, data=questionnaire_form("No change", knowledge=reworded))
    assert response.status_code == 400
    assert "Nothing has changed" in page(response)
    assert count(Questionnaire) == 2
    # The standard version's note reads in the reader's language; an author's as written.
    client.get("/language/cy")
    welsh = page(client.get("/admin/feedback/questionnaire"))
    assert "Holiadur safonol" in welsh and "Standard questionnaire" not in welsh
    assert "Plainer wording" in welsh


# Queries: the pages cost the same however much there is ----------------------------------------


def _year_of(cohorts: int, attendees: int) -> None:
    """Cohorts of two courses with registers, feedback, quotes, spend and an allocation."""
    manager = make_user(roles=["manager"])
    courses = [make_course(title="Core practice"), make_course(title="Groups")]
    for n in range(cohorts):
        asked = asked_cohort(
            5 + n, 5 + n, course=courses[n % 2], consent=True, comment=f"Useful {n}"
        )
        run_cohort(asked.cohort, people(attendees), people(1), no_shows=people(1))
        set_selected(manager, asked.comments[0], True)
        add_spend(manager, 2016, 1 + n % 4, "venue", "", Decimal(100 + n))
    set_allocation(manager, 2016, Decimal(18000))
    db.session.commit()


def _workforce() -> None:
    """IFST members on the level 6 clock at the end of 2016-17 (overdue, due, on track), one
    holding level 3, and CPD banked in the year."""
    overdue, due, _on_track = (
        accreditation.learner(core_on=day, ifst_member=True)
        for day in (dt.date(2016, 6, 1), dt.date(2016, 8, 15), dt.date(2017, 1, 10))
    )
    db.session.add(
        Application(
            user_id=due.id,
            level_id=accreditation.level(3).id,
            status=ACHIEVED,
            achieved_on=dt.date(2016, 12, 1),
        )
    )
    bank_entry(overdue, "external", dt.date(2016, 5, 1), "Conference", hours=Decimal(6))


def test_the_statistics_page_and_the_pdf_send_a_dozen_statements_whatever_the_data(
    app: Flask, manager: User, catalogue: None, count_queries: QueryCounter
) -> None:
    # The figures computed for every request, not kept (test_statistics_cache.py).
    app.config["STATISTICS_CACHE_SIZE"] = 0
    client = as_user(app, manager)
    urls = (f"/reports/statistics?fy={FY}", f"/reports/training-report.pdf?fy={FY}")
    ffi = db.session.execute(select(Course).where(Course.code == "FFI-3DAY")).scalar_one()

    def statements() -> dict[str, int]:
        counts = {}
        for url in urls:
            count_queries.statements.clear()
            assert client.get(url).status_code == 200
            counts[url] = count_queries.count
        return counts

    build_year(ffi)
    _year_of(1, 3)
    client.get(urls[0])  # warm up
    few = statements()

    # Published: the page then compares the figures with the snapshot.
    publish(manager, 2016)
    build_year(ffi, copies=2)
    _year_of(4, 8)
    _workforce()
    db.session.commit()
    many = statements()
    text = page(client.get(urls[0]))
    assert "Useful 3" in text
    workforce = compute(Period(2016))["workforce"]
    assert (workforce["due"], workforce["overdue"], workforce["levels"]) == (
        1,
        1,
        [{"level": 3, "people": 1}],
    )

    assert many == few, "\n".join(s[:120] for s in count_queries.statements)
    assert max(few.values()) <= 12, "\n".join(s[:120] for s in count_queries.statements)


def test_the_cohorts_feedback_page_runs_a_constant_number_of_queries(
    app: Flask, count_queries: QueryCounter
) -> None:
    trainer = make_user(roles=["trainer"])
    asked_cohort(5, 5, facilitators=[trainer])
    client = as_user(app, trainer)
    client.get("/feedback/cohorts")  # warm up

    count_queries.statements.clear()
    assert client.get("/feedback/cohorts").status_code == 200
    few = count_queries.count

    for n in range(4):
        asked_cohort(3 + n, 2 + n, facilitators=[trainer, make_user(roles=["trainer"])])
    db.session.commit()
    count_queries.statements.clear()
    text = page(client.get("/feedback/cohorts"))
    assert text.count("/feedback/cohorts/") == 5
    assert count_queries.count == few, "\n".join(s[:120] for s in count_queries.statements)


def test_who_published_the_figures_is_a_whole_welsh_sentence(
    app: Flask, manager: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "by a manager" (an account erased since) is a message of its own, not a word put into
    the sentence: Welsh mutates the word after "gan" (gan reolwr, not gan rheolwr)."""
    monkeypatch.setitem(app.config, "STATISTICS_CACHE_SIZE", 0)
    publish(manager, 2016)
    client = as_user(app, make_user(roles=["manager"], preferred_language="cy"))
    url = f"/reports/statistics?fy={FY}"
    assert f"gan {manager.full_name}." in page(client.get(url))

    snapshot = db.session.execute(select(ReportSnapshot)).scalar_one()
    snapshot.published_by = None
    db.session.commit()
    text = page(client.get(url))
    assert "Cyhoeddwyd ffigurau 2016-17 ar" in text and "gan reolwr." in text
