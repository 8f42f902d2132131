"""The messages accreditation sends through the outbox, each in the recipient's language."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from trainhub.accreditation.models.cpd import PENDING, ExternalActivity
from trainhub.auth.models import User, UserRole
from trainhub.auth.roles import Role
from trainhub.bilingual import shown
from trainhub.extensions import db
from trainhub.mail.services import external_url, queue_templated_mail

if TYPE_CHECKING:
    from trainhub.accreditation.models import (
        Application,
        Certificate,
        LevelOutcome,
        OutcomeJudgement,
    )
    from trainhub.accreditation.services.applications import Clock

log = logging.getLogger(__name__)


def _assessors(excluding: Iterable[int | None] = ()) -> list[User]:
    skip = {i for i in excluding if i is not None}
    query = (
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.ASSESSOR, User.active.is_(True))
        .order_by(User.id)
    )
    return [u for u in db.session.execute(query).scalars() if u.id not in skip]


def _application_context(application: Application, **extra: Any) -> dict[str, Any]:
    return {
        "application": application,
        "level": application.level,
        "learner": application.user,
        "link": external_url("accreditation.application_detail", application_id=application.id),
        **extra,
    }


def _level_subject(application: Application, text: str) -> str:
    return f"{text}: " + _("Level %(n)d", n=application.level.number)


def submission_received(application: Application) -> None:
    """A receipt to the learner; the assigned assessor, or every assessor, told it is waiting."""
    queue_templated_mail(
        application.user,
        "application_received",
        lambda: _level_subject(application, _("Workbook received")),
        _application_context(application),
    )
    if application.assessor is not None:
        assessors = [application.assessor]
    else:
        assessors = _assessors(excluding=[application.user_id])
    for assessor in assessors:
        queue_templated_mail(
            assessor,
            "application_to_assess",
            lambda: _level_subject(application, _("A workbook to assess")),
            _application_context(application, link=external_url("accreditation.assessment_queue"))
            if application.assessor is None
            else _application_context(application),
        )


def assessor_assigned(application: Application) -> None:
    """Tell the assessor an application has been given to them."""
    if application.assessor is None:
        return
    queue_templated_mail(
        application.assessor,
        "application_assigned",
        lambda: _level_subject(application, _("Assigned to you")),
        _application_context(application),
    )


def resubmission_requested(
    application: Application,
    not_met: list[LevelOutcome],
    judgements: Mapping[int, OutcomeJudgement],
    note: str,
) -> None:
    """Tell the learner which outcomes need more evidence, with the assessor's comments."""
    queue_templated_mail(
        application.user,
        "application_resubmit",
        lambda: _level_subject(application, _("More evidence needed")),
        _application_context(
            application,
            not_met=[(o, judgements[o.id].comment) for o in not_met],
            note=note,
        ),
    )


def verification_needed(application: Application) -> None:
    """Ask the other assessors (not the learner, not the one who decided) to verify an award."""
    for assessor in _assessors(excluding=[application.user_id, application.assessor_id]):
        queue_templated_mail(
            assessor,
            "application_to_verify",
            lambda: _level_subject(application, _("An award to verify")),
            _application_context(application, link=external_url("accreditation.assessment_queue")),
        )


def verification_declined(application: Application, note: str) -> None:
    """Tell the assessor the verifier sent their award back, and why."""
    if application.assessor is None:
        return
    queue_templated_mail(
        application.assessor,
        "application_verification_declined",
        lambda: _level_subject(application, _("Award not verified")),
        _application_context(application, note=note),
    )


def level_awarded(application: Application, certificate: Certificate) -> None:
    """Congratulate the learner on the level, with a link to the certificate."""
    context = _application_context(
        application,
        certificate=certificate,
        certificates_link=external_url("accreditation.my_certificates"),
    )
    queue_templated_mail(
        application.user,
        "level_awarded",
        lambda: _level_subject(application, _("Congratulations")),
        context,
    )
    supervisor = application.user.supervisor
    if supervisor is not None and supervisor.active:
        queue_templated_mail(
            supervisor,
            "level_awarded_supervisor",
            lambda: _level_subject(
                application, _("Award for %(name)s", name=application.user.full_name)
            ),
            {
                **context,
                "link": external_url("accreditation.person_record", user_id=application.user_id),
            },
        )


def clock_reminder(user: User, level_number: int, kind: str, clock: Clock) -> None:
    """A Level 6 "due" or "overdue" reminder to the learner and their supervisor."""
    context = {
        "learner": user,
        "level_number": level_number,
        "kind": kind,
        "clock": clock,
        "link": external_url("accreditation.my_accreditation"),
    }

    def subject() -> str:
        if kind == "overdue":
            return _("Level %(n)d accreditation overdue", n=level_number)
        return _("Level %(n)d accreditation due", n=level_number)

    queue_templated_mail(user, "clock_reminder", subject, context)
    if user.supervisor is not None and user.supervisor.active:
        queue_templated_mail(
            user.supervisor,
            "clock_reminder_supervisor",
            subject,
            {**context, "link": external_url("accreditation.person_record", user_id=user.id)},
        )


def activity_logged(activity: ExternalActivity, learner: User) -> None:
    """Tell the learner's supervisor that an activity waits for approval: once per burst.

    No message when another of the learner's activities, still waiting, was logged in the
    ``CPD_NOTICE_WINDOW_MINUTES`` before this one: the supervisor has been told about the
    burst, and the approvals page lists them all (one learner once sent 127 in ten minutes).
    """
    supervisor = learner.supervisor
    if supervisor is None or not supervisor.active:
        return
    window = dt.timedelta(minutes=int(current_app.config["CPD_NOTICE_WINDOW_MINUTES"] or 0))
    others, latest = db.session.execute(
        select(func.count(), func.max(ExternalActivity.created_at)).where(
            ExternalActivity.user_id == learner.id,
            ExternalActivity.status == PENDING,
            ExternalActivity.id != activity.id,
        )
    ).one()
    if window and latest is not None and latest > activity.created_at - window:
        log.info(
            "No mail to supervisor %s about activity %s: told about this burst already",
            supervisor.id,
            activity.id,
        )
        return
    queue_templated_mail(
        supervisor,
        "activity_logged",
        lambda: _("CPD to approve for %(name)s", name=learner.full_name),
        {
            "activity": activity,
            "learner": learner,
            "waiting": others + 1,
            "window_minutes": int(window.total_seconds() // 60),
            "link": external_url("accreditation.cpd_approvals"),
        },
    )


def activity_decided(activity: ExternalActivity) -> None:
    """Tell the learner whether their external activity was approved."""
    queue_templated_mail(
        activity.user,
        "activity_decided",
        lambda: (
            _("CPD activity approved")
            if activity.status == "approved"
            else _("CPD activity not approved")
        ),
        {"activity": activity, "link": external_url("accreditation.my_cpd")},
    )


def _achievement_shown(certificate: Certificate) -> str:
    """The certificate's achievement in the message's language (its Welsh when it has one)."""
    return shown(certificate.achievement, certificate.achievement_cy).text


def certificate_reissued(certificate: Certificate) -> None:
    """Tell the learner a new certificate replaces their old one."""
    queue_templated_mail(
        certificate.user,
        "certificate_reissued",
        lambda: _("Your new certificate: %(title)s", title=_achievement_shown(certificate)),
        {"certificate": certificate, "link": external_url("accreditation.my_certificates")},
    )
