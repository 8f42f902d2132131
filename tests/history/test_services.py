"""Recording history through the services: cohorts land completed, nothing is e-mailed, the
same thing recorded twice is one, problems come all at once with nothing written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy import select

from tests.factories import make_organisation, make_user
from tests.helpers import count, outbox
from trainhub.accreditation.models import ACHIEVED, WITHDRAWN, Application, CpdEntry
from trainhub.accreditation.services.clock import people_on_the_clock
from trainhub.audit import AuditEvent
from trainhub.auth.models import User
from trainhub.courses.models import Attendance, Booking, Cohort, Completion, Course, Venue
from trainhub.errors import PermissionDenied
from trainhub.extensions import db
from trainhub.feedback.models import FeedbackRequest, FeedbackResponse
from trainhub.history import services
from trainhub.history.models import HistoryRecord
from trainhub.history.services import (
    AttendeeDraft,
    AwardDraft,
    CohortDraft,
    CompletionDraft,
    DayDraft,
    FeedbackDraft,
)

pytestmark = pytest.mark.usefixtures("catalogue")

NINE = dt.time(9, 30)
FOUR = dt.time(16, 30)
PAST_DAY = dt.date(2014, 5, 12)


def ffi_cohort(title: str = "FFI May 2016", start: dt.date = dt.date(2016, 5, 10), people: int = 3):
    days = [
        DayDraft(n + 1, start + dt.timedelta(days=n), NINE, FOUR, "Old Training Centre")
        for n in range(3)
    ]
    attendees = [
        AttendeeDraft(
            f"attendee{i}.{start.isoformat()}@example.org",
            f"Attendee {i}",
            {1: "present", 2: "late", 3: "present"} if i else {1: "present", 2: "absent"},
        )
        for i in range(people)
    ]
    return CohortDraft(
        "FFI-3DAY", title, days, ["Trainer One", "Trainer Two"], "", attendees, line=2
    )


def manager() -> User:
    return make_user(roles=("manager",))


def test_a_past_cohort_lands_completed_without_mail() -> None:
    actor = manager()
    outcome = services.record_cohorts(actor, [ffi_cohort()])
    assert outcome.ok, outcome.problems
    cohort = db.session.execute(select(Cohort).where(Cohort.recorded.is_(True))).scalar_one()
    assert cohort.status == "completed" and cohort.first_day == dt.date(2016, 5, 10)
    assert cohort.facilitators_without_accounts == ["Trainer One", "Trainer Two"]
    assert count(Attendance) == 9
    statuses = sorted(b.status for b in db.session.execute(select(Booking)).scalars())
    assert statuses == ["attended", "attended", "partially_attended"]
    completions = list(db.session.execute(select(Completion)).scalars())
    assert len(completions) == 2 and all(c.recorded for c in completions)
    assert {c.completed_on for c in completions} == {dt.date(2016, 5, 12)}
    lines = list(db.session.execute(select(CpdEntry)).scalars())
    assert {line.occurred_on for line in lines} == {dt.date(2016, 5, 12)}
    assert outbox() == []
    assert count(FeedbackRequest) == 0
    venue = db.session.execute(
        select(Venue).where(Venue.name == "Old Training Centre")
    ).scalar_one()
    assert not venue.is_active
    assert count(AuditEvent, AuditEvent.action == "history.cohort_recorded") == 1
    new_people = db.session.execute(select(User).where(User.email.like("attendee%"))).scalars()
    assert all(p.password_hash is None for p in new_people)

    again = services.record_cohorts(actor, [ffi_cohort()])
    assert again.ok and again.added == [] and len(again.skipped) == 1
    assert count(Cohort) == 1 and count(Attendance) == 9


def test_a_dry_run_writes_nothing() -> None:
    outcome = services.record_cohorts(manager(), [ffi_cohort()], dry_run=True)
    assert outcome.ok and len(outcome.added) == 1 and len(outcome.new_accounts) == 3
    assert count(Cohort) == 0 and count(User) == 1


def test_every_problem_at_once_and_nothing_written() -> None:
    future = ffi_cohort("Future", dt.date.today() + dt.timedelta(days=400))
    four_days = ffi_cohort("Four days", dt.date(2016, 7, 5))
    four_days.days.append(DayDraft(4, dt.date(2016, 7, 8), NINE, FOUR, "X"))
    unknown = ffi_cohort("Unknown", dt.date(2016, 9, 5))
    unknown.course_code = "IFSS-NOPE"
    overlap = ffi_cohort("Overlap", dt.date(2016, 5, 10))  # the same people and days
    outcome = services.record_cohorts(
        manager(), [ffi_cohort(), future, four_days, unknown, overlap]
    )
    text = " | ".join(p.message for p in outcome.problems)
    assert "in the future" in text
    assert "needs days 1, 2, 3, not 1, 2, 3, 4" in text
    assert "IFSS-NOPE" in text and "IFSS-CORE" in text
    assert "overlap" in text
    assert count(Cohort) == 0 and count(HistoryRecord) == 0


def test_learners_need_a_manager() -> None:
    with pytest.raises(PermissionDenied):
        services.record_cohorts(make_user(), [ffi_cohort()])


def test_a_2014_core_starts_the_level_6_clock_then() -> None:
    person = make_user(email="long.serving@example.org", ifst_member=True)
    outcome = services.record_completions(
        manager(),
        [CompletionDraft(person.email, "", "IFSS-CORE", dt.date(2014, 5, 12), line=2)],
    )
    assert outcome.ok, outcome.problems
    completion = db.session.execute(select(Completion)).scalar_one()
    assert completion.recorded and completion.cohort_id is None
    clocks = [c for c in people_on_the_clock() if c.user.id == person.id]
    assert any(
        c.clock.state == "overdue" and c.clock.started_on == dt.date(2014, 5, 12) for c in clocks
    )
    again = services.record_completions(
        manager(), [CompletionDraft(person.email, "", "IFSS-CORE", dt.date(2014, 5, 12))]
    )
    assert again.added == [] and count(Completion) == 1


def test_an_award_counts_on_its_date_and_can_be_withdrawn() -> None:
    actor = manager()
    outcome = services.record_awards(
        actor,
        [
            AwardDraft(
                "new.person@example.org",
                "New Person",
                2,
                dt.date(2016, 9, 20),
                "An Assessor",
                "CCW-1",
            )
        ],
    )
    assert outcome.ok, outcome.problems
    application = db.session.execute(select(Application)).scalar_one()
    assert application.status == ACHIEVED and application.achieved_on == dt.date(2016, 9, 20)
    assert application.recorded
    record = db.session.execute(select(HistoryRecord)).scalar_one()
    assert record.details["old_certificate_number"] == "CCW-1"
    services.withdraw_record(actor, record, "Entered for the wrong person")
    assert application.status == WITHDRAWN
    total = sum((e.hours for e in db.session.execute(select(CpdEntry)).scalars()), Decimal(0))
    assert total == 0


def test_withdrawing_a_cohort_takes_its_completions_away() -> None:
    actor = manager()
    services.record_cohorts(actor, [ffi_cohort()])
    record = db.session.execute(select(HistoryRecord)).scalar_one()
    services.withdraw_record(actor, record, "Entered twice")
    assert record.cohort is not None and record.cohort.status == "cancelled"
    assert count(Completion) == 0
    assert count(AuditEvent, AuditEvent.action == "history.withdrawn") == 1


def test_paper_feedback_is_never_more_than_attendees() -> None:
    actor = manager()
    services.record_cohorts(actor, [ffi_cohort(people=2)])  # 2 attendees
    forms = [
        FeedbackDraft("FFI-3DAY", dt.date(2016, 5, 10), {"knowledge": 5}, "Good", True, line=n)
        for n in (2, 3, 4)
    ]
    too_many = services.record_feedback(actor, forms)
    assert [p.line for p in too_many.problems] == [4]
    bad = services.record_feedback(
        actor, [FeedbackDraft("FFI-3DAY", dt.date(2016, 5, 10), {"knowledge": 6}, line=7)]
    )
    assert "ratings run from 1 to 5" in bad.problems[0].message
    assert count(FeedbackResponse) == 0
    fine = services.record_feedback(actor, forms[:2])
    assert fine.ok and count(FeedbackResponse) == 2
    again = services.record_feedback(actor, forms[:2])
    assert again.added == [] and count(FeedbackResponse) == 2


def test_a_closed_cohort_gives_new_attendees_the_partner() -> None:
    university = make_organisation("Cardiff University")
    draft = ffi_cohort()
    draft.partner = "cardiff university"
    assert services.record_cohorts(manager(), [draft]).ok
    cohort = db.session.execute(select(Cohort)).scalar_one()
    assert cohort.partner_organisation_id == university.id
    people = db.session.execute(select(User).where(User.email.like("attendee%"))).scalars()
    assert {p.organisation_id for p in people} == {university.id}
    assert db.session.get(Course, cohort.course_id) is not None


def test_certificates_only_when_asked_and_they_say_when_they_were_issued(app: Flask) -> None:
    from tests.helpers import as_user, page
    from trainhub.accreditation.models import Certificate

    actor = manager()
    services.record_cohorts(actor, [ffi_cohort()])
    assert count(Certificate) == 0
    services.record_cohorts(actor, [ffi_cohort("Another", dt.date(2016, 7, 5))], certificates=True)
    certificate = db.session.execute(select(Certificate)).scalars().first()
    assert certificate is not None and certificate.awarded_on == dt.date(2016, 7, 7)
    text = page(as_user(app, None).get(f"/verify/{certificate.code}"))
    assert "7 July 2016" in text and "Issued on" in text


def test_the_workforce_table_counts_a_2014_core_as_core_trained_and_overdue() -> None:
    from trainhub.feedback.reporting import workforce

    person = make_user(email="ifst.member@example.org", ifst_member=True)
    before = workforce(dt.date.today())
    assert before["not_core_trained"] >= 1
    services.record_completions(
        manager(), [CompletionDraft(person.email, "", "IFSS-CORE", dt.date(2014, 5, 12))]
    )
    after = workforce(dt.date.today())
    assert after["not_core_trained"] == before["not_core_trained"] - 1
    assert after["core_trained"] == before["core_trained"] + 1
    assert after["overdue"] == before["overdue"] + 1


def test_identical_paper_forms_entered_by_hand_are_each_kept() -> None:
    actor = manager()
    services.record_cohorts(actor, [ffi_cohort(people=3)])
    form = FeedbackDraft("FFI-3DAY", dt.date(2016, 5, 10), {"knowledge": 5})
    assert services.record_feedback(actor, [form]).added
    assert services.record_feedback(actor, [form]).added
    assert count(FeedbackResponse) == 2


def test_one_cohort_written_two_ways_in_one_file_is_a_problem_not_two_cohorts() -> None:
    first = ffi_cohort("FFI May 2016")
    second = ffi_cohort("ffi  may 2016")
    second.line = 9
    outcome = services.record_cohorts(manager(), [first, second])
    assert [p.line for p in outcome.problems] == [9]
    assert "same cohort as line 2" in outcome.problems[0].message
    assert count(Cohort) == 0


# The organisation of the people records make -------------------------------------------------


def test_a_managers_new_people_join_their_organisation_and_an_admins_the_one_named() -> None:
    council = make_organisation(name="Cyngor Example")
    university = make_organisation(name="Example University")
    boss = make_user(roles=("manager",), organisation=council)
    admin = make_user(roles=("admin",))
    outcome = services.record_completions(
        boss, [CompletionDraft("new.one@example.org", "New One", "IFSS-CORE", PAST_DAY)]
    )
    assert outcome.ok, outcome.problems
    outcome = services.record_completions(
        admin,
        [
            CompletionDraft(
                "new.two@example.org",
                "New Two",
                "IFSS-CORE",
                PAST_DAY,
                organisation="example UNIVERSITY",
            ),
            CompletionDraft("new.three@example.org", "New Three", "IFSS-CORE", PAST_DAY),
        ],
    )
    assert outcome.ok, outcome.problems
    made = {u.email: u.organisation_id for u in db.session.execute(select(User)).scalars()}
    assert made["new.one@example.org"] == council.id
    assert made["new.two@example.org"] == university.id
    assert made["new.three@example.org"] is None


def test_a_manager_cannot_put_new_people_in_another_organisation_and_nothing_is_written() -> None:
    council = make_organisation(name="Cyngor Example")
    make_organisation(name="Example University")
    boss = make_user(roles=("manager",), organisation=council)
    outcome = services.record_awards(
        boss,
        [
            AwardDraft(
                "new.one@example.org",
                "New One",
                2,
                PAST_DAY,
                line=2,
                organisation="Example University",
            ),
            AwardDraft(
                "new.two@example.org", "New Two", 2, PAST_DAY, line=3, organisation="Nowhere"
            ),
        ],
    )
    assert [(p.line, p.message) for p in outcome.problems] == [
        (
            2,
            "you can record new people of your own organisation only, not of “Example "
            "University”: ask an administrator",
        ),
        (3, "there is no organisation called “Nowhere”"),
    ]
    assert db.session.execute(select(User).where(User.email.like("new.%"))).first() is None


def test_an_account_that_exists_keeps_its_organisation() -> None:
    council = make_organisation(name="Cyngor Example")
    other = make_organisation(name="Example University")
    person = make_user(email="already@example.org", organisation=other)
    admin = make_user(roles=("admin",))
    outcome = services.record_completions(
        admin,
        [CompletionDraft(person.email, "", "IFSS-CORE", PAST_DAY, organisation=council.name)],
    )
    assert outcome.ok, outcome.problems
    db.session.refresh(person)
    assert person.organisation_id == other.id


def test_a_cohorts_attendee_may_name_an_organisation_over_the_partner() -> None:
    council = make_organisation(name="Cyngor Example")
    admin = make_user(roles=("admin",))
    draft = ffi_cohort(people=2)
    draft.attendees[0].organisation = council.name
    outcome = services.record_cohorts(admin, [draft])
    assert outcome.ok, outcome.problems
    first, second = (
        db.session.execute(select(User).where(User.email == a.email)).scalar_one()
        for a in draft.attendees
    )
    assert first.organisation_id == council.id and second.organisation_id is None


def test_a_closed_cohorts_new_attendees_join_its_partner_whoever_records_it() -> None:
    """The partner is what the cohort was for (a university's students on a council's
    course): a manager records it as it was; only a row's own organisation is held to theirs."""
    council = make_organisation(name="Cyngor Example")
    university = make_organisation(name="Example University")
    boss = make_user(roles=("manager",), organisation=council)
    draft = ffi_cohort(people=1)
    draft.partner = university.name
    assert services.record_cohorts(boss, [draft]).ok
    person = db.session.execute(
        select(User).where(User.email == draft.attendees[0].email)
    ).scalar_one()
    assert person.organisation_id == university.id
