"""Shared helpers for the catalogue tests: people, form data, and database snapshots."""

from __future__ import annotations

from typing import Any

from markupsafe import escape
from sqlalchemy import select

from tests.factories import make_user
from tests.helpers import count
from trainhub.auth.models import User
from trainhub.courses.catalogue_data import DayData, UnitData
from trainhub.courses.models import AgendaItem, AgendaTopic, Course, CourseDay
from trainhub.courses.outline import format_agenda, format_units
from trainhub.courses.services.catalogue import CourseInput, course_input, create_course
from trainhub.extensions import db

#: The tables the catalogue seed writes to.
CATALOGUE_TABLES = (
    "courses",
    "course_days",
    "agenda_topics",
    "agenda_items",
    "course_units",
    "course_outcomes",
    "course_prerequisites",
    "accreditation_levels",
    "level_outcomes",
    "level_courses",
)


def html(text: str) -> str:
    """``text`` as Jinja's autoescaping writes it into a page."""
    return str(escape(text))


def admin() -> User:
    return make_user(roles=["admin"])


def trainer() -> User:
    return make_user(roles=["trainer"])


def learner() -> User:
    return make_user(roles=["learner"])


def course(code: str) -> Course:
    """A course by code, read afresh from the database."""
    db.session.expire_all()
    return db.session.execute(select(Course).where(Course.code == code)).scalar_one()


def snapshot(tables: tuple[str, ...] = CATALOGUE_TABLES) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of ``tables``, in primary-key order: equal snapshots mean nothing changed."""
    db.session.expire_all()
    result = {}
    for name in tables:
        table = db.metadata.tables[name]
        rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
        result[name] = [tuple(row) for row in rows]
    return result


def agenda_texts(code: str) -> list[list[tuple[str, list[str]]]]:
    """The stored agenda of a course as plain text: days → (topic, items)."""
    days = (
        db.session.execute(
            select(CourseDay).join(Course).where(Course.code == code).order_by(CourseDay.day_number)
        )
        .scalars()
        .all()
    )
    return [[(t.title, [i.text for i in t.items]) for t in day.topics] for day in days]


def agenda_row_counts() -> tuple[int, int, int]:
    return count(CourseDay), count(AgendaTopic), count(AgendaItem)


def simple_agenda(
    days: int, topics: int = 1, items: int = 1, prefix: str = "Topic"
) -> list[DayData]:
    return [
        {
            "topics": [
                {
                    "title": f"{prefix} {d}.{t}",
                    "items": [f"Item {d}.{t}.{i}" for i in range(1, items + 1)],
                }
                for t in range(1, topics + 1)
            ]
        }
        for d in range(1, days + 1)
    ]


def simple_units(units: int = 1, outcomes: int = 1) -> list[UnitData]:
    return [
        {
            "title": f"Unit {u}: Things",
            "outcomes": [f"Outcome {u}.{o}" for o in range(1, outcomes + 1)],
        }
        for u in range(1, units + 1)
    ]


def local_course(actor: User | None = None, **values: Any) -> Course:
    """A local course made through the service, as a trainer would."""
    values.setdefault("code", f"LOCAL-{count(Course) + 1}")
    values.setdefault("title", f"Local course {values['code']}")
    values.setdefault("duration_days", 2)
    values.setdefault("agenda", simple_agenda(values["duration_days"]))
    return create_course(actor or admin(), CourseInput(**values))


def full_form(course: Course, **overrides: Any) -> dict[str, Any]:
    """What the full course form posts for ``course`` unchanged, with ``overrides`` applied.

    A checkbox that is off is left out, as a browser does; pass ``None`` to leave a field out.
    """
    data = course_input(course)
    values: dict[str, Any] = {
        "code": data.code,
        "title": data.title,
        "duration_days": str(data.duration_days),
        "kind": data.kind,
        "audience": data.audience,
        "audience_note": data.audience_note,
        "summary": data.summary,
        "description": data.description,
        "aims_intro": data.aims_intro,
        "aims": data.aims,
        "themes": data.themes,
        "agenda": format_agenda(data.agenda),
        "units": format_units(data.units),
        "prerequisite_ids": [str(i) for i in sorted(data.prerequisite_ids)],
        "accrediting_body": data.accrediting_body,
        "cpd_hours": "" if data.cpd_hours is None else str(data.cpd_hours),
        "credit_value": "" if data.credit_value is None else str(data.credit_value),
        "cpel_alignment": data.cpel_alignment,
        "context_note": data.context_note,
        "delivery_notes": data.delivery_notes,
        "published": "y" if data.published else None,
        "fidelity_controlled": "y" if data.fidelity_controlled else None,
    }
    values.update(overrides)
    return {key: value for key, value in values.items() if value is not None}


def notes_form(course: Course, **overrides: Any) -> dict[str, Any]:
    """What the notes-only form (a trainer on a fidelity-controlled course) posts."""
    data = course_input(course)
    values: dict[str, Any] = {
        "summary": data.summary,
        "cpd_hours": "" if data.cpd_hours is None else str(data.cpd_hours),
        "credit_value": "" if data.credit_value is None else str(data.credit_value),
        "cpel_alignment": data.cpel_alignment,
        "context_note": data.context_note,
        "delivery_notes": data.delivery_notes,
        "published": "y" if data.published else None,
    }
    values.update(overrides)
    return {key: value for key, value in values.items() if value is not None}
