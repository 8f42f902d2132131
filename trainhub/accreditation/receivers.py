"""What accreditation does when the catalogue announces something."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import render_template
from flask_babel import gettext as _
from markupsafe import Markup

from trainhub.accreditation.queries import levels_opened_by_course, levels_taught_by
from trainhub.accreditation.services import certificates, cpd
from trainhub.courses.models import Completion
from trainhub.courses.signals import (
    course_completed,
    course_completion_withdrawn,
    course_detail_sections,
    course_needed_completed,
)


@course_detail_sections.connect
def show_levels_on_course_page(sender: Any, course: Any, **extra: Any) -> Markup | None:
    """The course page lists the levels whose outcomes the course teaches."""
    levels = levels_taught_by(course.id)
    if not levels:
        return None
    # Our own autoescaped template: safe to insert into the course page as HTML.
    return Markup(render_template("accreditation/_course_levels.html", levels=levels))  # noqa: S704


@course_needed_completed.connect
def levels_opened_by(sender: Any, course: Any, **extra: Any) -> str | None:
    """A course whose completion opens a level cannot become an event (never completed)."""
    numbers = levels_opened_by_course(course.id)
    if not numbers:
        return None
    return _(
        "Completing this course opens accreditation level %(levels)s, and an event is never "
        "completed: take it out of the level's entry courses first",
        levels=", ".join(str(n) for n in numbers),
    )


@course_completed.connect
def bank_completions(
    sender: Any, completions: Sequence[Completion], actor: Any = None, **extra: Any
) -> None:
    """Completed courses go into the learners' CPD records and earn certificates.

    A whole register may complete at once: a fixed number of queries however many.
    """
    cpd.bank_course_certificates(certificates.issue_for_completions(completions))


@course_completion_withdrawn.connect
def withdraw_completions(
    sender: Any, user_ids: Sequence[int], course_id: int, actor: Any = None, **extra: Any
) -> None:
    """Register corrections took completions away: reverse their CPD, revoke certificates."""
    reason = _("The course completion was withdrawn after a register correction")
    cpd.reverse_course_lines(user_ids, course_id, reason)
    certificates.revoke_for_withdrawn_completions(user_ids, course_id, actor)
