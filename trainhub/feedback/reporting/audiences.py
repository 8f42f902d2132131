"""Who came and who taught: attendees (each once) by professional background, sector, local
authority area and organisation, closed cohorts for partners, facilitators by role (R36),
and for a whole year the cohorts already scheduled for the next one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, NotRequired, TypedDict

from flask_babel import gettext as _
from sqlalchemy import Integer, Select, String, case, cast, distinct, func, select

from trainhub.auth.choices import LOCAL_AUTHORITIES, PROFESSIONAL_BACKGROUNDS, SECTORS
from trainhub.auth.models import Organisation, User
from trainhub.courses.models import (
    ATTENDED,
    Attendance,
    Booking,
    Cohort,
    CohortDay,
    CohortFacilitator,
    CohortPresenter,
    Course,
)
from trainhub.feedback.models import FeedbackRequest, FeedbackResponse
from trainhub.feedback.queries import ATTENDED_BOOKINGS
from trainhub.feedback.reporting._sql import rate, tagged_union
from trainhub.feedback.reporting.delivery import as_at_date, delivered
from trainhub.feedback.reporting.periods import DELIVERED_STATUSES
from trainhub.feedback.reporting.tables import Column, Table, label
from trainhub.financial_years import Period


class ByCode(TypedDict):
    #: A code of ``trainhub.auth.choices`` (None: not recorded).
    key: str | None
    attendees: int


class ByOrganisation(TypedDict):
    name: str | None
    attendees: int


class Partner(TypedDict):
    name: str
    cohorts: int
    places: int
    attendees: int


class Facilitators(TypedDict):
    #: The professional title they facilitated under (None or "": not recorded).
    title: str | None
    people: int
    cohorts: int


class Planned(TypedDict):
    course: str
    #: Published: scheduled, if agreed.
    cohorts: int
    #: Of every planned cohort, drafts too.
    places: int
    #: Drafts: planned, not yet offered.
    drafts: NotRequired[int]


class Presenter(TypedDict):
    """Someone from outside who delivered a module (the delivery panel)."""

    name: str
    organisation: str
    cohorts: int
    sessions: int


class ByCourse(TypedDict):
    course: str
    #: A code of ``trainhub.auth.choices`` or an organisation's name (None: not recorded).
    key: str | None
    attendees: int


class ResponseRate(TypedDict):
    course: str
    asked: int
    responses: int
    response_rate: float | None


class Audiences(TypedDict):
    backgrounds: list[ByCode]
    sectors: list[ByCode]
    local_authorities: list[ByCode]
    organisations: list[ByOrganisation]
    partners: list[Partner]
    facilitators: list[Facilitators]
    #: Empty for a quarter.
    planned: list[Planned]
    # Not in the snapshots published before they were added.
    presenters: NotRequired[list[Presenter]]
    backgrounds_by_course: NotRequired[list[ByCourse]]
    organisations_by_course: NotRequired[list[ByCourse]]
    response_rates: NotRequired[list[ResponseRate]]


def audiences(period: Period, as_at: dt.date | None = None) -> Audiences:
    """In one statement: attendees (each counted once) by background, sector, area and
    organisation, and per course; closed cohorts per partner organisation (e.g. Cardiff
    University's health visitors); facilitators by the professional title they facilitated
    under; the delivery panel; who was asked for feedback and who answered, per course; and,
    for a whole year, the cohorts planned for the next one ("new collaborations"), drafts too.
    (The organisation by course by year pivot reads five years: it is part of
    :func:`~.years.five_years`.)

    Only delivered cohorts count, as in :func:`~.delivery.delivery`.
    """
    as_at = as_at or as_at_date(period)
    cohorts = select(Cohort.id).where(delivered(period, as_at))
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
        .where(Cohort.id.in_(cohorts), Attendance.status.in_(ATTENDED))
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
    course_people = (
        select(Attendance.user_id, Cohort.course_id)
        .join(CohortDay, CohortDay.id == Attendance.cohort_day_id)
        .join(Cohort, Cohort.id == CohortDay.cohort_id)
        .where(Cohort.id.in_(cohorts), Attendance.status.in_(ATTENDED))
        .distinct()
        .cte("course_people")
    )

    def by_course(name: Any) -> Select[Any]:
        return (
            select(Course.title.label("course"), name.label("name"), func.count().label("n"))
            .select_from(course_people)
            .join(Course, Course.id == course_people.c.course_id)
            .join(User, User.id == course_people.c.user_id)
            .group_by(Course.title, name)
        )

    parts["backgrounds_by_course"] = by_course(User.professional_background)
    parts["organisations_by_course"] = by_course(Organisation.name).outerjoin(
        Organisation, Organisation.id == User.organisation_id
    )
    parts["presenters"] = (
        select(
            CohortPresenter.name.label("name"),
            CohortPresenter.organisation.label("org"),
            func.count(distinct(CohortPresenter.cohort_id)).label("n"),
            func.count(CohortPresenter.id).label("n2"),
        )
        .where(CohortPresenter.cohort_id.in_(cohorts))
        .group_by(CohortPresenter.name, CohortPresenter.organisation)
    )
    # Asked: requests sent, and a recorded cohort's attendees (handed paper forms).
    parts["asked"] = (
        select(Course.title.label("course"), func.count(FeedbackRequest.id).label("n"))
        .join(Cohort, Cohort.course_id == Course.id)
        .join(FeedbackRequest, FeedbackRequest.cohort_id == Cohort.id)
        .where(Cohort.id.in_(cohorts))
        .group_by(Course.title)
    )
    parts["asked_on_paper"] = (
        select(Course.title.label("course"), func.count(Booking.id).label("n"))
        .join(Cohort, Cohort.course_id == Course.id)
        .join(Booking, Booking.cohort_id == Cohort.id)
        .where(
            Cohort.id.in_(cohorts),
            Cohort.recorded.is_(True),
            Booking.status.in_(ATTENDED_BOOKINGS),
        )
        .group_by(Course.title)
    )
    parts["answered"] = (
        select(Course.title.label("course"), func.count(FeedbackResponse.id).label("n"))
        .join(Cohort, Cohort.course_id == Course.id)
        .join(FeedbackResponse, FeedbackResponse.cohort_id == Cohort.id)
        .where(Cohort.id.in_(cohorts))
        .group_by(Course.title)
    )
    if period.quarter is None:
        next_year = Period(period.year + 1)
        drafts = func.count(case((Cohort.status == "draft", Cohort.id)))
        parts["planned"] = (
            select(
                Course.title.label("name"),
                func.count(Cohort.id).label("n"),
                func.sum(Cohort.capacity).label("n2"),
                drafts.label("n3"),
            )
            .join(Cohort, Cohort.course_id == Course.id)
            .where(
                Cohort.kind == "course",
                Cohort.status.in_(("draft", *DELIVERED_STATUSES)),
                Cohort.first_day >= next_year.start,
                Cohort.first_day <= next_year.end,
            )
            .group_by(Course.title)
        )
    # Attendee counts and facilitators go most first, then by name (so that ties come in
    # the same order on every database); partners and planned courses have no rank.
    found = tagged_union(
        {
            "name": String(),
            "org": String(),
            "course": String(),
            "n": Integer(),
            "n2": Integer(),
            "n3": Integer(),
            "rank": Integer(),
        },
        parts,
        order=("-rank", "name"),
    )

    def by_code(key: str) -> list[ByCode]:
        return [{"key": r.name, "attendees": int(r.n)} for r in found[key]]

    partner_attendees = {r.name: int(r.n) for r in found["partner_attendees"]}
    asked: dict[str, int] = {}
    for r in (*found["asked"], *found["asked_on_paper"]):
        asked[r.course] = asked.get(r.course, 0) + int(r.n)
    answered = {r.course: int(r.n) for r in found["answered"]}
    return {
        "backgrounds": by_code("backgrounds"),
        "sectors": by_code("sectors"),
        "local_authorities": by_code("local_authorities"),
        "organisations": [{"name": r.name, "attendees": int(r.n)} for r in found["organisations"]],
        "partners": [
            {
                "name": r.name,
                "cohorts": int(r.n),
                "places": int(r.n2 or 0),
                "attendees": partner_attendees.get(r.name, 0),
            }
            for r in found["partners"]
        ],
        "facilitators": [
            {"title": r.name, "people": int(r.n), "cohorts": int(r.n2)}
            for r in found["facilitators"]
        ],
        "planned": [
            {
                "course": r.name,
                "cohorts": int(r.n) - int(r.n3 or 0),
                "places": int(r.n2 or 0),
                "drafts": int(r.n3 or 0),
            }
            for r in found.get("planned", [])
        ],
        "presenters": sorted(
            (
                {
                    "name": r.name,
                    "organisation": r.org or "",
                    "cohorts": int(r.n),
                    "sessions": int(r.n2),
                }
                for r in found["presenters"]
            ),
            key=lambda p: (p["name"].casefold(), p["organisation"].casefold()),
        ),
        "backgrounds_by_course": _by_course(found["backgrounds_by_course"]),
        "organisations_by_course": _by_course(found["organisations_by_course"]),
        "response_rates": [
            {
                "course": course,
                "asked": asked.get(course, 0),
                "responses": answered.get(course, 0),
                "response_rate": rate(answered.get(course, 0), asked.get(course, 0)),
            }
            for course in sorted(set(asked) | set(answered), key=str.casefold)
        ],
    }


def _by_course(found: list[Any]) -> list[ByCourse]:
    """Most first within each course, then by name (the same order on every database)."""
    return sorted(
        ({"course": r.course, "key": r.name, "attendees": int(r.n)} for r in found),
        key=lambda r: (r["course"].casefold(), -r["attendees"], r["key"] or ""),
    )


def _attendees_table(
    key: str, title: str, heading: str, rows: list[Any], name: Callable[[Any], str]
) -> Table:
    return Table(
        key,
        "how_much",
        title,
        [Column("group", heading, "text"), Column("attendees", _("Attendees"))],
        [[name(r), r["attendees"]] for r in rows],
        empty=_("No training recorded in this period."),
    )


def _by_code(labels: Mapping[str, Any]) -> Callable[[ByCode], str]:
    return lambda row: label(labels, row["key"])


def attendee_tables(figures: Audiences) -> list[Table]:
    """Attendees by background, organisation, sector and area; closed cohorts for
    partners; facilitators by role."""
    return [
        _attendees_table(
            "backgrounds",
            _("Attendees by professional background"),
            _("Professional background"),
            figures["backgrounds"],
            _by_code(PROFESSIONAL_BACKGROUNDS),
        ),
        _attendees_table(
            "organisations",
            _("Attendees by organisation"),
            _("Organisation"),
            figures["organisations"],
            lambda r: r["name"] or _("Not recorded"),
        ),
        _attendees_table(
            "sectors",
            _("Attendees by sector"),
            _("Sector"),
            figures["sectors"],
            _by_code(SECTORS),
        ),
        _attendees_table(
            "local_authorities",
            _("Attendees by local authority area"),
            _("Local authority area"),
            figures["local_authorities"],
            _by_code(LOCAL_AUTHORITIES),
        ),
        Table(
            "partners",
            "how_much",
            _("Closed cohorts for partners"),
            [
                Column("partner", _("Partner"), "text"),
                Column("cohorts", _("Closed cohorts")),
                Column("places", _("Places")),
                Column("attendees", _("Attendees")),
            ],
            [[p["name"], p["cohorts"], p["places"], p["attendees"]] for p in figures["partners"]],
            empty=_("No closed cohorts in this period."),
        ),
        Table(
            "facilitators",
            "how_much",
            _("Facilitators by role"),
            [
                Column("role", _("Role"), "text"),
                Column("people", _("People")),
                Column("cohorts", _("Cohorts facilitated")),
            ],
            [
                [f["title"] or _("Role not recorded"), f["people"], f["cohorts"]]
                for f in figures["facilitators"]
            ],
            empty=_("No training recorded in this period."),
        ),
    ]


def planned_table(planned: list[Planned]) -> Table:
    """The cohorts planned for the next financial year (a whole year's report only):
    tentative, as the 2016-17 report says, "if agreed"."""
    return Table(
        "planned",
        "next_year",
        _("Training planned for the next financial year, if agreed"),
        [
            Column("course", _("Course"), "text"),
            Column("cohorts", _("Cohorts scheduled")),
            Column("drafts", _("Cohorts in draft")),
            Column("places", _("Places")),
        ],
        [[p["course"], p["cohorts"], p.get("drafts", 0), p["places"]] for p in planned],
        empty=_("Nothing planned for the next financial year yet."),
        note=_("Tentative: these cohorts go ahead if agreed, and drafts may change."),
    )


def panel_tables(figures: Audiences) -> list[Table]:
    """The delivery panel: presenters from outside who delivered a module."""
    return [
        Table(
            "presenters",
            "how_much",
            _("Delivery panel"),
            [
                Column("name", _("Presenter"), "text"),
                Column("organisation", _("Organisation"), "text"),
                Column("cohorts", _("Cohorts")),
                Column("sessions", _("Sessions")),
            ],
            [
                [p["name"], p["organisation"] or _("Not recorded"), p["cohorts"], p["sessions"]]
                for p in figures.get("presenters", [])
            ],
            empty=_("No external presenters in this period."),
        )
    ]


def course_tables(figures: Audiences) -> list[Table]:
    """Per course: attendees by background and by organisation, and the response rate (for
    managers: in the exports and on the page, not in the report)."""
    empty = _("No training recorded in this period.")
    rates = figures.get("response_rates", [])
    backgrounds = figures.get("backgrounds_by_course", [])
    organisations = figures.get("organisations_by_course", [])
    return [
        Table(
            "backgrounds_by_course",
            "how_much",
            _("Attendees by course and professional background"),
            [
                Column("course", _("Course"), "text"),
                Column("group", _("Professional background"), "text"),
                Column("attendees", _("Attendees")),
            ],
            [
                [r["course"], label(PROFESSIONAL_BACKGROUNDS, r["key"]), r["attendees"]]
                for r in backgrounds
            ],
            empty=empty,
            in_report=False,
        ),
        Table(
            "organisations_by_course",
            "how_much",
            _("Attendees by course and organisation"),
            [
                Column("course", _("Course"), "text"),
                Column("group", _("Organisation"), "text"),
                Column("attendees", _("Attendees")),
            ],
            [[r["course"], r["key"] or _("Not recorded"), r["attendees"]] for r in organisations],
            empty=empty,
            in_report=False,
        ),
        Table(
            "response_rates",
            "how_well",
            _("Feedback response rate by course"),
            [
                Column("course", _("Course"), "text"),
                Column("asked", _("Attendees asked")),
                Column("responses", _("Responses")),
                Column("response_rate", _("Response rate"), "percent"),
            ],
            [[r["course"], r["asked"], r["responses"], r["response_rate"]] for r in rates],
            empty=_("No feedback received in this period."),
            total=[
                _("Total"),
                sum(r["asked"] for r in rates),
                sum(r["responses"] for r in rates),
                rate(sum(r["responses"] for r in rates), sum(r["asked"] for r in rates)),
            ]
            if rates
            else None,
        ),
    ]
