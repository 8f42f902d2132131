"""The follow-up impact survey (R34): sent once per completion a set time after it, with
one reminder; answered once and kept without a name; its figures in "Is anyone better off?"
only from k answers."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import func, select

from tests.accreditation.helpers import complete
from tests.factories import make_course, make_user
from tests.feedback.helpers import people
from tests.feedback.view_helpers import as_user, banners, field_error, follow, page
from trainhub.auth.models import User
from trainhub.courses.models import Completion, Course, local_today
from trainhub.errors import ConflictError, PermissionDenied, ValidationFailed
from trainhub.extensions import db, utcnow
from trainhub.feedback import reporting
from trainhub.feedback.models import ImpactAnswer, ImpactRequest, ImpactResponse
from trainhub.feedback.reporting._sql import tagged_union
from trainhub.feedback.reporting.impact import impact_parts, impact_tables
from trainhub.feedback.reporting.outcomes import outcomes
from trainhub.feedback.services import impact as survey
from trainhub.financial_years import Period
from trainhub.mail.models import OutboxMessage

pytestmark = pytest.mark.usefixtures("app")

#: A completion day, and the day its survey is due (91 days later by default).
DONE = dt.date(2026, 3, 2)
DUE = DONE + timedelta(days=91)


def subjects(person: User) -> list[str]:
    db.session.flush()
    query = select(OutboxMessage.subject).where(OutboxMessage.to_address == person.email)
    return list(db.session.execute(query.order_by(OutboxMessage.id)).scalars())


def completer(course: Course | None = None, on: dt.date = DONE, **attributes: Any) -> User:
    person = make_user(roles=["learner"], **attributes)
    complete(person, course or make_course(title="Safety Planning"), on)
    return person


def answers(changed: str = "yes", rating: int = 4, **more: Any) -> dict[str, Any]:
    given: dict[str, Any] = {
        "practice_changed": changed,
        "safety_plans": "yes",
        "confidence_motivation": rating,
        "confidence_risk": rating,
        "transfer": rating,
        "example": "",
    }
    return given | more


def asked(person: User) -> ImpactRequest:
    db.session.flush()
    query = select(ImpactRequest).where(ImpactRequest.user_id == person.id)
    return db.session.execute(query).scalar_one()


# Sending ------------------------------------------------------------------------------------


def test_a_completion_is_asked_once_when_the_set_time_has_passed() -> None:
    person = completer()

    assert survey.send_impact_surveys(today=DUE - timedelta(days=1)) == 0
    assert survey.send_impact_surveys(today=DUE) == 1
    assert survey.send_impact_surveys(today=DUE) == 0
    assert survey.send_impact_surveys(today=DUE + timedelta(days=5)) == 0

    assert subjects(person) == ["Has Safety Planning changed your practice?"]
    request = asked(person)
    assert (request.responded, request.reminders_sent) == (False, 0)


def test_the_time_after_completion_is_a_setting(app: Flask) -> None:
    app.config["IMPACT_SURVEY_AFTER_DAYS"] = 30
    person = completer()

    assert survey.send_impact_surveys(today=DONE + timedelta(days=29)) == 0
    assert survey.send_impact_surveys(today=DONE + timedelta(days=30)) == 1
    assert asked(person).user_id == person.id


def test_recorded_long_past_and_inactive_completions_are_not_asked() -> None:
    recorded = completer()
    for completion in completions_of(recorded):
        completion.recorded = True
    long_past = completer(on=DONE - timedelta(days=survey.LATEST_AFTER_DAYS))
    inactive = completer(active=False)

    assert survey.send_impact_surveys(today=DUE) == 0
    assert [subjects(p) for p in (recorded, long_past, inactive)] == [[], [], []]


def completions_of(person: User) -> list[Completion]:
    query = select(Completion).where(Completion.user_id == person.id)
    return list(db.session.execute(query).scalars())


def test_a_late_run_still_asks_within_four_weeks() -> None:
    person = completer()

    assert survey.send_impact_surveys(today=DUE + timedelta(days=27)) == 1
    assert subjects(person) == ["Has Safety Planning changed your practice?"]


def test_one_reminder_two_weeks_after_asking_to_those_who_have_not_answered() -> None:
    waiting, answered = completer(), completer()
    start = utcnow()
    survey.send_impact_surveys(today=DUE, now=start)
    survey.submit_impact_response(answered, asked(answered), answers())

    assert survey.send_impact_reminders(start + timedelta(days=13)) == 0
    assert survey.send_impact_reminders(start + timedelta(days=15)) == 1
    assert survey.send_impact_reminders(start + timedelta(days=40)) == 0

    assert subjects(waiting)[-1] == "Reminder: has Safety Planning changed your practice?"
    assert len(subjects(answered)) == 1
    assert asked(waiting).reminders_sent == 1


def test_the_daily_job_sends_the_surveys_and_their_reminders(app: Flask) -> None:
    completer(on=local_today() - timedelta(days=91))
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["feedback", "remind"])

    assert result.exit_code == 0, result.output
    assert "1 impact survey(s) and 0 survey reminder(s) queued." in result.output


# Answering ----------------------------------------------------------------------------------


def test_the_answers_are_kept_without_a_name() -> None:
    person = completer()
    survey.send_impact_surveys(today=DUE)
    request = asked(person)

    response = survey.submit_impact_response(
        person,
        request,
        answers("yes", 5, safety_plans="not_applicable", example="I write safety plans now."),
        today=dt.date(2026, 6, 10),
    )

    assert request.responded
    assert (response.course_id, response.submitted_on) == (request.course_id, dt.date(2026, 6, 10))
    assert sorted((a.key, a.value, a.text) for a in response.answers) == [
        ("confidence_motivation", 5, ""),
        ("confidence_risk", 5, ""),
        ("example", None, "I write safety plans now."),
        ("practice_changed", 1, ""),
        ("transfer", 5, ""),
    ]


def test_answers_cannot_be_traced_to_a_person() -> None:
    """No column of the answers points at a person, a completion or a request."""
    for table in ("impact_responses", "impact_answers"):
        fks = [fk["referred_table"] for fk in sa.inspect(db.engine).get_foreign_keys(table)] + [
            fk.column.table.name for fk in db.metadata.tables[table].foreign_keys
        ]
        assert not set(fks) & {"users", "completions", "impact_requests"}
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns(table)}
        assert not columns & {"user_id", "request_id", "completion_id", "created_at"}
    columns = {c["name"] for c in sa.inspect(db.engine).get_columns("impact_requests")}
    assert not columns & {"responded_at", "response_id", "submitted_on"}


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"practice_changed": None}, "q_practice_changed"),
        ({"practice_changed": "not_applicable"}, "q_practice_changed"),
        ({"safety_plans": "maybe"}, "q_safety_plans"),
        ({"transfer": 6}, "q_transfer"),
        ({"confidence_risk": None}, "q_confidence_risk"),
        ({"example": "x" * 4001}, "q_example"),
    ],
)
def test_a_missing_or_wrong_answer_is_refused_on_its_question(
    given: dict[str, Any], field: str
) -> None:
    person = completer()
    survey.send_impact_surveys(today=DUE)

    with pytest.raises(ValidationFailed) as refused:
        survey.submit_impact_response(person, asked(person), answers(**given))

    assert refused.value.field == field
    assert db.session.execute(select(func.count(ImpactResponse.id))).scalar_one() == 0


def test_a_survey_is_answered_once_and_by_its_own_person() -> None:
    person, other = completer(), make_user(roles=["learner"])
    survey.send_impact_surveys(today=DUE)
    request = asked(person)

    with pytest.raises(PermissionDenied):
        survey.submit_impact_response(other, request, answers())
    survey.submit_impact_response(person, request, answers())
    with pytest.raises(ConflictError):
        survey.submit_impact_response(person, request, answers("no"))

    assert db.session.execute(select(func.count(ImpactResponse.id))).scalar_one() == 1


# The report ---------------------------------------------------------------------------------


def answered_by(n: int, on: dt.date, **given: Any) -> None:
    course = make_course(title="Family Focused Interventions")
    group = people(n)
    for person in group:
        complete(person, course, DONE)
    survey.send_impact_surveys(today=DUE)
    for index, person in enumerate(group):
        changed = "yes" if index % 2 == 0 else "no"
        survey.submit_impact_response(
            person, asked(person), answers(changed, 3 + index % 3, **given), today=on
        )


def test_below_the_floor_only_n_and_the_reason_and_no_answer_is_read() -> None:
    answered_by(4, dt.date(2026, 6, 1), example="We closed a case sooner.")
    db.session.flush()

    figures = outcomes(Period(2026))["impact"]

    assert figures == {"asked": 4, "responses": 4, "floor": 5, "items": []}
    # The statement itself returns no answer below the floor.
    slots = {"title": sa.String(), "n": sa.Integer(), "n2": sa.Integer(), "number": sa.Integer()}
    found = tagged_union(slots, impact_parts(Period(2026), 5))
    assert found["impact_answers"] == []
    assert [tuple(r)[1:] for r in tagged_union(slots, impact_parts(Period(2026), 4))["impact"]] == [
        (None, 4, 4, None)
    ]
    [table] = impact_tables(figures)
    assert table.section == "better_off" and table.rows == []
    assert table.empty.startswith("Too few answers to show. 4 responses so far (n = 4).")
    assert "We closed a case sooner." not in repr(table)


def test_from_the_floor_the_share_saying_yes_and_the_mean_ratings() -> None:
    answered_by(5, dt.date(2026, 6, 1), example="We closed a case sooner.")
    answered_by(3, dt.date(2027, 4, 2))  # the next financial year

    figures = outcomes(Period(2026))["impact"]

    assert figures["responses"] == 5
    by_key = {i["key"]: i for i in figures["items"]}
    # Yes, no, yes, no, yes; ratings 3, 4, 5, 3, 4.
    assert by_key["practice_changed"] == {
        "key": "practice_changed",
        "n": 5,
        "yes": 60.0,
        "mean": None,
    }
    assert by_key["safety_plans"]["yes"] == 100.0
    assert by_key["transfer"] == {"key": "transfer", "n": 5, "yes": None, "mean": "3.80"}
    # Written examples are counted, never shown.
    assert by_key["example"] == {"key": "example", "n": 5, "yes": None, "mean": None}
    [table] = impact_tables(figures)
    assert table.rows[0][:3] == ["Has your practice changed since the training?", 5, 60.0]
    assert "We closed a case sooner." not in repr(table)


def test_the_survey_is_in_the_reports_figures_and_tables() -> None:
    answered_by(5, dt.date(2026, 6, 1))

    figures = reporting.compute(Period(2026), today=dt.date(2027, 5, 1))

    assert figures["impact"]["responses"] == 5
    tables = {t.key: t for t in reporting.build(figures)}
    assert tables["impact"].section == "better_off"
    # A snapshot published before the survey existed has no such table.
    old = dict(figures)
    del old["impact"]
    assert "impact" not in {t.key for t in reporting.build(reporting.stored(old))}


# Pages --------------------------------------------------------------------------------------


def test_a_learner_answers_from_their_feedback_page(app: Flask) -> None:
    person = completer()
    survey.send_impact_surveys(today=DUE)
    request = asked(person)
    client = as_user(app, person)

    listed = page(client.get("/my/feedback"))
    assert "Follow-up surveys" in listed
    assert f"/feedback/impact/{request.id}" in listed

    missing = client.post(f"/feedback/impact/{request.id}", data={"q_transfer": "4"})
    assert missing.status_code == 400
    assert field_error(page(missing), "q_practice_changed") == "Answer yes or no"
    assert db.session.execute(select(func.count(ImpactAnswer.id))).scalar_one() == 0

    data = {
        "q_practice_changed": "yes",
        "q_safety_plans": "no",
        "q_confidence_motivation": "4",
        "q_confidence_risk": "5",
        "q_transfer": "4",
        "q_example": "",
    }
    done = client.post(f"/feedback/impact/{request.id}", data=data)
    assert ("success", "Thank you: your answers have been sent.") in banners(follow(client, done))
    assert db.session.get_one(ImpactRequest, request.id).responded

    again = client.get(f"/feedback/impact/{request.id}")
    assert "You have already answered the survey on Safety Planning" in page(again)
    assert client.post(f"/feedback/impact/{request.id}", data=data).status_code == 409


def test_nobody_opens_someone_elses_survey(app: Flask) -> None:
    person = completer()
    survey.send_impact_surveys(today=DUE)
    request = asked(person)

    assert (
        as_user(app, make_user(roles=["learner"])).get(f"/feedback/impact/{request.id}").status_code
        == 403
    )
    assert as_user(app, person).get(f"/feedback/impact/{request.id + 99}").status_code == 404
