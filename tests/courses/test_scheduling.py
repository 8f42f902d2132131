"""Scheduling cohorts: days, capacity, facilitators, clashes, changes and cancellation, and
closed cohorts for a partner (R8–R12)."""

from __future__ import annotations

from collections import Counter
from datetime import time, timedelta

import pytest
from sqlalchemy import select

from tests.courses.cohort_helpers import (
    calendar_of,
    cohort_data,
    count,
    days_input,
    events,
    in_days,
    learner,
    manager,
    outbox,
    statuses,
    subjects,
    trainer,
)
from tests.factories import (
    make_booking,
    make_cohort,
    make_course,
    make_organisation,
    make_user,
    make_venue,
)
from trainhub.auth.models import User
from trainhub.courses.models import (
    Booking,
    ClashOverride,
    Cohort,
    CohortFacilitator,
    CohortPresenter,
)
from trainhub.courses.services.booking import book_place, cancel_booking, respond_to_offer
from trainhub.courses.services.partners import import_partner_learners
from trainhub.courses.services.scheduling import (
    DayInput,
    FacilitatorInput,
    add_presenter,
    cancel_cohort,
    cohort_input,
    find_clashes,
    publish_cohort,
    remove_presenter,
    schedule_cohort,
    split_evenly,
    update_cohort,
)
from trainhub.errors import ConflictError, PermissionDenied, ValidationFailed
from trainhub.extensions import db
from trainhub.mail.models import OutboxMessage

pytestmark = pytest.mark.usefixtures("app")


# Days ---------------------------------------------------------------------------------


def test_a_four_day_course_is_scheduled_as_two_plus_two_days_weeks_apart() -> None:
    course = make_course(duration_days=4)
    venue, lead, co = make_venue(), trainer(), trainer()
    dates = [in_days(30), in_days(31), in_days(51), in_days(52)]

    cohort = schedule_cohort(lead, course, cohort_data(venue, dates, [lead, co]))
    db.session.commit()

    stored = db.session.get(Cohort, cohort.id)
    assert stored is not None
    assert stored.status == "draft"
    assert [d.date for d in stored.days] == dates
    assert [d.day_number for d in stored.days] == [1, 2, 3, 4]
    assert (stored.first_day, stored.last_day) == (dates[0], dates[-1])
    assert [(f.user_id, f.role) for f in stored.facilitators] == [(lead.id, "lead"), (co.id, "co")]
    assert stored.lead is not None and stored.lead.user_id == lead.id
    assert stored.created_by_id == lead.id


def test_two_plus_one_days_for_a_four_day_course_is_refused() -> None:
    course = make_course(duration_days=4)
    venue, lead = make_venue(), trainer()
    dates = [in_days(30), in_days(31), in_days(51)]

    with pytest.raises(ValidationFailed) as refused:
        schedule_cohort(lead, course, cohort_data(venue, dates, [lead]))

    assert refused.value.field == "days"
    assert "needs 4 days, not 3" in refused.value.message
    assert count(Cohort) == 0


def test_a_day_that_ends_before_it_starts_is_refused() -> None:
    course = make_course(duration_days=2)
    venue, lead = make_venue(), trainer()
    data = cohort_data(venue, [in_days(30), in_days(31)], [lead])
    data.days[1] = DayInput(in_days(31), time(14, 0), time(10, 0), venue.id)

    with pytest.raises(ValidationFailed) as refused:
        schedule_cohort(lead, course, data)

    assert refused.value.field == "days-1-end_time"
    assert "Day 2 must end after it starts" in refused.value.message


def test_two_days_on_the_same_date_are_refused() -> None:
    course = make_course(duration_days=2)
    venue, lead = make_venue(), trainer()

    with pytest.raises(ValidationFailed) as refused:
        schedule_cohort(lead, course, cohort_data(venue, [in_days(30), in_days(30)], [lead]))

    assert refused.value.field == "days-1-date"
    assert "same date as day 1" in refused.value.message


def test_days_out_of_order_are_refused() -> None:
    course = make_course(duration_days=3)
    venue, lead = make_venue(), trainer()
    dates = [in_days(30), in_days(40), in_days(35)]

    with pytest.raises(ValidationFailed) as refused:
        schedule_cohort(lead, course, cohort_data(venue, dates, [lead]))

    assert refused.value.field == "days-2-date"
    assert "Day 3 must be after day 2" in refused.value.message


