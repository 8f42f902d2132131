"""Recording history by hand through the pages: the hub, a form per kind, a record's page, its
evidence and withdrawing; bad input answers 400 and writes nothing; only managers and admins."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests.accreditation.helpers import EXE_BYTES, PDF_BYTES
from tests.accreditation.view_helpers import post_file
from tests.factories import make_organisation, make_user
from tests.helpers import as_user, banners, count, field_error, follow, page, summary_errors
from trainhub.accreditation.models import ACHIEVED, WITHDRAWN, Application
from trainhub.audit import AuditEvent
from trainhub.auth.models import User
from trainhub.courses.models import Cohort, Completion, local_today
from trainhub.extensions import db
from trainhub.feedback.models import FeedbackResponse
from trainhub.history import services
from trainhub.history.models import HistoryRecord
from trainhub.history.services import AttendeeDraft, CohortDraft, DayDraft, FeedbackDraft

pytestmark = pytest.mark.usefixtures("catalogue")

NINE = dt.time(9, 30)
FOUR = dt.time(16, 30)
TOMORROW = local_today() + dt.timedelta(days=1)


def parts(day: dt.date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def manager() -> User:
    return make_user(roles=("manager",), full_name="Morgan Manager")


def cohort_form(**overrides: Any) -> dict[str, Any]:
    """A 3-day FFI cohort of May 2016 as the form sends it."""
    values: dict[str, Any] = {
        "title": "FFI May 2016",
        "facilitators": "Trainer One\nTrainer Two",
        "partner_id": "0",
        "attendees": "sam@example.org, Sam Example, 1 2 3\nalex@example.org, Alex Example\n"
        "jo@example.org, Jo Example, 1",
    }
    for n, day in enumerate((dt.date(2016, 5, 10), dt.date(2016, 5, 11), dt.date(2016, 5, 12))):
        values[f"days-{n}-date"] = parts(day)
        values[f"days-{n}-start"] = "09:30"
        values[f"days-{n}-end"] = "16:30"
        values[f"days-{n}-venue"] = "Old Training Centre"
    values.update(overrides)
    return values


def recorded_completion(actor: User, evidence: bool = False) -> HistoryRecord:
    from trainhub.history.services import CompletionDraft
    from trainhub.uploads import Upload

    outcome = services.record_completions(
        actor,
        [
            CompletionDraft(
                "long.serving@example.org", "Long Serving", "IFSS-CORE", dt.date(2014, 5, 12)
            )
        ],
        evidence=Upload("register.pdf", PDF_BYTES) if evidence else None,
    )
    assert outcome.ok, outcome.problems
    return db.session.get_one(HistoryRecord, outcome.record_ids[0])


def recorded_cohort(actor: User) -> HistoryRecord:
    days = [
        DayDraft(n + 1, dt.date(2016, 5, 10) + dt.timedelta(days=n), NINE, FOUR, "Old Centre")
        for n in range(3)
    ]
    people = [
        AttendeeDraft(
            f"a{i}@example.org", f"Attendee {i}", {1: "present", 2: "present", 3: "present"}
        )
        for i in range(2)
    ]
    outcome = services.record_cohorts(
        actor, [CohortDraft("FFI-3DAY", "FFI May 2016", days, ["Trainer One"], "", people)]
    )
    assert outcome.ok, outcome.problems
    return db.session.get_one(HistoryRecord, outcome.record_ids[0])


# The hub ---------------------------------------------------------------------------------------


def test_the_hub_is_empty_at_first_and_links_every_kind(app: Flask) -> None:
    client = as_user(app, manager())
    text = page(client.get("/history"))
    assert "Nothing has been recorded yet." in text
    for link in (
        "/history/cohorts/new",
        "/history/completions/new",
        "/history/awards/new",
        "/history/feedback/new",
        "/admin/history/import",
    ):
        assert f'href="{link}"' in text


def test_the_hub_lists_what_was_recorded_newest_first_with_who_and_withdrawn(app: Flask) -> None:
    actor = manager()
    cohort = recorded_cohort(actor)
    completion = recorded_completion(actor)
    services.withdraw_record(actor, completion, "Entered for the wrong person")
    client = as_user(app, actor)
    text = page(client.get("/history"))
    # Long Serving has no organisation: a manager reads that someone completed it (R49).
    assert text.index("Completion: someone outside your organisation, IFSS-CORE") < text.index(
        "Cohort: FFI-3DAY “FFI May 2016”"
    )
    assert "Long Serving" not in text
    everyone = page(as_user(app, make_user(roles=["admin"])).get("/history"))
    assert "Completion: Long Serving, IFSS-CORE" in everyone
    assert "Morgan Manager" in text and "Entered by hand" in text
    assert "Withdrawn" in text and "Entered for the wrong person" in text
    only = page(client.get("/history?kind=cohort"))
    assert "FFI May 2016" in only and "Long Serving" not in only
    assert f"/history/records/{cohort.id}" in only
    assert "Nothing of this kind" in page(client.get("/history?kind=award"))


# A past cohort ---------------------------------------------------------------------------------


def test_choosing_the_course_then_recording_a_cohort(app: Flask) -> None:
    client = as_user(app, manager())
    choose = page(client.get("/history/cohorts/new"))
    assert '<option value="FFI-3DAY">' in choose
    assert "There is no course" in page(client.get("/history/cohorts/new?course=NOPE"))
    form = client.get("/history/cohorts/new?course=FFI-3DAY")
    assert form.status_code == 200 and "days-2-venue" in page(form)
    response = client.post("/history/cohorts/new?course=FFI-3DAY", data=cohort_form())
    assert response.status_code == 302
    record = db.session.execute(select(HistoryRecord)).scalar_one()
    assert response.headers["Location"].endswith(f"/history/records/{record.id}")
    text = follow(client, response)
    assert banners(text)[0][0] == "success" and "Cohort recorded" in text
    cohort = db.session.execute(select(Cohort)).scalar_one()
    assert cohort.recorded and cohort.status == "completed"
    # Sam and Alex attended all three days and completed; Jo came once.
    assert count(Completion) == 2
    again = client.post("/history/cohorts/new?course=FFI-3DAY", data=cohort_form())
    assert again.status_code == 302 and "Nothing was added" in follow(client, again)
    assert count(Cohort) == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Enter a title"),
        ({"days-0-date": ["", "", ""]}, "days-0-date", "Enter the date of day 1"),
        ({"days-1-start": ""}, "days-1-start", "Enter the time day 2 starts, like 09:30"),
        ({"days-1-end": "08:00"}, "days-1-end", "Day 2 must end after it starts"),
        ({"days-2-venue": ""}, "days-2-venue", "Enter the venue of day 3"),
        ({"days-2-date": parts(dt.date(2016, 5, 9))}, "days-2-date", "Day 3 must be after day 2"),
        (
            {"days-2-date": parts(TOMORROW)},
            "days-2-date",
            "The date must be today or in the past",
        ),
        ({"attendees": ""}, "attendees", "Enter the attendees, one a line"),
        (
            {"attendees": "sam@example.org, Sam, 1 two"},
            "attendees",
            "Line 1: write the days attended as numbers, like 1 2 3",
        ),
        (
            {"attendees": "sam@example.org, Sam, 1 4"},
            "attendees",
            "Line 1: the days attended run from 1 to 3",
        ),
        (
            {"attendees": "sam@example.org, Sam, Example, 1"},
            "attendees",
            "Line 1: write it as e-mail address, full name, days attended",
        ),
        ({"partner_id": "999999"}, "partner_id", "Not a valid choice."),
    ],
)
def test_a_bad_cohort_form_is_400_and_writes_nothing(
    app: Flask, changes: dict[str, Any], field: str, message: str
) -> None:
    client = as_user(app, manager())
    response = client.post("/history/cohorts/new?course=FFI-3DAY", data=cohort_form(**changes))
    assert response.status_code == 400
    text = page(response)
    assert message in (field_error(text, field) or ""), text
    assert summary_errors(text)
    assert count(Cohort) == 0 and count(HistoryRecord) == 0


def test_the_services_problems_go_to_the_summary_and_the_attendee_lines(app: Flask) -> None:
    client = as_user(app, manager())
    response = client.post(
        "/history/cohorts/new?course=FFI-3DAY",
        data=cohort_form(
            attendees="sam@example.org, Sam Example\nnew.person@example.org\nnot-an-address, X",
            facilitators="nobody@example.org",
        ),
    )
    assert response.status_code == 400
    text = page(response)
    attendees = field_error(text, "attendees") or ""
    assert "Line 2: new.person@example.org has no account yet" in attendees
    assert "Line 3: “not-an-address” is not an e-mail address" in attendees
    assert any(
        "The facilitator nobody@example.org has no account" in e for e in summary_errors(text)
    )
    assert count(Cohort) == 0 and count(User) == 1


def test_a_closed_cohort_names_its_partner(app: Flask) -> None:
    university = make_organisation("Cardiff University")
    client = as_user(app, manager())
    response = client.post(
        "/history/cohorts/new?course=FFI-3DAY", data=cohort_form(partner_id=str(university.id))
    )
    assert response.status_code == 302
    cohort = db.session.execute(select(Cohort)).scalar_one()
    assert cohort.partner_organisation_id == university.id


# A past completion -----------------------------------------------------------------------------


def completion_form(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "email": "long.serving@example.org",
        "full_name": "Long Serving",
        "course": "IFSS-CORE",
        "completed_on": parts(dt.date(2014, 5, 12)),
    }
    values.update(overrides)
    return values


def test_recording_a_2014_completion_with_evidence(app: Flask) -> None:
    actor = manager()
    client = as_user(app, actor)
    assert client.get("/history/completions/new").status_code == 200
    response = post_file(
        client,
        "/history/completions/new",
        "evidence",
        "register.pdf",
        PDF_BYTES,
        **completion_form(),
    )
    assert response.status_code == 302
    record = db.session.execute(select(HistoryRecord)).scalar_one()
    assert record.evidence_filename == "register.pdf"
    completion = db.session.execute(select(Completion)).scalar_one()
    assert completion.recorded and completion.completed_on == dt.date(2014, 5, 12)
    text = follow(client, response)
    assert "Completion recorded" in text and "register.pdf" in text
    # The file, downloaded and audited.
    download = client.get(f"/history/records/{record.id}/evidence")
    assert download.status_code == 200 and download.data == PDF_BYTES
    assert count(AuditEvent, AuditEvent.action == "history.evidence_downloaded") == 1
    # Shown as recorded on the person's record.
    person = db.session.execute(
        select(User).where(User.email == "long.serving@example.org")
    ).scalar_one()
    admin = as_user(app, make_user(roles=("admin",)))
    shown = page(admin.get(f"/people/{person.id}/accreditation"))
    assert "Recorded: before trainhub" in shown and "12 May 2014" in shown


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": ""}, "email", "Enter their email address"),
        ({"course": ""}, "course", "Choose the course"),
        ({"course": "NOPE"}, "course", "Not a valid choice."),
        ({"completed_on": ["", "", ""]}, "completed_on", "Enter the date they completed"),
        ({"completed_on": ["31", "2", "2014"]}, "completed_on", "Enter a real date"),
        ({"completed_on": parts(TOMORROW)}, "completed_on", "today or in the past"),
    ],
)
def test_a_bad_completion_form_is_400_and_writes_nothing(
    app: Flask, changes: dict[str, Any], field: str, message: str
) -> None:
    client = as_user(app, manager())
    response = client.post("/history/completions/new", data=completion_form(**changes))
    assert response.status_code == 400
    assert message in (field_error(page(response), field) or "")
    assert count(Completion) == 0 and count(HistoryRecord) == 0


def test_a_new_person_needs_a_name_and_a_refused_file_writes_nothing(app: Flask) -> None:
    client = as_user(app, manager())
    response = post_file(
        client, "/history/completions/new", "evidence", "", b"", **completion_form(full_name="")
    )
    assert response.status_code == 400
    assert any("has no account yet" in e for e in summary_errors(page(response)))
    refused = post_file(
        client, "/history/completions/new", "evidence", "tool.pdf", EXE_BYTES, **completion_form()
    )
    assert refused.status_code == 400
    assert field_error(page(refused), "evidence")
    assert count(Completion) == 0 and count(HistoryRecord) == 0 and count(User) == 1


# A past award ----------------------------------------------------------------------------------


def award_form(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "email": "new.person@example.org",
        "full_name": "New Person",
        "level": "2",
        "awarded_on": parts(dt.date(2016, 9, 20)),
        "assessor": "An Assessor",
        "old_certificate_number": "CCW-1",
    }
    values.update(overrides)
    return values


def test_recording_an_award_shows_its_assessor_and_old_number(app: Flask) -> None:
    client = as_user(app, manager())
    assert client.get("/history/awards/new").status_code == 200
    response = client.post("/history/awards/new", data=award_form())
    assert response.status_code == 302
    text = follow(client, response)
    assert "An Assessor" in text and "CCW-1" in text and "Level 2" in text
    application = db.session.execute(select(Application)).scalar_one()
    assert application.status == ACHIEVED and application.recorded
    person = db.session.get_one(User, application.user_id)
    admin = as_user(app, make_user(roles=("admin",)))
    shown = page(admin.get(f"/people/{person.id}/accreditation"))
    assert "Recorded: before trainhub" in shown and "Awarded on 20 September 2016" in shown


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"level": ""}, "level", "Enter the level, like 2"),
        ({"level": "two"}, "level", "Enter a whole number"),
        ({"awarded_on": ["", "", ""]}, "awarded_on", "Enter the date the level was awarded"),
        ({"awarded_on": parts(TOMORROW)}, "awarded_on", "today or in the past"),
        ({"old_certificate_number": "x" * 101}, "old_certificate_number", "100 characters"),
    ],
)
def test_a_bad_award_form_is_400_and_writes_nothing(
    app: Flask, changes: dict[str, Any], field: str, message: str
) -> None:
    client = as_user(app, manager())
    response = client.post("/history/awards/new", data=award_form(**changes))
    assert response.status_code == 400
    assert message in (field_error(page(response), field) or "")
    assert count(Application) == 0 and count(HistoryRecord) == 0


def test_an_unknown_level_is_in_the_summary(app: Flask) -> None:
    client = as_user(app, manager())
    response = client.post("/history/awards/new", data=award_form(level="42"))
    assert response.status_code == 400
    assert any("There is no Level 42" in e for e in summary_errors(page(response)))
    assert count(Application) == 0


def test_an_admin_chooses_a_new_persons_organisation_a_manager_does_not(app: Flask) -> None:
    council = make_organisation(name="Cyngor Example")
    boss = make_user(roles=("manager",), organisation=make_organisation(name="Another Council"))
    managers_form = page(as_user(app, boss).get("/history/awards/new"))
    assert 'name="organisation"' not in managers_form
    assert "A new account joins your organisation." in managers_form
    admin = as_user(app, make_user(roles=("admin",)))
    assert "Cyngor Example" in page(admin.get("/history/awards/new"))
    response = admin.post("/history/awards/new", data=award_form(organisation="Cyngor Example"))
    assert response.status_code == 302
    person = db.session.execute(
        select(User).where(User.email == "new.person@example.org")
    ).scalar_one()
    assert person.organisation_id == council.id
    # A value not offered is refused on the field, nothing written.
    response = admin.post(
        "/history/awards/new",
        data=award_form(email="other@example.org", organisation="Made Up Council"),
    )
    assert response.status_code == 400
    assert field_error(page(response), "organisation")
    assert count(Application) == 1


# Paper feedback --------------------------------------------------------------------------------


def test_entering_paper_forms_one_after_another(app: Flask) -> None:
    actor = manager()
    record = recorded_cohort(actor)  # two attendees
    cohort_id = record.cohort_id
    client = as_user(app, actor)
    choose = page(client.get("/history/feedback/new"))
    assert "FFI-3DAY, 2016-05-10: FFI May 2016" in choose
    assert client.get("/history/feedback/new?cohort=999999").status_code == 400
    url = f"/history/feedback/new?cohort={cohort_id}"
    form = page(client.get(url))
    assert "Not answered" in form and "Save and enter another" in form
    first = client.post(url, data={"rating_knowledge": "5", "comment": "Practical", "another": "y"})
    assert first.status_code == 302 and first.headers["Location"].endswith(url)
    second = client.post(url, data={"rating_knowledge": "4", "submit": "y"})
    assert second.status_code == 302 and "/history/records/" in second.headers["Location"]
    assert count(FeedbackResponse) == 2
    third = client.post(url, data={"rating_knowledge": "3", "submit": "y"})
    assert third.status_code == 400
    assert any("more forms than attendees" in e for e in summary_errors(page(third)))
    assert count(FeedbackResponse) == 2


def test_a_bad_paper_form_is_400(app: Flask) -> None:
    actor = manager()
    cohort_id = recorded_cohort(actor).cohort_id
    client = as_user(app, actor)
    url = f"/history/feedback/new?cohort={cohort_id}"
    empty = client.post(url, data={"submit": "y"})
    assert empty.status_code == 400
    assert any("no ratings and no comment" in e for e in summary_errors(page(empty)))
    six = client.post(url, data={"rating_knowledge": "6", "submit": "y"})
    assert six.status_code == 400
    assert field_error(page(six), "rating_knowledge")
    assert count(FeedbackResponse) == 0


# A record's page and withdrawing ---------------------------------------------------------------


def test_a_records_page_links_what_it_recorded(app: Flask) -> None:
    actor = manager()
    record = recorded_cohort(actor)
    client = as_user(app, actor)
    text = page(client.get(f"/history/records/{record.id}"))
    assert f"/cohorts/{record.cohort_id}" in text
    assert "Old Centre" in text  # a venue added, no longer in use
    assert "Entered by hand" in text and "Morgan Manager" in text
    assert client.get("/history/records/999999").status_code == 404
    assert client.get(f"/history/records/{record.id}/evidence").status_code == 404


def test_withdrawing_a_completion_with_a_reason(app: Flask) -> None:
    actor = manager()
    record = recorded_completion(actor)
    client = as_user(app, actor)
    url = f"/history/records/{record.id}/withdraw"
    assert client.get(url).status_code == 200
    empty = client.post(url, data={"reason": ""})
    assert empty.status_code == 400
    assert "Say why this record is withdrawn" in (field_error(page(empty), "reason") or "")
    assert count(Completion) == 1
    response = client.post(url, data={"reason": "Entered for the wrong person"})
    assert response.status_code == 302
    assert "The record has been withdrawn." in follow(client, response)
    assert count(Completion) == 0
    again = client.get(url)
    assert again.status_code == 409 and "withdrawn already" in page(again)
    assert client.post(url, data={"reason": "Twice"}).status_code == 409
    assert count(AuditEvent, AuditEvent.action == "history.withdrawn") == 1
    log = page(client.get("/reports/audit"))
    assert "History record withdrawn" in log


def test_withdrawing_an_award_and_a_paper_form_refused(app: Flask) -> None:
    actor = manager()
    record = recorded_cohort(actor)
    outcome = services.record_feedback(
        actor, [FeedbackDraft("FFI-3DAY", dt.date(2016, 5, 10), {"knowledge": 5})]
    )
    paper = outcome.record_ids[0]
    client = as_user(app, actor)
    refused = client.get(f"/history/records/{paper}/withdraw")
    assert refused.status_code == 409 and "anonymous" in page(refused)
    assert (
        client.post(f"/history/records/{paper}/withdraw", data={"reason": "x"}).status_code == 409
    )
    done = client.post(f"/history/records/{record.id}/withdraw", data={"reason": "Twice"})
    assert done.status_code == 302
    assert db.session.get_one(Cohort, record.cohort_id).status == "cancelled"
    award = services.record_awards(
        actor,
        [services.AwardDraft("p@example.org", "P Person", 2, dt.date(2016, 9, 20))],
    )
    award_id = award.record_ids[0]
    assert (
        client.post(
            f"/history/records/{award_id}/withdraw", data={"reason": "Wrong level"}
        ).status_code
        == 302
    )
    assert db.session.execute(select(Application.status)).scalar_one() == WITHDRAWN


# Who may ---------------------------------------------------------------------------------------


ROUTES = [
    ("GET", "/history"),
    ("GET", "/history/cohorts/new?course=FFI-3DAY"),
    ("POST", "/history/cohorts/new?course=FFI-3DAY"),
    ("GET", "/history/completions/new"),
    ("POST", "/history/completions/new"),
    ("GET", "/history/awards/new"),
    ("POST", "/history/awards/new"),
    ("GET", "/history/feedback/new"),
    ("GET", "/history/records/{id}"),
    ("GET", "/history/records/{id}/evidence"),
    ("GET", "/history/records/{id}/withdraw"),
    ("POST", "/history/records/{id}/withdraw"),
]


@pytest.mark.parametrize("role", ["learner", "trainer", "assessor", None])
def test_only_managers_and_admins(app: Flask, role: str | None) -> None:
    record = recorded_completion(manager(), evidence=True)
    client = as_user(app, make_user(roles=(role,)) if role else None)
    for method, url in ROUTES:
        response = client.open(url.format(id=record.id), method=method, data=cohort_form())
        if role is None:
            assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
        else:
            assert response.status_code == 403, (method, url)
    assert count(HistoryRecord) == 1 and record.withdrawn_at is None


def test_an_admin_may_record(app: Flask) -> None:
    client = as_user(app, make_user(roles=("admin",)))
    assert client.get("/history").status_code == 200
    response = client.post("/history/awards/new", data=award_form())
    assert response.status_code == 302


def test_history_is_in_the_navigation_of_managers_only(app: Flask) -> None:
    # Beneath Administration in the navigation, shown on the area's pages.
    assert 'href="/history"' in page(as_user(app, manager()).get("/admin"))
    assert 'href="/history"' not in page(as_user(app, make_user()).get("/account"))
