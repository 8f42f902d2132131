"""Erasure (UK GDPR Article 17): a person's personal data goes, what they counted in stays.

The account row stays, so bookings, attendance, completions, CPD hours and feedback
requests still count in every total and published report; what identifies the person is
replaced or cleared. Anonymous feedback answers never pointed at them and are untouched.
Everything is written in the caller's one transaction; their files are queued for
deletion in it and deleted after the commit (``files.delete_pending``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import String, cast, delete, func, literal, select, update

from trainhub import audit
from trainhub.accreditation.models import (
    REVOKED,
    WITHDRAWN,
    WITHDRAWN_BY_HOLDER,
    Application,
    ApplicationEvent,
    BadgeLink,
    Certificate,
    CpdEntry,
    ExternalActivity,
    Workbook,
)
from trainhub.accreditation.services.applications import record_event
from trainhub.audit import AuditEvent
from trainhub.auth import sign_ins
from trainhub.auth.models import (
    ExternalIdentity,
    RecoveryCode,
    TwoFactorAuthenticator,
    User,
    UserSession,
)
from trainhub.courses.models import (
    ACTIVE_STATUSES,
    AccessNeeds,
    Booking,
    BookingEvent,
    CalendarFeed,
    Cohort,
    CourseInterest,
    local_today,
)
from trainhub.courses.services import line_managers
from trainhub.courses.services.booking import fill_freed_places, record_change
from trainhub.errors import ConflictError, PermissionDenied, ValidationFailed
from trainhub.extensions import db, utcnow
from trainhub.history.models import HistoryRecord
from trainhub.mail.models import OutboxAttachment, OutboxMessage
from trainhub.privacy import queries
from trainhub.privacy.models import ERASURE, Erasure
from trainhub.privacy.services import files

log = logging.getLogger(__name__)

#: What an erased person's files, sessions and records are called once their own words go.
ERASED_FILENAME = "erased"
#: What replaces the titles, notes and reasons they wrote (stored data, not translated).
ERASED_TEXT = "Erased"
#: The detail of an audit entry about an erased person.
ERASED_DETAIL = "erased"


def erased_name(user_id: int) -> str:
    return f"Erased person {user_id}"


def erased_email(user_id: int) -> str:
    """Unique, and never delivered: .invalid is reserved for that (RFC 2606)."""
    return f"erased-{user_id}@erased.invalid"


@dataclass
class ErasurePlan:
    """What erasing a person will do, for the confirmation page."""

    being_assessed: int
    files: int
    certificates: int
    messages: int
    #: Bookings and waiting-list places on cohorts not yet finished, to be cancelled.
    places: int


def plan_erasure(person: User) -> ErasurePlan:
    """Counts for the confirmation page (reads only). Raises nothing."""
    valid = select(func.count(Certificate.id)).where(Certificate.user_id == person.id)
    return ErasurePlan(
        being_assessed=len(queries.applications_being_assessed(person)),
        files=len(queries.file_keys_of(person)),
        certificates=int(db.session.execute(valid).scalar() or 0),
        messages=len(queries.outbox_to(person.email)),
        places=len(_open_bookings(person)),
    )


def _clean(text: str) -> str:
    return " ".join(text.split())


def _unname_in_others_mail(person: User, old_email: str) -> None:
    """Mail to other people that names ``person`` (a manager asked to approve their place, a
    trainer told of their cancellation) names the erased person instead: their address
    always, their full name when it is at least two words (a single word could be part of
    anything). Calendar attachments name only their recipient and the facilitators: those
    of a facilitator's are left, as their cohorts' records are."""
    replacements = [(old_email, erased_email(person.id))]
    if len(person.full_name.split()) >= 2:
        replacements.append((person.full_name, erased_name(person.id)))
    for old, new in replacements:
        db.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.to_address != old_email,
                (OutboxMessage.body.contains(old, autoescape=True))
                | (OutboxMessage.subject.contains(old, autoescape=True)),
            )
            .values(
                body=func.replace(OutboxMessage.body, old, new),
                subject=func.replace(OutboxMessage.subject, old, new),
            )
            .execution_options(synchronize_session=False)
        )


def erase_person(
    actor: User | None, person: User, reason: str, *, force_reason: str = ""
) -> Erasure:
    """Erase ``person`` (``actor`` None: the retention purge, for an inactive account).

    :raises PermissionDenied: when ``actor`` is not an administrator.
    :raises ConflictError: when ``actor`` is ``person``, or the person is already erased.
    :raises ValidationFailed: on ``reason`` when it is empty; on ``force`` when an
        application of theirs is being assessed and no ``force_reason`` is given.
    """
    if actor is not None and not actor.is_admin:
        raise PermissionDenied(_("Only an administrator can erase a person"))
    if actor is not None and actor.id == person.id:
        raise ConflictError(_("You cannot erase your own account"))
    reason, force_reason = _clean(reason), _clean(force_reason)
    if not reason:
        raise ValidationFailed("reason", _("Enter the reason for erasing this person"))
    if queries.erasure_of(person.id) is not None:
        raise ConflictError(_("This person has already been erased"))
    assessed = queries.applications_being_assessed(person)
    if assessed and not force_reason:
        raise ValidationFailed(
            "force",
            _(
                "An application of theirs is being assessed: to erase them anyway, say why "
                "and confirm"
            ),
        )
    old_email = person.email
    for application in assessed:  # forced: the assessment stops with them
        application.closed_at = utcnow()
        record_event(application, actor, "withdrawn", WITHDRAWN, "Erased: " + force_reason)

    _release_places(actor, person)
    keys = queries.file_keys_of(person)
    keys -= queries.keys_kept_for_others(keys, {person.id})
    files.queue_deletions(keys, ERASURE, person.id)
    _replace_own_words(person)
    _revoke_certificates(actor, person)
    _erase_audit_details(person)

    # Ended and forgotten: sign-ins, the private calendar address, mail to them.
    sign_ins.end_sessions(person, sign_ins.DEACTIVATED)
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == person.id)
        .values(user_agent="", ip_address="")
    )
    db.session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == person.id))
    # Their access and dietary needs (special category data), on every booking.
    db.session.execute(
        delete(AccessNeeds).where(
            AccessNeeds.booking_id.in_(select(Booking.id).where(Booking.user_id == person.id))
        )
    )
    # The courses they asked to hear about (issue 21): wishes, with no record to keep.
    db.session.execute(delete(CourseInterest).where(CourseInterest.user_id == person.id))
    # Their work accounts' links (the provider's subject and e-mail), their authenticator
    # app's secret and recovery codes.
    db.session.execute(delete(ExternalIdentity).where(ExternalIdentity.user_id == person.id))
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == person.id))
    db.session.execute(
        delete(TwoFactorAuthenticator).where(TwoFactorAuthenticator.user_id == person.id)
    )
    to_them = select(OutboxMessage.id).where(OutboxMessage.to_address == old_email)
    db.session.execute(delete(OutboxAttachment).where(OutboxAttachment.message_id.in_(to_them)))
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.to_address == old_email))
    _unname_in_others_mail(person, old_email)

    # Their line manager, the line manager details kept with their requests, and them as
    # anyone's line manager.
    line_managers.erase_for([person.id])
    # Supervision links name them: they go both ways.
    db.session.execute(
        update(User).where(User.supervisor_id == person.id).values(supervisor_id=None)
    )
    person.full_name = erased_name(person.id)
    person.email = erased_email(person.id)
    person.password_hash = None
    person.job_title = ""
    person.supervisor_id = None
    person.active = False
    person.email_confirmed = False
    person.failed_logins = 0
    person.locked_until = None

    erasure = Erasure(
        user_id=person.id,
        erased_by_id=actor.id if actor else None,
        reason=reason,
        forced=bool(assessed),
        force_reason=force_reason if assessed else "",
    )
    db.session.add(erasure)
    audit.record(
        actor,
        "privacy.erasure",
        f"User {person.id} erased: {reason}"
        + (f" (forced while assessed: {force_reason})" if assessed else "")
        + f"; {len(keys)} file(s) queued for deletion",
        subject=person,
    )
    db.session.flush()
    log.info("User %s erased by %s", person.id, actor.id if actor else "the retention purge")
    return erasure


def _open_bookings(person: User) -> list[Booking]:
    """Their active bookings (places, offers, requests, waiting) on cohorts not finished."""
    query = (
        select(Booking)
        .join(Cohort, Cohort.id == Booking.cohort_id)
        .where(
            Booking.user_id == person.id,
            Booking.status.in_(ACTIVE_STATUSES),
            Cohort.last_day >= local_today(),
        )
        .order_by(Booking.id)
    )
    return list(db.session.execute(query).scalars())


def _release_places(actor: User | None, person: User) -> None:
    """Their bookings and waiting-list places on cohorts not yet finished are cancelled
    (no notice: their address is going), and the places freed go to the waiting list by
    the booking service's own rule, in this transaction."""
    freed: dict[int, Cohort] = {}
    bookings = _open_bookings(person)
    line_managers.withdraw_all(bookings)
    for booking in bookings:
        if booking.frees_place_when_cancelled:
            freed[booking.cohort_id] = booking.cohort
        record_change(booking, actor, "cancelled", "cancelled", reason=ERASED_TEXT)
        booking.cancel_reason = "staff"
        booking.queue_rank = None
        booking.offer_expires_at = None
    db.session.flush()
    for cohort in freed.values():
        fill_freed_places(cohort, actor=None)


