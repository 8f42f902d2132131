"""Line managers and bookings: their approval where a course asks for it, and their copies of
bookings, cancellations and no-shows where the learner's organisation asks for them.

The order, when a course needs both: the line manager first (can the learner be released
from work?), then the organisation's managers (the course is for IFST members). The booking
stays ``requested`` throughout; a request waiting for its line manager is not shown to the
organisation's managers until the line manager approves it.

A line manager with an account decides on their requests page. One without an account is
e-mailed a link carrying a random token (kept only as its hash), which works once — the
request is decided, or withdrawn — and until it expires; it never signs anyone in.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, delete, select, update
from sqlalchemy.orm import selectinload

from trainhub.auth.models import LineManager, User
from trainhub.courses.models import Booking, Cohort, LineManagerApproval
from trainhub.courses.services import booking as booking_rules
from trainhub.courses.services import notices
from trainhub.courses.services.line_manager_copies import Address
from trainhub.errors import ConflictError, PermissionDenied, ValidationFailed
from trainhub.extensions import db, utcnow
from trainhub.mail.services import external_url, queue_templated_mail

log = logging.getLogger(__name__)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def needs_line_manager(booking: Booking) -> bool:
    """Whether this learner's own booking waits for their line manager."""
    return bool(booking.cohort.course.line_manager_approval)


def ask_line_manager(booking: Booking, now: datetime | None = None) -> LineManagerApproval:
    """Ask the learner's line manager to approve the booking (already ``requested``): a
    message with a link to their requests page, or, without an account, to a single-use
    page of its own.

    :raises ConflictError: when the learner has named no line manager.
    """
    named = booking.user.line_manager
    if named is None:
        raise ConflictError(_no_line_manager_message())
    now = now or utcnow()
    approval = LineManagerApproval(
        booking=booking,
        manager_id=named.manager_id,
        name="" if named.manager_id else named.name,
        email="" if named.manager_id else named.email,
        status="pending",
    )
    token = None
    if named.manager is None:
        token = secrets.token_urlsafe(32)
        approval.token_hash = token_hash(token)
        approval.expires_at = now + timedelta(days=current_app.config["LINE_MANAGER_LINK_DAYS"])
    db.session.add(approval)
    db.session.flush()
    recipient: Any = (
        named.manager
        if named.manager is not None
        else Address(named.email, named.preferred_language)
    )
    link = (
        external_url("courses.line_manager_link", token=token)
        if token
        else external_url("courses.line_manager_requests")
    )
    cohort = booking.cohort
    queue_templated_mail(
        recipient,
        "line_manager_approval",
        lambda: _(
            "Training to approve: %(name)s, %(title)s",
            name=booking.user.full_name,
            title=cohort.shown_title,
        ),
        {
            "cohort": cohort,
            "learner": booking.user,
            "manager_name": named.display_name,
            "link": external_url("courses.cohort_detail", cohort_id=cohort.id),
            "decide_link": link,
            "expires_at": approval.expires_at,
        },
    )
    queue_templated_mail(
        booking.user,
        "line_manager_asked",
        lambda: _("Request sent to your line manager: %(title)s", title=cohort.shown_title),
        {
            "cohort": cohort,
            "manager_name": named.display_name,
            "link": external_url("courses.booking_detail", booking_id=booking.id),
        },
    )
    log.info("Booking %s: line manager asked (approval %s)", booking.id, approval.id)
    return approval


def _no_line_manager_message() -> str:
    return _(
        "This course needs your line manager's approval. Name your line manager on your "
        "account page before you book."
    )


def line_manager_problem(cohort: Cohort, learner: User) -> str | None:
    """Why the learner cannot ask for a place yet: no line manager named on a course that
    needs their approval (None when there is no such problem)."""
    if cohort.course.line_manager_approval and learner.line_manager is None:
        return _no_line_manager_message()
    return None


