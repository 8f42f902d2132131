"""Line managers (issue 21, part "Line managers"): their approval of bookings on courses that
ask for it — with an account on their requests page, without one through a single-use
e-mailed link — before the organisation's managers; their copies of bookings, cancellations
and no-shows; and erasure."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from tests.courses.cohort_helpers import actions, learner, manager, outbox, subjects, trainer
from tests.factories import make_booking, make_cohort, make_course, make_organisation, make_user
from tests.helpers import (
    QueryCounter,
    as_user,
    banners,
    follow,
    page,
    summary_errors,
)
from trainhub.auth.models import LineManager, User
from trainhub.auth.services import name_line_manager
from trainhub.courses.models import Booking, Cohort, Course, LineManagerApproval, local_today
from trainhub.courses.queries import pending_requests
from trainhub.courses.services.attendance import settle_bookings
from trainhub.courses.services.booking import book_place, cancel_booking, decide_request
from trainhub.courses.services.line_managers import (
    approval_for_token,
    decide_as_line_manager,
    decide_by_link,
    link_state,
    pending_approval,
)
from trainhub.courses.services.scheduling import cancel_cohort, complete_cohort
from trainhub.errors import ConflictError, PermissionDenied
from trainhub.extensions import db, utcnow
from trainhub.privacy.services.erasure import erase_person

pytestmark = pytest.mark.usefixtures("app")

#: The e-mailed link: its token.
LINK = re.compile(r"/line-manager/decide/([A-Za-z0-9_-]+)")


def needs_approval(**overrides: object) -> Cohort:
    return make_cohort(make_course(line_manager_approval=True, **overrides))


def with_account_manager() -> tuple[User, User]:
    """A learner who named a colleague with an account as their line manager."""
    boss = learner(full_name="Bethan Boss")
    person = learner()
    name_line_manager(person, boss.email.upper())
    return person, boss


def with_emailed_manager(address: str = "gareth.manager@council.example") -> User:
    person = learner()
    name_line_manager(person, address, "Gareth Manager")
    return person


def token_in(address: str) -> str:
    [message] = [m for m in outbox(address) if m.subject.startswith("Training to approve")]
    match = LINK.search(message.body)
    assert match is not None, message.body
    return match.group(1)


# Naming a line manager -------------------------------------------------------------------------


def test_an_account_is_found_by_email_and_a_name_is_needed_without_one() -> None:
    person, boss = with_account_manager()
    named = person.line_manager
    assert named is not None and named.manager_id == boss.id and named.email == ""
    assert named.display_name == "Bethan Boss" and named.address == boss.email

    other = learner()
    from trainhub.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as missing_name:
        name_line_manager(other, "nobody@example.org")
    assert missing_name.value.field == "name"
    with pytest.raises(ValidationFailed) as own:
        name_line_manager(other, other.email)
    assert own.value.field == "email"
    named = name_line_manager(other, "Nobody@Example.org", "  Nia   Jones ")
    assert (named.manager_id, named.name, named.email) == (None, "Nia Jones", "nobody@example.org")


def test_the_supervisor_stays_apart_from_the_line_manager() -> None:
    supervisor = learner()
    person = learner(supervisor_id=supervisor.id)
    name_line_manager(person, "lm@example.org", "Line Manager")
    db.session.flush()
    assert person.supervisor_id == supervisor.id
    assert person.line_manager is not None and person.line_manager.manager_id is None


# Booking a course that needs the line manager's approval --------------------------------------


def test_without_a_line_manager_the_learner_is_told_to_name_one() -> None:
    cohort = needs_approval()
    with pytest.raises(ConflictError, match="Name your line manager on your account page"):
        book_place(learner(), cohort)


def test_a_line_manager_with_an_account_approves_on_their_page() -> None:
    cohort = needs_approval()
    person, boss = with_account_manager()

    booking = book_place(person, cohort).booking

    assert booking.status == "requested"
    assert subjects(boss) == [f"Training to approve: {person.full_name}, {cohort.title}"]
    assert "/line-manager/requests" in outbox(boss)[0].body
    assert subjects(person) == [f"Request sent to your line manager: {cohort.title}"]
    approval = pending_approval(booking)
    assert approval is not None and approval.token_hash is None

    with pytest.raises(PermissionDenied):
        decide_as_line_manager(learner(), approval, approve=True)
    decide_as_line_manager(boss, approval, approve=True)

    assert booking.status == "booked" and approval.status == "approved"
    assert actions(booking) == ["requested", "line_manager_approved", "approved"]
    assert any(m.subject == f"Request approved: {cohort.title}" for m in outbox(person))
    with pytest.raises(ConflictError, match="no longer waiting"):
        decide_as_line_manager(boss, approval, approve=False)


def test_a_line_manager_without_an_account_decides_once_through_the_link() -> None:
    cohort = needs_approval()
    person = with_emailed_manager()
    booking = book_place(person, cohort).booking
    token = token_in("gareth.manager@council.example")
    approval = approval_for_token(token)
    assert approval is not None and approval.booking_id == booking.id
    # Only the token's hash is kept.
    assert approval.token_hash is not None and token not in approval.token_hash

    decide_by_link(token, approve=False, reason="Short-staffed that week")

    assert booking.status == "declined"
    [declined] = [m for m in outbox(person) if m.subject.startswith("Request declined")]
    assert "Short-staffed that week" in declined.body
    # Staff can see whose address decided: anyone holding the link could.
    [event] = [e for e in booking.events if e.action == "line_manager_declined"]
    assert event.reason == (
        "By Gareth Manager (gareth.manager@council.example), through the e-mailed link. "
        "Short-staffed that week"
    )
    with pytest.raises(ConflictError, match="no longer waiting"):
        decide_by_link(token, approve=True)
    assert booking.status == "declined"


def test_the_link_expires() -> None:
    cohort = needs_approval()
    person = with_emailed_manager()
    booking = book_place(person, cohort).booking
    token = token_in("gareth.manager@council.example")

    with pytest.raises(ConflictError, match="expired"):
        decide_by_link(token, approve=True, now=utcnow() + timedelta(days=15))
    assert booking.status == "requested"


def test_a_request_whose_link_ran_out_ends_and_the_learner_may_ask_again() -> None:
    from trainhub.courses.services.line_managers import expire_link_requests

    cohort = needs_approval()
    person = with_emailed_manager()
    booking = book_place(person, cohort).booking
    assert expire_link_requests(utcnow() + timedelta(days=13)) == 0  # not yet

    assert expire_link_requests(utcnow() + timedelta(days=15)) == 1
    assert booking.status == "declined"
    assert actions(booking)[-1] == "line_manager_expired"
    assert "did not answer within 14 days" in outbox(person)[-1].body
    assert expire_link_requests(utcnow() + timedelta(days=16)) == 0  # once

    again = book_place(person, cohort)  # a new request, and a new link
    assert again.created and again.booking.status == "requested"
    assert len([m for m in outbox("gareth.manager@council.example") if "approve" in m.subject]) == 2


def test_on_an_ifst_course_the_line_manager_decides_first_then_the_managers() -> None:
    organisation = make_organisation()
    own_manager = manager(organisation_id=organisation.id)
    cohort = needs_approval(audience="ifst_only")
    person, boss = with_account_manager()
    person.organisation_id = organisation.id
    booking = book_place(person, cohort).booking

    # The organisation's managers neither see nor decide it yet.
    assert subjects(own_manager) == []
    assert booking not in db.session.execute(pending_requests(own_manager)).scalars().all()
    with pytest.raises(ConflictError, match="line manager first"):
        decide_request(own_manager, booking, approve=True)

    decide_as_line_manager(boss, pending_approval_of(booking), approve=True)

    assert booking.status == "requested"
    assert subjects(own_manager) == [f"A place to approve: {cohort.title}"]
    assert booking in db.session.execute(pending_requests(own_manager)).scalars().all()
    decide_request(own_manager, booking, approve=True)
    assert booking.status == "booked"
    assert actions(booking) == ["requested", "line_manager_approved", "approved"]


def pending_approval_of(booking: Booking) -> LineManagerApproval:
    approval = pending_approval(booking)
    assert approval is not None
    return approval


def test_cancelling_the_request_withdraws_it_from_the_line_manager() -> None:
    cohort = needs_approval()
    person, boss = with_account_manager()
    booking = book_place(person, cohort).booking
    approval = pending_approval_of(booking)

    cancel_booking(person, booking)

    assert approval.status == "withdrawn"
    with pytest.raises(ConflictError):
        decide_as_line_manager(boss, approval, approve=True)


def test_cancelling_the_cohort_withdraws_the_requests_from_their_line_managers() -> None:
    cohort = needs_approval()
    person, boss = with_account_manager()
    other = make_user()
    name_line_manager(other, "gwen.price@council.example", "Gwen Price")
    waiting = [book_place(who, cohort).booking for who in (person, other)]
    approvals = [pending_approval_of(booking) for booking in waiting]
    elsewhere = book_place(learner(), make_cohort()).booking

    cancel_cohort(manager(), cohort, "The trainer is ill")

    assert [approval.status for approval in approvals] == ["withdrawn", "withdrawn"]
    assert all(approval.decided_at is not None for approval in approvals)
    assert link_state(approvals[1]) == "withdrawn"
    with pytest.raises(ConflictError):
        decide_as_line_manager(boss, approvals[0], approve=True)
    assert elsewhere.status == "booked"


def test_completing_the_cohort_or_erasing_the_learner_withdraws_the_request() -> None:
    cohort = needs_approval()
    person, _boss = with_account_manager()
    approval = pending_approval_of(book_place(person, cohort).booking)
    cohort.days[0].date = cohort.first_day = cohort.last_day = local_today() - timedelta(days=1)
    complete_cohort(manager(), cohort)
    assert approval.status == "withdrawn"

    later = needs_approval()
    other, _boss = with_account_manager()
    waiting = pending_approval_of(book_place(other, later).booking)
    erase_person(make_user(roles=["admin"]), other, "Asked to be forgotten")
    assert waiting.status == "withdrawn"


def test_staff_adding_someone_skip_the_line_manager() -> None:
    lead = trainer()
    cohort = make_cohort(
        make_course(line_manager_approval=True), facilitators=[lead], created_by_id=lead.id
    )
    outcome = book_place(lead, cohort, learner())
    assert outcome.booking.status == "booked"


# Copies ----------------------------------------------------------------------------------------


def test_line_managers_are_copied_only_where_the_organisation_asks() -> None:
    copying = make_organisation(copy_line_managers=True)
    quiet = make_organisation()
    cohort = make_cohort()
    copied = learner(organisation_id=copying.id)
    name_line_manager(copied, "copied.lm@example.org", "Copied Manager")
    not_copied = learner(organisation_id=quiet.id)
    name_line_manager(not_copied, "quiet.lm@example.org", "Quiet Manager")

    book_place(copied, cohort)
    book_place(not_copied, cohort)
    cancel_booking(copied, booking_of(cohort, copied))

    assert subjects("copied.lm@example.org") == [
        f"Booked: {copied.full_name}, {cohort.title}",
        f"Cancelled: {copied.full_name}, {cohort.title}",
    ]
    assert subjects("quiet.lm@example.org") == []


def test_line_managers_are_copied_on_no_shows_in_a_fixed_number_of_queries(
    count_queries: QueryCounter,
) -> None:
    copying = make_organisation(copy_line_managers=True)
    cohort = make_cohort(start=utcnow().date() - timedelta(days=2))
    people = [learner(organisation_id=copying.id) for _ in range(6)]
    for n, person in enumerate(people):
        name_line_manager(person, f"lm{n}@example.org", f"Manager {n}")
        make_booking(cohort, person)
    db.session.flush()

    before = count_queries.count
    settle_bookings(cohort, None, final=True)
    sent = count_queries.statements[before:]
    assert all(subjects(f"lm{n}@example.org") for n in range(6))
    assert subjects("lm0@example.org") == [f"Did not attend: {people[0].full_name}, {cohort.title}"]
    # One look-up of the line managers for the whole register, not one a person.
    assert sum("FROM line_managers" in statement for statement in sent) == 1


def booking_of(cohort: Cohort, person: User) -> Booking:
    db.session.flush()
    return db.session.execute(
        select(Booking).where(Booking.cohort_id == cohort.id, Booking.user_id == person.id)
    ).scalar_one()


# Erasure ---------------------------------------------------------------------------------------


def test_erasing_the_learner_clears_their_line_manager_details() -> None:
    admin = make_user(roles=["admin"])
    cohort = needs_approval()
    person = with_emailed_manager()
    book_place(person, cohort)
    # And someone who named the erased person as their line manager.
    report = learner()
    name_line_manager(report, person.email)
    db.session.flush()

    erase_person(admin, person, "Asked to be forgotten")
    db.session.flush()

    assert db.session.get(LineManager, person.id) is None
    assert db.session.get(LineManager, report.id) is None
    [approval] = db.session.execute(select(LineManagerApproval)).scalars().all()
    assert (approval.name, approval.email, approval.token_hash) == ("", "", None)


# Pages -----------------------------------------------------------------------------------------


def test_the_account_page_names_a_line_manager_with_errors_on_the_fields(app: Flask) -> None:
    person = learner()
    client = as_user(app, person)

    text = page(client.get("/account"))
    assert "Name your line manager" in text
    bad = client.post("/account/line-manager", data={"email": "not an address"})
    assert bad.status_code == 400
    assert summary_errors(page(bad)) == [
        "Enter an email address in the right format, like name@example.org"
    ]
    unknown = client.post("/account/line-manager", data={"email": "new.lm@example.org"})
    assert unknown.status_code == 400
    assert "nobody has an account with that email address" in page(unknown)
    done = client.post(
        "/account/line-manager", data={"email": "new.lm@example.org", "name": "Nia Jones"}
    )
    assert banners(follow(client, done)) == [("success", "Your line manager is now Nia Jones.")]
    assert "Nia Jones (new.lm@example.org)" in page(client.get("/account"))

    removed = client.post("/account/line-manager/remove")
    assert "You have removed your line manager." in follow(client, removed)
    assert db.session.get(LineManager, person.id) is None


def test_the_cohort_page_links_to_the_account_page_when_no_line_manager(app: Flask) -> None:
    cohort = needs_approval()
    text = page(as_user(app, learner()).get(f"/cohorts/{cohort.id}"))
    assert "Name your line manager" in text and "/account/line-manager" in text
    assert "Request a place" not in text


def test_the_requests_page_lists_only_ones_own_requests(
    app: Flask, count_queries: QueryCounter
) -> None:
    person, boss = with_account_manager()
    cohorts = [needs_approval()]
    book_place(person, cohorts[0])
    other_person, _other_boss = with_account_manager()
    book_place(other_person, needs_approval())
    client = as_user(app, boss)
    before = count_queries.count
    client.get("/line-manager/requests")
    with_one = count_queries.count - before
    for _ in range(2):
        cohorts.append(needs_approval())
        book_place(learner_of(boss), cohorts[-1])
    client = as_user(app, boss)

    before = count_queries.count
    response = client.get("/line-manager/requests")
    assert count_queries.count - before == with_one  # the same for 3 requests as for 1
    text = page(response)
    assert text.count("Reason for declining") == 3 and other_person.full_name not in text

    approval = pending_approval_of(booking_of(cohorts[0], person))
    done = client.post(f"/line-manager/requests/{approval.id}/decide", data={"approve": "y"})
    assert f"You approved the request from {person.full_name}." in follow(client, done)
    assert booking_of(cohorts[0], person).status == "booked"
    empty = page(as_user(app, learner()).get("/line-manager/requests"))
    assert "No requests are waiting for your decision." in empty
    assert (
        as_user(app, learner())
        .post(f"/line-manager/requests/{approval.id}/decide", data={"approve": "y"})
        .status_code
        == 403
    )


def learner_of(boss: User) -> User:
    person = learner()
    name_line_manager(person, boss.email)
    return person


def test_the_link_page_shows_then_decides_without_a_session(app: Flask) -> None:
    cohort = needs_approval()
    person = with_emailed_manager()
    booking = book_place(person, cohort).booking
    token = token_in("gareth.manager@council.example")
    client = as_user(app, None)

    shown = client.get(f"/line-manager/decide/{token}")
    assert shown.status_code == 200
    assert f"Approve training for {person.full_name}" in page(shown)
    assert "Set-Cookie" not in shown.headers
    db.session.refresh(booking)
    assert booking.status == "requested"  # opening the link changes nothing

    long = client.post(f"/line-manager/decide/{token}", data={"reason": "x" * 2001, "decline": "y"})
    assert long.status_code == 400
    done = client.post(f"/line-manager/decide/{token}", data={"approve": "y"})
    assert done.status_code == 302 and "Set-Cookie" not in done.headers
    assert "You approved this request" in page(client.get(done.headers["Location"]))
    db.session.refresh(booking)
    assert booking.status == "booked"

    again = client.post(f"/line-manager/decide/{token}", data={"decline": "y"})
    assert again.status_code == 409
    assert client.get("/line-manager/decide/not-a-real-token").status_code == 404


def test_admins_alone_set_the_organisations_copy_setting(app: Flask) -> None:
    organisation = make_organisation()
    admin = make_user(roles=["admin"])
    boss = manager()
    form = {"name": organisation.name, "is_active": "y", "copy_line_managers": "y"}

    assert "Copy line managers" not in page(
        as_user(app, boss).get(f"/admin/organisations/{organisation.id}")
    )
    as_user(app, boss).post(f"/admin/organisations/{organisation.id}", data=form)
    db.session.refresh(organisation)
    assert organisation.copy_line_managers is False
    as_user(app, admin).post(f"/admin/organisations/{organisation.id}", data=form)
    db.session.refresh(organisation)
    assert organisation.copy_line_managers is True


def test_the_flag_is_edited_with_the_course(app: Flask) -> None:
    client = as_user(app, trainer())
    form = {
        "code": "lm-only",
        "title": "Needs the line manager",
        "duration_days": "1",
        "kind": "local",
        "audience": "open",
        "published": "y",
        "line_manager_approval": "y",
    }

    assert client.post("/courses/new", data=form).status_code == 302
    course = db.session.execute(select(Course).where(Course.code == "LM-ONLY")).scalar_one()
    assert course.line_manager_approval is True
    edit = page(client.get("/courses/LM-ONLY/edit"))
    assert re.search(r'name="line_manager_approval"[^>]*checked', edit)

    del form["line_manager_approval"]
    assert client.post("/courses/LM-ONLY/edit", data=form).status_code == 302
    db.session.refresh(course)
    assert course.line_manager_approval is False


def test_a_refused_decision_on_the_page_says_why(app: Flask) -> None:
    cohort = needs_approval()
    person, boss = with_account_manager()
    booking = book_place(person, cohort).booking
    approval = pending_approval(booking)
    assert approval is not None
    db.session.commit()
    client = as_user(app, boss)

    response = client.post(
        f"/line-manager/requests/{approval.id}/decide", data={"decline": "y", "reason": "x" * 2001}
    )

    [(level, message)] = banners(follow(client, response))
    assert level == "important" and "2000" in message.replace(",", "")
    assert booking.status == "requested"