def _replace_own_words(person: User) -> None:
    """What they wrote may name them or hold health details: file names, descriptions,
    activity titles and providers (and the CPD lines copied from them), the reasons they
    gave for their own bookings' changes, the notes on their own applications' events.
    Workbooks, CPD lines and booking and application histories are append-only against
    corrections; erasure is not a correction, so they are replaced in SQL. Hours, credits
    and dates stay, so totals do not change. Their files' keys are cleared: the records no
    longer hold the files queued for deletion."""
    their_applications = select(Application.id).where(Application.user_id == person.id)
    db.session.execute(
        update(Workbook)
        .where(Workbook.application_id.in_(their_applications))
        .values(filename=ERASED_FILENAME, storage_key="")
    )
    db.session.execute(
        update(ExternalActivity)
        .where(ExternalActivity.user_id == person.id)
        .values(
            title=ERASED_TEXT,
            provider="",
            description="",
            evidence_filename=ERASED_FILENAME,
            evidence_key="",
        )
    )
    db.session.execute(
        update(CpdEntry)
        .where(CpdEntry.user_id == person.id, CpdEntry.activity_id.is_not(None))
        .values(title=ERASED_TEXT, note="")
    )
    db.session.execute(
        update(ApplicationEvent)
        .where(
            ApplicationEvent.application_id.in_(their_applications),
            ApplicationEvent.actor_id == person.id,
            ApplicationEvent.note != "",
        )
        .values(note=ERASED_TEXT)
    )
    their_bookings = select(Booking.id).where(Booking.user_id == person.id)
    db.session.execute(
        update(BookingEvent)
        .where(
            BookingEvent.booking_id.in_(their_bookings),
            BookingEvent.actor_id == person.id,
            BookingEvent.reason != "",
        )
        .values(reason=ERASED_TEXT)
    )
    # A past record's natural key holds the e-mail address: keep it unique, without it.
    db.session.execute(
        update(HistoryRecord)
        .where(HistoryRecord.user_id == person.id)
        .values(
            natural_key=literal("erased:") + cast(HistoryRecord.id, String),
            evidence_filename="",
            evidence_key="",
        )
    )


