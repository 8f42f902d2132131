"""Scheduling pages: the cohorts overview, the schedule form and its bad input, publishing,
changing, cancelling, presenters, partner lists and clash overrides."""

from __future__ import annotations

import io
from datetime import date, time, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.courses.cohort_view_helpers import (
    Day,
    cohort_form,
    cohort_snapshot,
    count,
    field_error,
    follow,
    login,
    mail_to,
    page,
    summary_errors,
    summary_links,
)
from tests.factories import (
    make_booking,
    make_cohort,
    make_course,
    make_organisation,
    make_user,
    make_venue,
)
from tests.helpers import QueryCounter
from trainhub.auth.models import User
from trainhub.courses.models import (
    Booking,
    ClashOverride,
    Cohort,
    CohortDay,
    CohortPresenter,
    Course,
    local_today,
)
from trainhub.extensions import db


@pytest.fixture
def trainer(app: Flask) -> User:
    return make_user(
        roles=["trainer"], full_name="Tegan Trainer", job_title="Intervention Specialist"
    )


@pytest.fixture
def co_trainer(app: Flask) -> User:
    return make_user(roles=["trainer"], full_name="Cai Cotrainer")


def cohort(cohort_id: int) -> Cohort:
    db.session.expire_all()
    return db.session.get_one(Cohort, cohort_id)


def ahead(days: int) -> date:
    return local_today() + timedelta(days=days)


# The overview ---------------------------------------------------------------------


def test_trainers_see_the_cohorts_they_run_by_default(
    client: FlaskClient, trainer: User, co_trainer: User
) -> None:
    mine = make_cohort(facilitators=[trainer, co_trainer], title="Mine to run")
    scheduled = make_cohort(facilitators=[co_trainer], title="I scheduled it")
    scheduled.created_by_id = trainer.id
    make_cohort(facilitators=[co_trainer], title="Someone else's")
    make_booking(mine)
    make_booking(mine, status="waitlisted", queue_rank=1)
    login(client, trainer)

    text = page(client.get("/cohorts"))

    assert "Mine to run" in text
    assert "I scheduled it" in text
    assert "Someone else's" not in text
    assert "2 cohorts" in text
    assert "1 / 20" in text  # places taken on the cohort with one booking
    everything = page(client.get("/cohorts?scope=all"))
    assert "Someone else's" in everything


def test_managers_see_every_cohort_and_can_filter_by_status(client: FlaskClient) -> None:
    make_cohort(title="Published one")
    make_cohort(title="Draft one", status="draft")
    login(client, make_user(roles=["manager"]))

    everything = page(client.get("/cohorts"))
    drafts = page(client.get("/cohorts?status=draft"))
    nonsense = page(client.get("/cohorts?status=<b>"))

    assert "Published one" in everything and "Draft one" in everything
    assert "Draft one" in drafts and "Published one" not in drafts
    assert "Published one" in nonsense and "Draft one" in nonsense


def test_a_cohort_with_one_facilitator_is_flagged(client: FlaskClient, trainer: User) -> None:
    solo = make_cohort(facilitators=[trainer])
    login(client, trainer)

    assert "Needs a co-facilitator" in page(client.get("/cohorts"))
    assert "Co-facilitation expected: this cohort has only one facilitator." in page(
        client.get(f"/cohorts/{solo.id}")
    )


def _many_cohorts(trainer: User, number: int) -> None:
    course = make_course(duration_days=2)
    venue = make_venue(capacity=30)
    partner = make_organisation()
    others = [make_user(roles=["trainer"]) for _ in range(3)]
    for n in range(number):
        made = make_cohort(
            course,
            venue=venue,
            facilitators=[trainer, others[n % 3]],
            start=ahead(10 + n % 300),
            partner_organisation_id=partner.id if n % 5 == 0 else None,
        )
        if n % 7 == 0:
            make_booking(made)
    db.session.commit()