def test_a_day_without_a_date_or_venue_is_refused() -> None:
    course = make_course(duration_days=2)
    venue, lead = make_venue(), trainer()

    with pytest.raises(ValidationFailed) as no_date:
        schedule_cohort(lead, course, cohort_data(venue, [in_days(30), None], [lead]))
    data = cohort_data(venue, [in_days(30), in_days(31)], [lead])
    data.days[0] = DayInput(in_days(30), time(9, 30), time(16, 30), None)
    with pytest.raises(ValidationFailed) as no_venue:
        schedule_cohort(lead, course, data)

    assert no_date.value.field == "days-1-date"
    assert no_venue.value.field == "days-0-venue_id"


def test_bookings_must_close_before_the_first_day() -> None:
    course = make_course(duration_days=1)
    venue, lead = make_venue(), trainer()

    with pytest.raises(ValidationFailed) as refused:
        schedule_cohort(
            lead, course, cohort_data(venue, [in_days(30)], [lead], bookings_close=in_days(30))
        )
    with pytest.raises(ValidationFailed) as backwards:
        schedule_cohort(
            lead,
            course,
            cohort_data(
                venue, [in_days(30)], [lead], bookings_open=in_days(10), bookings_close=in_days(5)
            ),
        )

    assert refused.value.field == "bookings_close"
    assert backwards.value.field == "bookings_close"
    assert "close after they open" in backwards.value.message


# Capacity ------------------------------------------------------------------------------


def test_capacity_above_the_smallest_venue_names_that_venue() -> None:
    course = make_course(duration_days=2)
    hall = make_venue(name="Neuadd y Ddinas", capacity=40)
    room = make_venue(name="Small Room, Barry", capacity=10)
    lead = trainer()
    data = cohort_data(hall, [in_days(30), in_days(31)], [lead], capacity=12)
    data.days[1] = DayInput(in_days(31), time(9, 30), time(16, 30), room.id)

    with pytest.raises(ValidationFailed) as refused:
        schedule_cohort(lead, course, data)

    assert refused.value.field == "capacity"
    assert "Small Room, Barry" in refused.value.message
    assert "(10)" in refused.value.message
    data.capacity = 10
    assert schedule_cohort(lead, course, data).capacity == 10


# Facilitators ----------------------------------------------------------------------------


def test_facilitators_must_be_trainers() -> None:
    course = make_course(duration_days=1)
    venue, lead = make_venue(), trainer()
    not_a_trainer = learner()

    with pytest.raises(ValidationFailed) as refused:
        schedule_cohort(lead, course, cohort_data(venue, [in_days(30)], [lead, not_a_trainer]))

    assert refused.value.field == "facilitators"
    assert "trainer accounts" in refused.value.message
    assert count(Cohort) == 0


def test_a_deactivated_trainer_cannot_facilitate() -> None:
    course = make_course(duration_days=1)
    venue, lead = make_venue(), trainer()
    gone = trainer(active=False)

    with pytest.raises(ValidationFailed, match="active trainer accounts"):
        schedule_cohort(lead, course, cohort_data(venue, [in_days(30)], [lead, gone]))
    assert count(Cohort) == 0


def test_a_lead_facilitator_is_required() -> None:
    course = make_course(duration_days=1)
    venue = make_venue()

    with pytest.raises(ValidationFailed) as refused:
        schedule_cohort(trainer(), course, cohort_data(venue, [in_days(30)], []))

    assert refused.value.field == "facilitators-0-user_id"


def test_a_facilitator_is_listed_once() -> None:
    course = make_course(duration_days=1)
    venue, lead = make_venue(), trainer()

    with pytest.raises(ValidationFailed) as refused:
        schedule_cohort(lead, course, cohort_data(venue, [in_days(30)], [lead, lead]))

    assert refused.value.field == "facilitators"


def test_a_learner_cannot_schedule_a_cohort() -> None:
    course = make_course(duration_days=1)
    venue, lead = make_venue(), trainer()

    with pytest.raises(PermissionDenied):
        schedule_cohort(learner(), course, cohort_data(venue, [in_days(30)], [lead]))


# Clashes ---------------------------------------------------------------------------------


