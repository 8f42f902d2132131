"""Assessment: claiming, per-outcome judgements, the decision, internal verification, the award."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _

from trainhub.accreditation.models import (
    ACHIEVED,
    AWAITING_VERIFICATION,
    OPEN_STATUSES,
    RESUBMISSION_REQUESTED,
    SUBMITTED,
    Application,
    LevelOutcome,
    OutcomeJudgement,
)
from trainhub.accreditation.services import certificates, cpd, notices
from trainhub.accreditation.services.applications import lock_application, record_event
from trainhub.auth.models import User
from trainhub.auth.roles import Role
from trainhub.courses.models import local_today
from trainhub.errors import ConflictError, PermissionDenied, ValidationFailed
from trainhub.extensions import db, utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Judgement:
    met: bool
    comment: str = ""


def _require_assessor(actor: User, application: Application) -> None:
    if not actor.has_role(Role.ASSESSOR):
        raise PermissionDenied(_("Only an assessor can do this"))
    if actor.id == application.user_id:
        raise PermissionDenied(_("You cannot assess your own application"))


def latest_judgements(application: Application) -> dict[int, OutcomeJudgement]:
    """Outcome id → the judgement that counts (the latest); older ones stay as history."""
    latest: dict[int, OutcomeJudgement] = {}
    for judgement in application.judgements:  # ordered by id
        latest[judgement.outcome_id] = judgement
    return latest


def outcomes_to_judge(application: Application) -> list[LevelOutcome]:
    """The learning outcomes of the application's level, in order."""
    return list(application.level.outcomes)


def claim_application(actor: User, application: Application) -> Application:
    """An assessor takes a submitted application from the queue.

    :raises PermissionDenied: when ``actor`` is not an assessor or is the learner.
    :raises ConflictError: when the application is not submitted, or another assessor has it.
    """
    _require_assessor(actor, application)
    lock_application(application)
    if application.status != SUBMITTED:
        raise ConflictError(_("This application is not waiting for an assessor"))
    if application.assessor_id is not None:
        if application.assessor_id == actor.id:
            return application
        raise ConflictError(_("Another assessor has already claimed this application"))
    application.assessor = actor
    record_event(application, actor, "claimed", note=actor.full_name)
    db.session.flush()
    return application


def assign_assessor(actor: User, application: Application, assessor: User) -> Application:
    """An admin gives an open application to an assessor (or to another one).

    :raises PermissionDenied: when ``actor`` is not an administrator.
    :raises ValidationFailed: on ``assessor_id`` when the assessor is not active, is the
        learner, or the application is closed.
    """
    if not actor.is_admin:
        raise PermissionDenied(_("Only an administrator can assign assessors"))
    if not assessor.active or not assessor.has_role(Role.ASSESSOR):
        raise ValidationFailed("assessor_id", _("Choose an active assessor"))
    if assessor.id == application.user_id:
        raise ValidationFailed("assessor_id", _("Learners cannot assess their own application"))
    lock_application(application)
    if application.status not in OPEN_STATUSES:
        raise ValidationFailed("assessor_id", _("This application is closed"))
    application.assessor = assessor
    record_event(application, actor, "assigned", note=assessor.full_name)
    db.session.flush()
    notices.assessor_assigned(application)
    return application


def record_judgements(
    actor: User, application: Application, judgements: Mapping[int, Judgement]
) -> list[OutcomeJudgement]:
    """Judge outcomes met / not yet met; a judgement that changes is a new row, never an edit.

    :raises PermissionDenied: when ``actor`` is not the application's assessor.
    :raises ValidationFailed: on ``outcomes`` when it is not waiting for assessment or an
        outcome is not this level's; on ``comment_<id>`` when "not yet met" says nothing.
    """
    _require_assessor(actor, application)
    lock_application(application)
    if application.assessor_id != actor.id:
        raise PermissionDenied(_("Only the application's assessor can judge it"))
    if application.status != SUBMITTED:
        raise ValidationFailed("outcomes", _("This application is not waiting for assessment"))
    outcomes = {o.id: o for o in outcomes_to_judge(application)}
    unknown = set(judgements) - set(outcomes)
    if unknown:
        raise ValidationFailed("outcomes", _("Judge only this level's learning outcomes"))
    for outcome_id, judgement in judgements.items():
        if not judgement.met and not judgement.comment.strip():
            raise ValidationFailed(
                f"comment_{outcome_id}",
                _(
                    "Say what is missing for outcome %(n)d, so the learner knows what to do",
                    n=outcomes[outcome_id].position,
                ),
            )
    latest = latest_judgements(application)
    workbook = application.workbooks[-1] if application.workbooks else None
    written = []
    for outcome_id, judgement in judgements.items():
        comment = judgement.comment.strip()
        before = latest.get(outcome_id)
        if before is not None and before.met == judgement.met and before.comment == comment:
            continue
        row = OutcomeJudgement(
            application=application,
            outcome_id=outcome_id,
            assessor_id=actor.id,
            workbook_id=workbook.id if workbook else None,
            met=judgement.met,
            comment=comment,
        )
        db.session.add(row)
        written.append(row)
    db.session.flush()
    return written