def _overview_queries(client: FlaskClient, counter: QueryCounter, number: int) -> int:
    counter.statements.clear()
    response = client.get("/cohorts")
    assert response.status_code == 200
    assert f"{number} cohorts" in page(response)
    return counter.count


def test_the_overview_takes_the_same_queries_for_30_or_700_cohorts(
    client: FlaskClient, trainer: User, count_queries: QueryCounter
) -> None:
    _many_cohorts(trainer, 5)  # less than a page: no query per row either
    login(client, trainer)
    with_5 = _overview_queries(client, count_queries, 5)

    _many_cohorts(trainer, 25)
    with_30 = _overview_queries(client, count_queries, 30)
    _many_cohorts(trainer, 670)
    with_700 = _overview_queries(client, count_queries, 700)

    assert with_5 == with_30 == with_700, count_queries.statements
    assert with_700 <= 20


# Choosing a course and scheduling ---------------------------------------------------


def test_schedule_starts_by_choosing_a_course(client: FlaskClient, trainer: User) -> None:
    make_course(code="TWO-DAY", title="A two-day course", duration_days=2)
    login(client, trainer)

    chooser = page(client.get("/cohorts/new"))
    unknown = page(client.get("/cohorts/new?course=NOPE"))
    form = client.get("/cohorts/new?course=two-day")

    assert "Choose the course this cohort delivers." in chooser
    assert "A two-day course" in chooser
    assert "There is no course with that code." in unknown
    assert form.status_code == 200
    text = page(form)
    assert "Date of day 2" in text and "Date of day 3" not in text
    # The trainer is suggested as the lead, with their professional title.
    assert f'<option selected value="{trainer.id}">' in text or (
        f'<option value="{trainer.id}" selected>' in text
    )
    assert 'value="Intervention Specialist"' in text


def test_a_trainer_schedules_a_four_day_core_as_two_plus_two_days(
    client: FlaskClient, catalogue: None, trainer: User, co_trainer: User
) -> None:
    venue = make_venue(name="Canolfan", capacity=16)
    other_venue = make_venue(name="Neuadd", capacity=24)
    first = ahead(30)
    later = first + timedelta(days=21)
    days = [
        Day(first, venue_id=venue.id),
        Day(first + timedelta(days=1), venue_id=venue.id),
        Day(later, "10:00", "16:00", venue_id=other_venue.id),
        Day(later + timedelta(days=1), venue_id=other_venue.id),
    ]
    login(client, trainer)

    response = client.post(
        "/cohorts/new?course=IFSS-CORE",
        data=cohort_form(days, [trainer, co_trainer], title="Core, spring", capacity="16"),
    )

    made = db.session.execute(select(Cohort)).scalar_one()
    assert response.headers["Location"] == f"/cohorts/{made.id}"
    assert "Cohort saved as a draft. Publish it when it is ready for booking." in follow(
        client, response
    )
    assert made.status == "draft"
    assert made.title == "Core, spring"
    assert made.capacity == 16
    assert made.course.code == "IFSS-CORE"
    assert made.created_by_id == trainer.id
    assert (made.first_day, made.last_day) == (first, later + timedelta(days=1))
    assert [(d.day_number, d.date, d.venue_id) for d in made.days] == [
        (1, first, venue.id),
        (2, first + timedelta(days=1), venue.id),
        (3, later, other_venue.id),
        (4, later + timedelta(days=1), other_venue.id),
    ]
    assert (made.days[2].start_time, made.days[2].end_time) == (time(10), time(16))
    assert [(f.user_id, f.role, f.professional_title) for f in made.facilitators] == [
        (trainer.id, "lead", "Intervention Specialist"),
        (co_trainer.id, "co", "Intervention Specialist"),
    ]


# Bad input on the schedule form: errors on the fields, nothing written --------------


@pytest.fixture
def four_day(app: Flask) -> Course:
    return make_course(code="FOUR", duration_days=4)