def _erase_audit_details(person: User) -> None:
    """Entries about them keep their action and date; their detail (which may name them or
    quote them) becomes "erased". The audit trail is append-only against corrections;
    erasure is not a correction, so, as for workbook file names, in SQL. Called before the
    erasure's own entry is written."""
    db.session.execute(
        update(AuditEvent).where(AuditEvent.subject_id == person.id).values(detail=ERASED_DETAIL)
    )


def _revoke_certificates(actor: User | None, person: User) -> None:
    """Every certificate of theirs: revoked (if still valid) and withdrawn at their request,
    without their name, so each verification page says only that."""
    now = utcnow()
    base = update(Certificate).where(Certificate.user_id == person.id)
    db.session.execute(
        base.where(Certificate.status != REVOKED).values(
            revoked_at=now, revoked_by_id=actor.id if actor else None
        )
    )
    db.session.execute(
        base.values(status=REVOKED, revoked_reason=WITHDRAWN_BY_HOLDER, learner_name="")
    )
    # Their public badge links stop working (withdrawn, as if they had withdrawn them).
    db.session.execute(
        update(BadgeLink)
        .where(
            BadgeLink.certificate_id.in_(
                select(Certificate.id).where(Certificate.user_id == person.id)
            ),
            BadgeLink.withdrawn_at.is_(None),
        )
        .values(withdrawn_at=now)
    )
