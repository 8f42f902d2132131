"""The training figures of a financial year or quarter, aggregated in SQL (R35-R39).

``compute`` returns plain JSON-ready data (numbers, codes and names, never translated
labels), so a published snapshot can be stored as it is and drawn again in either language;
``trainhub.feedback.services.tables`` turns it into the tables the page, the spreadsheets
and the PDF all show.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, and_, case, distinct, func, select

from trainhub.accreditation.models import (
    ACHIEVED,
    OPEN_STATUSES,
    AccreditationLevel,
    Application,
    CpdEntry,
    level_entry_courses,
)
from trainhub.accreditation.services.clock import people_on_the_clock
from trainhub.accreditation.services.dates import financial_year, financial_year_label
from trainhub.auth.models import Organisation, User
from trainhub.courses.models import (
    ATTENDED,
    LOCAL_TIME,
    REGISTER_STATUSES,
    Attendance,
    Booking,
    Cohort,
    CohortDay,
    CohortFacilitator,
    Completion,
    Course,
    local_today,
)
from trainhub.errors import ValidationFailed
from trainhub.extensions import db
from trainhub.feedback.models import (
    RATING,
    FeedbackAnswer,
    FeedbackRequest,
    FeedbackResponse,
    Questionnaire,
    QuestionnaireItem,
    ReportSnapshot,
    SpendLine,
    TrainingBudget,
)

#: Cohorts that count: scheduled and not cancelled (drafts were never offered).
DELIVERED_STATUSES = ("published", "completed")
#: A booking that filled one of the places.
FILLED_STATUSES = REGISTER_STATUSES
#: The first year anyone can ask about.
FIRST_YEAR = 2000
_QUARTER_STARTS = {1: (0, 4), 2: (0, 7), 3: (0, 10), 4: (1, 1)}


@dataclass(frozen=True)
class Period:
    """A financial year (April to March), or one quarter of it."""

    year: int
    quarter: int | None = None

    @property
    def start(self) -> dt.date:
        if self.quarter is None:
            return dt.date(self.year, 4, 1)
        offset, month = _QUARTER_STARTS[self.quarter]
        return dt.date(self.year + offset, month, 1)

    @property
    def end(self) -> dt.date:
        if self.quarter is None or self.quarter == 4:
            return dt.date(self.year + 1, 3, 31)
        return Period(self.year, self.quarter + 1).start - dt.timedelta(days=1)

    @property
    def fy(self) -> str:
        return financial_year_label(self.year)


def min_members() -> int:
    """Breakdowns of fewer responses than this are not shown (the anonymity floor)."""
    return int(current_app.config.get("FEEDBACK_MIN_RESPONSES", 5))


_FY = re.compile(r"^\s*(\d{4})\s*[-/\u2013]\s*(\d{2}|\d{4})\s*$")


def parse_year(text: str | None, today: dt.date | None = None) -> int:
    """ "2016-17" → 2016; refuses other shapes, years before 2000 and years not yet begun."""
    today = today or local_today()
    match = _FY.match(text or "")
    if not match:
        raise ValidationFailed("fy", _("Enter a financial year like 2016-17"))
    start, end = int(match[1]), int(match[2])
    if end % 100 != (start + 1) % 100 or (end >= 1000 and end != start + 1):
        raise ValidationFailed(
            "fy",
            _("A financial year runs April to March, like 2016-17: the years must follow on"),
        )
    if start < FIRST_YEAR:
        raise ValidationFailed("fy", _("Choose a financial year from 2000-01 onwards"))
    if start > financial_year(today):
        raise ValidationFailed(
            "fy",
            _(
                "%(fy)s has not started yet: choose %(now)s or an earlier year",
                fy=financial_year_label(start),
                now=financial_year_label(financial_year(today)),
            ),
        )
    return start


def parse_period(fy: str | None, quarter: str | None, today: dt.date | None = None) -> Period:
    year = parse_year(fy, today)
    if quarter in (None, "", "all"):
        return Period(year)
    if quarter not in ("1", "2", "3", "4"):
        raise ValidationFailed("quarter", _("Choose a quarter from 1 to 4, or the whole year"))
    return Period(year, int(quarter))


def _money(value: Decimal | None) -> str:
    return f"{(value or Decimal(0)):.2f}"


def _mean(value: Any) -> str | None:
    return None if value is None else f"{Decimal(str(value)):.2f}"


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def period_cohorts(period: Period) -> Select[Any]:
    return select(Cohort.id).where(
        Cohort.status.in_(DELIVERED_STATUSES),
        Cohort.first_day >= period.start,
        Cohort.first_day <= period.end,
    )


def _attendance(period: Period) -> Any:
    """(user, cohort) rows of everyone who attended at least one day of a period cohort."""
    return (
        select(Attendance.user_id, CohortDay.cohort_id)
        .join(CohortDay, CohortDay.id == Attendance.cohort_day_id)
        .where(
            CohortDay.cohort_id.in_(period_cohorts(period)),
            Attendance.status.in_(ATTENDED),
        )
        .distinct()
        .subquery()
    )


def _rows(query: Any) -> list[Any]:
    return list(db.session.execute(query))


def delivery(period: Period) -> dict[str, Any]:
    """How much: cohorts, days, places and people by course, with totals."""
    cohorts = period_cohorts(period)
    per_course = _rows(
        select(
            Course.id,
            Course.code,
            Course.title,
            Course.duration_days,
            func.count(Cohort.id),
            func.sum(Cohort.capacity),
        )
        .join(Cohort, Cohort.course_id == Course.id)
        .where(Cohort.id.in_(cohorts))
        .group_by(Course.id, Course.code, Course.title, Course.duration_days)
        .order_by(Course.title)
    )
    days = dict(
        _rows(
            select(Cohort.course_id, func.count(CohortDay.id))
            .join(CohortDay, CohortDay.cohort_id == Cohort.id)
            .where(Cohort.id.in_(cohorts))
            .group_by(Cohort.course_id)
        )
    )
    bookings = {
        row[0]: row[1:]
        for row in _rows(
            select(
                Cohort.course_id,
                func.sum(case((Booking.status.in_(FILLED_STATUSES), 1), else_=0)),
                func.sum(case((Booking.status == "no_show", 1), else_=0)),
                func.sum(
                    case(
                        (and_(Booking.status == "cancelled", Booking.late_cancellation), 1),
                        else_=0,
                    )
                ),
            )
            .join(Cohort, Cohort.id == Booking.cohort_id)
            .where(Cohort.id.in_(cohorts))
            .group_by(Cohort.course_id)
        )
    }
    attended = _attendance(period)
    attendees = dict(
        _rows(
            select(Cohort.course_id, func.count(distinct(attended.c.user_id)))
            .join(Cohort, Cohort.id == attended.c.cohort_id)
            .group_by(Cohort.course_id)
        )
    )
    completions = dict(
        _rows(
            select(Completion.course_id, func.count(Completion.id))
            .where(Completion.cohort_id.in_(cohorts))
            .group_by(Completion.course_id)
        )
    )
    total_attendees = db.session.execute(
        select(func.count(distinct(attended.c.user_id)))
    ).scalar_one()
    courses = []
    for course_id, code, title, duration, n_cohorts, capacity in per_course:
        filled, no_shows, late = (int(v or 0) for v in bookings.get(course_id, (0, 0, 0)))
        people = int(attendees.get(course_id, 0))
        done = int(completions.get(course_id, 0))
        courses.append(
            {
                "code": code,
                "course": title,
                "duration_days": duration,
                "cohorts": int(n_cohorts),
                "days": int(days.get(course_id, 0)),
                "places_offered": int(capacity or 0),
                "places_filled": filled,
                "attendees": people,
                "completions": done,
                "completion_rate": _rate(done, people),
                "no_shows": no_shows,
                "late_cancellations": late,
            }
        )
    keys = ("cohorts", "days", "places_offered", "places_filled", "completions", "no_shows")
    totals: dict[str, Any] = {k: sum(c[k] for c in courses) for k in keys}
    totals["late_cancellations"] = sum(c["late_cancellations"] for c in courses)
    # Someone on two courses is one attendee in the total.
    totals["attendees"] = int(total_attendees)
    totals["completion_rate"] = _rate(totals["completions"], totals["attendees"])
    return {"courses": courses, "totals": totals}


def attendees_by(period: Period) -> dict[str, list[dict[str, Any]]]:
    """Attendees (each counted once) by background, organisation, sector and area."""
    people = select(_attendance(period).c.user_id).distinct()
    result: dict[str, list[dict[str, Any]]] = {}
    for name, column in (
        ("backgrounds", User.professional_background),
        ("sectors", User.sector),
        ("local_authorities", User.local_authority),
    ):
        rows = _rows(
            select(column, func.count(User.id))
            .where(User.id.in_(people))
            .group_by(column)
            .order_by(func.count(User.id).desc(), column)
        )
        result[name] = [{"key": key, "attendees": int(n)} for key, n in rows]
    rows = _rows(
        select(Organisation.name, func.count(User.id))
        .select_from(User)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(User.id.in_(people))
        .group_by(Organisation.name)
        .order_by(func.count(User.id).desc(), Organisation.name)
    )
    result["organisations"] = [{"name": name, "attendees": int(n)} for name, n in rows]
    return result


def partners(period: Period) -> list[dict[str, Any]]:
    """Closed cohorts per partner organisation (e.g. Cardiff University's health visitors)."""
    cohorts = period_cohorts(period)
    closed = _rows(
        select(Organisation.name, func.count(Cohort.id), func.sum(Cohort.capacity))
        .join(Cohort, Cohort.partner_organisation_id == Organisation.id)
        .where(Cohort.id.in_(cohorts))
        .group_by(Organisation.name)
        .order_by(Organisation.name)
    )
    attended = _attendance(period)
    people = dict(
        _rows(
            select(Organisation.name, func.count(distinct(attended.c.user_id)))
            .join(Cohort, Cohort.partner_organisation_id == Organisation.id)
            .join(attended, attended.c.cohort_id == Cohort.id)
            .group_by(Organisation.name)
        )
    )
    return [
        {"name": name, "cohorts": int(n), "places": int(cap or 0), "attendees": people.get(name, 0)}
        for name, n, cap in closed
    ]


def facilitators(period: Period) -> list[dict[str, Any]]:
    """People who facilitated, by the professional title they facilitated under."""
    rows = _rows(
        select(
            CohortFacilitator.professional_title,
            func.count(distinct(CohortFacilitator.user_id)),
            func.count(distinct(CohortFacilitator.cohort_id)),
        )
        .where(CohortFacilitator.cohort_id.in_(period_cohorts(period)))
        .group_by(CohortFacilitator.professional_title)
        .order_by(func.count(distinct(CohortFacilitator.user_id)).desc())
    )
    return [{"title": title, "people": int(p), "cohorts": int(c)} for title, p, c in rows]


def _item_wording() -> dict[str, tuple[str, str]]:
    """Each item key's latest wording in English and Welsh."""
    rows = _rows(
        select(QuestionnaireItem.key, QuestionnaireItem.text, QuestionnaireItem.text_cy)
        .join(Questionnaire)
        .order_by(Questionnaire.version)
    )
    return {key: (text, text_cy) for key, text, text_cy in rows}


def _suppress(n: int, mean: Any, floor: int) -> str | None:
    return _mean(mean) if n >= floor else None


def feedback(cohorts: Select[Any]) -> dict[str, Any]:
    """Response rate and the mean of each rating statement of these cohorts, with n (R33).

    A mean from fewer responses than the anonymity floor is left out (None).
    """
    floor = min_members()
    asked = db.session.execute(
        select(func.count(FeedbackRequest.id)).where(FeedbackRequest.cohort_id.in_(cohorts))
    ).scalar_one()
    responses = db.session.execute(
        select(func.count(FeedbackResponse.id)).where(FeedbackResponse.cohort_id.in_(cohorts))
    ).scalar_one()
    wording = _item_wording()
    rows = _rows(
        select(
            QuestionnaireItem.key,
            func.count(FeedbackAnswer.rating),
            func.avg(FeedbackAnswer.rating),
            func.min(QuestionnaireItem.position),
        )
        .select_from(FeedbackAnswer)
        .join(QuestionnaireItem, QuestionnaireItem.id == FeedbackAnswer.item_id)
        .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
        .where(FeedbackResponse.cohort_id.in_(cohorts), QuestionnaireItem.kind == RATING)
        .group_by(QuestionnaireItem.key)
        .order_by(func.min(QuestionnaireItem.position))
    )
    items = [
        {
            "key": key,
            "text": wording.get(key, (key, ""))[0],
            "text_cy": wording.get(key, (key, ""))[1],
            "n": int(n),
            "mean": _suppress(int(n), mean, floor),
        }
        for key, n, mean, _position in rows
    ]
    return {
        "requests": int(asked),
        "responses": int(responses),
        "response_rate": _rate(int(responses), int(asked)),
        "floor": floor,
        "items": items,
    }


def _ratings_by(group: Any, key: Any, cohorts: Select[Any], *joins: Any) -> list[Any]:
    """(label, n, mean) per group; ``key`` keeps two courses or people of one name apart."""
    query = (
        select(group, func.count(distinct(FeedbackResponse.id)), func.avg(FeedbackAnswer.rating))
        .select_from(FeedbackAnswer)
        .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
        .join(QuestionnaireItem, QuestionnaireItem.id == FeedbackAnswer.item_id)
        .join(Cohort, Cohort.id == FeedbackResponse.cohort_id)
    )
    for target, on in joins:
        query = query.join(target, on)
    query = query.where(Cohort.id.in_(cohorts), QuestionnaireItem.kind == RATING)
    return _rows(query.group_by(key, group).order_by(group, key))


def feedback_breakdowns(period: Period) -> dict[str, list[dict[str, Any]]]:
    """Mean of all ratings per course and per trainer, with n, behind the anonymity floor."""
    floor = min_members()
    cohorts = period_cohorts(period)
    by_course = _ratings_by(
        Course.title, Course.id, cohorts, (Course, Course.id == Cohort.course_id)
    )
    by_trainer = _ratings_by(
        User.full_name,
        User.id,
        cohorts,
        (CohortFacilitator, CohortFacilitator.cohort_id == Cohort.id),
        (User, User.id == CohortFacilitator.user_id),
    )
    return {
        "feedback_by_course": [
            {"course": name, "n": int(n), "mean": _suppress(int(n), mean, floor)}
            for name, n, mean in by_course
        ],
        "feedback_by_trainer": [
            {"trainer": name, "n": int(n), "mean": _suppress(int(n), mean, floor)}
            for name, n, mean in by_trainer
        ],
    }


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, LOCAL_TIME)