def _four_days(venue_id: int, start: date | None = None) -> list[Day]:
    start = start or ahead(30)
    return [Day(start + timedelta(days=n), venue_id=venue_id) for n in (0, 1, 21, 22)]


def _refused(
    client: FlaskClient,
    data: object,
    field: str,
    message: str,
    url: str = "/cohorts/new?course=FOUR",
) -> str:
    before = cohort_snapshot()
    response = client.post(url, data=data)
    text = page(response)
    assert response.status_code == 400
    assert field_error(text, field) == message
    assert message in summary_errors(text)
    assert cohort_snapshot() == before
    return text


def test_days_that_do_not_match_the_duration_are_refused(
    client: FlaskClient, four_day: Course, trainer: User, co_trainer: User
) -> None:
    venue = make_venue()
    login(client, trainer)
    two_plus_one = _four_days(venue.id)[:3]  # R8: 2 + 1 days of a 4-day course

    text = _refused(
        client,
        cohort_form(two_plus_one, [trainer, co_trainer]),
        "days-3-date",
        "Enter the date of day 4",
    )

    assert "days-3-date-day" in summary_links(text)  # the summary links to the day box


def test_a_day_that_ends_before_it_starts_is_refused(
    client: FlaskClient, four_day: Course, trainer: User, co_trainer: User
) -> None:
    venue = make_venue()
    days = _four_days(venue.id)
    days[1].start, days[1].end = "14:00", "10:00"
    login(client, trainer)

    _refused(
        client,
        cohort_form(days, [trainer, co_trainer]),
        "days-1-end_time",
        "Day 2 must end after it starts",
    )


def test_days_on_the_same_date_or_out_of_order_are_refused_all_at_once(
    client: FlaskClient, four_day: Course, trainer: User, co_trainer: User
) -> None:
    venue = make_venue()
    days = _four_days(venue.id)
    days[1].date = days[0].date  # overlaps day 1
    days[3].date = days[2].date - timedelta(days=3)  # before day 3
    login(client, trainer)

    text = _refused(
        client,
        cohort_form(days, [trainer, co_trainer]),
        "days-1-date",
        "Day 2 is on the same date as day 1: each day needs its own date",
    )

    assert field_error(text, "days-3-date") == "Day 4 must be after day 3"
    assert "Day 4 must be after day 3" in summary_errors(text)


def test_capacity_above_the_venues_is_refused(
    client: FlaskClient, four_day: Course, trainer: User, co_trainer: User
) -> None:
    small = make_venue(name="Small room", capacity=10)
    login(client, trainer)

    _refused(
        client,
        cohort_form(_four_days(small.id), [trainer, co_trainer], capacity="11"),
        "capacity",
        "Capacity cannot be more than Small room holds (10)",
    )


def test_a_cohort_needs_a_lead_facilitator(
    client: FlaskClient, four_day: Course, trainer: User
) -> None:
    venue = make_venue()
    login(client, trainer)

    _refused(
        client,
        cohort_form(_four_days(venue.id), []),
        "facilitators-0-user_id",
        "Choose the lead facilitator",
    )


def test_a_facilitator_is_listed_once(client: FlaskClient, four_day: Course, trainer: User) -> None:
    venue = make_venue()
    login(client, trainer)

    _refused(
        client,
        cohort_form(_four_days(venue.id), [trainer, trainer]),
        "facilitators-1-user_id",
        "Each facilitator can be listed once only",
    )


def test_bookings_must_close_before_the_first_day(
    client: FlaskClient, four_day: Course, trainer: User
) -> None:
    venue = make_venue()
    days = _four_days(venue.id)
    closes = days[1].date
    assert closes is not None
    login(client, trainer)
    data = cohort_form(days, [trainer])
    data.setlist("bookings_close", [str(closes.day), str(closes.month), str(closes.year)])

    _refused(client, data, "bookings_close", "Bookings must close before the first day")


