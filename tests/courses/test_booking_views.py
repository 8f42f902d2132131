"""Booking pages: booking or joining the waitlist, my bookings, cancelling, offers, the
trainers' waitlist controls and managers' approvals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.courses.cohort_view_helpers import (
    banners,
    booking,
    count,
    events,
    field_error,
    follow,
    login,
    mail_to,
    page,
    summary_errors,
)
from tests.factories import (
    make_booking,
    make_cohort,
    make_course,
    make_organisation,
    make_user,
)
from trainhub.auth.models import User
from trainhub.courses.models import Booking, Cohort, CohortFacilitator, Completion, local_today
from trainhub.extensions import db, utcnow

TOO_LATE = (
    "It is too close to the start to cancel online: please tell the trainers, "
    "who can release your place."
)


@pytest.fixture
def learner(app: Flask) -> User:
    return make_user(full_name="Lowri Learner", organisation_id=make_organisation().id)


@pytest.fixture
def trainer(app: Flask) -> User:
    return make_user(roles=["trainer"], full_name="Tegan Trainer")


def cohort(**values: object) -> Cohort:
    values.setdefault("title", "Spring cohort")
    return make_cohort(**values)  # type: ignore[arg-type]


def waiting(on: Cohort, *names: str) -> list[Booking]:
    return [
        make_booking(on, make_user(full_name=name), "waitlisted", queue_rank=rank)
        for rank, name in enumerate(names, start=1)
    ]


# Booking -------------------------------------------------------------------------------


def test_a_learner_books_a_place(client: FlaskClient, learner: User) -> None:
    open_cohort = cohort()
    login(client, learner)
    assert "Book a place" in page(client.get(f"/cohorts/{open_cohort.id}"))

    response = client.post(f"/cohorts/{open_cohort.id}/book")

    made = db.session.execute(db.select(Booking)).scalar_one()
    assert response.headers["Location"] == f"/bookings/{made.id}"
    text = follow(client, response)
    assert banners(text) == [("success", "Booked. We have emailed you a calendar invitation.")]
    assert (made.user_id, made.status) == (learner.id, "booked")
    [message] = mail_to(learner)
    assert message.subject == "Booked: Spring cohort"
    assert b"METHOD:REQUEST" in message.attachments[0].content


def test_booking_a_full_cohort_joins_the_waiting_list(client: FlaskClient, learner: User) -> None:
    full = cohort(capacity=1)
    make_booking(full)
    login(client, learner)
    assert "Join the waiting list" in page(client.get(f"/cohorts/{full.id}"))

    response = client.post(f"/cohorts/{full.id}/book")

    assert response.status_code == 302
    text = follow(client, response)
    # Good news, not an error.
    assert banners(text) == [
        ("success", "The cohort is full, so you are on the waiting list, number 1.")
    ]
    assert "You are number 1 on the waiting list." in text
    mine = db.session.execute(db.select(Booking).where(Booking.user_id == learner.id)).scalar_one()
    assert (mine.status, mine.queue_rank) == ("waitlisted", 1)
    assert count(Booking, Booking.cohort_id == full.id, Booking.status == "booked") == 1


def test_booking_twice_shows_the_existing_booking(client: FlaskClient, learner: User) -> None:
    open_cohort = cohort()
    first = make_booking(open_cohort, learner)
    login(client, learner)

    response = client.post(f"/cohorts/{open_cohort.id}/book")

    assert response.headers["Location"] == f"/bookings/{first.id}"
    assert banners(follow(client, response)) == [
        ("important", "You already have this booking: here it is.")
    ]
    assert count(Booking) == 1
    assert mail_to(learner) == []


def test_a_missing_prerequisite_is_explained_and_nothing_is_booked(
    client: FlaskClient, learner: User
) -> None:
    core = make_course(title="Core training")
    advanced = make_course()
    advanced.prerequisites.append(core)
    later = cohort(course=advanced)
    login(client, learner)
    assert "Complete these courses first: Core training." in page(
        client.get(f"/cohorts/{later.id}")
    )

    response = client.post(f"/cohorts/{later.id}/book")

    assert response.headers["Location"] == f"/cohorts/{later.id}"
    assert banners(follow(client, response)) == [
        ("important", "Complete these courses first: Core training.")
    ]
    assert count(Booking) == 0

    db.session.add(Completion(user_id=learner.id, course_id=core.id, completed_on=local_today()))
    db.session.commit()
    assert client.post(f"/cohorts/{later.id}/book").status_code == 302
    assert count(Booking, Booking.status == "booked") == 1


def test_a_learner_cannot_book_two_cohorts_that_overlap(client: FlaskClient, learner: User) -> None:
    start = local_today() + timedelta(days=20)
    make_booking(cohort(start=start, title="Already mine"), learner)
    clash = cohort(start=start)
    login(client, learner)

    response = client.post(f"/cohorts/{clash.id}/book")

    assert banners(follow(client, response)) == [
        ("important", "You are already booked on “Already mine”, which overlaps this cohort.")
    ]
    assert count(Booking, Booking.cohort_id == clash.id) == 0


def test_a_course_for_ifst_members_is_a_request_for_a_manager(
    client: FlaskClient, learner: User
) -> None:
    ifst = cohort(course=make_course(audience="ifst_only"))
    manager = make_user(roles=["manager"], organisation_id=learner.organisation_id)
    login(client, learner)
    assert "Request a place" in page(client.get(f"/cohorts/{ifst.id}"))

    response = client.post(f"/cohorts/{ifst.id}/book")

    text = follow(client, response)
    assert banners(text) == [
        ("success", "Request sent. A manager will decide, and we will email you.")
    ]
    assert "A manager will decide on this request." in text
    assert db.session.execute(db.select(Booking.status)).scalar_one() == "requested"
    assert [m.subject for m in mail_to(manager)] == ["A place to approve: Spring cohort"]


def test_a_closed_cohort_cannot_be_booked_by_outsiders(client: FlaskClient, learner: User) -> None:
    closed = cohort(partner_organisation_id=make_organisation().id)
    login(client, learner)

    assert client.post(f"/cohorts/{closed.id}/book").status_code == 403
    assert count(Booking) == 0


def test_booking_needs_a_signed_in_learner(client: FlaskClient) -> None:
    open_cohort = cohort()
    db.session.commit()

    response = client.post(f"/cohorts/{open_cohort.id}/book")

    assert response.headers["Location"].startswith("/sign-in")
    assert count(Booking) == 0


def test_my_bookings_lists_every_booking_with_its_state(client: FlaskClient, learner: User) -> None:
    make_booking(cohort(title="Booked one"), learner)
    make_booking(cohort(title="Waiting one"), learner, "waitlisted", queue_rank=1)
    make_booking(cohort(title="Someone else's"))
    login(client, learner)

    text = page(client.get("/bookings"))

    assert "Booked one" in text and "Waiting one" in text
    assert "Someone else's" not in text
    assert "On the waiting list" in text


def test_a_booking_is_private_to_its_learner_and_the_cohorts_staff(
    client: FlaskClient, learner: User, trainer: User
) -> None:
    mine = make_booking(cohort(facilitators=[trainer]), learner)

    login(client, make_user())
    assert client.get(f"/bookings/{mine.id}").status_code == 403
    login(client, make_user(roles=["trainer"]))
    assert client.get(f"/bookings/{mine.id}").status_code == 403
    login(client, trainer)
    assert "Lowri Learner" in page(client.get(f"/bookings/{mine.id}"))
    assert client.get("/bookings/999999").status_code == 404


# Cancelling -----------------------------------------------------------------------------


def test_a_learner_cancels_before_the_cut_off_and_the_place_is_offered_on(
    client: FlaskClient, learner: User
) -> None:
    full = cohort(capacity=1)
    mine = make_booking(full, learner)
    [next_person] = waiting(full, "Nia Next")
    login(client, learner)
    assert "Cancel your booking?" in page(client.get(f"/bookings/{mine.id}/cancel"))

    response = client.post(f"/bookings/{mine.id}/cancel", data={"reason": "Clash at work"})

    assert response.headers["Location"] == "/bookings"
    assert banners(follow(client, response)) == [("success", "Booking cancelled.")]
    cancelled = booking(mine.id)
    assert (cancelled.status, cancelled.cancel_reason) == ("cancelled", "learner")
    assert not cancelled.late_cancellation
    assert events(mine.id)[-1] == ("cancelled", "cancelled", "Clash at work")
    offered = booking(next_person.id)
    assert offered.status == "offered"
    assert [m.subject for m in mail_to(next_person.user)] == ["A place for you: Spring cohort"]


def test_cancelling_after_the_cut_off_is_refused_clearly(
    client: FlaskClient, learner: User
) -> None:
    soon = cohort(start=local_today() + timedelta(days=1))
    mine = make_booking(soon, learner)
    login(client, learner)
    detail = page(client.get(f"/bookings/{mine.id}"))
    assert "It is too close to the start to cancel online" in detail
    assert "Cancel this booking" not in detail

    response = client.post(f"/bookings/{mine.id}/cancel", data={"reason": ""})

    assert response.status_code == 409
    assert summary_errors(page(response)) == [TOO_LATE]
    assert booking(mine.id).status == "booked"
    assert mail_to(learner) == []


def test_staff_may_cancel_after_the_cut_off_and_it_counts_as_late(
    client: FlaskClient, learner: User, trainer: User
) -> None:
    soon = cohort(start=local_today() + timedelta(days=1), facilitators=[trainer])
    theirs = make_booking(soon, learner)
    login(client, trainer)
    form = page(client.get(f"/bookings/{theirs.id}/cancel"))
    assert "Cancel Lowri Learner's booking?" in form
    assert "The cut-off has passed: this counts as a late cancellation." in form

    response = client.post(f"/bookings/{theirs.id}/cancel", data={"reason": "Phoned in sick"})

    assert response.headers["Location"] == f"/cohorts/{soon.id}/bookings"
    cancelled = booking(theirs.id)
    assert (cancelled.status, cancelled.cancel_reason) == ("cancelled", "staff")
    assert cancelled.late_cancellation
    assert "by the training team, late" in follow(client, response)


def test_a_finished_booking_cannot_be_cancelled(client: FlaskClient, learner: User) -> None:
    mine = make_booking(cohort(), learner, "cancelled", cancel_reason="learner")
    login(client, learner)

    response = client.post(f"/bookings/{mine.id}/cancel")

    assert response.status_code == 409
    assert summary_errors(page(response)) == [
        "This booking is not active, so there is nothing to cancel"
    ]


# Offers --------------------------------------------------------------------------------


def offer(on: Cohort, person: User, hours: float = 24) -> Booking:
    return make_booking(on, person, "offered", offer_expires_at=utcnow() + timedelta(hours=hours))


def test_an_open_offer_can_be_accepted(client: FlaskClient, learner: User) -> None:
    mine = offer(cohort(capacity=1), learner)
    login(client, learner)
    assert "A place is yours if you want it" in page(client.get(f"/bookings/{mine.id}/offer"))

    response = client.post(f"/bookings/{mine.id}/offer", data={"accept": "y"})

    assert response.headers["Location"] == f"/bookings/{mine.id}"
    assert banners(follow(client, response)) == [
        ("success", "Place accepted. We have emailed you a calendar invitation.")
    ]
    assert booking(mine.id).status == "booked"


def test_declining_an_offer_passes_the_place_on(client: FlaskClient, learner: User) -> None:
    full = cohort(capacity=1)
    mine = offer(full, learner)
    [next_person] = waiting(full, "Nia Next")
    login(client, learner)

    response = client.post(f"/bookings/{mine.id}/offer", data={"decline": "y"})

    assert banners(follow(client, response)) == [
        ("success", "Place declined. It goes to the next person on the waiting list.")
    ]
    assert (booking(mine.id).status, booking(mine.id).cancel_reason) == (
        "cancelled",
        "offer_declined",
    )
    assert booking(next_person.id).status == "offered"


def test_an_expired_offer_link_says_so(client: FlaskClient, learner: User) -> None:
    mine = offer(cohort(capacity=1), learner, hours=-1)
    login(client, learner)

    response = client.get(f"/bookings/{mine.id}/offer")

    assert response.status_code == 410
    text = page(response)
    assert "This offer has expired" in text
    assert "Accept the place" not in text


def test_accepting_an_expired_offer_is_refused_and_the_place_moves_on(
    client: FlaskClient, learner: User
) -> None:
    full = cohort(capacity=1)
    mine = offer(full, learner, hours=-1)
    [next_person] = waiting(full, "Nia Next")
    login(client, learner)

    response = client.post(f"/bookings/{mine.id}/offer", data={"accept": "y"})

    assert response.status_code == 410
    assert "This offer has expired" in page(response)
    assert (booking(mine.id).status, booking(mine.id).cancel_reason) == (
        "cancelled",
        "offer_expired",
    )
    assert booking(next_person.id).status == "offered"


def test_an_offer_the_sweep_expired_still_says_it_expired(
    client: FlaskClient, learner: User
) -> None:
    mine = make_booking(cohort(), learner, "cancelled", cancel_reason="offer_expired")
    login(client, learner)

    response = client.get(f"/bookings/{mine.id}/offer")

    assert response.status_code == 410
    assert "This offer has expired" in page(response)


def test_an_answered_offer_is_gone(client: FlaskClient, learner: User) -> None:
    mine = make_booking(cohort(), learner)
    login(client, learner)

    response = client.get(f"/bookings/{mine.id}/offer")

    assert response.status_code == 410
    assert "There is no open offer" in page(response)


def test_an_offer_is_for_its_learner_only(client: FlaskClient, learner: User) -> None:
    theirs = offer(cohort(), make_user())
    login(client, learner)

    assert client.get(f"/bookings/{theirs.id}/offer").status_code == 403
    assert client.post(f"/bookings/{theirs.id}/offer", data={"accept": "y"}).status_code == 403
    assert booking(theirs.id).status == "offered"


# The trainers' bookings page and waitlist ------------------------------------------------


def test_the_bookings_page_lists_places_and_the_waiting_list_in_order(
    client: FlaskClient, trainer: User
) -> None:
    full = cohort(capacity=1, facilitators=[trainer])
    make_booking(full, make_user(full_name="Bryn Booked"))
    waiting(full, "Wyn First", "Alys Second")
    login(client, trainer)

    text = page(client.get(f"/cohorts/{full.id}/bookings"))

    assert "1 of 1 places taken; 2 waiting; 0 awaiting approval." in text
    assert text.index("Wyn First") < text.index("Alys Second")
    assert "Bryn Booked" in text


def test_moving_someone_up_the_waiting_list_needs_a_reason_which_is_kept(
    client: FlaskClient, trainer: User
) -> None:
    full = cohort(capacity=1, facilitators=[trainer])
    make_booking(full)
    first, second = waiting(full, "Wyn First", "Alys Second")
    login(client, trainer)
    assert "Now number 2." in page(client.get(f"/bookings/{second.id}/move"))

    refused = client.post(f"/bookings/{second.id}/move", data={"reason": " ", "up": "y"})
    assert refused.status_code == 400
    message = "Give a reason for the move: it is recorded"
    assert field_error(page(refused), "reason") == message
    assert message in summary_errors(page(refused))
    assert booking(second.id).queue_rank == 2

    response = client.post(
        f"/bookings/{second.id}/move", data={"reason": "Referred urgently", "up": "y"}
    )

    assert response.headers["Location"] == f"/cohorts/{full.id}/bookings"
    text = follow(client, response)
    assert banners(text) == [("success", "Waiting list changed.")]
    assert text.index("Alys Second") < text.index("Wyn First")
    assert (booking(second.id).queue_rank, booking(first.id).queue_rank) == (1, 2)
    assert events(second.id)[-1] == ("moved_up", "waitlisted", "Referred urgently")


def test_the_first_on_the_waiting_list_cannot_move_up(client: FlaskClient, trainer: User) -> None:
    full = cohort(capacity=1, facilitators=[trainer])
    make_booking(full)
    [first] = waiting(full, "Wyn First")
    login(client, trainer)

    response = client.post(f"/bookings/{first.id}/move", data={"reason": "Why not", "up": "y"})

    assert response.status_code == 400
    assert summary_errors(page(response)) == ["Already first on the waiting list"]


def test_a_trainer_gives_a_free_place_to_someone_waiting(
    client: FlaskClient, trainer: User
) -> None:
    inside = cohort(capacity=2, facilitators=[trainer], start=local_today() + timedelta(days=1))
    make_booking(inside)
    [person] = waiting(inside, "Wyn First")
    login(client, trainer)

    response = client.post(f"/bookings/{person.id}/place")

    assert response.headers["Location"] == f"/cohorts/{inside.id}/bookings"
    assert banners(follow(client, response)) == [("success", "Wyn First is booked.")]
    assert booking(person.id).status == "booked"
    assert events(person.id)[-1][:2] == ("booked_by_hand", "booked")


def test_no_place_is_given_when_the_cohort_is_full(client: FlaskClient, trainer: User) -> None:
    full = cohort(capacity=1, facilitators=[trainer])
    make_booking(full)
    [person] = waiting(full, "Wyn First")
    login(client, trainer)

    response = client.post(f"/bookings/{person.id}/place")

    assert banners(follow(client, response)) == [
        ("important", "There is no free place: the cohort is full")
    ]
    assert booking(person.id).status == "waitlisted"


def test_a_trainer_books_someone_by_email(client: FlaskClient, trainer: User) -> None:
    open_cohort = cohort(capacity=1, facilitators=[trainer])
    make_user(email="lowri@example.org", full_name="Lowri Learner")
    make_user(email="nia@example.org", full_name="Nia Next")
    login(client, trainer)
    url = f"/cohorts/{open_cohort.id}/bookings"

    unknown = client.post(url, data={"email": "nobody@example.org"})
    booked = follow(client, client.post(url, data={"email": "Lowri@Example.org"}))
    again = follow(client, client.post(url, data={"email": "lowri@example.org"}))
    waits = follow(client, client.post(url, data={"email": "nia@example.org"}))

    assert unknown.status_code == 400
    message = "There is no account with this email address"
    assert field_error(page(unknown), "email") == message
    assert message in summary_errors(page(unknown))
    assert banners(booked) == [("success", "Lowri Learner is booked.")]
    assert banners(again) == [("important", "Lowri Learner already has a booking.")]
    assert banners(waits) == [("success", "Nia Next is on the waiting list, number 1.")]
    assert count(Booking) == 2


# Approvals -------------------------------------------------------------------------------


@pytest.fixture
def request_for_place(app: Flask, learner: User) -> Booking:
    ifst = cohort(course=make_course(audience="ifst_only"))
    return make_booking(ifst, learner, "requested")


def test_a_manager_approves_a_request(
    client: FlaskClient, request_for_place: Booking, learner: User
) -> None:
    login(
        client, make_user(roles=["manager"], organisation_id=request_for_place.user.organisation_id)
    )
    listed = page(client.get("/approvals"))
    assert "Lowri Learner" in listed and "Spring cohort" in listed

    response = client.post(f"/bookings/{request_for_place.id}/decide", data={"approve": "y"})

    assert response.headers["Location"] == "/approvals"
    text = follow(client, response)
    assert banners(text) == [("success", "Request from Lowri Learner approved.")]
    assert "No requests are waiting for a decision." in text
    assert booking(request_for_place.id).status == "booked"
    assert [m.subject for m in mail_to(learner)] == ["Request approved: Spring cohort"]


def test_requests_go_to_the_learners_own_organisations_managers(
    client: FlaskClient, app: Flask
) -> None:
    """R49: a learner's request is shown to their own organisation's managers only; a
    learner of an organisation with no manager, or of none, is decided by administrators,
    never by another organisation's manager, even one who runs the cohort (running it names
    its attendees to them, but whether an employer's staff may go is that employer's call)."""
    ours, theirs, unmanaged = make_organisation(), make_organisation(), make_organisation()
    ifst = cohort(course=make_course(audience="ifst_only"))
    mine = make_booking(
        ifst, make_user(full_name="Ours Learner", organisation_id=ours.id), "requested"
    )
    other = make_booking(
        ifst, make_user(full_name="Theirs Learner", organisation_id=theirs.id), "requested"
    )
    make_booking(
        ifst, make_user(full_name="Unmanaged Learner", organisation_id=unmanaged.id), "requested"
    )
    make_booking(ifst, make_user(full_name="Unattached Learner"), "requested")
    make_user(roles=["manager"], organisation_id=theirs.id)
    login(client, make_user(roles=["manager"], organisation_id=ours.id))

    listed = page(client.get("/approvals"))
    assert "Ours Learner" in listed
    assert "Theirs Learner" not in listed
    assert "Unmanaged Learner" not in listed and "Unattached Learner" not in listed
    response = client.post(f"/bookings/{other.id}/decide", data={"approve": "y"})
    assert banners(follow(client, response)) == [
        ("important", "Requests from this organisation go to its own managers")
    ]
    assert booking(other.id).status == "requested"
    assert booking(mine.id).status == "requested"

    admin = app.test_client()
    login(admin, make_user(roles=["admin"]))
    everything = page(admin.get("/approvals"))
    assert "Theirs Learner" in everything and "Unmanaged Learner" in everything
    assert "Unattached Learner" in everything
    lead = make_user(roles=["manager", "trainer"], organisation_id=theirs.id)
    ifst.facilitators.append(CohortFacilitator(user=lead, role="lead"))
    db.session.flush()
    runner = app.test_client()
    login(runner, lead)
    led = page(runner.get("/approvals"))
    assert "Theirs Learner" in led  # their own organisation's
    assert "Ours Learner" not in led and "Unattached Learner" not in led


def test_a_facilitator_cannot_book_their_own_cohort(client: FlaskClient) -> None:
    lead = make_user(roles=["trainer"])
    own = cohort(facilitators=[lead])
    login(client, lead)

    response = client.post(f"/cohorts/{own.id}/book")

    assert "You facilitate this cohort" in follow(client, response)
    assert count(Booking) == 0


def test_a_manager_declines_a_request_with_a_reason(
    client: FlaskClient, request_for_place: Booking, learner: User
) -> None:
    login(
        client, make_user(roles=["manager"], organisation_id=request_for_place.user.organisation_id)
    )

    response = client.post(
        f"/bookings/{request_for_place.id}/decide",
        data={"decline": "y", "reason": "Not an IFST member"},
    )

    assert banners(follow(client, response)) == [
        ("success", "Request from Lowri Learner declined.")
    ]
    assert booking(request_for_place.id).status == "declined"
    assert events(request_for_place.id)[-1] == ("declined", "declined", "Not an IFST member")
    [message] = mail_to(learner)
    assert "Not an IFST member" in message.body


def test_a_request_is_decided_once(client: FlaskClient, request_for_place: Booking) -> None:
    login(
        client, make_user(roles=["manager"], organisation_id=request_for_place.user.organisation_id)
    )
    client.post(f"/bookings/{request_for_place.id}/decide", data={"approve": "y"})
    client.get("/approvals")  # the first decision's message

    response = client.post(f"/bookings/{request_for_place.id}/decide", data={"decline": "y"})

    assert banners(follow(client, response)) == [
        ("important", "This request has already been decided")
    ]
    assert booking(request_for_place.id).status == "booked"


def test_a_manager_cannot_decide_their_own_request(client: FlaskClient) -> None:
    manager = make_user(roles=["manager", "learner"])
    own = make_booking(cohort(course=make_course(audience="ifst_only")), manager, "requested")
    login(client, manager)

    response = client.post(f"/bookings/{own.id}/decide", data={"approve": "y"})

    assert banners(follow(client, response)) == [
        ("important", "You cannot decide on your own request")
    ]
    assert booking(own.id).status == "requested"