def accreditation(period: Period) -> list[dict[str, Any]]:
    """Is anyone better off: applications submitted and levels awarded, by level."""
    submitted = func.sum(
        case(
            (
                and_(
                    Application.submitted_at >= _local_midnight(period.start),
                    Application.submitted_at < _local_midnight(period.end + dt.timedelta(days=1)),
                ),
                1,
            ),
            else_=0,
        )
    )
    awarded = func.sum(
        case(
            (
                and_(
                    Application.status == ACHIEVED,
                    Application.achieved_on >= period.start,
                    Application.achieved_on <= period.end,
                ),
                1,
            ),
            else_=0,
        )
    )
    rows = _rows(
        select(AccreditationLevel.number, AccreditationLevel.title, submitted, awarded)
        .join(Application, Application.level_id == AccreditationLevel.id)
        .group_by(AccreditationLevel.number, AccreditationLevel.title)
        .order_by(AccreditationLevel.number)
    )
    return [
        {"level": number, "title": title, "applications": int(a or 0), "awards": int(w or 0)}
        for number, title, a, w in rows
        if a or w
    ]


def cpd(period: Period) -> dict[str, Any]:
    """CPD hours and CQF credits banked in the period (corrections included)."""
    people, hours, credits = db.session.execute(
        select(
            func.count(distinct(CpdEntry.user_id)),
            func.sum(CpdEntry.hours),
            func.sum(CpdEntry.credits),
        ).where(CpdEntry.occurred_on >= period.start, CpdEntry.occurred_on <= period.end)
    ).one()
    return {"people": int(people), "hours": _money(hours), "credits": _money(credits)}


