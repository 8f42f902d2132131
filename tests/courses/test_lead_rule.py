"""R13: the lead facilitator of a wider-workforce framework course (the core) has completed
Training the IFSS Trainer, or a manager records an exception for them on the cohort with a
reason; a draft may wait, publishing and changing a published cohort's lead may not."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests.courses.cohort_helpers import cohort_data, in_days, manager, trainer
from tests.factories import make_course, make_venue
from tests.helpers import as_user, banners, count, field_error, follow, page
from trainhub.auth.models import User
from trainhub.courses.models import Cohort, Completion, Course, LeadException
from trainhub.courses.services import trainers
from trainhub.courses.services.scheduling import (
    CohortInput,
    FacilitatorInput,
    cohort_input,
    publish_cohort,
    schedule_cohort,
    update_cohort,
)
from trainhub.errors import ConflictError, PermissionDenied, ValidationFailed
from trainhub.extensions import db

pytestmark = pytest.mark.usefixtures("app")


def core() -> Course:
    return make_course(code="CORE-X", kind="framework", audience="wider_workforce", duration_days=2)


def ttt_done(person: User, on: date = date(2023, 3, 1)) -> None:
    ttt = db.session.execute(
        select(Course).where(Course.code == trainers.TRAINING_THE_TRAINER)
    ).scalar_one_or_none() or make_course(code=trainers.TRAINING_THE_TRAINER, duration_days=2)
    db.session.add(Completion(user_id=person.id, course_id=ttt.id, completed_on=on, recorded=True))
    db.session.flush()


def draft(course: Course, *people: User) -> Cohort:
    data = cohort_data(make_venue(), [in_days(30), in_days(31)], people)
    return schedule_cohort(people[0], course, data)


def test_only_the_wider_workforce_framework_courses_have_the_rule() -> None:
    assert trainers.lead_must_be_trained(core())
    assert not trainers.lead_must_be_trained(make_course(kind="framework", audience="ifst_only"))
    assert not trainers.lead_must_be_trained(make_course(kind="local", audience="open"))
    lead = trainer()
    cohort = draft(make_course(duration_days=2), lead)
    publish_cohort(lead, cohort)  # anyone may lead a local course
    assert cohort.status == "published"


def test_an_untrained_lead_keeps_the_cohort_a_draft_until_an_exception() -> None:
    lead, co = trainer(full_name="Dana Lead"), trainer()
    cohort = draft(core(), lead, co)
    with pytest.raises(ConflictError, match="Dana Lead, the lead facilitator, has not completed"):
        publish_cohort(lead, cohort)
    assert cohort.status == "draft" and not trainers.lead_check(cohort).ok
    with pytest.raises(PermissionDenied):
        trainers.record_lead_exception(lead, cohort, lead.id, "Ten years delivering it")
    boss = manager()
    with pytest.raises(ValidationFailed) as empty:
        trainers.record_lead_exception(boss, cohort, lead.id, "   ")
    assert empty.value.field == "reason"
    with pytest.raises(ValidationFailed) as stranger:
        trainers.record_lead_exception(boss, cohort, trainer().id, "Reason")
    assert stranger.value.field == "user_id"
    exception = trainers.record_lead_exception(boss, cohort, lead.id, " Ten  years delivering it ")
    assert (exception.reason, exception.granted_by_id) == ("Ten years delivering it", boss.id)
    with pytest.raises(ConflictError, match="already"):
        trainers.record_lead_exception(boss, cohort, lead.id, "Again")
    publish_cohort(lead, cohort)
    assert cohort.status == "published"
    check = trainers.lead_check(cohort)
    assert check.ok and check.exception is exception and check.trained_on is None


def test_a_trained_lead_publishes_and_a_published_lead_change_is_checked() -> None:
    lead, co = trainer(), trainer(full_name="Cai Co")
    ttt_done(lead, date(2022, 6, 1))
    cohort = draft(core(), lead, co)
    publish_cohort(lead, cohort)
    assert trainers.lead_check(cohort).trained_on == date(2022, 6, 1)
    assert [p.id for p in trainers.exception_candidates(cohort)] == [co.id]

    swapped: CohortInput = cohort_input(cohort)
    swapped.facilitators = [FacilitatorInput(co.id), FacilitatorInput(lead.id)]
    with pytest.raises(ValidationFailed) as refused, db.session.begin_nested():
        update_cohort(lead, cohort, swapped)
    assert refused.value.field == "facilitators-0-user_id"
    assert "Cai Co, the lead facilitator" in str(refused.value)
    db.session.expire_all()
    assert trainers.lead_check(cohort).lead == lead  # the change was not kept
    trainers.record_lead_exception(manager(), cohort, co.id, "Shadowed three cohorts")
    swapped = cohort_input(cohort)
    swapped.facilitators = [FacilitatorInput(co.id), FacilitatorInput(lead.id)]
    update_cohort(lead, cohort, swapped)
    assert trainers.lead_check(cohort).lead == co


# The pages -------------------------------------------------------------------------------------


def exception_form(**overrides: Any) -> dict[str, Any]:
    return {"user_id": "", "reason": "Ten years delivering the core", **overrides}


def test_the_cohort_page_says_which_and_a_manager_records_the_exception(app: Flask) -> None:
    lead = trainer(full_name="Dana Lead")
    cohort = draft(core(), lead, trainer())
    db.session.commit()
    as_trainer = as_user(app, lead)
    shown = page(as_trainer.get(f"/cohorts/{cohort.id}"))
    assert "Dana Lead, the lead facilitator, has not completed Training the IFSS Trainer" in shown
    assert "Record an exception" not in shown
    refused = as_trainer.post(f"/cohorts/{cohort.id}/publish", data={})
    assert "has not completed Training the IFSS Trainer" in follow(as_trainer, refused)
    assert as_trainer.get(f"/cohorts/{cohort.id}/lead-exception").status_code == 403

    boss = as_user(app, manager(full_name="Morgan Manager"))
    assert "Record an exception to the training rule" in page(boss.get(f"/cohorts/{cohort.id}"))
    form = page(boss.get(f"/cohorts/{cohort.id}/lead-exception"))
    assert "Dana Lead" in form
    response = boss.post(
        f"/cohorts/{cohort.id}/lead-exception", data=exception_form(user_id="", reason="")
    )
    assert response.status_code == 400
    text = page(response)
    assert field_error(text, "user_id") and field_error(text, "reason")
    assert count(LeadException) == 0
    response = boss.post(
        f"/cohorts/{cohort.id}/lead-exception", data=exception_form(user_id=str(lead.id))
    )
    assert response.status_code == 302
    shown = follow(boss, response)
    assert ("success", "Exception recorded: Dana Lead may lead this cohort.") in banners(shown)
    assert "by an exception Morgan Manager recorded on" in shown
    assert "Ten years delivering the core" in shown
    published = boss.post(f"/cohorts/{cohort.id}/publish", data={})
    assert "Cohort published" in follow(boss, published)
    # Dana Lead is no longer offered; the co-facilitator still is.
    offered = page(boss.get(f"/cohorts/{cohort.id}/lead-exception"))
    assert f'<option value="{lead.id}"' not in offered
    assert f'<option value="{cohort.facilitators[1].user_id}"' in offered


def test_a_course_without_the_rule_refuses_an_exception_in_the_form(app: Flask) -> None:
    lead = trainer()
    cohort = draft(make_course(duration_days=2), lead)
    db.session.commit()
    boss = as_user(app, manager())
    response = boss.post(
        f"/cohorts/{cohort.id}/lead-exception", data=exception_form(user_id=str(lead.id))
    )
    assert response.status_code == 400
    assert "Anyone may lead this course" in page(response)
    assert count(LeadException) == 0


def test_a_published_cohort_whose_lead_stays_can_still_be_changed() -> None:
    """A cohort published before the rule, its lead untrained: other changes go through."""
    lead, co = trainer(), trainer()
    cohort = draft(core(), lead, co)
    cohort.status = "published"  # as published before R13
    db.session.flush()
    changed = cohort_input(cohort)
    changed.title = "Core, new title"
    update_cohort(lead, cohort, changed)
    assert cohort.title == "Core, new title"
