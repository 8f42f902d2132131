"""Read-side helpers for the catalogue and venues."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from trainhub.courses.models import AgendaTopic, Course, CourseDay, CourseUnit, Venue
from trainhub.extensions import db


def catalogue_query(
    audience: str = "", kind: str = "", include_unpublished: bool = False
) -> Select[tuple[Course]]:
    query = select(Course).order_by(Course.kind, Course.title)
    if not include_unpublished:
        query = query.where(Course.published.is_(True))
    if audience:
        query = query.where(Course.audience == audience)
    if kind:
        query = query.where(Course.kind == kind)
    return query


def course_by_code(code: str) -> Course | None:
    """A course with everything its page shows, in a fixed number of queries."""
    query = (
        select(Course)
        .where(Course.code == code.upper())
        .options(
            selectinload(Course.days)
            .selectinload(CourseDay.topics)
            .selectinload(AgendaTopic.items),
            selectinload(Course.units).selectinload(CourseUnit.outcomes),
            selectinload(Course.prerequisites),
        )
    )
    return db.session.execute(query).scalar_one_or_none()


def prerequisite_choices(exclude_id: int | None = None) -> list[tuple[int, str]]:
    query = select(Course.id, Course.title).order_by(Course.title)
    if exclude_id is not None:
        query = query.where(Course.id != exclude_id)
    return [(row.id, row.title) for row in db.session.execute(query)]


def venues_query() -> Select[tuple[Venue]]:
    return select(Venue).order_by(Venue.is_active.desc(), Venue.name)