def core_course_ids() -> Select[Any]:
    """The core and the courses counted as its equivalent: those that open a level."""
    return (
        select(level_entry_courses.c.course_id)
        .join(AccreditationLevel, AccreditationLevel.id == level_entry_courses.c.level_id)
        .where(AccreditationLevel.is_active.is_(True))
    )


def workforce_members(as_at: dt.date) -> list[dict[str, Any]]:
    """Every active IFST member: core completion, levels held, open application, clock."""
    core = (
        select(Completion.user_id, func.min(Completion.completed_on).label("core_on"))
        .where(Completion.course_id.in_(core_course_ids()), Completion.completed_on <= as_at)
        .group_by(Completion.user_id)
        .subquery()
    )
    members = _rows(
        select(User.id, User.full_name, User.email, Organisation.name, core.c.core_on)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .outerjoin(core, core.c.user_id == User.id)
        .where(User.ifst_member.is_(True), User.active.is_(True))
        .order_by(User.full_name, User.id)
    )
    ids = [row[0] for row in members]
    achieved: dict[int, list[int]] = {}
    open_: dict[int, tuple[int, str]] = {}
    for user_id, number, status, achieved_on in _rows(
        select(
            Application.user_id,
            AccreditationLevel.number,
            Application.status,
            Application.achieved_on,
        )
        .join(AccreditationLevel, AccreditationLevel.id == Application.level_id)
        .where(
            Application.user_id.in_(ids),
            Application.status.in_((ACHIEVED, *OPEN_STATUSES)),
        )
        .order_by(AccreditationLevel.number)
    ):
        if status == ACHIEVED and achieved_on is not None and achieved_on <= as_at:
            achieved.setdefault(user_id, []).append(number)
        elif status in OPEN_STATUSES:
            open_[user_id] = (number, status)
    clocks = {
        item.user.id: item.clock for item in people_on_the_clock(as_at) if item.user.id in ids
    }
    result = []
    for user_id, name, email, organisation, core_on in members:
        clock = clocks.get(user_id)
        application = open_.get(user_id)
        result.append(
            {
                "name": name,
                "email": email,
                "organisation": organisation,
                "core_completed_on": core_on.isoformat() if core_on else None,
                "levels": achieved.get(user_id, []),
                "open_level": application[0] if application else None,
                "open_status": application[1] if application else None,
                "clock": clock.state if clock else None,
                "due_on": clock.due_on.isoformat() if clock and clock.due_on else None,
            }
        )
    return result