def test_a_venue_booked_at_overlapping_times_is_refused_naming_venue_and_cohort() -> None:
    venue = make_venue(name="Canolfan Trelái")
    make_cohort(start=in_days(30), venue=venue, title="Safety planning, March")
    lead = trainer()
    data = cohort_data(venue, [in_days(30)], [lead])
    data.days = days_input(venue, [in_days(30)], time(13, 0), time(17, 0))

    with pytest.raises(ValidationFailed) as refused:
        schedule_cohort(lead, make_course(), data)

    assert refused.value.field == "days"
    assert "Canolfan Trelái" in refused.value.message
    assert "Safety planning, March" in refused.value.message
    assert count(Cohort) == 1


def test_a_trainer_booked_at_overlapping_times_is_refused_naming_trainer_and_cohort() -> None:
    busy = trainer(full_name="Siân Evans")
    make_cohort(start=in_days(30), facilitators=[busy], title="Core, Newport")
    other_venue = make_venue()

    with pytest.raises(ValidationFailed) as refused:
        schedule_cohort(
            busy, make_course(), cohort_data(other_venue, [in_days(30)], [trainer(), busy])
        )

    assert "Siân Evans" in refused.value.message
    assert "Core, Newport" in refused.value.message


def test_back_to_back_sessions_and_other_dates_do_not_clash() -> None:
    venue, busy = make_venue(), trainer()
    make_cohort(start=in_days(30), venue=venue, facilitators=[busy])  # 09:30–16:30
    evening = days_input(venue, [in_days(30)], time(16, 30), time(19, 0))
    other_day = days_input(venue, [in_days(31)])

    assert find_clashes(evening, [busy.id]) == []
    assert find_clashes(other_day, [busy.id]) == []


def test_cancelled_cohorts_do_not_clash() -> None:
    venue, busy = make_venue(), trainer()
    make_cohort(start=in_days(30), venue=venue, facilitators=[busy], status="cancelled")

    assert find_clashes(days_input(venue, [in_days(30)]), [busy.id]) == []


def test_a_trainer_cannot_override_a_clash_even_with_a_reason() -> None:
    venue = make_venue()
    make_cohort(start=in_days(30), venue=venue)
    lead = trainer()
    data = cohort_data(venue, [in_days(30)], [lead], override_reason="We will share the room")

    with pytest.raises(ValidationFailed) as refused:
        schedule_cohort(lead, make_course(), data)

    assert "give a reason" not in refused.value.message
    assert count(ClashOverride) == 0
    assert count(Cohort) == 1


def test_a_manager_is_asked_for_a_reason_then_the_override_is_recorded() -> None:
    venue = make_venue(name="Room 4")
    make_cohort(start=in_days(30), venue=venue, title="Existing cohort")
    boss, lead = manager(), trainer()
    course = make_course()

    with pytest.raises(ValidationFailed) as asked:
        schedule_cohort(boss, course, cohort_data(venue, [in_days(30)], [lead]))
    assert "give a reason for overriding" in asked.value.message

    data = cohort_data(venue, [in_days(30)], [lead], override_reason="  Partition wall up  ")
    cohort = schedule_cohort(boss, course, data)
    db.session.commit()

    [override] = db.session.execute(select(ClashOverride)).scalars()
    assert override.cohort_id == cohort.id
    assert override.reason == "Partition wall up"
    assert override.overridden_by_id == boss.id
    assert "Room 4" in override.description and "Existing cohort" in override.description


def test_updating_a_cohort_does_not_clash_with_itself() -> None:
    lead = trainer()
    cohort = make_cohort(days=2, facilitators=[lead], created_by_id=lead.id)
    data = cohort_input(cohort)
    data.title = "Renamed"

    update_cohort(lead, cohort, data)

    assert cohort.title == "Renamed"
    assert cohort.overrides == []


# Changing a published cohort ---------------------------------------------------------------


def _booked(cohort: Cohort, n: int) -> list[User]:
    """``n`` learners booked through the service (so each has had an invitation)."""
    people = [learner() for _ in range(n)]
    for person in people:
        book_place(person, cohort)
    return people


