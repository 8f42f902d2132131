"""The accreditation area's models: levels, applications, the CPD ledger, certificates."""

from trainhub.accreditation.models.applications import (
    ACHIEVED,
    APPLICATION_STATUSES,
    AWAITING_VERIFICATION,
    EDITABLE_STATUSES,
    IN_PROGRESS,
    OPEN_STATUSES,
    RESUBMISSION_REQUESTED,
    SUBMITTED,
    WITHDRAWN,
    Application,
    ApplicationEvent,
    ClockReminder,
    OutcomeJudgement,
    Workbook,
)
from trainhub.accreditation.models.certificates import (
    REVOKED,
    VALID,
    WITHDRAWN_BY_HOLDER,
    BadgeLink,
    Certificate,
)
from trainhub.accreditation.models.cpd import CpdEntry, ExternalActivity
from trainhub.accreditation.models.levels import (
    AccreditationLevel,
    LevelOutcome,
    level_courses,
    level_entry_courses,
)

__all__ = [
    "ACHIEVED",
    "APPLICATION_STATUSES",
    "AWAITING_VERIFICATION",
    "EDITABLE_STATUSES",
    "IN_PROGRESS",
    "OPEN_STATUSES",
    "RESUBMISSION_REQUESTED",
    "REVOKED",
    "SUBMITTED",
    "VALID",
    "WITHDRAWN",
    "WITHDRAWN_BY_HOLDER",
    "AccreditationLevel",
    "Application",
    "ApplicationEvent",
    "BadgeLink",
    "Certificate",
    "ClockReminder",
    "CpdEntry",
    "ExternalActivity",
    "LevelOutcome",
    "OutcomeJudgement",
    "Workbook",
    "level_courses",
    "level_entry_courses",
]