def workforce(as_at: dt.date) -> dict[str, Any]:
    """The IFST staff complement's training status, in numbers (R37 workforce issues)."""
    members = workforce_members(as_at)
    levels: dict[int, int] = {}
    for member in members:
        for number in member["levels"]:
            levels[number] = levels.get(number, 0) + 1
    return {
        "as_at": as_at.isoformat(),
        "members": len(members),
        "core_trained": sum(1 for m in members if m["core_completed_on"]),
        "not_core_trained": sum(1 for m in members if not m["core_completed_on"]),
        "due": sum(1 for m in members if m["clock"] == "due"),
        "overdue": sum(1 for m in members if m["clock"] == "overdue"),
        "levels": [{"level": n, "people": levels[n]} for n in sorted(levels)],
    }


def budget(period: Period) -> dict[str, Any]:
    """Allocation, spend by quarter and category, and what remains (R39)."""
    allocation = db.session.execute(
        select(TrainingBudget.allocation).where(TrainingBudget.financial_year == period.year)
    ).scalar_one_or_none()
    last_quarter = period.quarter or 4
    rows = _rows(
        select(SpendLine.quarter, SpendLine.category, func.sum(SpendLine.amount))
        .where(SpendLine.financial_year == period.year, SpendLine.quarter <= last_quarter)
        .group_by(SpendLine.quarter, SpendLine.category)
        .order_by(SpendLine.category, SpendLine.quarter)
    )
    lines = [
        {"quarter": q, "category": c, "amount": _money(a)}
        for q, c, a in rows
        if period.quarter is None or q == period.quarter
    ]
    spent = sum((Decimal(str(a)) for _q, _c, a in rows), Decimal(0))
    return {
        "allocation": _money(allocation) if allocation is not None else None,
        "lines": lines,
        "spent_to_date": _money(spent),
        "remaining": _money(allocation - spent) if allocation is not None else None,
    }