def test_changing_a_published_cohort_sends_everyone_with_a_place_an_update() -> None:
    lead = trainer()
    cohort = make_cohort(days=2, capacity=2, facilitators=[lead])
    first, second, waiting = _booked(cohort, 3)
    [invite] = [m for m in outbox(first) if m.subject.startswith("Booked")]
    first_sequence = events(calendar_of(invite))[0]["SEQUENCE"]
    data = cohort_input(cohort)
    data.days[1] = DayInput(
        cohort.days[1].date + timedelta(days=7), time(10, 0), time(15, 0), cohort.days[1].venue_id
    )

    update_cohort(lead, cohort, data)
    db.session.commit()

    assert cohort.sequence == 1
    for person in (first, second):
        [update] = [m for m in outbox(person) if m.subject.startswith("Changed")]
        calendar = calendar_of(update)
        assert calendar["METHOD"] == "REQUEST"
        # The series and the day now at other times, as an override of it.
        days = events(calendar)
        assert len(days) == 2
        assert all(day["SEQUENCE"] > first_sequence for day in days)
        assert days[1].decoded("DTSTART") == cohort.days[1].starts_at
        assert "RECURRENCE-ID" in days[1]
    assert not [m for m in outbox(waiting) if m.subject.startswith("Changed")]


def test_every_change_raises_the_sequence() -> None:
    lead = trainer()
    cohort = make_cohort(days=1, facilitators=[lead])
    [person] = _booked(cohort, 1)
    sequences = []
    for hour in (10, 11):
        data = cohort_input(cohort)
        data.days[0] = DayInput(
            data.days[0].date, time(hour, 0), time(16, 0), data.days[0].venue_id
        )
        update_cohort(lead, cohort, data)
        [last] = [m for m in outbox(person) if m.subject.startswith("Changed")][-1:]
        sequences.append(events(calendar_of(last))[0]["SEQUENCE"])

    assert cohort.sequence == 2
    assert sequences[0] < sequences[1]


def test_a_change_learners_cannot_see_in_their_calendar_sends_nothing() -> None:
    lead = trainer()
    cohort = make_cohort(days=1, capacity=5, facilitators=[lead])
    _booked(cohort, 1)
    before = count(OutboxMessage)
    data = cohort_input(cohort)
    data.capacity = 8

    update_cohort(lead, cohort, data)

    assert cohort.sequence == 0
    assert count(OutboxMessage) == before


def test_changing_a_draft_cohort_sends_nothing() -> None:
    lead = trainer()
    cohort = make_cohort(days=1, facilitators=[lead], status="draft")
    data = cohort_input(cohort)
    data.title = "A new title"

    update_cohort(lead, cohort, data)

    assert cohort.sequence == 0
    assert count(OutboxMessage) == 0


def test_capacity_cannot_go_below_the_places_held() -> None:
    lead = trainer()
    cohort = make_cohort(days=1, capacity=5, facilitators=[lead])
    _booked(cohort, 3)
    data = cohort_input(cohort)
    data.capacity = 2

    with pytest.raises(ValidationFailed) as refused:
        update_cohort(lead, cohort, data)

    assert refused.value.field == "capacity"
    assert "3 places already taken" in refused.value.message
    data.capacity = 3
    assert update_cohort(lead, cohort, data).capacity == 3


def test_more_capacity_offers_the_new_places_to_the_waitlist() -> None:
    lead = trainer()
    cohort = make_cohort(days=1, capacity=1, facilitators=[lead])
    _, waiting = _booked(cohort, 2)
    data = cohort_input(cohort)
    data.capacity = 2

    update_cohort(lead, cohort, data)

    assert statuses(cohort)[waiting.id] == "offered"


def test_a_trainer_who_does_not_run_the_cohort_cannot_change_it() -> None:
    cohort = make_cohort(days=1)

    with pytest.raises(PermissionDenied):
        update_cohort(trainer(), cohort, cohort_input(cohort))


def test_a_draft_is_published_once_and_not_in_the_past() -> None:
    lead = trainer()
    cohort = make_cohort(days=1, facilitators=[lead], status="draft")
    old = make_cohort(days=1, facilitators=[lead], status="draft", start=in_days(-1))

    publish_cohort(lead, cohort)

    assert cohort.status == "published"
    with pytest.raises(ConflictError):
        publish_cohort(lead, cohort)
    with pytest.raises(ConflictError, match="in the past"):
        publish_cohort(lead, old)


# Cancelling a cohort ---------------------------------------------------------------------


