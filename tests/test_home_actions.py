"""A signed-in person's home: what they need to do next, by the part they play, each a
sentence linking to the page where they do it; "Nothing needs you now" when nothing does;
and the same number of SQL statements with one item as with many (issue 20)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from flask import Flask
from hypothesis import HealthCheck, given, settings

from tests.accreditation.helpers import application, learner, level
from tests.factories import (
    make_booking,
    make_cohort,
    make_course,
    make_organisation,
    make_user,
)
from tests.feedback.test_clock_agreement import History, build, histories
from tests.helpers import QueryCounter, as_user, page, page_html
from trainhub.accreditation.models import (
    ACHIEVED,
    AWAITING_VERIFICATION,
    RESUBMISSION_REQUESTED,
    SUBMITTED,
    Application,
    ExternalActivity,
)
from trainhub.accreditation.queries import clock_starts
from trainhub.accreditation.services.applications import level_clock
from trainhub.accreditation.services.clock import people_on_the_clock
from trainhub.auth.models import User
from trainhub.courses.models import Attendance, Cohort, local_today
from trainhub.extensions import db, utcnow
from trainhub.feedback.models import FeedbackRequest, ReportNarrative
from trainhub.financial_years import financial_year

TODAY = local_today()
NOTHING = "Nothing needs you now."


def home(app: Flask, user: User) -> str:
    response = as_user(app, user).get("/")
    assert response.status_code == 200
    return page(response)


def home_html(app: Flask, user: User) -> str:
    return page_html(as_user(app, user).get("/"))


def statements(app: Flask, user: User, counter: QueryCounter) -> int:
    """The SQL statements the home page sends for ``user`` (the second visit: caches warm)."""
    client = as_user(app, user)
    assert client.get("/").status_code == 200
    before = counter.count
    assert client.get("/").status_code == 200
    return counter.count - before


def activity(person: User) -> ExternalActivity:
    row = ExternalActivity(
        user=person,
        title="Motivational interviewing",
        occurred_on=TODAY - dt.timedelta(days=3),
        hours=Decimal("3.5"),
        evidence_filename="attendance.pdf",
        evidence_content_type="application/pdf",
        evidence_size=10,
        evidence_key="cpd/none.pdf",
    )
    db.session.add(row)
    db.session.flush()
    return row


def ask_feedback(person: User, cohort: Cohort, responded: bool = False) -> FeedbackRequest:
    request = FeedbackRequest(cohort=cohort, user=person, responded=responded)
    db.session.add(request)
    db.session.flush()
    return request


def ended_cohort(title: str) -> Cohort:
    return make_cohort(start=TODAY - dt.timedelta(days=20), status="completed", title=title)


# Everyone's own training --------------------------------------------------------------------


def test_a_learner_with_nothing_to_do_is_told_so(app: Flask) -> None:
    person = learner()
    ask_feedback(person, ended_cohort("Answered cohort"), responded=True)

    text = home(app, person)

    assert NOTHING in text
    assert "Answered cohort" not in text
    assert "Your next course" not in text
    # The links are still there, below.
    assert "Everything else" in text
    assert "Browse the course catalogue" in text


def test_a_learner_sees_feedback_owed_an_offer_and_their_next_course(app: Flask) -> None:
    person = learner()
    request = ask_feedback(person, ended_cohort("Spring core"))
    offered = make_cohort(title="Autumn core")
    expires = utcnow() + dt.timedelta(hours=30)
    offer = make_booking(offered, person, status="offered", offer_expires_at=expires)
    gone = make_cohort(title="Expired offer cohort")
    make_booking(gone, person, status="offered", offer_expires_at=utcnow() - dt.timedelta(hours=1))
    soon = make_cohort(start=TODAY + dt.timedelta(days=5), title="Next week's training")
    booked = make_booking(soon, person)
    make_booking(make_cohort(start=TODAY + dt.timedelta(days=50), title="Later one"), person)

    text = home(app, person)
    html = home_html(app, person)

    assert NOTHING not in text
    assert "Give your feedback on Spring core" in text
    assert f'href="/feedback/{request.id}"' in html
    assert "A place on Autumn core is offered to you: accept or decline it" in text
    assert f'href="/bookings/{offer.id}/offer"' in html
    assert "Expired offer cohort" not in text
    assert "Your next course" in text
    assert "Next week's training" in text
    assert "Later one" not in text
    assert f'href="/bookings/{booked.id}"' in html
    assert "09:30–16:30" in text
    assert soon.days[0].venue.name in text


def test_a_returned_workbook_asks_to_be_resubmitted(app: Flask, catalogue: None) -> None:
    applied = application(3)
    applied.status = RESUBMISSION_REQUESTED
    db.session.flush()

    text = home(app, applied.user)

    assert "Resubmit your Level 3 workbook: the assessor returned it" in text
    assert f'href="/applications/{applied.id}"' in home_html(app, applied.user)


def test_the_level_6_clock_shows_when_due_and_overdue(app: Flask, catalogue: None) -> None:
    due = learner(core_on=TODAY - dt.timedelta(days=200), ifst_member=True)
    overdue = learner(core_on=TODAY - dt.timedelta(days=400), ifst_member=True)
    on_track = learner(core_on=TODAY - dt.timedelta(days=30), ifst_member=True)

    assert "Your Level 6 accreditation is due" in home(app, due)
    overdue_page = home(app, overdue)
    assert "Your Level 6 accreditation is overdue" in overdue_page
    assert NOTHING in home(app, on_track)


def test_clock_starts_follow_the_workforce_clock_rule(app: Flask, catalogue: None) -> None:
    member = learner(core_on=dt.date(2024, 1, 15), ifst_member=True)
    applicant = learner(core_on=dt.date(2024, 3, 1))
    application(6, applicant)
    not_member = learner(core_on=dt.date(2024, 1, 15))
    inactive = learner(core_on=dt.date(2024, 1, 15), ifst_member=True, active=False)
    holder = learner(core_on=dt.date(2023, 1, 15), ifst_member=True)
    db.session.add(Application(user=holder, level=level(6), status=ACHIEVED))
    db.session.flush()
    people = [member, applicant, not_member, inactive, holder]

    expected = {
        (item.user.id, item.level.id, item.clock.started_on)
        for item in people_on_the_clock(today=dt.date(2024, 8, 1))
        if item.user in people
    }
    found = {(person.id, lvl.id, start) for person, lvl, start in clock_starts(people)}

    assert found == expected
    assert {person for person, _lvl, _start in clock_starts(people)} == {member, applicant}


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=histories())
def test_clock_starts_agree_with_the_workforce_clock_on_any_history(
    app: Flask, catalogue: None, history: History
) -> None:
    """The clocks the home page shows for some people are those ``people_on_the_clock``
    finds for everyone, on the histories of ``tests/feedback/test_clock_agreement.py``."""
    savepoint = db.session.begin_nested()
    try:
        build(history)
        people = list(db.session.execute(db.select(User)).scalars())
        expected = {
            (item.user.id, item.level.id, item.clock.started_on, item.clock.state)
            for item in people_on_the_clock(today=history.as_at)
        }
        found = set()
        for person, lvl, start in clock_starts(people):
            clock = level_clock(lvl, start, today=history.as_at)
            if clock is not None:
                found.add((person.id, lvl.id, clock.started_on, clock.state))
        assert found == expected
    finally:
        savepoint.rollback()


# Trainers -----------------------------------------------------------------------------------


def test_a_trainer_sees_registers_due_today_and_cohorts_short_of_a_co_facilitator(
    app: Flask,
) -> None:
    trainer = make_user(roles=["trainer"])
    partner = make_user(roles=["trainer"])
    today = make_cohort(start=TODAY, facilitators=[trainer, partner], title="Today's cohort")
    taken = make_cohort(start=TODAY, facilitators=[trainer, partner], title="Taken cohort")
    person = learner()
    make_booking(taken, person)
    db.session.add(Attendance(cohort_day_id=taken.days[0].id, user_id=person.id, status="present"))
    alone = make_cohort(facilitators=[trainer], title="Solo cohort")
    make_cohort(facilitators=[trainer], status="cancelled", title="Cancelled solo")
    make_cohort(facilitators=[partner], title="Someone else's")

    text = home(app, trainer)

    assert "Take the register for Today's cohort, day 1" in text
    assert f'href="/cohorts/{today.id}/days/1/register"' in home_html(app, trainer)
    assert "Taken cohort" not in text
    assert "Find a co-facilitator for Solo cohort" in text
    assert f'href="/cohorts/{alone.id}"' in home_html(app, trainer)
    assert "Cancelled solo" not in text
    assert "Someone else" not in text


def test_a_trainer_sees_waiting_lists_with_free_places(app: Flask) -> None:
    trainer = make_user(roles=["trainer"])
    partner = make_user(roles=["trainer"])
    cohort = make_cohort(facilitators=[trainer, partner], capacity=3, title="Room to spare")
    make_booking(cohort)
    make_booking(cohort, status="waitlisted", queue_rank=1)
    full = make_cohort(facilitators=[trainer, partner], capacity=1, title="Full up")
    make_booking(full)
    make_booking(full, status="waitlisted", queue_rank=1)

    text = home(app, trainer)

    assert "Offer the free places on Room to spare to its waiting list" in text
    assert "2 free places, 1 person waiting" in text
    assert f'href="/cohorts/{cohort.id}/bookings"' in home_html(app, trainer)
    assert "Full up" not in text


def test_a_trainer_with_nothing_to_do_is_told_so(app: Flask) -> None:
    trainer = make_user(roles=["trainer"])
    make_cohort(facilitators=[trainer, make_user(roles=["trainer"])])

    assert NOTHING in home(app, trainer)


# Assessors ----------------------------------------------------------------------------------


def test_an_assessor_sees_their_queue_counts(app: Flask, catalogue: None) -> None:
    assessor = make_user(roles=["assessor"])
    for _ in range(2):
        application(3).status = SUBMITTED
    mine = application(3)
    mine.status, mine.assessor_id = SUBMITTED, assessor.id
    application(3).status = AWAITING_VERIFICATION
    db.session.flush()

    text = home(app, assessor)

    assert "2 workbooks are waiting for an assessor" in text
    assert "1 of your assessments is in progress" in text
    assert "1 award is waiting to be verified" in text
    assert 'href="/assessment?queue=verify"' in home_html(app, assessor)


def test_an_assessor_with_empty_queues_is_told_so(app: Flask) -> None:
    assert NOTHING in home(app, make_user(roles=["assessor"]))


# Managers -----------------------------------------------------------------------------------


def test_a_manager_sees_approvals_and_the_report_checklist(app: Flask) -> None:
    organisation = make_organisation()
    manager = make_user(roles=["manager"], organisation=organisation)
    person = learner(organisation=organisation)
    make_booking(make_cohort(), person, status="requested")
    activity(person)

    text = home(app, manager)

    assert "1 request for a place is waiting for your decision" in text
    assert "1 CPD activity is waiting for your approval" in text
    assert "annual report" in text
    assert "The report's narrative: none is written yet" in text
    html = home_html(app, manager)
    assert 'href="/approvals"' in html
    assert 'href="/cpd/approvals"' in html


def test_the_narrative_leaves_the_checklist_once_written(app: Flask) -> None:
    manager = make_user(roles=["manager"], organisation=make_organisation())
    text = home(app, manager)
    assert "The report's narrative: none is written yet" in text
    # The year the checklist names is the one written about first (report.report_years).
    fy = text.split("Prepare the ", 1)[1].split(" annual report", 1)[0]
    year = int(fy[:4])
    assert year <= financial_year(TODAY)
    db.session.add(ReportNarrative(financial_year=year, section="introduction", text="Words."))
    db.session.flush()

    assert "The report's narrative: none is written yet" not in home(app, manager)


def test_an_admin_sees_approvals_but_not_the_report(app: Flask) -> None:
    admin = make_user(roles=["admin"])
    make_booking(make_cohort(), learner(), status="requested")

    text = home(app, admin)

    assert "1 request for a place is waiting for your decision" in text
    assert "annual report" not in text


# Supervisors --------------------------------------------------------------------------------


def test_a_supervisor_sees_cpd_to_approve_and_supervisees_on_the_clock(
    app: Flask, catalogue: None
) -> None:
    supervisor = make_user(roles=["learner"])
    overdue = learner(
        core_on=TODAY - dt.timedelta(days=400),
        ifst_member=True,
        supervisor=supervisor,
        full_name="Olwen Overdue",
    )
    learner(core_on=TODAY - dt.timedelta(days=30), ifst_member=True, supervisor=supervisor)
    activity(learner(supervisor=supervisor))
    activity(learner())  # not theirs

    text = home(app, supervisor)

    assert "1 CPD activity is waiting for your approval" in text
    assert "Olwen Overdue's Level 6 accreditation is overdue" in text
    assert f'href="/people/{overdue.id}/accreditation"' in home_html(app, supervisor)


def test_a_supervisor_with_nothing_to_do_is_told_so(app: Flask, catalogue: None) -> None:
    supervisor = make_user(roles=["learner"])
    learner(supervisor=supervisor)

    assert NOTHING in home(app, supervisor)


# The number of statements -------------------------------------------------------------------


def _learner_items(person: User, n: int) -> None:
    for i in range(n):
        ask_feedback(person, ended_cohort(f"Ended {i}"))
        make_booking(
            make_cohort(),
            person,
            status="offered",
            offer_expires_at=utcnow() + dt.timedelta(hours=10),
        )
        make_booking(make_cohort(start=TODAY + dt.timedelta(days=3 + i)), person)
        db.session.add(
            Application(user=person, level=level(2 + i % 2), status=RESUBMISSION_REQUESTED)
        )
    db.session.flush()


def _trainer_items(trainer: User, n: int) -> None:
    for _ in range(n):
        cohort = make_cohort(start=TODAY, facilitators=[trainer])
        make_booking(cohort)
        waiting = make_cohort(facilitators=[trainer], capacity=3)
        make_booking(waiting, status="waitlisted", queue_rank=1)


def _assessor_items(assessor: User, n: int) -> None:
    for _ in range(n):
        application(3).status = SUBMITTED
        mine = application(3)
        mine.status, mine.assessor_id = SUBMITTED, assessor.id
        application(3).status = AWAITING_VERIFICATION
    db.session.flush()


def _manager_items(manager: User, n: int) -> None:
    for _ in range(n):
        person = learner(organisation=manager.organisation)
        make_booking(make_cohort(), person, status="requested")
        activity(person)


def _supervisor_items(supervisor: User, n: int) -> None:
    for _ in range(n):
        person = learner(
            core_on=TODAY - dt.timedelta(days=400), ifst_member=True, supervisor=supervisor
        )
        activity(person)


ROLES: dict[str, tuple[Callable[[], User], Callable[[User, int], None]]] = {
    "learner": (lambda: make_user(roles=["learner"]), _learner_items),
    "trainer": (lambda: make_user(roles=["trainer"]), _trainer_items),
    "assessor": (lambda: make_user(roles=["assessor"]), _assessor_items),
    "manager": (
        lambda: make_user(roles=["manager"], organisation=make_organisation()),
        _manager_items,
    ),
    "supervisor": (lambda: make_user(roles=["learner"]), _supervisor_items),
}


def test_the_home_page_sends_as_many_statements_for_one_item_as_for_many(
    app: Flask, catalogue: None, count_queries: QueryCounter
) -> None:
    found = {}
    for role, (make, add) in ROLES.items():
        one, many = make(), make()
        add(one, 1)
        add(many, 6)
        assert NOTHING not in home(app, one), role
        found[role] = (statements(app, one, count_queries), statements(app, many, count_queries))
    assert {role: one for role, (one, _many) in found.items()} == {
        role: many for role, (_one, many) in found.items()
    }
    # Learner 8, trainer 11, assessor 11, supervisor 13, manager 20 (the report checklist
    # reads each year still being written: at most three).
    assert max(one for one, _many in found.values()) <= 25


def test_a_learner_is_asked_for_the_follow_up_survey_they_owe(app: Flask) -> None:
    from trainhub.courses.models import Completion
    from trainhub.feedback.models import ImpactRequest

    person = learner()
    course = make_course(title="Safety planning")
    completion = Completion(user=person, course=course, completed_on=TODAY - dt.timedelta(days=91))
    db.session.add(completion)
    db.session.flush()
    asked = ImpactRequest(completion_id=completion.id, user_id=person.id, course_id=course.id)
    db.session.add(asked)
    db.session.flush()

    html = home_html(app, person)
    assert "Tell us whether Safety planning changed your practice" in home(app, person)
    assert f'href="/feedback/impact/{asked.id}"' in html

    asked.responded = True
    db.session.flush()
    assert "changed your practice" not in home(app, person)


def test_a_line_manager_sees_the_requests_waiting_for_them(app: Flask) -> None:
    from trainhub.auth.services import name_line_manager
    from trainhub.courses.services.booking import book_place

    manager_account = learner()
    person = learner()
    name_line_manager(person, manager_account.email)
    book_place(person, make_cohort(make_course(line_manager_approval=True)))
    db.session.flush()

    text = home(app, manager_account)
    assert "1 request from someone you line manage is waiting for your decision" in text
    assert 'href="/line-manager/requests"' in home_html(app, manager_account)
    assert "line manage" not in home(app, person)