def planned(period: Period) -> list[dict[str, Any]]:
    """Cohorts already scheduled for the next financial year ("new collaborations")."""
    following = Period(period.year + 1)
    rows = _rows(
        select(Course.title, func.count(Cohort.id), func.sum(Cohort.capacity))
        .join(Cohort, Cohort.course_id == Course.id)
        .where(Cohort.id.in_(period_cohorts(following)))
        .group_by(Course.title)
        .order_by(Course.title)
    )
    return [{"course": t, "cohorts": int(n), "places": int(p or 0)} for t, n, p in rows]


def quotes(period: Period) -> list[dict[str, Any]]:
    """The comments a manager picked for the report: consented ones only (R32)."""
    rows = _rows(
        select(FeedbackAnswer.id, FeedbackAnswer.text, Course.title)
        .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
        .join(Cohort, Cohort.id == FeedbackResponse.cohort_id)
        .join(Course, Course.id == Cohort.course_id)
        .where(
            FeedbackAnswer.selected_for_report.is_(True),
            FeedbackResponse.quote_consent.is_(True),
            Cohort.id.in_(period_cohorts(period)),
        )
        .order_by(FeedbackAnswer.selected_at, FeedbackAnswer.id)
    )
    return [{"id": i, "text": text, "course": course} for i, text, course in rows]


