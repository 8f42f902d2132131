"""Assessment: claiming, judgements, the decision, internal verification and the award."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.accreditation.helpers import (
    admin,
    application,
    assessor,
    claimed,
    complete,
    count,
    events,
    judge_all,
    learner,
    level,
    outbox,
    pdf,
    pdf_bytes,
    submitted,
)
from tests.factories import make_user
from trainhub.accreditation.models import (
    ACHIEVED,
    AWAITING_VERIFICATION,
    IN_PROGRESS,
    RESUBMISSION_REQUESTED,
    SUBMITTED,
    VALID,
    ApplicationEvent,
    Certificate,
    CpdEntry,
    OutcomeJudgement,
    Workbook,
)
from trainhub.accreditation.services.applications import submit_application, upload_workbook
from trainhub.accreditation.services.assessment import (
    Judgement,
    assign_assessor,
    claim_application,
    decide_application,
    latest_judgements,
    record_judgements,
    verify_application,
)
from trainhub.accreditation.services.cpd import LEVEL, ledger, totals_by_year
from trainhub.courses.models import local_today
from trainhub.errors import ConflictError, PermissionDenied, ValidationFailed
from trainhub.extensions import AppendOnlyViolation, db
from trainhub.financial_years import financial_year


def judgement_rows() -> list[tuple[int, int, bool, str]]:
    query = select(
        OutcomeJudgement.id,
        OutcomeJudgement.outcome_id,
        OutcomeJudgement.met,
        OutcomeJudgement.comment,
    ).order_by(OutcomeJudgement.id)
    return [tuple(row) for row in db.session.execute(query)]  # type: ignore[misc]


# Claiming and assigning ------------------------------------------------------------------


def test_an_assessor_claims_a_submitted_application(catalogue: None) -> None:
    sent = submitted(3)
    marker = assessor()

    claim_application(marker, sent)
    claim_application(marker, sent)  # claiming again changes nothing
    db.session.commit()

    assert sent.assessor_id == marker.id
    assert [e for e in events(sent) if e[0] == "claimed"] == [
        ("claimed", marker.id, SUBMITTED, None)
    ]


def test_nobody_assesses_their_own_application(catalogue: None) -> None:
    person = make_user(roles=["learner", "assessor"])
    sent = submitted(2, person)
    db.session.commit()

    with pytest.raises(PermissionDenied) as refused:
        claim_application(person, sent)

    assert refused.value.message == "You cannot assess your own application"
    assert sent.assessor_id is None
    assert count(ApplicationEvent, ApplicationEvent.kind == "claimed") == 0


def test_a_learner_without_the_assessor_role_cannot_claim(catalogue: None) -> None:
    sent = submitted(3)

    with pytest.raises(PermissionDenied):
        claim_application(learner(), sent)

    assert sent.assessor_id is None


def test_a_second_assessor_cannot_claim_what_another_has(catalogue: None) -> None:
    sent, first = claimed(3)
    db.session.commit()

    with pytest.raises(ConflictError) as refused:
        claim_application(assessor(), sent)

    assert refused.value.message == "Another assessor has already claimed this application"
    db.session.expire_all()
    assert sent.assessor_id == first.id


def test_an_application_still_in_progress_cannot_be_claimed(catalogue: None) -> None:
    started = application(3)

    with pytest.raises(ConflictError):
        claim_application(assessor(), started)

    assert started.assessor_id is None


def test_an_admin_assigns_an_assessor_who_is_told(catalogue: None) -> None:
    sent, _first = claimed(3)
    other = assessor()
    boss = admin()

    assign_assessor(boss, sent, other)
    db.session.commit()

    assert sent.assessor_id == other.id
    assert events(sent)[-1] == ("assigned", boss.id, SUBMITTED, None)
    assert [m.subject for m in outbox(other)] == ["Assigned to you: Level 3"]


@pytest.mark.parametrize("roles", [["assessor"], ["manager"], ["learner"]])
def test_only_an_admin_assigns(catalogue: None, roles: list[str]) -> None:
    sent = submitted(3)
    other = assessor()

    with pytest.raises(PermissionDenied):
        assign_assessor(make_user(roles=roles), sent, other)

    assert sent.assessor_id is None


def test_the_learner_cannot_be_assigned_their_own_application(catalogue: None) -> None:
    person = make_user(roles=["learner", "assessor"])
    sent = submitted(2, person)

    with pytest.raises(ValidationFailed) as refused:
        assign_assessor(admin(), sent, person)
    with pytest.raises(ValidationFailed) as not_assessor:
        assign_assessor(admin(), sent, learner())

    assert refused.value.field == "assessor_id"
    assert refused.value.message == "Learners cannot assess their own application"
    assert not_assessor.value.message == "Choose an active assessor"
    assert sent.assessor_id is None
    assert count(ApplicationEvent, ApplicationEvent.kind == "assigned") == 0


# Judgements ------------------------------------------------------------------------------


def test_an_outcome_not_met_needs_a_comment(catalogue: None) -> None:
    sent, marker = claimed(3)
    second = level(3).outcomes[1]

    with pytest.raises(ValidationFailed) as refused:
        record_judgements(
            marker,
            sent,
            {level(3).outcomes[0].id: Judgement(True), second.id: Judgement(False, "   ")},
        )

    assert refused.value.field == f"comment_{second.id}"
    assert refused.value.message == (
        "Say what is missing for outcome 2, so the learner knows what to do"
    )
    assert count(OutcomeJudgement) == 0


def test_only_the_claiming_assessor_judges_and_only_this_levels_outcomes(
    catalogue: None,
) -> None:
    sent, marker = claimed(3)

    with pytest.raises(PermissionDenied):
        record_judgements(assessor(), sent, {level(3).outcomes[0].id: Judgement(True)})
    with pytest.raises(ValidationFailed) as refused:
        record_judgements(marker, sent, {level(2).outcomes[0].id: Judgement(True)})

    assert refused.value.field == "outcomes"
    assert count(OutcomeJudgement) == 0


def test_a_changed_judgement_is_a_new_row_and_history_is_kept(catalogue: None) -> None:
    sent, marker = claimed(3)
    outcomes = level(3).outcomes
    judge_all(marker, sent, not_met=(2,))
    db.session.commit()
    first_round = judgement_rows()

    written = record_judgements(
        marker,
        sent,
        {
            outcomes[0].id: Judgement(True),  # unchanged: nothing written
            outcomes[1].id: Judgement(True),  # changed: a new row
            outcomes[2].id: Judgement(False, "Say more about the referral meeting"),
        },
    )
    db.session.commit()

    assert len(first_round) == 6
    assert [(w.outcome_id, w.met) for w in written] == [
        (outcomes[1].id, True),
        (outcomes[2].id, False),
    ]
    assert judgement_rows()[:6] == first_round  # the old rows untouched
    assert len(judgement_rows()) == 8
    latest = latest_judgements(sent)
    assert latest[outcomes[1].id].met is True
    assert latest[outcomes[2].id].comment == "Say more about the referral meeting"
    assert all(j.workbook_id == sent.workbooks[-1].id for j in written)


def test_rewriting_the_same_comment_writes_nothing(catalogue: None) -> None:
    sent, marker = claimed(3)
    judge_all(marker, sent, not_met=(1,))

    first = level(3).outcomes[0]

    written = record_judgements(marker, sent, {first.id: Judgement(False, " Add a case example ")})

    assert written == []
    assert count(OutcomeJudgement) == 6


# The decision ----------------------------------------------------------------------------


def test_award_is_refused_while_outcomes_are_unjudged(catalogue: None) -> None:
    sent, marker = claimed(3)
    judge_all(marker, sent, skip=(2, 5))

    with pytest.raises(ValidationFailed) as refused:
        decide_application(marker, sent, achieved=True)

    assert refused.value.field == "decision"
    assert refused.value.message == (
        "Judge every learning outcome first: outcome 2, 5 not judged yet"
    )
    assert sent.status == SUBMITTED
    assert count(CpdEntry) == 0
    assert count(Certificate) == 0


def test_level_3_is_awarded_only_when_all_six_outcomes_are_met(catalogue: None) -> None:
    sent, marker = claimed(3)
    judge_all(marker, sent, not_met=(6,))

    with pytest.raises(ValidationFailed) as refused:
        decide_application(marker, sent, achieved=True)

    assert refused.value.message == (
        "The level can only be awarded when every outcome is met: outcome 6 is not yet met"
    )
    assert sent.status == SUBMITTED
    assert sent.achieved_on is None

    record_judgements(marker, sent, {level(3).outcomes[5].id: Judgement(True)})
    decide_application(marker, sent, achieved=True, note="Well evidenced")
    db.session.commit()

    assert sent.status == ACHIEVED
    assert sent.achieved_on == local_today()
    assert sent.closed_at is not None
    assert events(sent)[-1] == ("awarded", marker.id, SUBMITTED, ACHIEVED)


def test_a_retired_outcome_is_not_needed_for_the_award(catalogue: None) -> None:
    sent, marker = claimed(3)
    level(3).all_outcomes[5].is_active = False
    db.session.flush()
    db.session.expire(level(3), ["outcomes"])

    judge_all(marker, sent)
    decide_application(marker, sent, achieved=True)

    assert sent.status == ACHIEVED
    assert count(OutcomeJudgement) == 5


def test_the_award_banks_the_levels_credits_and_issues_a_certificate(catalogue: None) -> None:
    three = level(3)
    three.credit_value = Decimal("12")
    three.cpd_hours = Decimal("120")
    supervisor = make_user(roles=["manager"])
    person = learner(supervisor=supervisor)
    complete(person, "IFSS-CORE")
    sent = submitted(3, person)
    marker = assessor()
    claim_application(marker, sent)
    before = totals_by_year(ledger(person))
    judge_all(marker, sent)

    decide_application(marker, sent, achieved=True)
    db.session.commit()

    entries = [e for e in ledger(person) if e.source == LEVEL]
    assert len(entries) == 1
    assert entries[0].credits == Decimal("12")
    assert entries[0].hours == Decimal("120")
    assert entries[0].application_id == sent.id
    assert entries[0].recorded_by_id == marker.id
    assert entries[0].title == "Level 3: Implementing IFSS"
    assert before == []
    this_year = totals_by_year(ledger(person))[0]
    assert this_year.start_year == financial_year(local_today())
    assert this_year.credits == Decimal("12")
    certificate = db.session.execute(
        select(Certificate).where(Certificate.application_id == sent.id)
    ).scalar_one()
    assert certificate.kind == "level"
    assert certificate.status == VALID
    assert certificate.achievement == "Level 3: Implementing IFSS"
    assert certificate.credits == Decimal("12")
    assert certificate.learner_name == person.full_name
    assert [m.subject for m in outbox(person)][-1] == "Congratulations: Level 3"
    assert [m.subject for m in outbox(supervisor)] == [f"Award for {person.full_name}: Level 3"]
    assert certificate.display_code in outbox(person)[-1].body


def test_a_resubmission_needs_an_outcome_not_met(catalogue: None) -> None:
    sent, marker = claimed(3)
    judge_all(marker, sent)

    with pytest.raises(ValidationFailed) as refused:
        decide_application(marker, sent, achieved=False, note="More please")

    assert refused.value.field == "decision"
    assert sent.status == SUBMITTED
    assert [m.subject for m in outbox(sent.user)] == ["Workbook received: Level 3"]


def test_a_resubmission_request_tells_the_learner_what_is_missing(catalogue: None) -> None:
    sent, marker = claimed(3)
    judge_all(marker, sent, not_met=(3,))

    decide_application(marker, sent, achieved=False, note="Nearly there")
    db.session.commit()

    assert sent.status == RESUBMISSION_REQUESTED
    assert events(sent)[-1] == (
        "resubmission_requested",
        marker.id,
        SUBMITTED,
        RESUBMISSION_REQUESTED,
    )
    message = outbox(sent.user)[-1]
    assert message.subject == "More evidence needed: Level 3"
    assert "Add a case example" in message.body
    assert count(CpdEntry) == 0


def test_only_the_applications_assessor_decides(catalogue: None) -> None:
    sent, marker = claimed(3)
    judge_all(marker, sent)

    with pytest.raises(PermissionDenied):
        decide_application(assessor(), sent, achieved=True)

    assert sent.status == SUBMITTED


# Internal verification -------------------------------------------------------------------


def test_a_level_needing_verification_waits_for_a_different_assessor(catalogue: None) -> None:
    level(3).requires_verification = True
    sent, marker = claimed(3)
    verifier = assessor()
    judge_all(marker, sent)

    decide_application(marker, sent, achieved=True)
    db.session.commit()

    assert sent.status == AWAITING_VERIFICATION
    assert events(sent)[-1] == ("recommended", marker.id, SUBMITTED, AWAITING_VERIFICATION)
    assert count(CpdEntry) == 0
    assert count(Certificate) == 0
    assert [m.subject for m in outbox(verifier)][-1] == "An award to verify: Level 3"
    assert "An award to verify: Level 3" not in [m.subject for m in outbox(marker)]

    with pytest.raises(PermissionDenied) as refused:
        verify_application(marker, sent, confirmed=True)
    assert refused.value.message == "The verifier must be a different assessor"
    assert sent.status == AWAITING_VERIFICATION

    verify_application(verifier, sent, confirmed=True, note="Agreed")
    db.session.commit()

    assert sent.status == ACHIEVED
    assert sent.verifier_id == verifier.id
    assert [e[:2] for e in events(sent)[-2:]] == [
        ("verified", verifier.id),
        ("awarded", verifier.id),
    ]
    assert events(sent)[-1][2:] == (AWAITING_VERIFICATION, ACHIEVED)
    assert count(CpdEntry, CpdEntry.source == LEVEL) == 1
    assert count(Certificate, Certificate.application_id == sent.id) == 1


def test_declining_verification_needs_a_note_and_returns_it_to_the_assessor(
    catalogue: None,
) -> None:
    level(3).requires_verification = True
    sent, marker = claimed(3)
    verifier = assessor()
    judge_all(marker, sent)
    decide_application(marker, sent, achieved=True)
    db.session.commit()

    with pytest.raises(ValidationFailed) as refused:
        verify_application(verifier, sent, confirmed=False, note="  ")
    assert (refused.value.field, refused.value.message) == (
        "note",
        "Say why the award cannot stand yet",
    )
    db.session.commit()  # a refused decision leaves nothing behind, even when committed
    db.session.expire_all()
    assert sent.status == AWAITING_VERIFICATION
    assert sent.verifier_id is None

    verify_application(verifier, sent, confirmed=False, note="Outcome 4 evidence is thin")
    db.session.commit()

    assert sent.status == SUBMITTED
    assert sent.verifier_id == verifier.id
    assert events(sent)[-1] == (
        "verification_declined",
        verifier.id,
        AWAITING_VERIFICATION,
        SUBMITTED,
    )
    assert [m.subject for m in outbox(marker)][-1] == "Award not verified: Level 3"
    assert "Outcome 4 evidence is thin" in outbox(marker)[-1].body
    assert count(Certificate) == 0

    with pytest.raises(ConflictError):
        verify_application(verifier, sent, confirmed=True)


# The audit trail -------------------------------------------------------------------------


def test_every_step_leaves_an_event_with_who_from_and_to(catalogue: None) -> None:
    sent = application(3)
    person = sent.user
    upload_workbook(person, sent, pdf(), anonymised=True)
    submit_application(person, sent)
    marker = assessor()
    claim_application(marker, sent)
    judge_all(marker, sent, not_met=(1,))
    decide_application(marker, sent, achieved=False, note="One more")
    upload_workbook(person, sent, pdf(data=pdf_bytes("v2")), anonymised=True)
    submit_application(person, sent)
    record_judgements(marker, sent, {level(3).outcomes[0].id: Judgement(True)})
    decide_application(marker, sent, achieved=True)
    db.session.commit()

    assert events(sent) == [
        ("started", person.id, None, IN_PROGRESS),
        ("workbook_uploaded", person.id, IN_PROGRESS, None),
        ("submitted", person.id, IN_PROGRESS, SUBMITTED),
        ("claimed", marker.id, SUBMITTED, None),
        ("resubmission_requested", marker.id, SUBMITTED, RESUBMISSION_REQUESTED),
        ("workbook_uploaded", person.id, RESUBMISSION_REQUESTED, None),
        ("submitted", person.id, RESUBMISSION_REQUESTED, SUBMITTED),
        ("awarded", marker.id, SUBMITTED, ACHIEVED),
    ]


# Append-only records ---------------------------------------------------------------------


def _awarded_rows() -> dict[str, object]:
    sent, marker = claimed(3)
    judge_all(marker, sent)
    decide_application(marker, sent, achieved=True)
    db.session.commit()
    return {
        "workbook": sent.workbooks[0],
        "judgement": sent.judgements[0],
        "event": sent.events[0],
        "cpd": db.session.execute(select(CpdEntry)).scalars().first(),
    }


@pytest.mark.parametrize(
    ("row", "attribute", "value"),
    [
        ("workbook", "filename", "swapped.pdf"),
        ("judgement", "met", False),
        ("event", "note", "rewritten"),
        ("cpd", "credits", Decimal("99")),
    ],
)
def test_append_only_rows_cannot_be_changed(
    catalogue: None, row: str, attribute: str, value: object
) -> None:
    target = _awarded_rows()[row]
    original = getattr(target, attribute)

    setattr(target, attribute, value)
    with pytest.raises(AppendOnlyViolation):
        db.session.flush()
    db.session.rollback()

    db.session.expire_all()
    assert getattr(target, attribute) == original


@pytest.mark.parametrize("row", ["workbook", "judgement", "event", "cpd"])
def test_append_only_rows_cannot_be_deleted(catalogue: None, row: str) -> None:
    target = _awarded_rows()[row]
    model = type(target)
    before = count(model)

    db.session.delete(target)
    with pytest.raises(AppendOnlyViolation):
        db.session.flush()
    db.session.rollback()

    assert count(model) == before
    assert model in (Workbook, OutcomeJudgement, ApplicationEvent, CpdEntry)
