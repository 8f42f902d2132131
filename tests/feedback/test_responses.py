"""Asking for feedback on the last day, taking answers once and anonymously, reminding those
who have not answered, and the versioned questionnaire (R31-R33)."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from tests.courses.cohort_helpers import book_directly, in_days
from tests.factories import make_cohort, make_course, make_user
from tests.feedback.helpers import (
    count,
    learner,
    manager,
    people,
    ratings,
    requests_of,
    respond,
    trainer,
)
from trainhub.auth.models import User
from trainhub.courses.models import Cohort, Completion, Course
from trainhub.courses.services.attendance import Mark, add_makeup_attendee, record_attendance
from trainhub.courses.signals import course_completed
from trainhub.errors import ConflictError, PermissionDenied, ValidationFailed
from trainhub.extensions import db, utcnow
from trainhub.feedback import reporting
from trainhub.feedback.models import (
    FeedbackAnswer,
    FeedbackRequest,
    FeedbackResponse,
    Questionnaire,
)
from trainhub.feedback.services.questionnaire import ItemDraft, current_questionnaire, save_version
from trainhub.feedback.services.responses import (
    remind_cohort,
    request_feedback,
    send_reminders,
    submit_response,
)
from trainhub.mail.models import OutboxMessage

pytestmark = pytest.mark.usefixtures("app")


def cohort_of(
    course: Course | None = None, days: int | None = None, **overrides: Any
) -> tuple[Cohort, User]:
    """A published cohort (of a new 3-day course by default) that ran recently, so its
    registers are open, and its lead trainer."""
    course = course or make_course(duration_days=days or 3)
    lead = trainer()
    overrides.setdefault("start", in_days(-20))
    cohort = make_cohort(course, days=days, facilitators=[lead], **overrides)
    return cohort, lead


def asked(cohort: Cohort) -> set[int]:
    """Who has a feedback request for ``cohort``."""
    db.session.flush()
    query = select(FeedbackRequest.user_id).where(FeedbackRequest.cohort_id == cohort.id)
    return set(db.session.execute(query).scalars())


def mails(subject_start: str) -> list[str]:
    """Addresses of queued messages whose subject starts with ``subject_start``."""
    db.session.flush()
    query = select(OutboxMessage.to_address).where(OutboxMessage.subject.startswith(subject_start))
    return sorted(db.session.execute(query.order_by(OutboxMessage.id)).scalars())


# Feedback requests -------------------------------------------------------------------------


def test_the_last_days_register_asks_each_attendee_once() -> None:
    cohort, lead = cohort_of()
    there, late, absent = people(3)
    book_directly(cohort, [there, late, absent])
    everyone = {p.id: Mark("present") for p in (there, late, absent)}
    record_attendance(lead, cohort.days[0], everyone)
    record_attendance(lead, cohort.days[1], everyone)
    assert asked(cohort) == set()

    last = {there.id: Mark("present"), late.id: Mark("late", 20), absent.id: Mark("absent")}
    record_attendance(lead, cohort.days[2], last)

    assert asked(cohort) == {there.id, late.id}
    assert mails("How was") == sorted([there.email, late.email])
    [request] = requests_of(there)
    assert request.cohort.id == cohort.id
    assert request.cohort.course.id == cohort.course_id
    assert (request.responded, request.reminders_sent, request.last_reminded_at) == (
        False,
        0,
        None,
    )

    # The register saved again (or corrected) asks nobody a second time.
    record_attendance(lead, cohort.days[2], last)
    record_attendance(lead, cohort.days[2], {late.id: Mark("present")})
    assert count(FeedbackRequest) == 2
    assert len(mails("How was")) == 2


def test_a_made_up_day_asks_about_the_cohort_that_completed_the_course() -> None:
    course = make_course(duration_days=4)
    first, lead = cohort_of(course, start=in_days(-70))
    later, later_lead = cohort_of(course, start=in_days(-10))
    person = learner()
    book_directly(first, [person])
    for day, status in zip(first.days, ("present", "present", "absent", "present"), strict=True):
        record_attendance(lead, day, {person.id: Mark(status)})
    assert [r.cohort_id for r in requests_of(person)] == [first.id]

    # Day 3 of the later cohort is not its last day: the completion asks.
    add_makeup_attendee(later_lead, later.days[2], person)

    assert [r.cohort_id for r in requests_of(person)] == [first.id, later.id]
    assert mails("How was") == [person.email, person.email]


def test_someone_who_missed_the_last_day_is_asked_when_they_make_it_up() -> None:
    course = make_course(duration_days=2)
    first, lead = cohort_of(course, days=2, start=in_days(-70))
    later, later_lead = cohort_of(course, days=2, start=in_days(-10))
    person = learner()
    book_directly(first, [person])
    record_attendance(lead, first.days[0], {person.id: Mark("present")})
    record_attendance(lead, first.days[1], {person.id: Mark("absent")})
    assert requests_of(person) == []

    add_makeup_attendee(later_lead, later.days[1], person)

    assert [r.cohort_id for r in requests_of(person)] == [later.id]
    assert len(mails("How was")) == 1


def test_a_completion_announced_for_a_cohort_asks_about_it() -> None:
    cohort, _lead = cohort_of()
    person = learner()
    completion = Completion(
        user=person, course=cohort.course, completed_on=cohort.last_day, cohort_id=cohort.id
    )
    without_cohort = Completion(
        user=learner(), course=make_course(), completed_on=cohort.last_day, cohort_id=None
    )
    db.session.add_all([completion, without_cohort])
    db.session.flush()

    course_completed.send(None, completions=[completion, without_cohort], actor=None)
    course_completed.send(None, completions=[completion], actor=None)

    assert asked(cohort) == {person.id}
    assert count(FeedbackRequest) == 1


def test_an_inactive_account_is_asked_but_not_mailed() -> None:
    cohort, _lead = cohort_of()
    [gone] = people(1, active=False)

    request_feedback(cohort, [gone.id])

    assert asked(cohort) == {gone.id}
    assert mails("How was") == []


# Answers -----------------------------------------------------------------------------------


def _request(cohort: Cohort | None = None) -> FeedbackRequest:
    cohort = cohort or cohort_of()[0]
    [request] = request_feedback(cohort, [learner().id])
    return request


def test_the_answers_are_kept_without_a_name() -> None:
    request = _request()
    questionnaire = current_questionnaire()
    answers = ratings(5, take_away="Genograms", better="")

    response = submit_response(
        request.user, request, questionnaire, answers, True, today=dt.date(2026, 5, 1)
    )

    assert request.responded
    assert (response.cohort_id, response.questionnaire_id) == (request.cohort_id, questionnaire.id)
    assert response.quote_consent
    # Seven ratings and one comment; the empty answer is not stored.
    assert sorted((a.item.key, a.rating, a.text) for a in response.answers) == sorted(
        [(key, 5, "") for key in ratings()] + [("take_away", None, "Genograms")]
    )


def test_answers_cannot_be_traced_to_a_person() -> None:
    """No column of the answers points at a person: only the manager who picked a quote."""
    for table in ("feedback_responses", "feedback_answers"):
        model_fks = [
            (fk.parent.name, fk.column.table.name) for fk in db.metadata.tables[table].foreign_keys
        ]
        migrated_fks = [
            (fk["constrained_columns"][0], fk["referred_table"])
            for fk in sa.inspect(db.engine).get_foreign_keys(table)
        ]
        for fks in (model_fks, migrated_fks):
            to_users = sorted(column for column, target in fks if target == "users")
            assert to_users == ([] if table == "feedback_responses" else ["selected_by_id"])
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns(table)}
        assert not columns & {"user_id", "request_id", "responded_at", "created_at"}


def test_a_second_submission_keeps_the_first_answers() -> None:
    request = _request()
    questionnaire = current_questionnaire()
    submit_response(request.user, request, questionnaire, ratings(5), False)
    answers = count(FeedbackAnswer)

    with pytest.raises(ConflictError, match="first answers are kept"):
        submit_response(request.user, request, questionnaire, ratings(1, better="All"), True)

    assert count(FeedbackResponse) == 1
    assert count(FeedbackAnswer) == answers == 7
    assert set(db.session.execute(select(FeedbackAnswer.rating)).scalars()) == {5}
    assert db.session.execute(select(FeedbackResponse.quote_consent)).scalar_one() is False


def test_a_second_submission_from_another_copy_of_the_request_is_refused() -> None:
    """Two tabs: the stale copy still says "not answered", the database decides."""
    request = _request()
    questionnaire = current_questionnaire()
    submit_response(request.user, request, questionnaire, ratings(5), False)
    db.session.expire(request)
    stale = FeedbackRequest(id=request.id, user_id=request.user_id, cohort_id=request.cohort_id)

    with pytest.raises(ConflictError, match="first answers are kept"):
        submit_response(request.user, stale, questionnaire, ratings(2), False)
    assert count(FeedbackResponse) == 1


@pytest.mark.parametrize("value", [None, 0, 6, "5"])
def test_every_statement_needs_a_rating_from_1_to_5(value: object) -> None:
    request = _request()
    answers = ratings(4) | {"pace": value}

    with pytest.raises(ValidationFailed, match="rating from 1 to 5") as error:
        submit_response(request.user, request, current_questionnaire(), answers, False)  # type: ignore[arg-type]

    assert error.value.field == "item_pace"
    assert not request.responded
    assert count(FeedbackResponse) == count(FeedbackAnswer) == 0


def test_a_long_comment_is_refused() -> None:
    request = _request()

    with pytest.raises(ValidationFailed) as error:
        submit_response(
            request.user, request, current_questionnaire(), ratings(4, better="x" * 4001), False
        )

    assert error.value.field == "item_better"
    assert count(FeedbackResponse) == 0


def test_nobody_answers_someone_elses_request() -> None:
    request = _request()

    with pytest.raises(PermissionDenied):
        submit_response(learner(), request, current_questionnaire(), ratings(4), False)

    assert not request.responded
    assert count(FeedbackResponse) == 0


# Reminders ---------------------------------------------------------------------------------


def test_automatic_reminders_go_weekly_twice_to_those_who_have_not_answered() -> None:
    cohort, _lead = cohort_of()
    requests = request_feedback(cohort, [p.id for p in people(3)])
    answered = requests[0]
    submit_response(answered.user, answered, current_questionnaire(), ratings(4), False)
    waiting = requests[1:]
    start = utcnow()

    assert send_reminders(start + timedelta(days=6)) == 0
    assert send_reminders(start + timedelta(days=8)) == 2
    # The same day again, and three days later: nothing more.
    assert send_reminders(start + timedelta(days=8)) == 0
    assert send_reminders(start + timedelta(days=11)) == 0
    assert [(r.reminders_sent, r.last_reminded_at) for r in waiting] == [
        (1, start + timedelta(days=8))
    ] * 2

    assert send_reminders(start + timedelta(days=16)) == 2
    assert send_reminders(start + timedelta(days=40)) == 0

    assert [r.reminders_sent for r in waiting] == [2, 2]
    assert answered.reminders_sent == 0
    assert sorted(mails("Reminder:")) == sorted(r.user.email for r in waiting for _ in (1, 2))


def test_reminders_are_tracked_on_the_request_not_on_the_answers() -> None:
    answers = {c.name for c in FeedbackResponse.__table__.columns} | {
        c.name for c in FeedbackAnswer.__table__.columns
    }
    requests = {c.name for c in FeedbackRequest.__table__.columns}

    assert {"reminders_sent", "last_reminded_at"} <= requests
    assert not answers & {"reminders_sent", "last_reminded_at"}


def test_a_trainer_reminds_the_cohort_once_a_day() -> None:
    cohort, lead = cohort_of()
    requests = request_feedback(cohort, [p.id for p in people(3)])
    submit_response(requests[0].user, requests[0], current_questionnaire(), ratings(4), False)

    assert remind_cohort(lead, cohort) == 2
    with pytest.raises(ConflictError, match="reminded in the last 24 hours"):
        remind_cohort(manager(), cohort)

    for request in requests[1:]:
        request.last_reminded_at = utcnow() - timedelta(hours=25)
    assert remind_cohort(lead, cohort) == 2
    assert [r.reminders_sent for r in requests] == [0, 2, 2]
    assert len(mails("Reminder:")) == 4


def test_nobody_is_reminded_when_everyone_has_answered() -> None:
    cohort, lead = cohort_of()
    for request in request_feedback(cohort, [p.id for p in people(2)]):
        submit_response(request.user, request, current_questionnaire(), ratings(4), False)

    with pytest.raises(ConflictError, match="already answered"):
        remind_cohort(lead, cohort)
    assert mails("Reminder:") == []


def test_only_the_cohorts_trainers_and_managers_remind() -> None:
    cohort, _lead = cohort_of()
    request_feedback(cohort, [learner().id])

    for outsider in (trainer(), learner()):
        with pytest.raises(PermissionDenied):
            remind_cohort(outsider, cohort)
    assert mails("Reminder:") == []


# The questionnaire -------------------------------------------------------------------------


def admin() -> User:
    return make_user(roles=["admin"])


def drafts(questionnaire: Questionnaire) -> list[ItemDraft]:
    return [ItemDraft(i.key, i.kind, i.text, i.text_cy) for i in questionnaire.items]


def test_the_standard_questionnaire_is_made_once() -> None:
    questionnaire = current_questionnaire()

    assert questionnaire.version == 1
    assert [i.kind for i in questionnaire.items] == ["rating"] * 7 + ["text"] * 2
    assert [i.position for i in questionnaire.items] == list(range(1, 10))
    assert all(i.text and i.text_cy for i in questionnaire.items)
    assert current_questionnaire().id == questionnaire.id
    assert count(Questionnaire) == 1


def test_editing_makes_a_new_version_and_keeps_the_keys_of_reworded_items() -> None:
    first = current_questionnaire()
    items = drafts(first)
    items[0].text = "The trainers knew their subject."
    items.append(ItemDraft("", "rating", "The venue was accessible."))
    items.append(ItemDraft("", "text", "Anything else?"))

    second = save_version(admin(), items, "  Reworded knowledge  ")

    assert (second.version, second.note) == (2, "Reworded knowledge")
    assert [i.key for i in second.items] == [i.key for i in first.items] + [
        "the_venue_was_accessible",
        "anything_else",
    ]
    assert second.items[0].text == "The trainers knew their subject."
    db.session.expire_all()
    assert db.session.get_one(Questionnaire, first.id).items[0].text == (
        "The trainers were knowledgeable."
    )
    assert current_questionnaire().id == second.id


def test_a_new_item_never_takes_a_retired_items_key() -> None:
    first = current_questionnaire()
    items = [d for d in drafts(first) if d.key != "pace"]
    save_version(admin(), items, "Pace retired")

    third = save_version(admin(), [*items, ItemDraft("", "rating", "Pace")], "Pace again")

    assert third.items[-1].key == "pace_2"


def test_a_questionnaire_that_changes_nothing_or_rates_nothing_is_refused() -> None:
    first = current_questionnaire()

    with pytest.raises(ValidationFailed, match="Nothing has changed") as error:
        save_version(admin(), drafts(first), "")
    assert error.value.field == "items"
    with pytest.raises(ValidationFailed, match="at least one rating") as error:
        save_version(admin(), [d for d in drafts(first) if d.kind == "text"], "")
    assert error.value.field == "items"
    with pytest.raises(PermissionDenied):
        save_version(manager(), [*drafts(first), ItemDraft("", "text", "More?")], "")

    assert count(Questionnaire) == 1


def test_answers_keep_their_version_and_means_add_up_by_key() -> None:
    cohort, _lead = cohort_of()
    first = current_questionnaire()
    old = respond(cohort, 3, value=5)
    items = drafts(current_questionnaire())
    items[0].text = "The trainers knew their subject."
    second = save_version(admin(), items, "Reworded")
    [request, other] = request_feedback(cohort, [p.id for p in people(2)])
    new = [
        submit_response(request.user, request, second, ratings(2), False),
        submit_response(other.user, other, second, ratings(2), False),
    ]

    assert {r.questionnaire_id for r in old} == {first.id}
    assert {r.questionnaire_id for r in new} == {second.id}
    results = reporting.feedback(select(Cohort.id).where(Cohort.id == cohort.id))
    knowledge = results["items"][0]
    assert (knowledge["key"], knowledge["n"], knowledge["mean"]) == ("knowledge", 5, "3.80")
    assert knowledge["text"] == "The trainers knew their subject."
    assert len(results["items"]) == 7
    assert (results["requests"], results["responses"], results["response_rate"]) == (5, 5, 100.0)