def pending_approval(booking: Booking) -> LineManagerApproval | None:
    """The line manager's decision the booking waits for, if any."""
    return db.session.execute(
        select(LineManagerApproval)
        .where(
            LineManagerApproval.booking_id == booking.id, LineManagerApproval.status == "pending"
        )
        .order_by(LineManagerApproval.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def requests_for(manager: User) -> Select[LineManagerApproval]:
    """The requests waiting for this line manager (their account), oldest first."""
    return (
        select(LineManagerApproval)
        .join(Booking, Booking.id == LineManagerApproval.booking_id)
        .where(
            LineManagerApproval.manager_id == manager.id,
            LineManagerApproval.status == "pending",
            Booking.status == "requested",
        )
        .options(
            selectinload(LineManagerApproval.booking).options(
                selectinload(Booking.user).selectinload(User.organisation),
                selectinload(Booking.cohort).selectinload(Cohort.days),
            )
        )
        .order_by(LineManagerApproval.created_at, LineManagerApproval.id)
    )


def approval_for_token(token: str) -> LineManagerApproval | None:
    """The request an e-mailed link is for (decided or not), or None for an unknown token."""
    if not token or len(token) > 100:
        return None
    return db.session.execute(
        select(LineManagerApproval)
        .where(LineManagerApproval.token_hash == token_hash(token))
        .options(selectinload(LineManagerApproval.booking).selectinload(Booking.cohort))
    ).scalar_one_or_none()


def link_state(approval: LineManagerApproval, now: datetime | None = None) -> str:
    """What an e-mailed link can do: ``open`` (decide), ``decided``, ``withdrawn``
    (the booking ended, or the learner withdrew) or ``expired``."""
    if approval.status in ("approved", "declined"):
        return "decided"
    if approval.status == "withdrawn" or approval.booking.status != "requested":
        return "withdrawn"
    if approval.expires_at is not None and (now or utcnow()) >= approval.expires_at:
        return "expired"
    return "open"


def expire_link_requests(now: datetime | None = None) -> int:
    """Requests whose e-mailed link ran out unanswered end: the request is declined, and the
    learner is told that they may book again (which sends their line manager a new link).
    Part of ``flask cohorts sweep``; returns how many ended. Raises nothing."""
    now = now or utcnow()
    due = db.session.execute(
        select(LineManagerApproval)
        .join(Booking, Booking.id == LineManagerApproval.booking_id)
        .where(
            LineManagerApproval.status == "pending",
            LineManagerApproval.expires_at.is_not(None),
            LineManagerApproval.expires_at <= now,
            Booking.status == "requested",
        )
        .options(
            selectinload(LineManagerApproval.booking).options(
                selectinload(Booking.user), selectinload(Booking.cohort)
            )
        )
        .order_by(LineManagerApproval.id)
    ).scalars()
    ended = 0
    for approval in due:
        booking = approval.booking
        booking_rules.lock_booking(booking)
        db.session.refresh(approval)
        if approval.status != "pending" or booking.status != "requested":
            continue  # decided meanwhile
        reason = _(
            "Your line manager did not answer within %(days)d days. Book again to send them "
            "a new request.",
            days=current_app.config["LINE_MANAGER_LINK_DAYS"],
        )
        approval.status, approval.decided_at = "expired", now
        booking_rules.record_change(booking, None, "line_manager_expired", "declined", reason)
        notices.request_declined(booking, reason)
        ended += 1
    db.session.flush()
    return ended


def decide_as_line_manager(
    actor: User, approval: LineManagerApproval, approve: bool, reason: str = ""
) -> None:
    """A line manager with an account approves or declines a request on their page.

    :raises PermissionDenied: when the request was sent to someone else.
    :raises ConflictError: see :func:`_decide`.
    """
    if approval.manager_id is None or approval.manager_id != actor.id:
        raise PermissionDenied(_("This request was sent to someone else"))
    _decide(approval, actor, approve, reason)


def decide_by_link(
    token: str, approve: bool, reason: str = "", now: datetime | None = None
) -> LineManagerApproval:
    """A line manager without an account answers through the e-mailed link.

    :raises ConflictError: when the link is unknown, has expired or was used, or see
        :func:`_decide`.
    """
    approval = approval_for_token(token)
    if approval is None:
        raise ConflictError(_("This link is not valid"))
    state = link_state(approval, now)
    if state == "expired":
        raise ConflictError(
            _(
                "This link has expired. Ask %(name)s to book again.",
                name=approval.booking.user.full_name,
            )
        )
    _decide(approval, None, approve, reason)
    return approval


def _decide(approval: LineManagerApproval, actor: User | None, approve: bool, reason: str) -> None:
    """Record the line manager's decision. Approved: on to the organisation's managers when
    the course is for IFST members, else a place (or the waiting list). Declined: the
    learner is told, with the reason.

    :raises ValidationFailed: on ``reason`` when it is over 2,000 characters.
    :raises ConflictError: when the request was already decided or withdrawn, the cohort is no
        longer open, or (approving) the learner is booked elsewhere at the same time.
    """
    reason = reason.strip()
    if len(reason) > 2000:
        raise ValidationFailed("reason", _("The reason must be 2,000 characters or fewer"))
    booking = approval.booking
    booking_rules.lock_booking(booking)
    db.session.refresh(approval)
    if approval.status != "pending" or booking.status != "requested":
        raise ConflictError(_("This request is no longer waiting for a decision"))
    now = utcnow()
    # Whoever holds the e-mailed link decides: the booking's history says whose address it
    # went to, so staff can see who approved a place (an account decides as itself).
    said = (
        reason
        if actor is not None
        else " ".join(
            part
            for part in (
                _(
                    "By %(name)s (%(email)s), through the e-mailed link.",
                    name=approval.name,
                    email=approval.email,
                ),
                reason,
            )
            if part
        )
    )
    if not approve:
        approval.status, approval.reason, approval.decided_at = "declined", reason, now
        booking_rules.record_change(booking, actor, "line_manager_declined", "declined", said)
        notices.request_declined(booking, reason)
        db.session.flush()
        log.info("Booking %s: line manager declined", booking.id)
        return
    cohort = booking.cohort
    if cohort.status != "published":
        raise ConflictError(_("This cohort is no longer open for booking"))
    problems = booking_rules.overlaps(cohort, booking.user)
    if problems:
        raise ConflictError(" ".join(problems))
    approval.status, approval.reason, approval.decided_at = "approved", reason, now
    if cohort.course.audience == "ifst_only":
        # Still a request: now the organisation's managers decide it.
        booking_rules.record_change(booking, actor, "line_manager_approved", "requested", said)
        db.session.flush()
        notices.ask_approvers(booking)
        log.info("Booking %s: line manager approved; on to the managers", booking.id)
        return
    booking_rules.record_change(booking, actor, "line_manager_approved", "requested", said)
    outcome = booking_rules.place_or_queue(booking, actor, "approved")
    notices.request_approved(booking, outcome.position)
    log.info("Booking %s: line manager approved", booking.id)


def withdraw(booking: Booking) -> None:
    """The booking ended before its line manager decided: their link and list forget it."""
    withdraw_all([booking])


def withdraw_all(bookings: Iterable[Booking]) -> None:
    """Those of ``bookings`` still waiting for their line manager are ending (cancelled by
    the learner or staff, their cohort cancelled or completed, the learner erased): the
    requests are withdrawn, in one statement."""
    ids = [booking.id for booking in bookings if booking.status == "requested"]
    if ids:
        db.session.execute(
            update(LineManagerApproval)
            .where(LineManagerApproval.booking_id.in_(ids), LineManagerApproval.status == "pending")
            .values(status="withdrawn", decided_at=utcnow())
            .execution_options(synchronize_session="fetch")
        )


def erase_for(users: Iterable[int]) -> None:
    """Erasure: forget these people's line managers, the line manager details kept with
    their requests, and them as anyone's line manager."""
    ids = list(users)
    if not ids:
        return
    their_bookings = select(Booking.id).where(Booking.user_id.in_(ids))
    db.session.execute(
        update(LineManagerApproval)
        .where(LineManagerApproval.booking_id.in_(their_bookings))
        .values(name="", email="", reason="", token_hash=None, manager_id=None)
    )
    # Requests sent to them as someone's line manager: withdrawn, and their name goes.
    db.session.execute(
        update(LineManagerApproval)
        .where(LineManagerApproval.manager_id.in_(ids), LineManagerApproval.status == "pending")
        .values(status="withdrawn", decided_at=utcnow())
    )
    db.session.execute(
        update(LineManagerApproval)
        .where(LineManagerApproval.manager_id.in_(ids))
        .values(manager_id=None)
    )
    db.session.execute(
        delete(LineManager).where(
            (LineManager.user_id.in_(ids)) | (LineManager.manager_id.in_(ids))
        )
    )
