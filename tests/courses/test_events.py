"""Events that are not courses (R18): briefings, conferences, peer forums and drop-ins are
scheduled, booked and registered like cohorts, never completed, and counted apart in the
report; follow-up sessions (R14) are counted apart too."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from tests.courses.cohort_helpers import cohort_data, learner, trainer
from tests.factories import make_booking, make_cohort, make_course, make_user, make_venue
from tests.helpers import as_user, page
from trainhub.courses.models import Completion, course_prerequisites, local_today
from trainhub.courses.services.attendance import Mark, record_attendance
from trainhub.courses.services.booking import book_place
from trainhub.courses.services.catalogue import CourseInput, create_course, update_course
from trainhub.courses.services.follow_ups import FollowUpInput, add_follow_up
from trainhub.courses.services.follow_ups import record_attendance as record_follow_up
from trainhub.courses.services.scheduling import schedule_cohort
from trainhub.courses.signals import course_completed
from trainhub.errors import ValidationFailed
from trainhub.extensions import db
from trainhub.feedback.models import FeedbackRequest
from trainhub.feedback.reporting import build, compute, five_years
from trainhub.financial_years import Period, financial_year

pytestmark = pytest.mark.usefixtures("app")


def test_a_course_can_be_an_event_but_a_framework_programme_cannot() -> None:
    admin = make_user(roles=["admin"])
    briefing = create_course(
        admin,
        CourseInput(
            code="BRIEF-1", title="Practice briefing", duration_days=1, event_type="briefing"
        ),
    )
    assert briefing.is_event

    with pytest.raises(ValidationFailed) as framework:
        create_course(
            admin,
            CourseInput(
                code="CONF-1",
                title="Conference",
                duration_days=1,
                kind="framework",
                event_type="conference",
            ),
        )
    assert framework.value.field == "event_type"
    with pytest.raises(ValidationFailed) as unknown:
        create_course(
            admin, CourseInput(code="X-1", title="X", duration_days=1, event_type="party")
        )
    assert unknown.value.field == "event_type"


def test_an_event_is_never_a_prerequisite() -> None:
    admin = make_user(roles=["admin"])
    briefing = make_course(title="Practice briefing", event_type="briefing")
    course = make_course(title="Working with fathers")

    # Nobody ever completes an event: a course that needed one could never be booked.
    with pytest.raises(ValidationFailed) as refused:
        update_course(admin, course, {"prerequisite_ids": {briefing.id}})
    assert refused.value.field == "prerequisite_ids"
    assert "An event is never completed" in refused.value.message
    assert course.prerequisites == []
    with pytest.raises(ValidationFailed):
        create_course(
            admin,
            CourseInput(code="N-1", title="N", duration_days=1, prerequisite_ids={briefing.id}),
        )

    # Nor does a course that others need first become an event.
    needed = make_course(title="Foundations")
    update_course(admin, course, {"prerequisite_ids": {needed.id}})
    with pytest.raises(ValidationFailed) as turned:
        update_course(admin, needed, {"event_type": "drop_in"})
    assert turned.value.field == "event_type"
    assert needed.event_type == ""


def test_a_course_set_up_before_the_rule_still_saves_what_does_not_touch_it() -> None:
    admin = make_user(roles=["admin"])
    briefing = make_course(title="Practice briefing", event_type="briefing")
    course = make_course(title="Working with fathers")
    db.session.execute(
        course_prerequisites.insert().values(course_id=course.id, prerequisite_id=briefing.id)
    )
    db.session.expire(course)
    update_course(admin, course, {"delivery_notes": "Bring the case studies."})
    assert course.delivery_notes == "Bring the case studies."
    # Its prerequisites changed: then the event must go.
    other = make_course(title="Foundations")
    with pytest.raises(ValidationFailed) as refused:
        update_course(admin, course, {"prerequisite_ids": {briefing.id, other.id}})
    assert refused.value.field == "prerequisite_ids"
    update_course(admin, course, {"prerequisite_ids": {other.id}})
    assert course.prerequisites == [other]


def test_a_course_that_opens_a_level_never_becomes_an_event() -> None:
    from trainhub.accreditation.services.levels import LevelInput, save_level

    admin = make_user(roles=["admin"])
    opener = make_course(title="Foundations")
    briefing = make_course(title="Practice briefing", event_type="briefing")
    save_level(admin, None, LevelInput(7, "Leading", ["Lead"], entry_course_ids={opener.id}))
    with pytest.raises(ValidationFailed) as refused:
        update_course(admin, opener, {"event_type": "briefing"})
    assert refused.value.field == "event_type"
    assert "accreditation level 7" in refused.value.message
    assert opener.event_type == ""
    # Nor does an event open a level.
    with pytest.raises(ValidationFailed) as opens:
        save_level(admin, None, LevelInput(8, "Other", ["One"], entry_course_ids={briefing.id}))
    assert opens.value.field == "entry_course_ids"
    # A level set up before the rule still saves its other edits.
    older = save_level(admin, None, LevelInput(9, "Older", ["One"]))
    older.entry_courses = [briefing]
    db.session.flush()
    save_level(
        admin, older, LevelInput(9, "Older, renamed", ["One"], entry_course_ids={briefing.id})
    )
    assert older.title == "Older, renamed"
    # An event may change its type: it was never completed anyway.
    update_course(admin, briefing, {"event_type": "conference"})
    assert briefing.event_type == "conference"


def test_the_course_form_offers_no_event_as_a_prerequisite(app: Flask) -> None:
    admin = make_user(roles=["admin"])
    briefing = make_course(title="Practice briefing", event_type="briefing")
    course = make_course(title="Working with fathers")
    other = make_course(title="Foundations")
    client = as_user(app, admin)

    def offered() -> set[int]:
        form = page(client.get(f"/courses/{course.code}/edit"))
        boxes = re.findall(r'<input[^>]*name="prerequisite_ids"[^>]*>', form)
        return {int(re.search(r'value="(\d+)"', box).group(1)) for box in boxes}  # type: ignore[union-attr]

    assert other.id in offered()
    assert briefing.id not in offered()

    # One chosen before this rule stays in the list, so the form can say why it must go.
    db.session.execute(
        course_prerequisites.insert().values(course_id=course.id, prerequisite_id=briefing.id)
    )
    db.session.commit()
    assert briefing.id in offered()


def test_an_event_is_scheduled_as_one_and_its_type_is_fixed_once_it_has_cohorts() -> None:
    lead = trainer()
    briefing = make_course(title="Practice briefing", event_type="briefing")
    venue = make_venue()
    cohort = schedule_cohort(
        lead, briefing, cohort_data(venue, [local_today() + timedelta(days=9)], [lead])
    )
    assert cohort.kind == "event" and cohort.is_event

    with pytest.raises(ValidationFailed) as fixed:
        update_course(make_user(roles=["admin"]), briefing, {"event_type": ""})
    assert fixed.value.field == "event_type"
    assert briefing.event_type == "briefing"

    course = make_course()
    assert (
        schedule_cohort(
            lead, course, cohort_data(venue, [local_today() + timedelta(days=19)], [lead])
        ).kind
        == "course"
    )


def test_an_event_is_booked_and_registered_but_never_completed() -> None:
    lead = trainer()
    cohort = make_cohort(
        make_course(event_type="peer_forum"),
        kind="event",
        facilitators=[lead],
        start=local_today() - timedelta(days=1),
    )
    ann = learner()
    make_booking(cohort, ann, "booked")
    completed: list[object] = []

    def receiver(sender: object, **kwargs: object) -> None:
        completed.append(kwargs)

    with course_completed.connected_to(receiver):
        record_attendance(lead, cohort.days[0], {ann.id: Mark("present")})

    assert db.session.execute(select(Completion)).first() is None
    assert completed == []
    db.session.refresh(cohort)
    assert [b.status for b in cohort.bookings] == ["attended"]
    # Nor is anyone asked the course questionnaire about it.
    assert db.session.execute(select(FeedbackRequest)).first() is None


def test_a_learner_books_an_event_like_a_cohort(app: Flask) -> None:
    cohort = make_cohort(
        make_course(title="Practice briefing", event_type="briefing"), kind="event"
    )
    ann = learner()
    book_place(ann, cohort)
    assert [b.status for b in cohort.bookings] == ["booked"]
    shown = page(as_user(app, learner()).get(f"/cohorts/{cohort.id}"))
    assert "Briefing" in shown and "there is no completion or certificate" in shown


def test_the_report_counts_events_and_follow_ups_apart_from_the_courses() -> None:
    today = local_today()
    period = Period(financial_year(today))
    start = max(period.start, today - timedelta(days=20))
    lead = trainer()
    venue = make_venue()
    course = make_cohort(
        make_course(title="Safety Planning"), facilitators=[lead], start=start, venue=venue
    )
    event = make_cohort(
        make_course(title="Practice briefing", event_type="briefing"),
        kind="event",
        facilitators=[lead],
        start=start,
        capacity=30,
        venue=venue,
    )
    ann, bob = learner(), learner()
    for cohort in (course, event):
        make_booking(cohort, ann, "booked")
        make_booking(cohort, bob, "booked")
        record_attendance(lead, cohort.days[0], {ann.id: Mark("present"), bob.id: Mark("absent")})
    session = add_follow_up(
        lead,
        course,
        FollowUpInput("Booster", today, time(10), time(12), venue.id, [lead.id]),
    )
    record_follow_up(lead, session, {ann.id: "present", bob.id: "late"})

    figures = compute(period, today)

    assert [c["course"] for c in figures["courses"]] == ["Safety Planning"]
    assert figures["totals"]["cohorts"] == 1
    assert figures["totals"]["attendees"] == 1
    assert figures["events"] == [
        {
            "event_type": "briefing",
            "events": 1,
            "places_offered": 30,
            "places_filled": 2,
            "attendees": 1,
        }
    ]
    assert figures["follow_ups"] == [
        {"course": "Safety Planning", "sessions": 1, "attendances": 2, "people": 2}
    ]
    tables = {t.key: t for t in build(figures)}
    assert tables["events"].rows == [["Briefing", 1, 30, 2, 1]]
    assert tables["follow_ups"].total == ["Total", 1, 2, 2]
    this_year = five_years(period.year, today)["years"][-1]
    assert (this_year["cohorts"], this_year["attendees"]) == (1, 1)