def test_cancelling_needs_a_reason() -> None:
    lead = trainer()
    cohort = make_cohort(days=1, facilitators=[lead])
    _booked(cohort, 1)

    with pytest.raises(ValidationFailed) as refused:
        cancel_cohort(lead, cohort, "   ")

    assert refused.value.field == "reason"
    assert cohort.status == "published"
    assert set(statuses(cohort).values()) == {"booked"}


def test_cancelling_a_cohort_cancels_its_bookings_and_sends_method_cancel() -> None:
    lead = trainer()
    cohort = make_cohort(days=2, capacity=1, facilitators=[lead])
    booked, waiting = _booked(cohort, 2)
    cancelled_before = make_booking(cohort, status="cancelled", cancel_reason="learner")

    told = cancel_cohort(lead, cohort, "Trainer unwell")
    db.session.commit()

    assert told == 2
    assert cohort.status == "cancelled"
    assert cohort.cancel_reason == "Trainer unwell"
    assert cohort.cancelled_at is not None
    assert cohort.sequence == 1
    rows = db.session.execute(select(Booking).where(Booking.cohort_id == cohort.id)).scalars()
    by_user = {b.user_id: b for b in rows}
    assert {by_user[booked.id].cancel_reason, by_user[waiting.id].cancel_reason} == {"cohort"}
    assert by_user[waiting.id].queue_rank is None
    assert by_user[cancelled_before.user_id].cancel_reason == "learner"
    [notice] = [m for m in outbox(booked) if m.subject.startswith("Cancelled")]
    calendar = calendar_of(notice)
    assert calendar["METHOD"] == "CANCEL"
    assert [str(e["STATUS"]) for e in events(calendar)] == ["CANCELLED"]  # the whole series
    assert all(e["SEQUENCE"] >= 1 for e in events(calendar))
    [waiting_notice] = [m for m in outbox(waiting) if m.subject.startswith("Cancelled")]
    assert waiting_notice.attachments == []
    with pytest.raises(ConflictError, match="already cancelled"):
        cancel_cohort(lead, cohort, "Again")


# Closed cohorts for a partner --------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "parts", "shares"),
    [(50, 3, [17, 17, 16]), (90, 5, [18] * 5), (2, 3, [1, 1, 0]), (0, 2, [0, 0]), (7, 1, [7])],
)
@pytest.mark.once
def test_split_evenly(total: int, parts: int, shares: list[int]) -> None:
    assert split_evenly(total, parts) == shares
    assert sum(split_evenly(total, parts)) == total


@pytest.mark.once
def test_split_evenly_needs_one_part() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        split_evenly(5, 0)


def _closed_cohorts(partner_id: int, n: int = 3) -> list[Cohort]:
    course = make_course(duration_days=1)
    return [
        make_cohort(
            course, start=in_days(30 + 7 * i), capacity=20, partner_organisation_id=partner_id
        )
        for i in range(n)
    ]


def _csv(rows: list[tuple[str, str]]) -> str:
    return "email,full_name\n" + "".join(f"{email},{name}\n" for email, name in rows)


def test_fifty_partner_learners_are_split_17_17_16_over_three_closed_cohorts() -> None:
    partner = make_organisation("Cardiff University")
    cohorts = _closed_cohorts(partner.id)
    known = make_user(email="known@example.org", organisation_id=partner.id)
    rows = [("Known@Example.org", "")] + [
        (f"student{i}@cardiff.example.org", f"Student {i}") for i in range(49)
    ]

    result = import_partner_learners(manager(), cohorts, _csv(rows))
    db.session.commit()

    assert [len(result.placed[c.id]) for c in cohorts] == [17, 17, 16]
    assert result.matched == [known]
    assert len(result.created) == 49
    for cohort, expected in zip(cohorts, (17, 17, 16), strict=True):
        assert list(statuses(cohort).values()) == ["booked"] * expected
    new = db.session.execute(
        select(User).where(User.email == "student0@cardiff.example.org")
    ).scalar_one()
    assert new.organisation_id == partner.id
    assert new.has_role("learner")
    assert new.password_hash is None
    assert len(subjects(new)) == 2  # the account invitation and the booking
    booked_everyone = {user.id for group in result.placed.values() for user in group}
    assert len(booked_everyone) == 50


