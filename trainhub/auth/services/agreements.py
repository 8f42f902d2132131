"""Data-sharing agreements with partner organisations: recorded, changed, ended, and
reviewed by the date each one sets (an agreement in force past that date is overdue)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from trainhub import audit
from trainhub.auth import permissions, queries
from trainhub.auth.models import DataSharingAgreement, Organisation, User
from trainhub.errors import ConflictError, NotFound, PermissionDenied, ValidationFailed
from trainhub.extensions import db
from trainhub.localtime import local_today

log = logging.getLogger(__name__)

ADDED = audit.describe("agreement.added", _l("Data-sharing agreement recorded"))
CHANGED = audit.describe("agreement.changed", _l("Data-sharing agreement changed"))
ENDED = audit.describe("agreement.ended", _l("Data-sharing agreement ended"))

MAX_REFERENCE = 100
MAX_CONTACT = 300
MAX_NOTES = 4000


def today() -> dt.date:
    """Today's date in Wales (what "overdue" is measured against): agreements are dated
    there."""
    return local_today()


@dataclass(frozen=True)
class AgreementData:
    """What a person writes about an agreement (the form's fields)."""

    reference: str
    agreed_on: dt.date | None
    review_on: dt.date | None
    partner_contact: str = ""
    notes: str = ""


def _require_admin(actor: User) -> None:
    if not permissions.can_manage_agreements(actor):
        raise PermissionDenied(_("Only an administrator can record data-sharing agreements"))


def _check(
    organisation: Organisation,
    agreement: DataSharingAgreement | None,
    data: AgreementData,
    on: dt.date,
) -> AgreementData:
    reference = " ".join(data.reference.split())
    if not reference:
        raise ValidationFailed("reference", _("Enter the agreement's reference"))
    if len(reference) > MAX_REFERENCE:
        raise ValidationFailed(
            "reference", _("Enter %(max)d characters or fewer", max=MAX_REFERENCE)
        )
    if data.agreed_on is None:
        raise ValidationFailed("agreed_on", _("Enter the date the agreement was made"))
    if data.agreed_on > on:
        raise ValidationFailed("agreed_on", _("The date agreed must be today or in the past"))
    if data.review_on is None:
        raise ValidationFailed("review_on", _("Enter the date the agreement is due for review"))
    if data.review_on <= data.agreed_on:
        raise ValidationFailed(
            "review_on", _("The review date must be after the date the agreement was made")
        )
    contact = data.partner_contact.strip()
    if len(contact) > MAX_CONTACT:
        raise ValidationFailed(
            "partner_contact", _("Enter %(max)d characters or fewer", max=MAX_CONTACT)
        )
    notes = data.notes.replace("\r\n", "\n").strip()
    if len(notes) > MAX_NOTES:
        raise ValidationFailed("notes", _("Enter %(max)d characters or fewer", max=MAX_NOTES))
    other = agreement.id if agreement is not None else None
    if queries.agreement_in_force_with_reference(organisation.id, reference, other):
        raise ValidationFailed(
            "reference",
            _(
                "%(organisation)s already has an agreement in force with this reference",
                organisation=organisation.name,
            ),
        )
    return AgreementData(reference, data.agreed_on, data.review_on, contact, notes)


def _describe(agreement: DataSharingAgreement, organisation: Organisation) -> str:
    return (
        f"{organisation.name}: {agreement.reference} (agreed {agreement.agreed_on.isoformat()}, "
        f"review {agreement.review_on.isoformat()})"
    )


def save_agreement(
    actor: User,
    organisation: Organisation,
    agreement: DataSharingAgreement | None,
    data: AgreementData,
    *,
    on: dt.date | None = None,
) -> DataSharingAgreement:
    """Record a new agreement with ``organisation`` (``agreement`` None) or change one in
    force; audited. ``on`` is today (in Wales unless given).

    :raises PermissionDenied: when ``actor`` is not an administrator.
    :raises NotFound: when ``agreement`` is not one of ``organisation``'s.
    :raises ConflictError: when ``agreement`` has ended (an ended agreement is kept as it was).
    :raises ValidationFailed: on ``reference`` when it is empty, too long or already that of
        an agreement in force with the organisation; on ``agreed_on`` when it is missing or in
        the future; on ``review_on`` when it is missing or not after ``agreed_on``; on
        ``partner_contact`` or ``notes`` when too long.
    """
    _require_admin(actor)
    if agreement is not None and agreement.organisation_id != organisation.id:
        raise NotFound(str(agreement.id))
    if agreement is not None and not agreement.in_force:
        raise ConflictError(_("This agreement has ended: it is kept as it was"))
    clean = _check(organisation, agreement, data, on or today())
    added = agreement is None
    if agreement is None:
        agreement = DataSharingAgreement(organisation_id=organisation.id)
        db.session.add(agreement)
    agreement.reference = clean.reference
    agreement.agreed_on = clean.agreed_on  # type: ignore[assignment]
    agreement.review_on = clean.review_on  # type: ignore[assignment]
    agreement.partner_contact = clean.partner_contact
    agreement.notes = clean.notes
    agreement.updated_by_id = actor.id
    action = ADDED if added else CHANGED
    audit.record(actor, action, _describe(agreement, organisation))
    db.session.flush()
    log.info("Data-sharing agreement %s %s by user %s", agreement.id, action, actor.id)
    return agreement


def end_agreement(
    actor: User,
    agreement: DataSharingAgreement,
    ended_on: dt.date | None,
    reason: str,
    *,
    on: dt.date | None = None,
) -> DataSharingAgreement:
    """Record that an agreement stopped applying on ``ended_on``, and why; audited. An ended
    agreement is kept (it shows what applied when) and is never overdue.

    :raises PermissionDenied: when ``actor`` is not an administrator.
    :raises ConflictError: when the agreement has already ended.
    :raises ValidationFailed: on ``ended_on`` when it is missing, in the future or before the
        agreement was made; on ``end_reason`` when it is missing or too long.
    """
    _require_admin(actor)
    if not agreement.in_force:
        raise ConflictError(_("This agreement has already ended"))
    if ended_on is None:
        raise ValidationFailed("ended_on", _("Enter the date the agreement ended"))
    if ended_on > (on or today()):
        raise ValidationFailed("ended_on", _("The end date must be today or in the past"))
    if ended_on < agreement.agreed_on:
        raise ValidationFailed(
            "ended_on",
            _(
                "The end date must be on or after the date the agreement was made (%(day)s)",
                day=format_date(agreement.agreed_on, "d MMMM yyyy"),
            ),
        )
    reason = reason.replace("\r\n", "\n").strip()
    if not reason:
        raise ValidationFailed("end_reason", _("Enter why the agreement ended"))
    if len(reason) > MAX_NOTES:
        raise ValidationFailed("end_reason", _("Enter %(max)d characters or fewer", max=MAX_NOTES))
    agreement.ended_on = ended_on
    agreement.end_reason = reason
    agreement.updated_by_id = actor.id
    audit.record(
        actor,
        ENDED,
        f"{_describe(agreement, agreement.organisation)}, ended {ended_on.isoformat()}",
    )
    db.session.flush()
    log.info("Data-sharing agreement %s ended by user %s", agreement.id, actor.id)
    return agreement


def overdue(agreements: list[DataSharingAgreement], on: dt.date) -> list[DataSharingAgreement]:
    """The agreements in force whose review date passed before ``on``."""
    return [agreement for agreement in agreements if agreement.review_overdue(on)]
