"""Who may see and do what in accreditation: ``can_<verb>_<noun>(user, obj)``."""

from __future__ import annotations

from trainhub.accreditation.models import (
    AWAITING_VERIFICATION,
    SUBMITTED,
    Application,
    BadgeLink,
    Certificate,
    CpdEntry,
    ExternalActivity,
)
from trainhub.auth.models import User
from trainhub.auth.permissions import can_view_training_record
from trainhub.auth.roles import MANAGERS, Role


def can_judge_application(user: User, application: Application) -> bool:
    """An assessor, and not the learner: nobody assesses their own workbook (R26)."""
    return user.has_role(Role.ASSESSOR) and user.id != application.user_id


def can_verify_application(user: User, application: Application) -> bool:
    """A second assessor, not the learner nor the one who assessed it."""
    return (
        can_judge_application(user, application)
        and application.status == AWAITING_VERIFICATION
        and user.id != application.assessor_id
    )


def can_download_workbook(user: User, application: Application) -> bool:
    """The learner, the assigned assessor, an internal verifier and admins (R48); nobody else."""
    return (
        user.id == application.user_id
        or user.is_admin
        or (can_judge_application(user, application) and user.id == application.assessor_id)
        or (can_judge_application(user, application) and user.id == application.verifier_id)
        or can_verify_application(user, application)
    )


def can_view_application(user: User, application: Application) -> bool:
    """Those who may download its workbooks, assessors deciding whether to claim it, and
    (read-only) the learner's supervisor and managers."""
    return (
        can_download_workbook(user, application)
        or can_claim_application(user, application)
        or can_view_training_record(user, application.user)
    )


def can_claim_application(user: User, application: Application) -> bool:
    return (
        can_judge_application(user, application)
        and application.status == SUBMITTED
        and application.assessor_id is None
    )


def can_assess_application(user: User, application: Application) -> bool:
    return (
        can_judge_application(user, application)
        and application.status == SUBMITTED
        and application.assessor_id == user.id
    )


def can_work_on_application(user: User, application: Application) -> bool:
    """Upload workbooks and submit: the learner alone (the service refuses a closed one)."""
    return user.id == application.user_id


def can_withdraw_application(user: User, application: Application) -> bool:
    """The learner, or an administrator on their behalf."""
    return user.id == application.user_id or user.is_admin


def can_assign_assessor(user: User, application: Application) -> bool:
    return user.is_admin and application.is_open


def can_view_activity(user: User, activity: ExternalActivity) -> bool:
    """Part of the learner's training record: the learner, their supervisor, their own
    organisation's managers and admins (R29, R49)."""
    return can_view_training_record(user, activity.user)


def can_decide_activity(user: User, activity: ExternalActivity) -> bool:
    """Those who read the learner's record may approve it; never the learner themselves."""
    return user.id != activity.user_id and can_view_training_record(user, activity.user)


def can_approve_activities(user: User) -> bool:
    """The CPD approvals list: managers, admins, and anyone who supervises someone."""
    return user.has_role(*MANAGERS) or user.has_supervisees()


def can_reverse_entry(user: User, entry: CpdEntry) -> bool:
    """Correct a line of someone's CPD ledger: managers and administrators who may read
    that person's training record (never the learner, nor a supervisor)."""
    return user.has_role(*MANAGERS) and can_view_training_record(user, entry.user)


def can_view_certificate(user: User, certificate: Certificate) -> bool:
    """The learner, admins, and those who may read the learner's training record."""
    return (
        user.id == certificate.user_id
        or user.is_admin
        or can_view_training_record(user, certificate.user)
    )


def can_share_badge(user: User, certificate: Certificate) -> bool:
    """Only the certificate's holder makes (and withdraws) public links to its badge."""
    return user.id == certificate.user_id


def can_withdraw_badge_link(user: User, link: BadgeLink) -> bool:
    return user.id == link.certificate.user_id