def compute(period: Period, today: dt.date | None = None) -> dict[str, Any]:
    """Every figure of the period, as plain data (what a snapshot stores)."""
    today = today or local_today()
    as_at = min(today, period.end)
    data: dict[str, Any] = {
        "period": {
            "year": period.year,
            "quarter": period.quarter,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
        "computed_on": today.isoformat(),
        **delivery(period),
        **attendees_by(period),
        "partners": partners(period),
        "facilitators": facilitators(period),
        "feedback": feedback(period_cohorts(period)),
        **feedback_breakdowns(period),
        "accreditation": accreditation(period),
        "cpd": cpd(period),
        "workforce": workforce(as_at),
        "budget": budget(period),
        "planned": planned(period) if period.quarter is None else [],
        "quotes": quotes(period),
    }
    return data


def readiness(period: Period, today: dt.date) -> list[dict[str, Any]]:
    """What still stands between the year's data and a complete annual report (R41)."""
    marked = select(Attendance.id).where(Attendance.cohort_day_id == CohortDay.id).exists()
    registers = db.session.execute(
        select(func.count(CohortDay.id)).where(
            CohortDay.cohort_id.in_(period_cohorts(period)),
            CohortDay.date <= today,
            ~marked,
        )
    ).scalar_one()
    allocation = db.session.execute(
        select(TrainingBudget.id).where(TrainingBudget.financial_year == period.year)
    ).first()
    chosen = db.session.execute(
        select(func.count(FeedbackAnswer.id))
        .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
        .where(
            FeedbackAnswer.selected_for_report.is_(True),
            FeedbackResponse.quote_consent.is_(True),
            FeedbackResponse.cohort_id.in_(period_cohorts(period)),
        )
    ).scalar_one()
    published = db.session.execute(
        select(ReportSnapshot.id).where(ReportSnapshot.financial_year == period.year)
    ).first()
    return [
        {
            "key": "registers",
            "done": registers == 0,
            "text": _("Registers taken for every training day so far")
            if registers == 0
            else _("%(n)d training day(s) without a register", n=registers),
        },
        {
            "key": "allocation",
            "done": allocation is not None,
            "text": _("Training allocation recorded")
            if allocation
            else _("No training allocation recorded"),
        },
        {
            "key": "quotes",
            "done": chosen > 0,
            "text": _("%(n)d quote(s) chosen for the report", n=chosen)
            if chosen
            else _("No quotes chosen for the report"),
        },
        {
            "key": "published",
            "done": published is not None,
            "text": _("Figures published") if published else _("Figures not yet published"),
        },
    ]
