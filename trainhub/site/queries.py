"""Reading the service's own pages."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from trainhub.extensions import db
from trainhub.site.models import SitePage


def page_row(key: str) -> SitePage | None:
    """The administrators' text of the page ``key`` (with who changed it last), if any."""
    query = select(SitePage).where(SitePage.key == key).options(joinedload(SitePage.updated_by))
    return db.session.execute(query).scalar_one_or_none()


def page_rows() -> dict[str, SitePage]:
    """Every page administrators have changed, by key: one query."""
    query = select(SitePage).options(joinedload(SitePage.updated_by))
    return {row.key: row for row in db.session.execute(query).scalars()}