def test_missing_times_and_venue_are_shown_on_their_fields(
    client: FlaskClient, four_day: Course, trainer: User
) -> None:
    days = _four_days(0)
    days[0].start = ""
    days[0].end = "half past four"
    days[1].end = "quarter to five"  # with a good start time
    login(client, trainer)

    text = _refused(
        client,
        cohort_form(days, [trainer]),
        "days-0-start_time",
        "Enter the time day 1 starts, like 09:30",
    )

    assert field_error(text, "days-0-end_time") == "Enter a time on the 24-hour clock, like 09:30"
    assert field_error(text, "days-1-end_time") == "Enter a time on the 24-hour clock, like 09:30"
    assert field_error(text, "days-2-venue_id") == "Choose a venue for day 3"


def test_a_trainer_booked_elsewhere_is_a_clash_named_in_the_message(
    client: FlaskClient, four_day: Course, trainer: User, co_trainer: User
) -> None:
    venue = make_venue()
    days = _four_days(venue.id)
    make_cohort(
        facilitators=[co_trainer], start=days[2].date, title="Other cohort", status="published"
    )
    login(client, trainer)
    before = cohort_snapshot()

    response = client.post(
        "/cohorts/new?course=FOUR", data=cohort_form(days, [trainer, co_trainer])
    )

    assert response.status_code == 400
    [message] = summary_errors(page(response))  # once, not twice
    assert "Cai Cotrainer is already facilitating “Other cohort”" in message
    assert cohort_snapshot() == before


def test_a_manager_overrides_a_venue_clash_with_a_reason_which_is_recorded(
    client: FlaskClient, four_day: Course, trainer: User, co_trainer: User
) -> None:
    venue = make_venue(name="Main hall")
    days = _four_days(venue.id)
    make_cohort(venue=venue, start=days[0].date, title="Already there")
    manager = make_user(roles=["manager"], full_name="Morgan Manager")
    login(client, manager)

    without = client.post("/cohorts/new?course=FOUR", data=cohort_form(days, [trainer, co_trainer]))
    assert without.status_code == 400
    assert "To schedule it anyway, give a reason for overriding the clash." in page(without)

    data = cohort_form(days, [trainer, co_trainer], override_reason="The hall is big enough")
    response = client.post("/cohorts/new?course=FOUR", data=data)

    assert response.status_code == 302
    override = db.session.execute(select(ClashOverride)).scalar_one()
    assert override.reason == "The hall is big enough"
    assert override.overridden_by_id == manager.id
    assert "Main hall is already booked for “Already there”" in override.description
    listed = page(client.get("/cohorts/overrides"))
    assert "The hall is big enough" in listed and "Morgan Manager" in listed


def test_a_trainer_cannot_override_a_clash(
    client: FlaskClient, four_day: Course, trainer: User, co_trainer: User
) -> None:
    venue = make_venue(name="Main hall")
    days = _four_days(venue.id)
    make_cohort(venue=venue, start=days[0].date)
    login(client, trainer)

    data = cohort_form(days, [trainer, co_trainer], override_reason="I insist")
    response = client.post("/cohorts/new?course=FOUR", data=data)

    assert response.status_code == 400
    assert count(ClashOverride) == 0
    assert "Reason for overriding a clash" not in page(response)  # the field is for managers


# Publishing, changing, completing ----------------------------------------------------


def test_publishing_opens_the_cohort_for_booking(client: FlaskClient, trainer: User) -> None:
    draft = make_cohort(facilitators=[trainer], status="draft")
    login(client, trainer)

    response = client.post(f"/cohorts/{draft.id}/publish")

    assert response.headers["Location"] == f"/cohorts/{draft.id}"
    assert "Cohort published: learners can now book it." in follow(client, response)
    assert cohort(draft.id).status == "published"


