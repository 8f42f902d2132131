"""Who may see feedback and the figures (R42: named data for managers only)."""

from __future__ import annotations

from trainhub.auth.models import User
from trainhub.auth.roles import MANAGERS, Role
from trainhub.courses.models import Cohort
from trainhub.courses.permissions import can_manage_cohort
from trainhub.feedback.models import FeedbackRequest, ImpactRequest


def can_give_feedback(user: User, request: FeedbackRequest) -> bool:
    return request.user_id == user.id


def can_answer_impact_survey(user: User, request: ImpactRequest) -> bool:
    return request.user_id == user.id


def can_view_cohort_feedback(user: User, cohort: Cohort) -> bool:
    """The cohort's trainers, managers and admins (results stay behind the anonymity floor)."""
    return can_manage_cohort(user, cohort)


def can_view_reports(user: User) -> bool:
    """The statistics, budget, quotes, exports and publication are managers' work."""
    return user.has_role(Role.MANAGER)


def can_download_named_exports(user: User) -> bool:
    """Per-learner exports: managers only, and every download is audited (R42)."""
    return user.has_role(Role.MANAGER)


def can_edit_questionnaire(user: User) -> bool:
    return user.is_admin


def can_view_audit_log(user: User) -> bool:
    return user.has_role(*MANAGERS)
