"""Reads for the history pages: what was recorded, and the choices the forms offer."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from trainhub.accreditation.models import Application
from trainhub.auth.models import Organisation
from trainhub.courses.models import Cohort, Course, Venue, local_today
from trainhub.extensions import db
from trainhub.history.models import RECORD_KINDS, HistoryRecord

#: The most past cohorts the paper-feedback form offers (newest first).
MAX_PAST_COHORTS = 500


def records_query(kind: str = "") -> Select[tuple[HistoryRecord]]:
    """What was recorded, newest first, with what the hub shows of each; ``kind`` filters."""
    query = (
        select(HistoryRecord)
        .options(
            joinedload(HistoryRecord.user),
            joinedload(HistoryRecord.course),
            joinedload(HistoryRecord.cohort),
            joinedload(HistoryRecord.application).joinedload(Application.level),
            joinedload(HistoryRecord.recorded_by),
            joinedload(HistoryRecord.source),
        )
        .order_by(HistoryRecord.recorded_at.desc(), HistoryRecord.id.desc())
    )
    if kind in RECORD_KINDS:
        query = query.where(HistoryRecord.kind == kind)
    return query


def record_for_page(record_id: int) -> HistoryRecord | None:
    """A record with everything its page shows, in one query."""
    query = (
        select(HistoryRecord)
        .where(HistoryRecord.id == record_id)
        .options(
            joinedload(HistoryRecord.user),
            joinedload(HistoryRecord.course),
            joinedload(HistoryRecord.cohort),
            joinedload(HistoryRecord.application).joinedload(Application.level),
            joinedload(HistoryRecord.recorded_by),
            joinedload(HistoryRecord.withdrawn_by),
            joinedload(HistoryRecord.source),
        )
    )
    return db.session.execute(query).unique().scalar_one_or_none()


def course_choices() -> list[tuple[str, str]]:
    """Every course (published or not: history may be of a course no longer offered), by code."""
    rows = db.session.execute(select(Course.code, Course.title).order_by(Course.code))
    return [(code, f"{code}: {title}") for code, title in rows]


def course_of_code(code: str) -> Course | None:
    return db.session.execute(
        select(Course).where(Course.code == code.strip().upper())
    ).scalar_one_or_none()


def venue_names() -> list[str]:
    """The names of every venue, in use or not (a datalist for the days' venues)."""
    return list(db.session.execute(select(Venue.name).order_by(Venue.name)).scalars())


def organisation_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(Organisation.id, Organisation.name).order_by(Organisation.name)
    )
    return [(org_id, name) for org_id, name in rows]


def organisation_names() -> list[str]:
    """Every organisation's name, in order (the single records' choice)."""
    return list(db.session.execute(select(Organisation.name).order_by(Organisation.name)).scalars())


def organisation_name(organisation_id: int) -> str:
    organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
    return organisation.name if organisation else ""


def past_cohorts() -> list[Cohort]:
    """Cohorts that could have paper feedback: recorded or run in trainhub, begun by today;
    newest first."""
    query = (
        select(Cohort)
        .where(
            Cohort.status.in_(("published", "completed")),
            Cohort.first_day <= local_today(),
        )
        .options(joinedload(Cohort.course))
        .order_by(Cohort.first_day.desc(), Cohort.id.desc())
        .limit(MAX_PAST_COHORTS)
    )
    return list(db.session.execute(query).scalars())


def past_cohort(cohort_id: int) -> Cohort | None:
    """One of ``past_cohorts``, or None."""
    query = (
        select(Cohort)
        .where(
            Cohort.id == cohort_id,
            Cohort.status.in_(("published", "completed")),
            Cohort.first_day <= local_today(),
        )
        .options(joinedload(Cohort.course))
    )
    return db.session.execute(query).scalar_one_or_none()
