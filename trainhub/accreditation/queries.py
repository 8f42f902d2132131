"""Read-side helpers for accreditation levels."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainhub.accreditation.models import AccreditationLevel, level_courses
from trainhub.extensions import db


def levels() -> list[AccreditationLevel]:
    query = (
        select(AccreditationLevel)
        .order_by(AccreditationLevel.number)
        .options(
            selectinload(AccreditationLevel.outcomes), selectinload(AccreditationLevel.courses)
        )
    )
    return list(db.session.execute(query).scalars())


def levels_taught_by(course_id: int) -> list[AccreditationLevel]:
    query = (
        select(AccreditationLevel)
        .join(level_courses, level_courses.c.level_id == AccreditationLevel.id)
        .where(level_courses.c.course_id == course_id, AccreditationLevel.is_active.is_(True))
        .order_by(AccreditationLevel.number)
        .options(selectinload(AccreditationLevel.outcomes))
    )
    return list(db.session.execute(query).scalars())