def test_a_cohort_in_the_past_cannot_be_published(client: FlaskClient, trainer: User) -> None:
    draft = make_cohort(facilitators=[trainer], status="draft", start=local_today() - timedelta(1))
    login(client, trainer)

    response = client.post(f"/cohorts/{draft.id}/publish")

    assert "This cohort starts in the past: change its dates first" in follow(client, response)
    assert cohort(draft.id).status == "draft"


def test_a_trainer_cannot_run_someone_elses_cohort(
    client: FlaskClient, trainer: User, co_trainer: User
) -> None:
    theirs = make_cohort(facilitators=[co_trainer], status="draft")
    login(client, trainer)
    before = cohort_snapshot()

    responses = [
        client.get(f"/cohorts/{theirs.id}/edit"),
        client.post(f"/cohorts/{theirs.id}/edit", data={"title": "Mine now"}),
        client.post(f"/cohorts/{theirs.id}/publish"),
        client.get(f"/cohorts/{theirs.id}/cancel"),
        client.post(f"/cohorts/{theirs.id}/cancel", data={"reason": "Because"}),
        client.post(f"/cohorts/{theirs.id}/presenters", data={"name": "X", "module": "Y"}),
        client.get(f"/cohorts/{theirs.id}/bookings"),
        client.get(f"/cohorts/{theirs.id}/days/1/register"),
    ]

    assert [r.status_code for r in responses] == [403] * len(responses)
    assert cohort_snapshot() == before
    # They may still look at it, without the controls.
    detail = page(client.get(f"/cohorts/{theirs.id}"))
    assert "Publish for booking" not in detail


def test_changing_a_published_cohort_tells_everyone_booked(
    client: FlaskClient, trainer: User, co_trainer: User
) -> None:
    course = make_course(duration_days=2)
    venue = make_venue()
    published = make_cohort(course, facilitators=[trainer, co_trainer], venue=venue)
    learner = make_user(full_name="Lowri Learner")
    make_booking(published, learner)
    login(client, trainer)
    form = page(client.get(f"/cohorts/{published.id}/edit"))
    assert "Everyone booked is sent an updated calendar invitation" in form
    days = [Day(d.date, "10:00", "15:00", venue.id) for d in published.days]

    response = client.post(
        f"/cohorts/{published.id}/edit",
        data=cohort_form(days, [trainer, co_trainer], title=published.title, capacity="20"),
    )

    assert response.headers["Location"] == f"/cohorts/{published.id}"
    assert "Cohort saved." in follow(client, response)
    changed = cohort(published.id)
    assert [(d.start_time, d.end_time) for d in changed.days] == [(time(10), time(15))] * 2
    assert changed.sequence == 1
    [message] = mail_to(learner)
    assert message.subject.startswith("Changed:")
    assert b"METHOD:REQUEST" in message.attachments[0].content


def test_capacity_cannot_go_below_the_places_taken(client: FlaskClient, trainer: User) -> None:
    published = make_cohort(facilitators=[trainer])
    for _ in range(3):
        make_booking(published)
    login(client, trainer)
    days = [Day(d.date, venue_id=d.venue_id) for d in published.days]

    _refused(
        client,
        cohort_form(days, [trainer], title=published.title, capacity="2"),
        "capacity",
        "Capacity cannot go below the 3 places already taken",
        url=f"/cohorts/{published.id}/edit",
    )


def test_a_cancelled_cohort_cannot_be_changed(client: FlaskClient, trainer: User) -> None:
    gone = make_cohort(facilitators=[trainer], status="cancelled", cancel_reason="Snow")
    login(client, trainer)

    response = client.get(f"/cohorts/{gone.id}/edit")

    assert response.headers["Location"] == f"/cohorts/{gone.id}"
    text = follow(client, response)
    assert "A cancelled or completed cohort cannot be changed." in text
    assert "This cohort was cancelled: Snow" in text


