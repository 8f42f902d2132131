"""What a form or a spreadsheet says about the past, before it is checked and recorded."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class DayDraft:
    """One day of a past cohort as delivered."""

    day_number: int
    date: dt.date
    start: dt.time
    end: dt.time
    #: The name of a venue, in use or not; a name trainhub doesn't know is kept as a venue
    #: no longer in use.
    venue: str
    line: int | None = None


@dataclass
class AttendeeDraft:
    """One attendee of a past cohort and their mark on each day (``ATTENDANCE_STATUSES``);
    a day without a mark was missed."""

    email: str
    full_name: str
    marks: dict[int, str] = field(default_factory=dict)
    #: The organisation a new account joins (a name from the managed list), "" for the
    #: cohort's partner or the recorder's own.
    organisation: str = ""
    #: The line of each day's mark, for problems about it.
    lines: dict[int, int | None] = field(default_factory=dict)
    line: int | None = None


@dataclass
class CohortDraft:
    """A cohort delivered before trainhub, as its register reads."""

    course_code: str
    title: str
    days: list[DayDraft] = field(default_factory=list)
    #: The e-mail of an account, or the name of someone without one; the first leads.
    facilitators: list[str] = field(default_factory=list)
    #: The partner organisation's name for a closed cohort, "" for an open one.
    partner: str = ""
    attendees: list[AttendeeDraft] = field(default_factory=list)
    line: int | None = None


@dataclass
class CompletionDraft:
    """A person completed a course before trainhub."""

    email: str
    full_name: str
    course_code: str
    completed_on: dt.date
    line: int | None = None
    #: The organisation a new account joins (a name from the managed list).
    organisation: str = ""


@dataclass
class AwardDraft:
    """A level awarded before trainhub (signed off on paper)."""

    email: str
    full_name: str
    level: int
    awarded_on: dt.date
    #: The e-mail of an assessor's account, or the assessor's name.
    assessor: str = ""
    old_certificate_number: str = ""
    line: int | None = None
    #: The organisation a new account joins (a name from the managed list).
    organisation: str = ""


@dataclass
class FeedbackDraft:
    """One paper feedback form of a cohort, anonymous."""

    course_code: str
    cohort_first_day: dt.date
    #: Statement key → rating (1 to 5); a statement left empty is missing.
    ratings: dict[str, int] = field(default_factory=dict)
    comment: str = ""
    consent_to_quote: bool = False
    line: int | None = None
