"""What accreditation does when the catalogue announces something."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from flask import render_template
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import insert, select
from sqlalchemy.orm import selectinload

from trainhub.accreditation.models import CpdEntry
from trainhub.accreditation.queries import levels_taught_by
from trainhub.accreditation.services import certificates, cpd
from trainhub.courses.models import Completion
from trainhub.courses.signals import (
    course_completed,
    course_completion_withdrawn,
    course_detail_sections,
)
from trainhub.extensions import db


@course_detail_sections.connect
def show_levels_on_course_page(sender: Any, course: Any, **extra: Any) -> Markup | None:
    """The course page lists the levels whose outcomes the course teaches."""
    levels = levels_taught_by(course.id)
    if not levels:
        return None
    # Our own autoescaped template: safe to insert into the course page as HTML.
    return Markup(render_template("accreditation/_course_levels.html", levels=levels))  # noqa: S704


@course_completed.connect
def bank_completions(
    sender: Any, completions: Sequence[Completion], actor: Any = None, **extra: Any
) -> None:
    """Completed courses go into the learners' CPD records and earn certificates.

    A whole register may complete at once: a fixed number of queries however many.
    """
    issued = certificates.issue_for_completions(completions)
    if issued:
        db.session.execute(
            insert(CpdEntry),
            [
                {
                    "user_id": c.user_id,
                    "source": cpd.COURSE,
                    "occurred_on": c.awarded_on,
                    "title": c.achievement,
                    "hours": c.hours or Decimal(0),
                    "credits": c.credits or Decimal(0),
                    "accrediting_body": c.accrediting_body,
                    "course_id": c.course_id,
                }
                for c in issued
            ],
        )


@course_completion_withdrawn.connect
def withdraw_completions(
    sender: Any, user_ids: Sequence[int], course_id: int, actor: Any = None, **extra: Any
) -> None:
    """Register corrections took completions away: reverse their CPD, revoke certificates."""
    reason = _("The course completion was withdrawn after a register correction")
    query = (
        select(CpdEntry)
        .where(
            CpdEntry.user_id.in_(user_ids),
            CpdEntry.course_id == course_id,
            CpdEntry.source == cpd.COURSE,
        )
        .options(selectinload(CpdEntry.reversed_by))
    )
    entries = list(db.session.execute(query).scalars())
    open_entries = [e for e in entries if e.reversed_by is None]
    if open_entries:
        reversals = [cpd.reversal_of(e, None, reason) for e in open_entries]
        columns = [c.key for c in CpdEntry.__table__.columns if c.key not in ("id", "created_at")]
        db.session.execute(
            insert(CpdEntry), [{k: getattr(r, k) for k in columns} for r in reversals]
        )
        for entry in open_entries:
            db.session.expire(entry, ["reversed_by"])
    certificates.revoke_for_withdrawn_completions(user_ids, course_id, actor)