def test_completing_a_cohort_after_its_last_day(client: FlaskClient, trainer: User) -> None:
    past = make_cohort(facilitators=[trainer], start=local_today() - timedelta(days=2))
    future = make_cohort(facilitators=[trainer])
    no_show = make_booking(past)
    login(client, trainer)

    done = follow(client, client.post(f"/cohorts/{past.id}/complete"))
    early = follow(client, client.post(f"/cohorts/{future.id}/complete"))

    assert "Cohort marked as completed." in done
    assert cohort(past.id).status == "completed"
    assert db.session.get_one(Booking, no_show.id).status == "no_show"
    assert "A cohort can be completed after its last day" in early
    assert cohort(future.id).status == "published"


# Cancelling ----------------------------------------------------------------------------


def test_cancelling_a_cohort_needs_a_reason(client: FlaskClient, trainer: User) -> None:
    published = make_cohort(facilitators=[trainer])
    make_booking(published)
    login(client, trainer)

    form = page(client.get(f"/cohorts/{published.id}/cancel"))
    assert "1 person holds a place or is waiting" in form
    _refused(
        client,
        {"reason": "  "},
        "reason",
        "Say why the cohort is cancelled",
        url=f"/cohorts/{published.id}/cancel",
    )


def test_cancelling_a_cohort_with_a_reason_tells_everyone(
    client: FlaskClient, trainer: User
) -> None:
    published = make_cohort(facilitators=[trainer])
    booked = make_booking(published, calendar_sequence=1)  # was sent an invitation
    waiting = make_booking(published, status="waitlisted", queue_rank=1)
    login(client, trainer)

    response = client.post(
        f"/cohorts/{published.id}/cancel", data={"reason": "The trainer is unwell"}
    )

    assert response.headers["Location"] == f"/cohorts/{published.id}"
    text = follow(client, response)
    assert "Cohort cancelled. 2 people have been told." in text
    assert "This cohort was cancelled: The trainer is unwell" in text
    cancelled = cohort(published.id)
    assert (cancelled.status, cancelled.cancel_reason) == ("cancelled", "The trainer is unwell")
    for made in (booked, waiting):
        row = db.session.get_one(Booking, made.id)
        assert (row.status, row.cancel_reason) == ("cancelled", "cohort")
    [message] = mail_to(booked.user)
    assert b"METHOD:CANCEL" in message.attachments[0].content
    [told] = mail_to(waiting.user)
    assert not told.attachments  # no calendar cancellation for an event never sent


def test_a_cancelled_cohort_cannot_be_cancelled_again(client: FlaskClient, trainer: User) -> None:
    gone = make_cohort(facilitators=[trainer], status="cancelled")
    login(client, trainer)

    response = client.post(f"/cohorts/{gone.id}/cancel", data={"reason": "Again"})

    assert response.status_code == 400
    assert "This cohort is already cancelled" in summary_errors(page(response))


# External presenters --------------------------------------------------------------------


def test_adding_and_removing_an_external_presenter(client: FlaskClient, trainer: User) -> None:
    published = make_cohort(facilitators=[trainer], days=2)
    login(client, trainer)
    module = "Managing Conflict and Difficult Behaviour in Core Group meetings"

    response = client.post(
        f"/cohorts/{published.id}/presenters",
        data={"name": "Sam Guest", "organisation": "UHB", "day_number": "2", "module": module},
    )

    assert response.headers["Location"] == f"/cohorts/{published.id}#presenters"
    text = follow(client, response)
    assert "Presenter added." in text
    assert f"Day 2: {module} — Sam Guest, UHB" in text
    presenter = db.session.execute(select(CohortPresenter)).scalar_one()

    removed = client.post(f"/cohorts/{published.id}/presenters/{presenter.id}/remove")

    assert "Presenter removed." in follow(client, removed)
    assert count(CohortPresenter) == 0


def test_a_presenter_needs_a_name_and_a_module(client: FlaskClient, trainer: User) -> None:
    published = make_cohort(facilitators=[trainer])
    login(client, trainer)

    text = _refused(
        client,
        {"name": "", "day_number": "1", "module": ""},
        "name",
        "Enter the presenter's name",
        url=f"/cohorts/{published.id}/presenters",
    )

    assert field_error(text, "module") == "Enter the module they deliver"


