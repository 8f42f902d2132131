"""The assessor's pages: the queue, claiming and assigning, judging each outcome (R25), the
decision, nobody assessing their own workbook (R26), and internal verification."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import Flask

from tests.accreditation.helpers import (
    PDF_BYTES,
    assessor,
    claimed,
    count,
    events,
    judge_all,
    learner,
    level,
    outbox,
    submitted,
)
from tests.accreditation.view_helpers import (
    as_user,
    banners,
    field_error,
    follow,
    page,
    summary_errors,
)
from tests.factories import make_user
from tests.helpers import QueryCounter
from trainhub.accreditation.models import (
    ACHIEVED,
    AWAITING_VERIFICATION,
    RESUBMISSION_REQUESTED,
    SUBMITTED,
    Application,
    Certificate,
    CpdEntry,
    OutcomeJudgement,
)
from trainhub.accreditation.services import LevelInput, save_level
from trainhub.accreditation.services.applications import (
    start_application,
    submit_application,
    upload_workbook,
)
from trainhub.accreditation.services.assessment import decide_application
from trainhub.courses.models import local_today
from trainhub.extensions import db
from trainhub.uploads import Upload

MONTH_AGO = local_today() - dt.timedelta(days=30)


def award_button(text: str) -> str:
    """The award button as rendered, from its opening tag to its label."""
    match = re.search(r'<button[^>]*value="achieved"[^>]*>[^<]*</button>', text)
    assert match is not None, "no award button"
    return " ".join(match.group(0).split())


def is_disabled(button: str) -> bool:
    return bool(re.match(r"<button[^>]* disabled[ >]", button))


def judgement_data(app_: Application, not_met: dict[int, str] | None = None) -> dict[str, str]:
    """The assess form filled in: every outcome met except ``not_met`` (position → comment)."""
    not_met = not_met or {}
    data = {}
    for outcome in app_.level.outcomes:
        if outcome.position in not_met:
            data[f"met_{outcome.id}"] = "not_met"
            data[f"comment_{outcome.id}"] = not_met[outcome.position]
        else:
            data[f"met_{outcome.id}"] = "met"
    return data


# The queue ------------------------------------------------------------------------------


def test_the_queue_lists_waiting_workbooks_oldest_first_but_never_ones_own(
    app: Flask, catalogue: None
) -> None:
    first = submitted(3, learner(core_on=MONTH_AGO, full_name="Ffion First"))
    second = submitted(2, learner(full_name="Siôn Second"))
    first.submitted_at = second.submitted_at - dt.timedelta(hours=1)  # type: ignore[operator]
    # An assessor who is also a learner does not see their own workbook.
    both = make_user(roles=["learner", "assessor"], full_name="Both Roles")
    own = start_application(both, level(2))
    upload_workbook(both, own, Upload("w.pdf", PDF_BYTES), anonymised=True)
    submit_application(both, own)

    text = page(as_user(app, both).get("/assessment"))

    assert "Waiting for an assessor (2)" in text
    assert text.index("Ffion First") < text.index("Siôn Second")
    assert "Both Roles" not in text.split("<table", 1)[1]


def test_the_queue_filters_by_level(app: Flask, catalogue: None) -> None:
    submitted(3, learner(core_on=MONTH_AGO, full_name="Level Three"))
    submitted(2, learner(full_name="Level Two"))

    text = page(as_user(app, assessor()).get(f"/assessment?level={level(2).id}"))

    assert "Level Two" in text
    assert "Level Three" not in text


def test_the_queue_runs_a_constant_number_of_queries(
    app: Flask, catalogue: None, count_queries: QueryCounter
) -> None:
    by = assessor()
    for _ in range(2):
        submitted(3)
        claimed(3, by=by)
    client = as_user(app, by)
    client.get("/assessment")  # warm up
    count_queries.statements.clear()
    client.get("/assessment")
    client.get("/assessment?queue=mine")
    few = count_queries.count

    for _ in range(10):
        submitted(3)
        claimed(3, by=by)
    db.session.commit()
    count_queries.statements.clear()
    text = page(client.get("/assessment"))
    client.get("/assessment?queue=mine")

    assert "Waiting for an assessor (12)" in text
    assert "Yours to assess (12)" in text
    assert count_queries.count == few, "\n".join(s[:120] for s in count_queries.statements)


# Claiming and assigning -----------------------------------------------------------------


def test_claiming_makes_the_application_yours(app: Flask, catalogue: None) -> None:
    current = submitted(3)
    by = assessor()
    client = as_user(app, by)

    response = client.post(f"/applications/{current.id}/claim")

    assert response.headers["Location"] == f"/applications/{current.id}/assess"
    assert ("success", "The application is yours to assess.") in banners(follow(client, response))
    db.session.refresh(current)
    assert current.assessor_id == by.id


def test_an_application_claimed_by_someone_else_cannot_be_claimed(
    app: Flask, catalogue: None
) -> None:
    current, first = claimed(3)
    client = as_user(app, assessor())

    response = client.post(f"/applications/{current.id}/claim")

    # A claim button left open in another tab: the second assessor is told.
    assert response.headers["Location"] == "/assessment"
    assert ("important", "Another assessor has already claimed this application") in banners(
        follow(client, response)
    )
    db.session.refresh(current)
    assert current.assessor_id == first.id


def test_an_admin_assigns_an_assessor_who_is_told(app: Flask, catalogue: None) -> None:
    current = submitted(3)
    chosen = assessor(full_name="Ceri Assessor")
    client = as_user(app, make_user(roles=["admin"]))

    form = page(client.get(f"/applications/{current.id}/assign"))
    assert "Ceri Assessor" in form
    assert current.user.full_name not in form.split('id="assessor_id"', 1)[1]

    response = client.post(f"/applications/{current.id}/assign", data={"assessor_id": chosen.id})

    assert response.headers["Location"] == f"/applications/{current.id}"
    assert ("success", "Ceri Assessor is now the assessor.") in banners(follow(client, response))
    db.session.refresh(current)
    assert current.assessor_id == chosen.id
    assert [m.subject for m in outbox(chosen)][-1].endswith("Level 3")


def test_assigning_nobody_is_refused(app: Flask, catalogue: None) -> None:
    current = submitted(3)

    response = as_user(app, make_user(roles=["admin"])).post(
        f"/applications/{current.id}/assign", data={"assessor_id": "0"}
    )

    assert response.status_code == 400
    assert field_error(page(response), "assessor_id") == "Choose an assessor"
    db.session.refresh(current)
    assert current.assessor_id is None


# Nobody assesses their own workbook (R26) ---------------------------------------------------


def test_an_assessor_cannot_claim_assess_or_decide_their_own_application(
    app: Flask, catalogue: None
) -> None:
    both = make_user(roles=["learner", "assessor"])
    own = start_application(both, level(2))
    upload_workbook(both, own, Upload("w.pdf", PDF_BYTES), anonymised=True)
    submit_application(both, own)
    client = as_user(app, both)

    assert client.post(f"/applications/{own.id}/claim").status_code == 403
    db.session.refresh(own)
    assert own.assessor_id is None

    # Even when the data says so (an assignment made before they applied, say).
    own.assessor_id = both.id
    db.session.commit()
    assert client.get(f"/applications/{own.id}/assess").status_code == 403
    assert (
        client.post(f"/applications/{own.id}/assess", data=judgement_data(own)).status_code == 403
    )
    assert (
        client.post(f"/applications/{own.id}/decide", data={"decision": "achieved"}).status_code
        == 403
    )
    assert count(OutcomeJudgement) == 0
    db.session.refresh(own)
    assert own.status == SUBMITTED


def test_only_the_applications_assessor_assesses_it(app: Flask, catalogue: None) -> None:
    current, _by = claimed(3)
    client = as_user(app, assessor())

    assert client.get(f"/applications/{current.id}/assess").status_code == 403
    assert (
        client.post(f"/applications/{current.id}/assess", data=judgement_data(current)).status_code
        == 403
    )
    assert count(OutcomeJudgement) == 0


# Judging each outcome and the award (R25) -------------------------------------------------


def test_the_award_button_is_disabled_until_all_six_level_3_outcomes_are_met(
    app: Flask, catalogue: None
) -> None:
    current, by = claimed(3)
    judge_all(by, current, skip=(6,))
    client = as_user(app, by)

    before = award_button(page(client.get(f"/applications/{current.id}/assess")))
    assert before.endswith(">Award Level 3</button>")
    assert is_disabled(before)

    sixth = current.level.outcomes[5]
    response = client.post(f"/applications/{current.id}/assess", data=judgement_data(current))
    assert response.headers["Location"] == f"/applications/{current.id}/assess"
    after = follow(client, response)
    assert ("success", "Judgements saved.") in banners(after)
    assert not is_disabled(award_button(after))
    assert "Every outcome is met." in after
    latest = db.session.execute(
        db.select(OutcomeJudgement).where(OutcomeJudgement.outcome_id == sixth.id)
    ).scalar_one()
    assert (latest.met, latest.assessor_id) == (True, by.id)


def test_an_outcome_not_met_needs_a_comment(app: Flask, catalogue: None) -> None:
    current, by = claimed(3)
    data = judgement_data(current, {2: ""})

    response = as_user(app, by).post(f"/applications/{current.id}/assess", data=data)

    assert response.status_code == 400
    outcome = current.level.outcomes[1]
    message = "Say what is missing for outcome 2, so the learner knows what to do"
    assert field_error(page(response), f"comment_{outcome.id}") == message
    assert count(OutcomeJudgement) == 0


def test_awarding_with_an_outcome_not_met_is_refused(app: Flask, catalogue: None) -> None:
    current, by = claimed(3)
    judge_all(by, current, not_met=(6,))

    response = as_user(app, by).post(
        f"/applications/{current.id}/decide", data={"decision": "achieved"}
    )

    assert response.status_code == 400
    message = "The level can only be awarded when every outcome is met: outcome 6 is not yet met"
    assert message in summary_errors(page(response))
    assert is_disabled(award_button(page(response)))
    db.session.refresh(current)
    assert current.status == SUBMITTED
    assert count(Certificate, Certificate.application_id == current.id) == 0
    assert count(CpdEntry, CpdEntry.application_id == current.id) == 0


def test_deciding_before_every_outcome_is_judged_is_refused(app: Flask, catalogue: None) -> None:
    current, by = claimed(3)
    judge_all(by, current, skip=(5, 6))

    response = as_user(app, by).post(
        f"/applications/{current.id}/decide", data={"decision": "achieved"}
    )

    assert response.status_code == 400
    assert "Judge every learning outcome first: outcome 5, 6 not judged yet" in summary_errors(
        page(response)
    )


def test_awarding_with_every_outcome_met(app: Flask, catalogue: None) -> None:
    current, by = claimed(3)
    judge_all(by, current)
    client = as_user(app, by)

    response = client.post(
        f"/applications/{current.id}/decide", data={"decision": "achieved", "note": "Well done"}
    )

    assert response.headers["Location"] == f"/applications/{current.id}"
    assert ("success", "Level 3 awarded.") in banners(follow(client, response))
    db.session.refresh(current)
    assert (current.status, current.achieved_on) == (ACHIEVED, local_today())
    assert count(Certificate, Certificate.application_id == current.id) == 1
    assert count(CpdEntry, CpdEntry.application_id == current.id) == 1
    assert any("Congratulations" in m.subject for m in outbox(current.user))


def test_asking_for_a_resubmission(app: Flask, catalogue: None) -> None:
    current, by = claimed(3)
    judge_all(by, current, not_met=(4,))
    client = as_user(app, by)

    response = client.post(f"/applications/{current.id}/decide", data={"decision": "resubmit"})

    assert response.headers["Location"] == f"/applications/{current.id}"
    assert ("success", "The learner has been asked to resubmit.") in banners(
        follow(client, response)
    )
    db.session.refresh(current)
    assert current.status == RESUBMISSION_REQUESTED
    assert "Add a case example" in outbox(current.user)[-1].body


def test_a_decision_without_a_choice_is_refused(app: Flask, catalogue: None) -> None:
    current, by = claimed(3)
    judge_all(by, current)

    response = as_user(app, by).post(f"/applications/{current.id}/decide", data={})

    assert response.status_code == 400
    assert "Choose a decision" in summary_errors(page(response))
    db.session.refresh(current)
    assert current.status == SUBMITTED


# Internal verification (R26) --------------------------------------------------------------


@pytest.fixture
def verified_level(catalogue: None) -> int:
    """A Level 5 whose awards a second assessor must verify."""
    save_level(
        make_user(roles=["admin"]),
        None,
        LevelInput(5, "Verified level", ["One", "Two"], requires_verification=True),
    )
    db.session.commit()
    return 5


def test_an_award_on_a_verified_level_waits_for_a_second_assessor(
    app: Flask, verified_level: int
) -> None:
    current, by = claimed(verified_level)
    judge_all(by, current)
    client = as_user(app, by)

    assess = page(client.get(f"/applications/{current.id}/assess"))
    assert "Recommend the award for verification" in assess
    response = client.post(f"/applications/{current.id}/decide", data={"decision": "achieved"})

    assert ("success", "Sent to a second assessor to verify the award.") in banners(
        follow(client, response)
    )
    db.session.refresh(current)
    assert current.status == AWAITING_VERIFICATION
    assert count(Certificate) == 0
    # The assessor who recommended it cannot verify it.
    assert client.get(f"/applications/{current.id}/verify").status_code == 403


def test_a_second_assessor_confirms_the_award(app: Flask, verified_level: int) -> None:
    current, by = claimed(verified_level)
    judge_all(by, current)
    decide_application(by, current, True)
    verifier = assessor()
    client = as_user(app, verifier)

    response = client.post(f"/applications/{current.id}/verify", data={"decision": "confirm"})

    assert response.headers["Location"] == "/assessment?queue=verify"
    assert ("success", "Award verified: Level 5 awarded.") in banners(follow(client, response))
    db.session.refresh(current)
    assert (current.status, current.verifier_id) == (ACHIEVED, verifier.id)
    assert count(Certificate, Certificate.application_id == current.id) == 1
    assert [e[0] for e in events(current)][-2:] == ["verified", "awarded"]


def test_the_verify_page_shows_the_judgements(app: Flask, verified_level: int) -> None:
    current, by = claimed(verified_level)
    judge_all(by, current)
    decide_application(by, current, True)

    response = as_user(app, assessor()).get(f"/applications/{current.id}/verify")

    assert response.status_code == 200
    assert "Does the award stand?" in page(response)


def test_sending_an_award_back_needs_a_note(app: Flask, verified_level: int) -> None:
    current, by = claimed(verified_level)
    judge_all(by, current)
    decide_application(by, current, True)
    client = as_user(app, assessor())
    url = f"/applications/{current.id}/verify"

    refused = client.post(url, data={"decision": "decline"})
    assert refused.status_code == 400
    assert field_error(page(refused), "note") == "Say why the award cannot stand yet"

    response = client.post(url, data={"decision": "decline", "note": "Outcome 2 is thin"})
    assert ("success", "Sent back to the assessor.") in banners(follow(client, response))
    db.session.refresh(current)
    assert current.status == SUBMITTED
    assert "Outcome 2 is thin" in outbox(by)[-1].body