def unmet_outcomes(application: Application) -> tuple[list[LevelOutcome], list[LevelOutcome]]:
    """(outcomes not judged yet, outcomes judged not yet met) for the level's current outcomes."""
    latest = latest_judgements(application)
    outcomes = outcomes_to_judge(application)
    unjudged = [o for o in outcomes if o.id not in latest]
    not_met = [o for o in outcomes if o.id in latest and not latest[o.id].met]
    return unjudged, not_met


def decide_application(
    actor: User, application: Application, achieved: bool, note: str = ""
) -> Application:
    """Award (or send for verification) only when every outcome is met; else ask for more.

    :raises PermissionDenied: when ``actor`` is not the application's assessor.
    :raises ValidationFailed: on ``decision`` when it is not waiting for a decision, outcomes
        are unjudged, or the decision does not fit the judgements.
    """
    _require_assessor(actor, application)
    lock_application(application)
    if application.assessor_id != actor.id:
        raise PermissionDenied(_("Only the application's assessor can decide it"))
    if application.status != SUBMITTED:
        raise ValidationFailed("decision", _("This application is not waiting for a decision"))
    unjudged, not_met = unmet_outcomes(application)
    if unjudged:
        raise ValidationFailed(
            "decision",
            _(
                "Judge every learning outcome first: outcome %(numbers)s not judged yet",
                numbers=", ".join(str(o.position) for o in unjudged),
            ),
        )
    note = note.strip()
    if achieved:
        if not_met:
            raise ValidationFailed(
                "decision",
                _(
                    "The level can only be awarded when every outcome is met: outcome "
                    "%(numbers)s is not yet met",
                    numbers=", ".join(str(o.position) for o in not_met),
                ),
            )
        if application.level.requires_verification:
            record_event(application, actor, "recommended", AWAITING_VERIFICATION, note)
            db.session.flush()
            notices.verification_needed(application)
            return application
        return _award(actor, application, note)
    if not not_met:
        raise ValidationFailed(
            "decision",
            _("Every outcome is met: mark what is not yet met before asking for a resubmission"),
        )
    record_event(application, actor, "resubmission_requested", RESUBMISSION_REQUESTED, note)
    db.session.flush()
    notices.resubmission_requested(application, not_met, latest_judgements(application), note)
    return application


def verify_application(
    actor: User, application: Application, confirmed: bool, note: str = ""
) -> Application:
    """A second, different assessor confirms the award, or sends it back to the assessor.

    :raises PermissionDenied: when ``actor`` is not an assessor, is the learner or the
        assessor who decided.
    :raises ConflictError: when the application is not waiting for verification.
    :raises ValidationFailed: on ``note`` when sending it back without a reason.
    """
    _require_assessor(actor, application)
    lock_application(application)
    if actor.id == application.assessor_id:
        raise PermissionDenied(_("The verifier must be a different assessor"))
    if application.status != AWAITING_VERIFICATION:
        raise ConflictError(_("This application is not waiting for verification"))
    note = note.strip()
    if not confirmed and not note:
        raise ValidationFailed("note", _("Say why the award cannot stand yet"))
    application.verifier_id = actor.id
    if confirmed:
        record_event(application, actor, "verified", note=note)
        return _award(actor, application, note)
    record_event(application, actor, "verification_declined", SUBMITTED, note)
    db.session.flush()
    notices.verification_declined(application, note)
    return application


def _award(actor: User, application: Application, note: str) -> Application:
    level = application.level
    application.achieved_on = local_today()
    application.closed_at = utcnow()
    record_event(application, actor, "awarded", ACHIEVED, note)
    with force_locale("en"):  # the ledger keeps the English, whatever the assessor reads
        title = certificates.level_achievement(level)
    cpd.bank_entry(
        application.user,
        cpd.LEVEL,
        application.achieved_on,
        title,
        hours=level.cpd_hours,
        credits=level.credit_value,
        accrediting_body=level.accrediting_body,
        application_id=application.id,
        recorded_by=actor,
    )
    certificate = certificates.issue_for_level(application)
    db.session.flush()
    notices.level_awarded(application, certificate)
    log.info("Level %s awarded to user %s", level.number, application.user_id)
    return application
