"""The training figures of a financial year or quarter, aggregated in SQL (R35-R39).

``compute`` returns plain JSON-ready data (numbers, codes and names, never translated
labels), so a published snapshot can be stored as it is and drawn again in either language;
``trainhub.feedback.services.tables`` turns it into the tables the page, the spreadsheets
and the PDF all show.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Numeric,
    Row,
    Select,
    String,
    and_,
    case,
    cast,
    distinct,
    func,
    literal_column,
    null,
    or_,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import aliased
from sqlalchemy.types import NullType, TypeEngine

from trainhub.accreditation.models import (
    ACHIEVED,
    OPEN_STATUSES,
    AccreditationLevel,
    Application,
    CpdEntry,
    level_entry_courses,
)
from trainhub.accreditation.services.applications import level_clock
from trainhub.accreditation.services.clock import people_on_the_clock
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
from trainhub.financial_years import Period, financial_year, financial_year_label

#: Cohorts that count: scheduled and not cancelled (drafts were never offered).
DELIVERED_STATUSES = ("published", "completed")
#: A booking that filled one of the places.
FILLED_STATUSES = REGISTER_STATUSES
#: The first year anyone can ask about.
FIRST_YEAR = 2000


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


def in_period(period: Period) -> ColumnElement[bool]:
    """The cohorts that count in the period, as a condition on ``Cohort`` itself (cheaper than
    ``Cohort.id.in_(period_cohorts(period))`` where the statement reads cohorts anyway)."""
    return and_(
        Cohort.status.in_(DELIVERED_STATUSES),
        Cohort.first_day >= period.start,
        Cohort.first_day <= period.end,
    )


def period_cohorts(period: Period) -> Select[Any]:
    return select(Cohort.id).where(in_period(period))


def _rows(query: Any) -> list[Any]:
    return list(db.session.execute(query))


def _tagged_union(
    slots: Mapping[str, TypeEngine[Any]],
    parts: Mapping[str, Select[*tuple[Any, ...]]],
    order: Sequence[str] = (),
) -> dict[str, list[Row[Any]]]:
    """Several small aggregates in one statement: the UNION ALL of ``parts``, each row tagged
    with its part's name (GROUPING SETS would do, but SQLite lacks them).

    Each part labels its columns with names from ``slots``; a slot a part lacks is a NULL of
    the slot's type (PostgreSQL types a UNION pairwise, so an untyped NULL can clash). Values
    come back as the part's own column would give them. Rows are grouped by part, each part
    in ``order`` (slot names, "-" first for descending).
    """
    branches = [
        part.with_only_columns(
            literal_column(f"'{kind}'").label("kind"),
            *(
                part.selected_columns[name]
                if name in part.selected_columns
                else cast(null(), type_).label(name)
                for name, type_ in slots.items()
            ),
            maintain_column_froms=True,
        )
        for kind, part in parts.items()
    ]
    union = union_all(*branches).subquery()
    columns = [
        type_coerce(
            union.c[name],
            next(
                (
                    p.selected_columns[name].type
                    for p in parts.values()
                    if name in p.selected_columns
                ),
                type_,
            ),
        ).label(name)
        for name, type_ in slots.items()
    ]
    ordering = [union.c[o[1:]].desc() if o.startswith("-") else union.c[o] for o in order]
    result: dict[str, list[Row[Any]]] = {kind: [] for kind in parts}
    for row in db.session.execute(select(union.c.kind, *columns).order_by(union.c.kind, *ordering)):
        result[row.kind].append(row)
    return result


def delivery(period: Period) -> dict[str, Any]:
    """How much: cohorts, days, places and people by course, with totals (one statement)."""
    cohorts = period_cohorts(period)
    offered = (
        select(
            Cohort.course_id,
            func.count(Cohort.id).label("cohorts"),
            func.sum(Cohort.capacity).label("places"),
        )
        .where(in_period(period))
        .group_by(Cohort.course_id)
        .subquery()
    )
    days = (
        select(Cohort.course_id, func.count(CohortDay.id).label("days"))
        .join(CohortDay, CohortDay.cohort_id == Cohort.id)
        .where(in_period(period))
        .group_by(Cohort.course_id)
        .subquery()
    )
    # Added up per cohort first, in the order of the bookings' index, then per course.
    per_cohort = (
        select(
            Booking.cohort_id,
            func.sum(case((Booking.status.in_(FILLED_STATUSES), 1), else_=0)).label("filled"),
            func.sum(case((Booking.status == "no_show", 1), else_=0)).label("no_shows"),
            func.sum(
                case((and_(Booking.status == "cancelled", Booking.late_cancellation), 1), else_=0)
            ).label("late"),
        )
        .where(Booking.cohort_id.in_(cohorts))
        .group_by(Booking.cohort_id)
        .subquery()
    )
    bookings = (
        select(
            Cohort.course_id,
            func.sum(per_cohort.c.filled).label("filled"),
            func.sum(per_cohort.c.no_shows).label("no_shows"),
            func.sum(per_cohort.c.late).label("late"),
        )
        .join(per_cohort, per_cohort.c.cohort_id == Cohort.id)
        .group_by(Cohort.course_id)
        .subquery()
    )
    # Each attendee once per course (the user first: SQLite then reads the period's cohorts
    # by date, not every cohort in course order).
    attended = (
        select(Attendance.user_id, Cohort.course_id)
        .join(CohortDay, CohortDay.cohort_id == Cohort.id)
        .join(Attendance, Attendance.cohort_day_id == CohortDay.id)
        .where(in_period(period), Attendance.status.in_(ATTENDED))
        .distinct()
        .cte("attended")
    )
    attendees = (
        select(attended.c.course_id, func.count().label("attendees"))
        .group_by(attended.c.course_id)
        .subquery()
    )
    completions = (
        select(Completion.course_id, func.count().label("completions"))
        .where(Completion.cohort_id.in_(cohorts))
        .group_by(Completion.course_id)
        .subquery()
    )
    # Someone on two courses is one attendee in the total.
    everyone = select(func.count(distinct(attended.c.user_id))).scalar_subquery()
    rows = _rows(
        select(
            Course.code,
            Course.title,
            Course.duration_days,
            offered.c.cohorts,
            offered.c.places,
            days.c.days,
            bookings.c.filled,
            bookings.c.no_shows,
            bookings.c.late,
            attendees.c.attendees,
            completions.c.completions,
            everyone,
        )
        .join(offered, offered.c.course_id == Course.id)
        .outerjoin(days, days.c.course_id == Course.id)
        .outerjoin(bookings, bookings.c.course_id == Course.id)
        .outerjoin(attendees, attendees.c.course_id == Course.id)
        .outerjoin(completions, completions.c.course_id == Course.id)
        .order_by(Course.title, Course.id)
    )
    courses = []
    for code, title, duration, n_cohorts, capacity, *counts, _everyone in rows:
        n_days, filled, no_shows, late, people, done = (int(v or 0) for v in counts)
        courses.append(
            {
                "code": code,
                "course": title,
                "duration_days": duration,
                "cohorts": int(n_cohorts),
                "days": n_days,
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
    # No course row means no period cohort, so nobody attended one.
    totals["attendees"] = int(rows[0][-1]) if rows else 0
    totals["completion_rate"] = _rate(totals["completions"], totals["attendees"])
    return {"courses": courses, "totals": totals}


def breakdowns(period: Period) -> dict[str, list[dict[str, Any]]]:
    """In one statement: attendees (each counted once) by background, sector, area and
    organisation; closed cohorts per partner organisation (e.g. Cardiff University's health
    visitors); facilitators by the professional title they facilitated under; and, for a
    whole year, the cohorts already scheduled for the next one ("new collaborations")."""
    cohorts = period_cohorts(period)
    attended = (
        select(Attendance.user_id)
        .join(CohortDay, CohortDay.id == Attendance.cohort_day_id)
        .where(CohortDay.cohort_id.in_(cohorts), Attendance.status.in_(ATTENDED))
    )
    # Each attendee once, counted by everything the breakdowns group by: one look at the
    # people, which each breakdown then adds up.
    people = (
        select(
            User.professional_background,
            User.sector,
            User.local_authority,
            User.organisation_id,
            func.count().label("n"),
        )
        .where(User.id.in_(attended))
        .group_by(
            User.professional_background,
            User.sector,
            User.local_authority,
            User.organisation_id,
        )
        .cte("people")
    )

    def attendees_by(column: Any) -> Select[Any]:
        n = cast(func.sum(people.c.n), Integer)
        return (
            select(column.label("name"), n.label("n"), n.label("rank"))
            .select_from(people)
            .group_by(column)
        )

    facilitators = func.count(distinct(CohortFacilitator.user_id))
    parts = {
        "backgrounds": attendees_by(people.c.professional_background),
        "sectors": attendees_by(people.c.sector),
        "local_authorities": attendees_by(people.c.local_authority),
        "organisations": attendees_by(Organisation.name).outerjoin(
            Organisation, Organisation.id == people.c.organisation_id
        ),
        "partners": select(
            Organisation.name.label("name"),
            func.count(Cohort.id).label("n"),
            func.sum(Cohort.capacity).label("n2"),
        )
        .join(Cohort, Cohort.partner_organisation_id == Organisation.id)
        .where(Cohort.id.in_(cohorts))
        .group_by(Organisation.name),
        "partner_attendees": select(
            Organisation.name.label("name"), func.count(distinct(Attendance.user_id)).label("n")
        )
        .join(Cohort, Cohort.partner_organisation_id == Organisation.id)
        .join(CohortDay, CohortDay.cohort_id == Cohort.id)
        .join(Attendance, Attendance.cohort_day_id == CohortDay.id)
        .where(in_period(period), Attendance.status.in_(ATTENDED))
        .group_by(Organisation.name),
        "facilitators": select(
            CohortFacilitator.professional_title.label("name"),
            facilitators.label("n"),
            func.count(distinct(CohortFacilitator.cohort_id)).label("n2"),
            facilitators.label("rank"),
        )
        .where(CohortFacilitator.cohort_id.in_(cohorts))
        .group_by(CohortFacilitator.professional_title),
    }
    if period.quarter is None:
        parts["planned"] = (
            select(
                Course.title.label("name"),
                func.count(Cohort.id).label("n"),
                func.sum(Cohort.capacity).label("n2"),
            )
            .join(Cohort, Cohort.course_id == Course.id)
            .where(Cohort.id.in_(period_cohorts(Period(period.year + 1))))
            .group_by(Course.title)
        )
    # Attendee counts and facilitators go most first, then by name (so that ties come in
    # the same order on every database); partners and planned courses have no rank.
    rows = _tagged_union(
        {"name": String(), "n": Integer(), "n2": Integer(), "rank": Integer()},
        parts,
        order=("-rank", "name"),
    )
    result: dict[str, list[dict[str, Any]]] = {
        key: [{"key": r.name, "attendees": int(r.n)} for r in rows[key]]
        for key in ("backgrounds", "sectors", "local_authorities")
    }
    result["organisations"] = [
        {"name": r.name, "attendees": int(r.n)} for r in rows["organisations"]
    ]
    partner_attendees = {r.name: int(r.n) for r in rows["partner_attendees"]}
    result["partners"] = [
        {
            "name": r.name,
            "cohorts": int(r.n),
            "places": int(r.n2 or 0),
            "attendees": partner_attendees.get(r.name, 0),
        }
        for r in rows["partners"]
    ]
    result["facilitators"] = [
        {"title": r.name, "people": int(r.n), "cohorts": int(r.n2)} for r in rows["facilitators"]
    ]
    result["planned"] = [
        {"course": r.name, "cohorts": int(r.n), "places": int(r.n2 or 0)}
        for r in rows.get("planned", [])
    ]
    return result


def _ratio(total: Any, count: Any) -> Any:
    """``total / count`` as ``avg`` gives it (None for no count): a numeric on PostgreSQL and
    a float on SQLite, untyped so that both come back as the database returns them."""
    return type_coerce(total / type_coerce(func.nullif(count, 0), Integer), NullType())


def _suppress(n: int, mean: Any, floor: int) -> str | None:
    return _mean(mean) if n >= floor else None


def _feedback_rows(
    cohorts: Select[Any], by_course_and_trainer: bool = False
) -> dict[str, list[Row[Any]]]:
    """Requests, responses, each item key's latest wording and its ratings, and the ratings
    per course and per trainer if asked, in one statement.

    The answers are read once: their ratings are added up per cohort and item key, and every
    figure adds those sums up further (a mean as ``avg`` would give it, total over count).
    """
    rated = (
        select(
            FeedbackResponse.cohort_id,
            QuestionnaireItem.key,
            func.count(FeedbackAnswer.rating).label("ratings"),
            func.sum(FeedbackAnswer.rating).label("total"),
            func.min(QuestionnaireItem.position).label("position"),
        )
        .select_from(FeedbackAnswer)
        .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
        .join(QuestionnaireItem, QuestionnaireItem.id == FeedbackAnswer.item_id)
        .where(FeedbackResponse.cohort_id.in_(cohorts), QuestionnaireItem.kind == RATING)
        .group_by(FeedbackResponse.cohort_id, QuestionnaireItem.key)
        .cte("rated")
    )
    parts = {
        "requests": select(func.count().label("n")).where(FeedbackRequest.cohort_id.in_(cohorts)),
        "responses": select(func.count().label("n")).where(FeedbackResponse.cohort_id.in_(cohorts)),
        # Every version's wording, oldest first: the latest is kept.
        "wording": select(
            QuestionnaireItem.key.label("key"),
            QuestionnaireItem.text.label("name"),
            QuestionnaireItem.text_cy.label("name_cy"),
            Questionnaire.version.label("sort"),
        ).join(Questionnaire),
        "items": select(
            rated.c.key.label("key"),
            func.sum(rated.c.ratings).label("n"),
            _ratio(func.sum(rated.c.total), func.sum(rated.c.ratings)).label("mean"),
            func.min(rated.c.position).label("sort"),
        ).group_by(rated.c.key),
    }
    if by_course_and_trainer:
        # n is the responses with a rating: a response is of one cohort, a cohort of one
        # course, and a trainer facilitates a cohort once, so the cohorts' counts add up.
        has_rating = (
            select(FeedbackAnswer.id)
            .join(QuestionnaireItem, QuestionnaireItem.id == FeedbackAnswer.item_id)
            .where(
                FeedbackAnswer.response_id == FeedbackResponse.id, QuestionnaireItem.kind == RATING
            )
            .exists()
        )
        responses = (
            select(func.count())
            .select_from(FeedbackResponse)
            .where(FeedbackResponse.cohort_id == rated.c.cohort_id, has_rating)
            .scalar_subquery()
        )
        by_cohort = (
            select(
                rated.c.cohort_id,
                responses.label("responses"),
                func.sum(rated.c.ratings).label("ratings"),
                func.sum(rated.c.total).label("total"),
            )
            .group_by(rated.c.cohort_id)
            .cte("rated_cohorts")
        )

        def mean_by(name: Any, key: Any) -> Select[Any]:
            """Mean of all ratings per course or trainer; ``key`` keeps two of one name apart."""
            return (
                select(
                    name.label("name"),
                    key.label("id"),
                    func.sum(by_cohort.c.responses).label("n"),
                    _ratio(func.sum(by_cohort.c.total), func.sum(by_cohort.c.ratings)).label(
                        "mean"
                    ),
                )
                .select_from(by_cohort)
                .group_by(key, name)
            )

        parts["courses"] = (
            mean_by(Course.title, Course.id)
            .join(Cohort, Cohort.id == by_cohort.c.cohort_id)
            .join(Course, Course.id == Cohort.course_id)
        )
        parts["trainers"] = (
            mean_by(User.full_name, User.id)
            .join(CohortFacilitator, CohortFacilitator.cohort_id == by_cohort.c.cohort_id)
            .join(User, User.id == CohortFacilitator.user_id)
        )
    return _tagged_union(
        {
            "key": String(),
            "name": String(),
            "name_cy": String(),
            "id": Integer(),
            "n": Integer(),
            "mean": Numeric(),
            "sort": Integer(),
        },
        parts,
        order=("sort", "name", "id", "key"),
    )


def _feedback(rows: Mapping[str, list[Row[Any]]], floor: int) -> dict[str, Any]:
    wording = {r.key: (r.name, r.name_cy) for r in rows["wording"]}
    asked, responses = int(rows["requests"][0].n), int(rows["responses"][0].n)
    items = [
        {
            "key": r.key,
            "text": wording.get(r.key, (r.key, ""))[0],
            "text_cy": wording.get(r.key, (r.key, ""))[1],
            "n": int(r.n),
            "mean": _suppress(int(r.n), r.mean, floor),
        }
        for r in rows["items"]
    ]
    return {
        "requests": asked,
        "responses": responses,
        "response_rate": _rate(responses, asked),
        "floor": floor,
        "items": items,
    }


def feedback(cohorts: Select[Any]) -> dict[str, Any]:
    """Response rate and the mean of each rating statement of these cohorts, with n (R33).

    A mean from fewer responses than the anonymity floor is left out (None).
    """
    return _feedback(_feedback_rows(cohorts), min_members())


def _feedback_breakdowns(rows: Mapping[str, list[Row[Any]]], floor: int) -> dict[str, Any]:
    """Mean of all ratings per course and per trainer, with n, behind the anonymity floor."""
    return {
        "feedback_by_course": [
            {"course": r.name, "n": int(r.n), "mean": _suppress(int(r.n), r.mean, floor)}
            for r in rows["courses"]
        ],
        "feedback_by_trainer": [
            {"trainer": r.name, "n": int(r.n), "mean": _suppress(int(r.n), r.mean, floor)}
            for r in rows["trainers"]
        ],
    }


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, LOCAL_TIME)


def better_off(period: Period) -> dict[str, Any]:
    """Is anyone better off: applications submitted and levels awarded by level, and the CPD
    hours and CQF credits banked in the period (corrections included), in one statement."""
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
    rows = _tagged_union(
        {
            "number": Integer(),
            "title": String(),
            "n": Integer(),
            "n2": Integer(),
            "hours": Numeric(),
            "credits": Numeric(),
        },
        {
            "levels": select(
                AccreditationLevel.number.label("number"),
                AccreditationLevel.title.label("title"),
                submitted.label("n"),
                awarded.label("n2"),
            )
            .join(Application, Application.level_id == AccreditationLevel.id)
            .group_by(AccreditationLevel.number, AccreditationLevel.title),
            "cpd": select(
                func.count(distinct(CpdEntry.user_id)).label("n"),
                func.sum(CpdEntry.hours).label("hours"),
                func.sum(CpdEntry.credits).label("credits"),
            ).where(CpdEntry.occurred_on >= period.start, CpdEntry.occurred_on <= period.end),
        },
        order=("number",),
    )
    (cpd,) = rows["cpd"]
    return {
        "accreditation": [
            {
                "level": r.number,
                "title": r.title,
                "applications": int(r.n or 0),
                "awards": int(r.n2 or 0),
            }
            for r in rows["levels"]
            if r.n or r.n2
        ],
        "cpd": {"people": int(cpd.n), "hours": _money(cpd.hours), "credits": _money(cpd.credits)},
    }


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
    """The IFST staff complement's training status, in numbers (R37 workforce issues).

    The same figures as counting ``workforce_members``, without a row per member: how many
    members and how many of them core-trained, the levels they hold, and how many members
    each (clock start, level) is the latest running clock of, whose state ``level_clock``
    then tells.
    """
    member = and_(User.ifst_member.is_(True), User.active.is_(True))
    core = (
        select(Completion.id)
        .where(
            Completion.user_id == User.id,
            Completion.course_id.in_(core_course_ids()),
            Completion.completed_on <= as_at,
        )
        .exists()
    )
    # A clocked level's clock runs for a member with an open application for it (from the
    # application's start) or who completed one of its entry courses, until it is achieved:
    # as in ``people_on_the_clock``, where a member on two clocks shows the later-started.
    # The earliest entry-course completion is joined and grouped rather than looked up per
    # row in a subquery, which the filter on ``started_on`` below would run a second time.
    open_application = aliased(Application)
    achieved = (
        select(Application.id)
        .where(
            Application.user_id == User.id,
            Application.level_id == AccreditationLevel.id,
            Application.status == ACHIEVED,
        )
        .exists()
    )
    clocks = (
        select(
            User.id.label("user_id"),
            AccreditationLevel.id.label("level_id"),
            AccreditationLevel.number.label("number"),
            AccreditationLevel.due_after_months,
            AccreditationLevel.overdue_after_months,
            func.coalesce(
                open_application.clock_started_on, func.min(Completion.completed_on)
            ).label("started_on"),
        )
        .select_from(User)
        .join(
            AccreditationLevel,
            and_(
                AccreditationLevel.is_active.is_(True),
                or_(
                    AccreditationLevel.due_after_months.is_not(None),
                    AccreditationLevel.overdue_after_months.is_not(None),
                ),
            ),
        )
        .outerjoin(
            open_application,
            and_(
                open_application.user_id == User.id,
                open_application.level_id == AccreditationLevel.id,
                open_application.status.in_(OPEN_STATUSES),
            ),
        )
        .outerjoin(level_entry_courses, level_entry_courses.c.level_id == AccreditationLevel.id)
        .outerjoin(
            Completion,
            and_(
                Completion.user_id == User.id,
                Completion.course_id == level_entry_courses.c.course_id,
            ),
        )
        .where(member, ~achieved)
        .group_by(
            User.id,
            AccreditationLevel.id,
            AccreditationLevel.number,
            AccreditationLevel.due_after_months,
            AccreditationLevel.overdue_after_months,
            open_application.id,
            open_application.clock_started_on,
        )
        .subquery()
    )
    latest = (
        select(
            clocks,
            func.row_number()
            .over(
                partition_by=clocks.c.user_id,
                # The same day: the higher level, as people_on_the_clock orders them.
                order_by=(
                    clocks.c.started_on.desc(),
                    clocks.c.number.desc(),
                    clocks.c.level_id.desc(),
                ),
            )
            .label("latest"),
        )
        .where(clocks.c.started_on.is_not(None))
        .subquery()
    )
    rows = _tagged_union(
        {
            "n": Integer(),
            "core": Integer(),
            "number": Integer(),
            "due": Integer(),
            "overdue": Integer(),
            "started_on": Date(),
        },
        {
            "members": select(
                func.count(User.id).label("n"), func.count(case((core, User.id))).label("core")
            ).where(member),
            "levels": select(
                AccreditationLevel.number.label("number"), func.count(Application.id).label("n")
            )
            .join(Application, Application.level_id == AccreditationLevel.id)
            .join(User, User.id == Application.user_id)
            .where(member, Application.status == ACHIEVED, Application.achieved_on <= as_at)
            .group_by(AccreditationLevel.number),
            "clocks": select(
                latest.c.due_after_months.label("due"),
                latest.c.overdue_after_months.label("overdue"),
                latest.c.started_on.label("started_on"),
                func.count().label("n"),
            )
            .where(latest.c.latest == 1)
            .group_by(
                latest.c.due_after_months, latest.c.overdue_after_months, latest.c.started_on
            ),
        },
        order=("number",),
    )
    (members,) = rows["members"]
    states = {"due": 0, "overdue": 0}
    for row in rows["clocks"]:
        # Only the months matter to the clock: a level of these months, never saved.
        level = AccreditationLevel(due_after_months=row.due, overdue_after_months=row.overdue)
        clock = level_clock(level, row.started_on, today=as_at)
        if clock is not None and clock.state in states:
            states[clock.state] += int(row.n)
    return {
        "as_at": as_at.isoformat(),
        "members": int(members.n),
        "core_trained": int(members.core),
        "not_core_trained": int(members.n) - int(members.core),
        "due": states["due"],
        "overdue": states["overdue"],
        "levels": [{"level": r.number, "people": int(r.n)} for r in rows["levels"]],
    }


def budget(period: Period) -> dict[str, Any]:
    """Allocation, spend by quarter and category, and what remains (R39), in one statement."""
    last_quarter = period.quarter or 4
    parts = _tagged_union(
        {"quarter": Integer(), "category": String(), "amount": Numeric()},
        {
            "allocation": select(TrainingBudget.allocation.label("amount")).where(
                TrainingBudget.financial_year == period.year
            ),
            "spend": select(
                SpendLine.quarter.label("quarter"),
                SpendLine.category.label("category"),
                func.sum(SpendLine.amount).label("amount"),
            )
            .where(SpendLine.financial_year == period.year, SpendLine.quarter <= last_quarter)
            .group_by(SpendLine.quarter, SpendLine.category),
        },
        order=("category", "quarter"),
    )
    allocation = parts["allocation"][0].amount if parts["allocation"] else None
    rows = [(r.quarter, r.category, r.amount) for r in parts["spend"]]
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


def picked_answers() -> Select[Any]:
    """The answers picked for a report. Statements start from these few (a partial index
    holds them) and go out to their cohorts, not from every response of the period in: the
    IN says so to either planner."""
    return select(FeedbackAnswer.id).where(FeedbackAnswer.selected_for_report.is_(True))


def quotes(period: Period) -> list[dict[str, Any]]:
    """The comments a manager picked for the report: consented ones only (R32)."""
    rows = _rows(
        select(FeedbackAnswer.id, FeedbackAnswer.text, Course.title)
        .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
        .join(Cohort, Cohort.id == FeedbackResponse.cohort_id)
        .join(Course, Course.id == Cohort.course_id)
        .where(
            FeedbackAnswer.id.in_(picked_answers()),
            FeedbackResponse.quote_consent.is_(True),
            Cohort.id.in_(period_cohorts(period)),
        )
        .order_by(FeedbackAnswer.selected_at, FeedbackAnswer.id)
    )
    return [{"id": i, "text": text, "course": course} for i, text, course in rows]


def compute(period: Period, today: dt.date | None = None) -> dict[str, Any]:
    """Every figure of the period, as plain data (what a snapshot stores).

    A fixed number of statements however much data there is: each section aggregates in
    one statement.
    """
    today = today or local_today()
    as_at = min(today, period.end)
    groups = breakdowns(period)
    floor = min_members()
    rated = _feedback_rows(period_cohorts(period), by_course_and_trainer=True)
    outcomes = better_off(period)
    data: dict[str, Any] = {
        "period": {
            "year": period.year,
            "quarter": period.quarter,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
        "computed_on": today.isoformat(),
        **delivery(period),
        **{
            key: groups[key]
            for key in ("backgrounds", "sectors", "local_authorities", "organisations")
        },
        "partners": groups["partners"],
        "facilitators": groups["facilitators"],
        "feedback": _feedback(rated, floor),
        **_feedback_breakdowns(rated, floor),
        "accreditation": outcomes["accreditation"],
        "cpd": outcomes["cpd"],
        "workforce": workforce(as_at),
        "budget": budget(period),
        "planned": groups["planned"],
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
            FeedbackAnswer.id.in_(picked_answers()),
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