def test_a_presenter_of_another_cohort_is_not_found(client: FlaskClient, trainer: User) -> None:
    mine = make_cohort(facilitators=[trainer])
    other = make_cohort()
    presenter = CohortPresenter(cohort_id=other.id, day_number=1, module="M", name="N")
    db.session.add(presenter)
    login(client, trainer)

    response = client.post(f"/cohorts/{mine.id}/presenters/{presenter.id}/remove")

    assert response.status_code == 404
    assert count(CohortPresenter) == 1


# Who may see a cohort's page ---------------------------------------------------------------


def test_a_published_open_cohort_is_public(client: FlaskClient) -> None:
    published = make_cohort(title="Open to all")
    db.session.commit()

    response = client.get(f"/cohorts/{published.id}")

    assert response.status_code == 200
    assert "Sign in to book a place" in page(response)


def test_a_draft_is_for_staff_only(client: FlaskClient, trainer: User) -> None:
    draft = make_cohort(status="draft")
    db.session.commit()

    signed_out = client.get(f"/cohorts/{draft.id}")
    assert signed_out.status_code == 302
    assert signed_out.headers["Location"].startswith("/sign-in")
    login(client, make_user())
    assert client.get(f"/cohorts/{draft.id}").status_code == 403
    login(client, trainer)
    assert client.get(f"/cohorts/{draft.id}").status_code == 200


def test_a_closed_cohort_is_for_its_partners_learners(client: FlaskClient) -> None:
    partner = make_organisation(name="Cardiff University")
    closed = make_cohort(partner_organisation_id=partner.id)
    db.session.commit()

    signed_out = client.get(f"/cohorts/{closed.id}")
    assert signed_out.status_code == 302
    assert signed_out.headers["Location"].startswith("/sign-in")
    login(client, make_user())
    assert client.get(f"/cohorts/{closed.id}").status_code == 403
    login(client, make_user(organisation=partner))
    text = page(client.get(f"/cohorts/{closed.id}"))
    assert "Closed: Cardiff University only" in text
    assert "Places on this cohort are arranged by your organisation" in text


def test_an_unknown_cohort_is_not_found(client: FlaskClient, trainer: User) -> None:
    login(client, trainer)

    assert client.get("/cohorts/999999").status_code == 404
    assert client.get("/cohorts/999999/edit").status_code == 404


# A partner's learner list ---------------------------------------------------------------


def _partner_cohorts(trainer: User, partner_id: int, number: int = 3) -> list[Cohort]:
    course = make_course(duration_days=1)
    return [
        make_cohort(
            course,
            facilitators=[trainer],
            partner_organisation_id=partner_id,
            start=ahead(30 + 7 * n),
            capacity=20,
        )
        for n in range(number)
    ]


def _csv(rows: list[tuple[str, str]]) -> tuple[io.BytesIO, str]:
    text = "email,full_name\n" + "".join(f"{email},{name}\n" for email, name in rows)
    return io.BytesIO(text.encode()), "learners.csv"


def test_a_partners_list_of_50_is_split_17_17_16(client: FlaskClient, trainer: User) -> None:
    partner = make_organisation(name="Cardiff University")
    cohorts = _partner_cohorts(trainer, partner.id)
    known = make_user(email="known@example.org", organisation=partner)
    rows = [("known@example.org", "")] + [
        (f"student{n}@example.org", f"Student {n}") for n in range(49)
    ]
    login(client, trainer)
    assert "Share the learners between these cohorts" in page(
        client.get(f"/cohorts/{cohorts[0].id}/partner-learners")
    )

    response = client.post(
        f"/cohorts/{cohorts[0].id}/partner-learners",
        data={"file": _csv(rows), "cohort_ids": [str(c.id) for c in cohorts]},
        content_type="multipart/form-data",
    )

    assert response.headers["Location"] == f"/cohorts/{cohorts[0].id}/bookings"
    assert "50 learners booked (17, 17, 16). 49 new accounts invited." in follow(client, response)
    shares = [
        count(Booking, Booking.cohort_id == c.id, Booking.status == "booked") for c in cohorts
    ]
    assert shares == [17, 17, 16]
    assert count(User, User.organisation_id == partner.id) == 50
    assert (
        db.session.execute(
            select(Booking.cohort_id).where(Booking.user_id == known.id)
        ).scalar_one()
        == cohorts[0].id
    )


