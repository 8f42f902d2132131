"""Recording history: past cohorts, completions, awards and paper feedback, and withdrawing."""

from trainhub.history.services.awards import award_key, record_awards
from trainhub.history.services.cohorts import cohort_key, record_cohorts
from trainhub.history.services.completions import completion_key, record_completions
from trainhub.history.services.drafts import (
    AttendeeDraft,
    AwardDraft,
    CohortDraft,
    CompletionDraft,
    DayDraft,
    FeedbackDraft,
)
from trainhub.history.services.feedback import record_feedback
from trainhub.history.services.outcome import Outcome, Problem
from trainhub.history.services.withdraw import WITHDRAWABLE, withdraw_record

__all__ = [
    "WITHDRAWABLE",
    "AttendeeDraft",
    "AwardDraft",
    "CohortDraft",
    "CompletionDraft",
    "DayDraft",
    "FeedbackDraft",
    "Outcome",
    "Problem",
    "award_key",
    "cohort_key",
    "completion_key",
    "record_awards",
    "record_cohorts",
    "record_completions",
    "record_feedback",
    "withdraw_record",
]
