"""What accreditation does when the catalogue announces something."""

from __future__ import annotations

from typing import Any

from flask import render_template
from markupsafe import Markup

from trainhub.accreditation.queries import levels_taught_by
from trainhub.courses.signals import course_detail_sections


@course_detail_sections.connect
def show_levels_on_course_page(sender: Any, course: Any, **extra: Any) -> Markup | None:
    """The course page lists the levels whose outcomes the course teaches."""
    levels = levels_taught_by(course.id)
    if not levels:
        return None
    # Our own autoescaped template: safe to insert into the course page as HTML.
    return Markup(render_template("accreditation/_course_levels.html", levels=levels))  # noqa: S704
