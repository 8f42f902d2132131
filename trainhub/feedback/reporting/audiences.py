"""Who came and who taught: attendees (each once) by professional background, sector, local
authority area and organisation, closed cohorts for partners, facilitators by role (R36),
and for a whole year the cohorts already scheduled for the next one."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypedDict

from flask_babel import gettext as _
from sqlalchemy import Integer, Select, String, cast, distinct, func, select

from trainhub.auth.choices import LOCAL_AUTHORITIES, PROFESSIONAL_BACKGROUNDS, SECTORS
from trainhub.auth.models import Organisation, User
from trainhub.courses.models import (
    ATTENDED,
    Attendance,
    Cohort,
    CohortDay,
    CohortFacilitator,
    Course,
)
from trainhub.feedback.reporting._sql import tagged_union
from trainhub.feedback.reporting.periods import in_period, period_cohorts
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
    cohorts: int
    places: int


class Audiences(TypedDict):
    backgrounds: list[ByCode]
    sectors: list[ByCode]
    local_authorities: list[ByCode]
    organisations: list[ByOrganisation]
    partners: list[Partner]
    facilitators: list[Facilitators]
    #: Empty for a quarter.
    planned: list[Planned]


def audiences(period: Period) -> Audiences:
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
    found = tagged_union(
        {"name": String(), "n": Integer(), "n2": Integer(), "rank": Integer()},
        parts,
        order=("-rank", "name"),
    )

    def by_code(key: str) -> list[ByCode]:
        return [{"key": r.name, "attendees": int(r.n)} for r in found[key]]

    partner_attendees = {r.name: int(r.n) for r in found["partner_attendees"]}
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
            {"course": r.name, "cohorts": int(r.n), "places": int(r.n2 or 0)}
            for r in found.get("planned", [])
        ],
    }


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
    """Cohorts already scheduled for the next financial year (a whole year's report only)."""
    return Table(
        "planned",
        "next_year",
        _("Cohorts already scheduled for the next financial year"),
        [
            Column("course", _("Course"), "text"),
            Column("cohorts", _("Cohorts")),
            Column("places", _("Places")),
        ],
        [[p["course"], p["cohorts"], p["places"]] for p in planned],
        empty=_("Nothing scheduled for the next financial year yet."),
    )
