"""Withdrawing a record: never a silent edit, always with a reason, audited."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete, select

from trainhub import audit
from trainhub.accreditation.models import WITHDRAWN, CpdEntry
from trainhub.accreditation.services import certificates, cpd
from trainhub.accreditation.services.applications import record_event
from trainhub.auth.models import User
from trainhub.courses.models import Cohort, Completion
from trainhub.errors import ConflictError, ValidationFailed
from trainhub.extensions import db, utcnow
from trainhub.history.models import AWARD, COHORT, COMPLETION, HistoryRecord
from trainhub.history.services.common import require_recorder

#: Kinds of record that can be withdrawn (a paper form is anonymous: it stays).
WITHDRAWABLE = (COHORT, COMPLETION, AWARD)


def withdraw_record(actor: User, record: HistoryRecord, reason: str) -> HistoryRecord:
    """Take back what a record added, keeping the record and saying why: a cohort is
    cancelled and its completions go (their CPD reversed, certificates revoked); a
    completion goes the same way; an award's application is withdrawn, its CPD reversed
    and its certificate revoked. Figures no longer count it.

    :raises PermissionDenied: when ``actor`` is not a manager or an administrator.
    :raises ValidationFailed: on ``reason`` when it is empty.
    :raises ConflictError: when the record was withdrawn already or is a paper form.
    """
    require_recorder(actor)
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationFailed("reason", _("Say why this record is withdrawn"))
    locked = db.session.execute(
        select(HistoryRecord).where(HistoryRecord.id == record.id).with_for_update()
    ).scalar_one()
    if locked.is_withdrawn:
        raise ConflictError(_("This record was withdrawn already"))
    if locked.kind not in WITHDRAWABLE:
        raise ConflictError(_("Paper feedback forms are anonymous and stay as recorded"))
    note = _("Withdrawn: %(reason)s", reason=reason)
    if locked.kind == COHORT and locked.cohort is not None:
        _withdraw_cohort(actor, locked.cohort, note)
    elif locked.kind == COMPLETION and locked.user_id and locked.course_id:
        _withdraw_completions(actor, [locked.user_id], locked.course_id, note, cohort_id=None)
    elif locked.kind == AWARD and locked.application is not None:
        application = locked.application
        record_event(application, actor, "withdrawn", WITHDRAWN, note)
        application.closed_at = utcnow()
        lines = db.session.execute(
            select(CpdEntry).where(CpdEntry.application_id == application.id)
        ).scalars()
        for line in lines:
            if line.reversed_by is None and line.reverses_id is None:
                db.session.add(cpd.reversal_of(line, actor, note))
        certificates.revoke_for_withdrawn_award(application.id, actor, note)
    locked.withdrawn_at = utcnow()
    locked.withdrawn_by_id = actor.id
    locked.withdrawn_reason = reason
    audit.record(
        actor,
        "history.withdrawn",
        _(
            "Withdrew record %(id)d (%(kind)s): %(reason)s",
            id=locked.id,
            kind=locked.kind,
            reason=reason,
        ),
    )
    db.session.flush()
    return locked


def _withdraw_completions(
    actor: User, user_ids: list[int], course_id: int, note: str, cohort_id: int | None
) -> None:
    query = delete(Completion).where(
        Completion.user_id.in_(user_ids),
        Completion.course_id == course_id,
        Completion.recorded.is_(True),
    )
    if cohort_id is not None:
        query = query.where(Completion.cohort_id == cohort_id)
    else:
        query = query.where(Completion.cohort_id.is_(None))
    db.session.execute(query)
    cpd.reverse_course_lines(user_ids, course_id, note)
    certificates.revoke_for_withdrawn_completions(user_ids, course_id, actor, note)


def _withdraw_cohort(actor: User, cohort: Cohort, note: str) -> None:
    completed = list(
        db.session.execute(
            select(Completion.user_id).where(
                Completion.cohort_id == cohort.id, Completion.recorded.is_(True)
            )
        ).scalars()
    )
    if completed:
        _withdraw_completions(actor, completed, cohort.course_id, note, cohort_id=cohort.id)
    cohort.status = "cancelled"
    cohort.cancel_reason = note
    cohort.cancelled_at = utcnow()