def test_a_bad_partner_list_books_nobody(client: FlaskClient, trainer: User) -> None:
    partner = make_organisation()
    cohorts = _partner_cohorts(trainer, partner.id, 2)
    login(client, trainer)
    before = cohort_snapshot()

    response = client.post(
        f"/cohorts/{cohorts[0].id}/partner-learners",
        data={
            "file": _csv([("good@example.org", "Good"), ("not-an-address", "Bad")]),
            "cohort_ids": [str(c.id) for c in cohorts],
        },
        content_type="multipart/form-data",
    )

    assert response.status_code == 400
    text = page(response)
    message = "Line 3: Enter an email address in the right format, like name@example.org"
    assert field_error(text, "file") == message
    assert message in summary_errors(text)
    assert cohort_snapshot() == before


def test_partner_lists_are_for_closed_cohorts_only(client: FlaskClient, trainer: User) -> None:
    open_cohort = make_cohort(facilitators=[trainer])
    login(client, trainer)

    assert client.get(f"/cohorts/{open_cohort.id}/partner-learners").status_code == 404


def test_cohort_days_keep_their_numbers_and_venues(client: FlaskClient, trainer: User) -> None:
    made = make_cohort(facilitators=[trainer], days=3, gap_days=7)
    login(client, trainer)

    text = page(client.get(f"/cohorts/{made.id}"))

    assert text.count("Take the register") == 3
    assert count(CohortDay, CohortDay.cohort_id == made.id) == 3


def test_a_partner_list_must_be_a_utf8_csv_file(client: FlaskClient, trainer: User) -> None:
    cohorts = _partner_cohorts(trainer, make_organisation().id, 1)
    login(client, trainer)
    url = f"/cohorts/{cohorts[0].id}/partner-learners"
    ids = [str(cohorts[0].id)]

    missing = client.post(url, data={"cohort_ids": ids}, content_type="multipart/form-data")
    latin1 = client.post(
        url,
        data={
            "file": (
                io.BytesIO("email,full_name\na@example.org,Siân\n".encode("latin-1")),
                "x.csv",
            ),
            "cohort_ids": ids,
        },
        content_type="multipart/form-data",
    )

    assert missing.status_code == 400
    assert field_error(page(missing), "file") == "Choose the partner's CSV file"
    assert latin1.status_code == 400
    assert field_error(page(latin1), "file") == (
        "The file must be saved as CSV UTF-8 (in Excel: Save As, CSV UTF-8)"
    )
    assert count(Booking) == 0


def test_only_the_partner_cohorts_you_run_are_offered(
    client: FlaskClient, trainer: User, co_trainer: User
) -> None:
    partner = make_organisation()
    mine = _partner_cohorts(trainer, partner.id, 1)[0]
    theirs = make_cohort(
        mine.course, facilitators=[co_trainer], partner_organisation_id=partner.id, title="Theirs"
    )
    login(client, trainer)

    text = page(client.get(f"/cohorts/{mine.id}/partner-learners"))
    forced = client.post(
        f"/cohorts/{mine.id}/partner-learners",
        data={"file": _csv([("a@example.org", "A")]), "cohort_ids": [str(theirs.id)]},
        content_type="multipart/form-data",
    )

    assert mine.title in text and "Theirs" not in text
    assert forced.status_code == 400
    assert count(Booking) == 0
