"""Who may lead a cohort (R13): the lead facilitator of a wider-workforce framework course
has completed Training the IFSS Trainer, or a manager has recorded an exception for them on
that cohort, with a reason.

A draft may be scheduled with anyone as its lead (the cohort page says what is missing);
publishing it, or changing the lead of a published one, needs the rule met.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from trainhub.auth.models import User
from trainhub.courses import permissions
from trainhub.courses.models import Cohort, Completion, Course, LeadException
from trainhub.errors import ConflictError, PermissionDenied, ValidationFailed
from trainhub.extensions import db

log = logging.getLogger(__name__)

#: The course whose completion qualifies a lead facilitator (the catalogue's code).
TRAINING_THE_TRAINER = "IFSS-TTT"
MAX_REASON = 2000


def lead_must_be_trained(course: Course) -> bool:
    """The framework's modules for the wider workforce (the core): those the TtT programme
    trains IFST members to deliver."""
    return course.kind == "framework" and course.audience == "wider_workforce"


@dataclass(frozen=True)
class LeadCheck:
    """What the cohort page says about its lead, and whether it may be published."""

    required: bool
    lead: User | None
    #: When the lead completed Training the IFSS Trainer (the latest time), if ever.
    trained_on: dt.date | None
    exception: LeadException | None

    @property
    def ok(self) -> bool:
        return (
            not self.required
            or self.lead is None
            or self.trained_on is not None
            or self.exception is not None
        )


def trained_on(user_ids: list[int]) -> dict[int, dt.date]:
    """When each of these people last completed Training the IFSS Trainer (one query)."""
    if not user_ids:
        return {}
    query = (
        select(Completion.user_id, func.max(Completion.completed_on))
        .join(Course, Course.id == Completion.course_id)
        .where(Course.code == TRAINING_THE_TRAINER, Completion.user_id.in_(user_ids))
        .group_by(Completion.user_id)
    )
    return {user_id: day for user_id, day in db.session.execute(query)}


def _exceptions(cohort: Cohort) -> dict[int, LeadException]:
    query = select(LeadException).where(LeadException.cohort_id == cohort.id)
    return {e.user_id: e for e in db.session.execute(query).scalars()}


def lead_check(cohort: Cohort) -> LeadCheck:
    """The rule as it stands for the cohort's current lead."""
    required = lead_must_be_trained(cohort.course)
    lead_id = next((f.user_id for f in cohort.facilitators if f.role == "lead"), None)
    lead = db.session.get(User, lead_id) if lead_id is not None else None
    if not required or lead is None:
        return LeadCheck(required, lead, None, None)
    return LeadCheck(
        required, lead, trained_on([lead.id]).get(lead.id), _exceptions(cohort).get(lead.id)
    )


def require_trained_lead(cohort: Cohort, field: str | None = None) -> None:
    """:raises ConflictError: (or ``ValidationFailed`` on ``field``) when the rule is not met."""
    check = lead_check(cohort)
    if check.ok:
        return
    assert check.lead is not None
    message = _(
        "%(name)s, the lead facilitator, has not completed Training the IFSS Trainer: "
        "choose a lead who has, or ask a manager to record an exception for them on this "
        "cohort first.",
        name=check.lead.full_name,
    )
    if field is not None:
        raise ValidationFailed(field, message)
    raise ConflictError(message)


def exception_candidates(cohort: Cohort) -> list[User]:
    """The cohort's facilitators who have neither the training nor an exception here: a
    manager may record one for any of them (a co-facilitator about to lead, too)."""
    people = [p for f in cohort.facilitators if (p := db.session.get(User, f.user_id))]
    trained = trained_on([p.id for p in people])
    excepted = _exceptions(cohort)
    return [p for p in people if p.id not in trained and p.id not in excepted]


def record_lead_exception(actor: User, cohort: Cohort, user_id: int, reason: str) -> LeadException:
    """A manager lets ``user_id`` lead ``cohort`` without the training, with a reason.

    :raises PermissionDenied: when ``actor`` is not a manager or an administrator.
    :raises ConflictError: when the cohort is cancelled or completed, its course has no such
        rule, or the person has the training or an exception here already.
    :raises ValidationFailed: on ``user_id`` when they do not facilitate the cohort, on
        ``reason`` when it is empty.
    """
    if not permissions.can_override_clashes(actor):
        raise PermissionDenied(_("Only a manager can record an exception"))
    if cohort.status in ("cancelled", "completed"):
        raise ConflictError(_("A cancelled or completed cohort cannot be changed"))
    if not lead_must_be_trained(cohort.course):
        raise ConflictError(_("Anyone may lead this course: no exception is needed"))
    person = (
        db.session.get(User, user_id)
        if any(f.user_id == user_id for f in cohort.facilitators)
        else None
    )
    if person is None:
        raise ValidationFailed("user_id", _("Choose one of this cohort's facilitators"))
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationFailed("reason", _("Say why they may lead without the training"))
    if person not in exception_candidates(cohort):
        raise ConflictError(
            _(
                "%(name)s has completed Training the IFSS Trainer or has an exception here already",
                name=person.full_name,
            )
        )
    exception = LeadException(
        cohort_id=cohort.id, user_id=person.id, reason=reason[:MAX_REASON], granted_by=actor
    )
    db.session.add(exception)
    db.session.flush()
    log.info("Lead exception for user %s on cohort %s by user %s", person.id, cohort.id, actor.id)
    return exception