def test_a_bad_line_in_the_partner_list_writes_nothing() -> None:
    partner = make_organisation()
    cohorts = _closed_cohorts(partner.id)
    rows = [(f"p{i}@example.org", f"Person {i}") for i in range(10)]
    rows[6] = ("not-an-address", "Broken")
    before = (count(User), count(Booking), count(OutboxMessage))

    with pytest.raises(ValidationFailed) as refused:
        import_partner_learners(manager(), cohorts, _csv(rows))

    assert refused.value.field == "file"
    assert "Line 8" in refused.value.message
    assert (count(User) - 1, count(Booking), count(OutboxMessage)) == before


def test_sending_a_partner_list_again_books_only_the_newcomers() -> None:
    partner = make_organisation()
    cohorts = _closed_cohorts(partner.id, n=2)
    rows = [(f"p{i}@example.org", f"Person {i}") for i in range(4)]
    import_partner_learners(manager(), cohorts, _csv(rows))
    rows += [(f"p{i}@example.org", f"Person {i}") for i in range(4, 6)]

    result = import_partner_learners(manager(), cohorts, _csv(rows))

    assert len(result.skipped) == 4
    assert [len(result.placed[c.id]) for c in cohorts] == [1, 1]
    people = db.session.execute(
        select(Booking.user_id).where(Booking.cohort_id.in_([c.id for c in cohorts]))
    ).scalars()
    assert sorted(Counter(people).values()) == [1] * 6  # nobody on two cohorts


def test_a_partner_learner_booked_elsewhere_at_that_time_is_named_and_nothing_written() -> None:
    partner = make_organisation()
    [cohort] = _closed_cohorts(partner.id, n=1)
    busy = make_user(email="busy@example.org")
    make_booking(make_cohort(start=cohort.first_day, title="Elsewhere"), busy)
    boss = manager()
    before = (count(User), count(Booking))

    with pytest.raises(ValidationFailed, match=r"Line 3: .*Elsewhere"):
        import_partner_learners(
            boss, [cohort], _csv([("new@example.org", "New"), ("busy@example.org", "")])
        )
    assert (count(User), count(Booking)) == before


def test_a_published_cohort_cannot_move_onto_its_learners_other_bookings() -> None:
    lead = trainer()
    cohort = make_cohort(facilitators=[lead])
    person = learner()
    book_place(person, cohort)
    make_booking(make_cohort(start=cohort.first_day + timedelta(days=7), title="Other"), person)
    data = cohort_input(cohort)
    data.days[0].date = cohort.first_day + timedelta(days=7)

    with pytest.raises(ValidationFailed, match="already booked on “Other”"):
        update_cohort(lead, cohort, data)

    data.days[0].date = in_days(-1)
    with pytest.raises(ValidationFailed, match="cannot move into the past"):
        update_cohort(lead, cohort, data)


def test_a_new_partner_learner_needs_a_name_and_the_list_must_fit() -> None:
    partner = make_organisation()
    cohorts = _closed_cohorts(partner.id, n=1)
    cohorts[0].capacity = 2

    with pytest.raises(ValidationFailed, match="Line 2: give the full name"):
        import_partner_learners(manager(), cohorts, _csv([("nobody@example.org", "")]))
    with pytest.raises(ValidationFailed, match="2 free places but would get 3"):
        import_partner_learners(
            manager(), cohorts, _csv([(f"x{i}@example.org", f"X {i}") for i in range(3)])
        )
    assert count(Booking) == 0


def test_partner_lists_go_only_onto_closed_cohorts_of_one_course() -> None:
    open_cohort = make_cohort()

    with pytest.raises(ValidationFailed, match="closed cohorts"):
        import_partner_learners(manager(), [open_cohort], _csv([("a@example.org", "A")]))


def test_the_facilitators_of_a_new_cohort_are_kept_in_order() -> None:
    course = make_course(duration_days=1)
    venue = make_venue()
    lead, co1, co2 = trainer(), trainer(), trainer()
    data = cohort_data(venue, [in_days(30)], [lead, co1, co2])
    data.facilitators[1] = FacilitatorInput(co1.id, "  Consultant   Social Worker ")

    cohort = schedule_cohort(lead, course, data)
    db.session.commit()

    rows = db.session.execute(
        select(CohortFacilitator)
        .where(CohortFacilitator.cohort_id == cohort.id)
        .order_by(CohortFacilitator.position)
    ).scalars()
    assert [(f.user_id, f.role, f.professional_title) for f in rows] == [
        (lead.id, "lead", "Intervention Specialist"),
        (co1.id, "co", "Consultant Social Worker"),
        (co2.id, "co", "Intervention Specialist"),
    ]


