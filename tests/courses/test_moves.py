"""Moving a cancelled cohort's learners to another cohort (issue 21, "A cancelled cohort")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.courses.cohort_helpers import (
    actions,
    calendar_of,
    in_days,
    learner,
    outbox,
    statuses,
    trainer,
)
from tests.factories import make_booking, make_cohort, make_course
from tests.helpers import QueryCounter, banners, field_error, follow, login, page
from trainhub.auth.models import User
from trainhub.courses.models import Booking, Cohort
from trainhub.courses.queries import waitlist
from trainhub.courses.services.booking import book_place
from trainhub.courses.services.moves import move_learners, move_targets, plan_move
from trainhub.courses.services.scheduling import cancel_cohort
from trainhub.errors import ConflictError, PermissionDenied, ValidationFailed
from trainhub.extensions import db

pytestmark = pytest.mark.usefixtures("app")


def cancelled_with(booked: int, waiting: int, lead: User) -> tuple[Cohort, list[User]]:
    """A cohort of a new course with ``booked`` places taken and ``waiting`` queued (through
    the booking service), then cancelled by ``lead``; its people in their old order."""
    course = make_course(title="Core practice")
    old = make_cohort(
        course, capacity=booked, facilitators=[lead], created_by_id=lead.id, title="Old cohort"
    )
    people = [learner(full_name=f"Person {n}") for n in range(booked + waiting)]
    for person in people:
        book_place(person, old)
    cancel_cohort(lead, old, "The venue flooded")
    return old, people


def target_of(old: Cohort, lead: User, capacity: int = 10, **values: object) -> Cohort:
    return make_cohort(
        old.course,
        capacity=capacity,
        facilitators=[lead],
        created_by_id=lead.id,
        start=values.pop("start", in_days(60)),  # type: ignore[arg-type]
        title=values.pop("title", "New cohort"),  # type: ignore[arg-type]
        **values,
    )


def booking_on(cohort: Cohort, person: User) -> Booking:
    db.session.flush()
    return db.session.execute(
        select(Booking).where(Booking.cohort_id == cohort.id, Booking.user_id == person.id)
    ).scalar_one()


# The service ---------------------------------------------------------------------------


def test_everyone_is_booked_ahead_of_the_waiting_list_with_one_mail_each() -> None:
    lead = trainer()
    old, people = cancelled_with(booked=2, waiting=1, lead=lead)
    new = target_of(old, lead, capacity=4)
    already = make_booking(new, learner(), "waitlisted", queue_rank=1)
    before = {p.id: len(outbox(p)) for p in people}

    plan = move_learners(lead, old, new, "book")
    db.session.commit()

    assert [line.outcome for line in plan.lines] == ["booked"] * 3
    assert {people[n].id: statuses(new)[people[n].id] for n in range(3)} == dict.fromkeys(
        (p.id for p in people), "booked"
    )
    assert statuses(new)[already.user_id] == "waitlisted"  # the queue waits behind them
    for person in people:
        [message] = outbox(person)[before[person.id] :]
        assert message.subject == "Booked: New cohort"
        assert "“Old cohort” was cancelled" in message.body
        assert calendar_of(message)["METHOD"] == "REQUEST"
        assert actions(booking_on(new, person)) == ["moved_in"]
        assert actions(booking_on(old, person))[-1] == "moved_away"


def test_a_moved_learner_keeps_the_access_needs_they_gave() -> None:
    from trainhub.courses.queries import needs_of
    from trainhub.courses.services.booking import book_with_needs

    lead = trainer()
    course = make_course(title="Core practice")
    old = make_cohort(course, facilitators=[lead], created_by_id=lead.id, title="Old cohort")
    person = learner(full_name="Needs Person")
    book_with_needs(person, old, ["step_free"], "A ramp, please")
    cancel_cohort(lead, old, "The venue flooded")
    new = target_of(old, lead)

    move_learners(lead, old, new, "book")
    db.session.commit()

    kept = needs_of(booking_on(new, person).id)
    assert kept is not None and kept.details == "A ramp, please"
    assert needs_of(booking_on(old, person).id) is None


def test_when_full_they_go_to_the_front_of_the_queue_in_their_old_order() -> None:
    lead = trainer()
    old, people = cancelled_with(booked=2, waiting=2, lead=lead)
    new = target_of(old, lead, capacity=3)
    make_booking(new, learner(), "booked")
    earlier = make_booking(new, learner(), "waitlisted", queue_rank=1)

    plan = move_learners(lead, old, new, "book")

    assert [line.outcome for line in plan.lines] == ["booked", "booked", "waitlisted", "waitlisted"]
    assert [b.user_id for b in waitlist(new.id)] == [people[2].id, people[3].id, earlier.user_id]
    assert [line.position for line in plan.with_outcome("waitlisted")] == [1, 2]
    [message] = outbox(people[3])[-1:]
    assert message.subject == "On the waiting list: New cohort"
    assert "number 2" in message.body


def test_a_clash_keeps_the_learner_where_they_are_with_the_reason() -> None:
    lead = trainer()
    old, people = cancelled_with(booked=2, waiting=0, lead=lead)
    new = target_of(old, lead)
    elsewhere = make_cohort(start=new.first_day, title="Same day elsewhere")
    make_booking(elsewhere, people[1], "booked")

    plan = plan_move(lead, old, new, "book")

    [refused] = plan.with_outcome("refused")
    assert refused.learner.id == people[1].id
    assert (
        refused.problem
        == "Person 1 is already booked on “Same day elsewhere”, which overlaps this cohort."
    )
    move_learners(lead, old, new, "book")
    assert people[1].id not in statuses(new)
    assert "moved_away" not in actions(booking_on(old, people[1]))


def test_nobody_is_moved_twice() -> None:
    lead = trainer()
    old, people = cancelled_with(booked=1, waiting=0, lead=lead)
    new = target_of(old, lead)
    other = target_of(old, lead, title="Another cohort", start=in_days(90))
    move_learners(lead, old, new, "book")

    with pytest.raises(ConflictError, match="Nobody is left to move"):
        move_learners(lead, old, other, "book")
    assert people[0].id not in statuses(other)
    assert len([m for m in outbox(people[0]) if "New cohort" in m.subject]) == 1


def test_offering_the_next_cohort_first_uses_the_offer_mechanism() -> None:
    lead = trainer()
    old, people = cancelled_with(booked=1, waiting=1, lead=lead)
    new = target_of(old, lead, capacity=1, offer_hours=24)

    plan = move_learners(lead, old, new, "offer")

    assert [line.outcome for line in plan.lines] == ["offered", "waitlisted"]
    offered = booking_on(new, people[0])
    assert offered.status == "offered" and offered.offer_expires_at is not None
    assert outbox(people[0])[-1].subject == "A place for you: New cohort"
    assert booking_on(new, people[1]).status == "waitlisted"


def test_the_target_must_be_the_same_course_published_and_not_started() -> None:
    lead = trainer()
    old, _people = cancelled_with(booked=1, waiting=0, lead=lead)
    draft = target_of(old, lead, status="draft")
    other_course = make_cohort(facilitators=[lead], created_by_id=lead.id)
    started = target_of(old, lead, start=in_days(-1))
    good = target_of(old, lead)

    assert move_targets(lead, old) == [good]
    for wrong in (draft, other_course, started, old):
        with pytest.raises(ValidationFailed) as refused:
            plan_move(lead, old, wrong, "book")
        assert refused.value.field == "target"
    with pytest.raises(ValidationFailed) as refused:
        plan_move(lead, old, good, "teleport")
    assert refused.value.field == "mode"


def test_only_a_cancelled_cohort_by_someone_who_manages_it() -> None:
    lead = trainer()
    old, _people = cancelled_with(booked=1, waiting=0, lead=lead)
    new = target_of(old, lead)
    with pytest.raises(PermissionDenied):
        move_learners(trainer(), old, new, "book")
    with pytest.raises(ConflictError, match="Only a cancelled cohort"):
        move_learners(lead, new, target_of(old, lead, start=in_days(80)), "book")


def test_offers_are_refused_inside_the_targets_cut_off() -> None:
    lead = trainer()
    old, _people = cancelled_with(booked=1, waiting=0, lead=lead)
    soon = target_of(old, lead, start=in_days(1) + timedelta(days=0), cutoff_days=3)
    with pytest.raises(ValidationFailed) as refused:
        plan_move(lead, old, soon, "offer")
    assert refused.value.field == "mode"


# The pages -----------------------------------------------------------------------------


def test_the_trainer_checks_then_moves_everyone_from_the_cancel_flow(
    client: FlaskClient,
) -> None:
    lead = trainer(full_name="Tegan Trainer")
    old, people = cancelled_with(booked=1, waiting=1, lead=lead)
    new = target_of(old, lead, capacity=1)
    db.session.commit()
    login(client, lead)
    assert "Move these learners" in page(client.get(f"/cohorts/{old.id}"))
    form = page(client.get(f"/cohorts/{old.id}/move"))
    assert "New cohort, from" in form and "1 place left" in form

    check = client.post(f"/cohorts/{old.id}/move", data={"target": new.id, "mode": "book"})

    assert check.status_code == 200
    text = page(check)
    assert "1 will be booked" in text and "Person 0" in text
    assert "1 will go to the front of the waiting list, because the cohort is full" in text
    assert statuses(new) == {}  # nothing written before the confirmation
    done = client.post(
        f"/cohorts/{old.id}/move", data={"target": new.id, "mode": "book", "confirm": "1"}
    )
    assert done.headers["Location"] == f"/cohorts/{new.id}/bookings"
    assert banners(follow(client, done)) == [("success", "2 people moved to “New cohort”.")]
    assert statuses(new) == {people[0].id: "booked", people[1].id: "waitlisted"}
    again = page(client.get(f"/cohorts/{old.id}/move"))
    assert "Nobody is left to move" in again


def test_a_missing_target_is_an_error_on_the_field(client: FlaskClient) -> None:
    lead = trainer()
    old, _people = cancelled_with(booked=1, waiting=0, lead=lead)
    target_of(old, lead)
    db.session.commit()
    login(client, lead)

    response = client.post(f"/cohorts/{old.id}/move", data={"mode": "book"})

    assert response.status_code == 400
    assert field_error(page(response), "target") == "Choose the cohort to move them to"


def test_a_live_cohort_has_nothing_to_move(client: FlaskClient) -> None:
    lead = trainer()
    live = make_cohort(facilitators=[lead], created_by_id=lead.id)
    db.session.commit()
    login(client, lead)
    response = client.get(f"/cohorts/{live.id}/move")
    assert response.headers["Location"] == f"/cohorts/{live.id}"


def test_the_move_page_reads_a_fixed_number_of_statements(
    client: FlaskClient, count_queries: QueryCounter
) -> None:
    lead = trainer()
    found = []
    for waiting in (1, 6):
        old, _people = cancelled_with(booked=2, waiting=waiting, lead=lead)
        for n in range(waiting):
            target_of(old, lead, start=in_days(40 + n))
        db.session.commit()
        login(client, lead)
        client.get(f"/cohorts/{old.id}/move")
        before = count_queries.count
        assert client.get(f"/cohorts/{old.id}/move").status_code == 200
        found.append(count_queries.count - before)
    assert found[0] == found[1]


def test_a_manager_sees_other_organisations_people_as_counts_only(client: FlaskClient) -> None:
    from tests.factories import make_organisation, make_user

    lead = trainer()
    old, people = cancelled_with(booked=1, waiting=0, lead=lead)
    new = target_of(old, lead)
    manager = make_user(roles=["manager"], organisation=make_organisation())
    db.session.commit()
    login(client, manager)

    text = page(client.post(f"/cohorts/{old.id}/move", data={"target": new.id, "mode": "book"}))

    assert "1 will be booked" in text
    assert people[0].full_name not in text and "Someone from another organisation" in text