def test_an_overridden_clash_does_not_block_later_edits_of_either_cohort() -> None:
    venue = make_venue(name="Room 9")
    other_lead = trainer()
    existing = make_cohort(
        start=in_days(30), venue=venue, facilitators=[other_lead], title="Existing cohort"
    )
    boss, lead = manager(), trainer()
    data = cohort_data(venue, [in_days(30)], [lead], override_reason="Two rooms in one hall")
    overriding = schedule_cohort(boss, make_course(), data)
    overriding.status = "published"
    db.session.flush()

    edit = cohort_input(overriding)
    edit.title = "A clearer title"
    update_cohort(lead, overriding, edit)
    edit_existing = cohort_input(existing)
    edit_existing.title = "Existing cohort, renamed"
    update_cohort(other_lead, existing, edit_existing)

    assert (overriding.title, existing.title) == ("A clearer title", "Existing cohort, renamed")
    assert count(ClashOverride) == 1


def test_moving_an_overridden_cohort_onto_a_new_clash_is_refused() -> None:
    venue = make_venue()
    make_cohort(start=in_days(30), venue=venue)
    make_cohort(start=in_days(40), venue=venue, title="Later cohort")
    boss, lead = manager(), trainer()
    data = cohort_data(venue, [in_days(30)], [lead], override_reason="Agreed with the venue")
    cohort = schedule_cohort(boss, make_course(), data)
    edit = cohort_input(cohort)
    edit.days = days_input(venue, [in_days(40)])

    with pytest.raises(ValidationFailed, match="Later cohort"):
        update_cohort(lead, cohort, edit)


def test_someone_with_an_open_offer_gets_the_changed_days_when_accepting() -> None:
    lead = trainer()
    cohort = make_cohort(days=1, capacity=1, facilitators=[lead])
    booked, offered = _booked(cohort, 2)
    cancel_booking(
        booked, db.session.execute(select(Booking).filter_by(user_id=booked.id)).scalar_one()
    )
    data = cohort_input(cohort)
    data.days[0] = DayInput(cohort.days[0].date, time(13, 0), time(16, 0), cohort.days[0].venue_id)

    update_cohort(lead, cohort, data)

    assert not [m for m in outbox(offered) if m.subject.startswith("Changed")]
    offer = db.session.execute(select(Booking).filter_by(user_id=offered.id)).scalar_one()
    respond_to_offer(offered, offer, accept=True)
    [invite] = [m for m in outbox(offered) if m.subject.startswith("Booked")]
    [event] = events(calendar_of(invite))
    assert event.decoded("DTSTART") == cohort.days[0].starts_at
    assert event["SEQUENCE"] >= cohort.sequence == 1


# External presenters (R12) -----------------------------------------------------------------


def test_an_external_presenter_delivers_a_named_module_on_one_day() -> None:
    lead = trainer()
    cohort = make_cohort(days=2, facilitators=[lead])

    presenter = add_presenter(
        lead,
        cohort,
        2,
        " Managing Conflict and Difficult Behaviour in Core Group meeting ",
        "  Gwen  Davies ",
        "Cardiff and Vale UHB",
    )

    assert (presenter.day_number, presenter.name, presenter.organisation) == (
        2,
        "Gwen Davies",
        "Cardiff and Vale UHB",
    )
    assert presenter.module == "Managing Conflict and Difficult Behaviour in Core Group meeting"
    assert cohort.presenters == [presenter]
    remove_presenter(lead, presenter)
    db.session.flush()
    assert count(CohortPresenter) == 0


@pytest.mark.parametrize(
    ("day", "module", "name", "field"),
    [(3, "Module", "Name", "day_number"), (1, "Module", " ", "name"), (1, "", "Name", "module")],
)
def test_a_presenter_needs_a_day_of_the_cohort_a_name_and_a_module(
    day: int, module: str, name: str, field: str
) -> None:
    lead = trainer()
    cohort = make_cohort(days=2, facilitators=[lead])

    with pytest.raises(ValidationFailed) as refused:
        add_presenter(lead, cohort, day, module, name, "")

    assert refused.value.field == field
    with pytest.raises(PermissionDenied):
        add_presenter(trainer(), cohort, 1, "Module", "Name", "")
