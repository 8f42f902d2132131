"""Catalogue rules: creating and changing courses under fidelity control, venues, the seed."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from trainhub import bilingual
from trainhub.courses import permissions
from trainhub.courses.catalogue_data import COURSES, CourseData, DayData, UnitData
from trainhub.courses.models import (
    AUDIENCES,
    CANONICAL_FIELDS,
    CANONICAL_WELSH_FIELDS,
    EVENT_TYPES,
    KINDS,
    WELSH_FIELDS,
    AgendaItem,
    AgendaTopic,
    Cohort,
    Course,
    CourseDay,
    CourseOutcome,
    CourseUnit,
    Venue,
    course_prerequisites,
)
from trainhub.courses.signals import course_needed_completed
from trainhub.errors import PermissionDenied, ValidationFailed
from trainhub.extensions import db

if TYPE_CHECKING:
    from trainhub.auth.models import User

log = logging.getLogger(__name__)


#: The longest Welsh title, as the English.
MAX_TITLE = 300


@dataclass
class CourseInput:
    code: str
    title: str
    duration_days: int
    completion_days: int | None = None
    kind: str = "local"
    audience: str = "open"
    #: Each learner's booking waits for their line manager's approval.
    line_manager_approval: bool = False
    #: "" for a course, else one of EVENT_TYPES (R18).
    event_type: str = ""
    summary: str = ""
    audience_note: str = ""
    aims_intro: str = ""
    aims: str = ""
    description: str = ""
    themes: str = ""
    cpd_hours: Decimal | None = None
    credit_value: Decimal | None = None
    accrediting_body: str = ""
    cpel_alignment: str = ""
    context_note: str = ""
    delivery_notes: str = ""
    fidelity_controlled: bool = False
    published: bool = True
    agenda: list[DayData] = field(default_factory=list)
    units: list[UnitData] = field(default_factory=list)
    prerequisite_ids: set[int] = field(default_factory=set)
    # The Welsh beside the English ("" is no Welsh yet): see WELSH_FIELDS.
    title_cy: str = ""
    summary_cy: str = ""
    audience_note_cy: str = ""
    aims_intro_cy: str = ""
    aims_cy: str = ""
    description_cy: str = ""
    themes_cy: str = ""
    context_note_cy: str = ""
    #: The agenda and units in Welsh, in the English's shape; empty when not written.
    agenda_cy: list[DayData] = field(default_factory=list)
    units_cy: list[UnitData] = field(default_factory=list)


def course_input(course: Course) -> CourseInput:
    """The course as it stands, in the shape the services and forms use."""
    return CourseInput(
        code=course.code,
        title=course.title,
        duration_days=course.duration_days,
        completion_days=course.completion_days,
        kind=course.kind,
        audience=course.audience,
        line_manager_approval=course.line_manager_approval,
        event_type=course.event_type,
        summary=course.summary,
        audience_note=course.audience_note,
        aims_intro=course.aims_intro,
        aims=course.aims,
        description=course.description,
        themes=course.themes,
        cpd_hours=course.cpd_hours,
        credit_value=course.credit_value,
        accrediting_body=course.accrediting_body,
        cpel_alignment=course.cpel_alignment,
        context_note=course.context_note,
        delivery_notes=course.delivery_notes,
        fidelity_controlled=course.fidelity_controlled,
        published=course.published,
        agenda=[
            {"topics": [{"title": t.title, "items": [i.text for i in t.items]} for t in day.topics]}
            for day in course.days
        ],
        units=[{"title": u.title, "outcomes": [o.text for o in u.outcomes]} for u in course.units],
        prerequisite_ids={p.id for p in course.prerequisites},
        **{f"{name}_cy": getattr(course, f"{name}_cy") or "" for name in WELSH_FIELDS},
        agenda_cy=_welsh_agenda(course),
        units_cy=_welsh_units(course),
    )


def _welsh_agenda(course: Course) -> list[DayData]:
    """The agenda's Welsh in the agenda's shape: empty unless every line has its Welsh (the
    form writes it whole, or not at all)."""
    if course.agenda_lacks_welsh:
        return []
    return [
        {
            "topics": [
                {"title": t.title_cy or "", "items": [i.text_cy or "" for i in t.items]}
                for t in day.topics
            ]
        }
        for day in course.days
    ]


def _welsh_units(course: Course) -> list[UnitData]:
    """The units' Welsh in their shape: empty unless every line has its Welsh."""
    if course.units_lack_welsh:
        return []
    return [
        {"title": u.title_cy or "", "outcomes": [o.text_cy or "" for o in u.outcomes]}
        for u in course.units
    ]


def _agenda_shape(agenda: list[DayData]) -> list[list[int]]:
    return [[len(topic["items"]) for topic in day["topics"]] for day in agenda]


def _units_shape(units: list[UnitData]) -> list[int]:
    return [len(unit["outcomes"]) for unit in units]


def _normalise_text(value: str) -> str:
    return "\n".join(line.strip() for line in value.strip().splitlines() if line.strip())


def _check(data: CourseInput, course: Course | None, changed: set[str] | None = None) -> None:
    data.code = data.code.strip().upper()
    if not data.code or not all(c.isalnum() or c in "-_" for c in data.code):
        raise ValidationFailed("code", _("Use letters, numbers and hyphens only, like IFSS-CORE"))
    query = select(Course.id).where(func.upper(Course.code) == data.code)
    if course is not None:
        query = query.where(Course.id != course.id)
    if db.session.execute(query).first() is not None:
        raise ValidationFailed("code", _("Another course already uses this code"))
    if len(data.code) > 40:
        raise ValidationFailed("code", _("The course code must be 40 characters or fewer"))
    data.title = " ".join(data.title.split())
    if not data.title or len(data.title) > 300:
        raise ValidationFailed("title", _("Enter a course title of 300 characters or fewer"))
    for name in ("cpd_hours", "credit_value"):
        value = getattr(data, name)
        if value is not None and not 0 <= value <= 1000:
            raise ValidationFailed(name, _("Enter a number between 0 and 1,000"))
    if not 1 <= data.duration_days <= 30:
        raise ValidationFailed("duration_days", _("A course lasts between 1 and 30 days"))
    if data.completion_days is not None and not 1 <= data.completion_days <= data.duration_days:
        raise ValidationFailed(
            "completion_days",
            _(
                "Enter a number of days between 1 and the course's %(days)d",
                days=data.duration_days,
            ),
        )
    if data.kind not in KINDS:
        raise ValidationFailed("kind", _("Choose the kind of course"))
    if data.audience not in AUDIENCES:
        raise ValidationFailed("audience", _("Choose who the course is for"))
    if data.event_type not in ("", *EVENT_TYPES):
        raise ValidationFailed("event_type", _("Choose a course or a type of event"))
    if data.event_type and data.kind == "framework":
        raise ValidationFailed(
            "event_type",
            _("A framework programme is a course: choose Course, or make it a local one"),
        )
    if data.agenda and len(data.agenda) != data.duration_days:
        raise ValidationFailed(
            "agenda",
            _(
                "The agenda has %(found)d days but the course lasts %(days)d",
                found=len(data.agenda),
                days=data.duration_days,
            ),
        )
    if data.agenda_cy and _agenda_shape(data.agenda_cy) != _agenda_shape(data.agenda):
        raise ValidationFailed(
            "agenda_cy",
            _(
                "Write the Welsh agenda with the same days, topics and items as the English, "
                "in the same order"
            ),
        )
    if data.units_cy and _units_shape(data.units_cy) != _units_shape(data.units):
        raise ValidationFailed(
            "units_cy",
            _(
                "Write the Welsh units with the same units and outcomes as the English, "
                "in the same order"
            ),
        )
    if course is not None and course.id in data.prerequisite_ids:
        raise ValidationFailed("prerequisite_ids", _("A course cannot be its own prerequisite"))

    def writes(name: str) -> bool:
        return changed is None or name in changed

    # Nobody completes an event. Checked when the field is written (not on every save, so
    # that a trainer's notes still save on a course set up before these rules).
    if (
        writes("prerequisite_ids")
        and data.prerequisite_ids
        and db.session.execute(
            select(Course.id)
            .where(Course.id.in_(data.prerequisite_ids), Course.event_type != "")
            .limit(1)
        ).first()
    ):
        raise ValidationFailed(
            "prerequisite_ids",
            _("An event is never completed, so it cannot be a prerequisite: choose courses only"),
        )
    if data.event_type and course is not None and not course.event_type and writes("event_type"):
        _check_not_needed_completed(course)  # a course becoming an event
    if course is not None and data.prerequisite_ids & _all_dependants(course.id):
        raise ValidationFailed(
            "prerequisite_ids",
            _("That would make a circle: a chosen course already needs this one first"),
        )
    data.title_cy = " ".join(data.title_cy.split())
    if len(data.title_cy) > MAX_TITLE:
        raise ValidationFailed(
            "title_cy", _("Enter a Welsh title of 300 characters or fewer, or leave it empty")
        )
    for name in ("aims", "themes", "aims_cy", "themes_cy"):
        setattr(data, name, _normalise_text(getattr(data, name)))


def _check_not_needed_completed(course: Course) -> None:
    """Refuse to make ``course`` an event while something needs it completed: another
    course's prerequisites, or what a higher area says (``course_needed_completed``)."""
    if db.session.execute(
        select(course_prerequisites.c.course_id)
        .where(course_prerequisites.c.prerequisite_id == course.id)
        .limit(1)
    ).first():
        raise ValidationFailed(
            "event_type",
            _(
                "Other courses need this one completed first, and an event is never "
                "completed: take it out of their prerequisites first"
            ),
        )
    for _receiver, why in course_needed_completed.send(None, course=course):
        if why:
            raise ValidationFailed("event_type", why)


def _all_dependants(course_id: int) -> set[int]:
    """Every course that needs ``course_id`` first, directly or through others."""
    from trainhub.courses.models import course_prerequisites as link

    found: set[int] = set()
    frontier = {course_id}
    while frontier:
        rows = db.session.execute(
            select(link.c.course_id).where(link.c.prerequisite_id.in_(frontier))
        ).scalars()
        frontier = set(rows) - found - {course_id}
        found |= frontier
    return found


def _write(course: Course, data: CourseInput, changed: set[str] | None = None) -> None:
    """Write ``data`` onto the course; with ``changed``, only those fields.

    Agenda and unit rows are replaced only when they changed.
    """
    for name, value in asdict(data).items():
        if name not in ("agenda", "units", "prerequisite_ids", "agenda_cy", "units_cy") and (
            changed is None or name in changed
        ):
            # No Welsh is stored as None, never as an empty string.
            setattr(course, name, (value.strip() or None) if name.endswith("_cy") else value)
    if changed is None or {"agenda", "agenda_cy"} & changed:
        _write_agenda(course, data.agenda, data.agenda_cy)
    if changed is None or {"units", "units_cy"} & changed:
        _write_units(course, data.units, data.units_cy)
    if changed is None or "prerequisite_ids" in changed:
        course.prerequisites = (
            list(
                db.session.execute(
                    select(Course).where(Course.id.in_(data.prerequisite_ids))
                ).scalars()
            )
            if data.prerequisite_ids
            else []
        )


def _write_agenda(
    course: Course, agenda: list[DayData], welsh: list[DayData] | None = None
) -> None:
    """The agenda's rows, each with its Welsh where ``welsh`` (the same shape) gives it."""
    course.days = [
        CourseDay(
            day_number=number,
            topics=[
                AgendaTopic(
                    position=t_pos,
                    title=topic["title"],
                    title_cy=_welsh_at(welsh, number, t_pos) or None,
                    items=[
                        AgendaItem(
                            position=i_pos,
                            text=item,
                            text_cy=_welsh_at(welsh, number, t_pos, i_pos),
                        )
                        for i_pos, item in enumerate(topic["items"], start=1)
                    ],
                )
                for t_pos, topic in enumerate(day["topics"], start=1)
            ],
        )
        for number, day in enumerate(agenda, start=1)
    ]


def _welsh_at(
    welsh: list[DayData] | None, day: int, topic: int, item: int | None = None
) -> str | None:
    """The Welsh of one topic (or of one of its items) of an agenda, by 1-based positions."""
    if not welsh:
        return None
    found = welsh[day - 1]["topics"][topic - 1]
    text = found["title"] if item is None else found["items"][item - 1]
    return text.strip() or None


def _write_units(
    course: Course, units: list[UnitData], welsh: list[UnitData] | None = None
) -> None:
    """The units' rows, each with its Welsh where ``welsh`` (the same shape) gives it."""
    course.units = [
        CourseUnit(
            position=u_pos,
            title=unit["title"],
            title_cy=(welsh[u_pos - 1]["title"].strip() or None) if welsh else None,
            outcomes=[
                CourseOutcome(
                    position=o_pos,
                    text=text,
                    text_cy=(welsh[u_pos - 1]["outcomes"][o_pos - 1].strip() or None)
                    if welsh
                    else None,
                )
                for o_pos, text in enumerate(unit["outcomes"], start=1)
            ],
        )
        for u_pos, unit in enumerate(units, start=1)
    ]


def _check_admin_only_flags(actor: User, data: CourseInput) -> None:
    if not actor.is_admin and (data.kind == "framework" or data.fidelity_controlled):
        message = _(
            "Only an administrator can make a course a framework programme or fidelity-controlled"
        )
        raise PermissionDenied(message)


def create_course(actor: User, data: CourseInput) -> Course:
    """A new course in the catalogue.

    :raises PermissionDenied: when ``actor`` cannot edit the catalogue, or a non-administrator
        makes it a framework programme or fidelity-controlled.
    :raises ValidationFailed: on the field at fault (code, title, agenda, outcomes …).
    """
    if not permissions.can_edit_catalogue(actor):
        raise PermissionDenied(_("Only trainers and administrators can add courses"))
    _check_admin_only_flags(actor, data)
    _check(data, None)
    course = Course()
    _write(course, data)
    db.session.add(course)
    db.session.flush()
    log.info("Course %s created by %s", course.code, actor.id)
    return course


def update_course(actor: User, course: Course, changes: dict[str, Any]) -> None:
    """Apply ``changes`` (field name → new value) to a course.

    On a fidelity-controlled course, a non-admin who tries to change any
    canonical field (agenda, outcomes, identity, prerequisites) is refused
    and nothing is written.

    :raises PermissionDenied: when ``actor`` cannot edit the course, or changes canonical
        content or admin-only flags without being an administrator.
    :raises ValidationFailed: on the field at fault.
    :raises ValueError: when ``changes`` names a field a course does not have (a bug).
    """
    if not permissions.can_edit_course(actor, course):
        raise PermissionDenied(_("Only trainers and administrators can change courses"))
    current = course_input(course)
    unknown = set(changes) - set(asdict(current))
    if unknown:
        raise ValueError(f"unknown course fields: {sorted(unknown)}")
    changed = {name for name, value in changes.items() if getattr(current, name) != value}
    if not permissions.can_change_canonical_content(actor, course):
        blocked = sorted(changed & CANONICAL_FIELDS)
        if blocked:
            raise PermissionDenied(
                _(
                    "This is a fidelity-controlled framework course: only an administrator "
                    "can change its agenda, learning outcomes, title or prerequisites."
                )
            )
    for name, value in changes.items():
        setattr(current, name, value)
    if changed & {"kind", "fidelity_controlled"}:
        _check_admin_only_flags(actor, current)
    if (
        "event_type" in changed
        and db.session.execute(
            select(Cohort.id).where(Cohort.course_id == course.id).limit(1)
        ).first()
    ):
        raise ValidationFailed(
            "event_type",
            _("This has cohorts already: whether it is a course or an event cannot change"),
        )
    _check(current, course, changed)
    _write(course, current, changed)
    log.info("Course %s changed by %s: %s", course.code, actor.id, ", ".join(sorted(changed)))


# Welsh from a translator (trainhub.bilingual's export and import) -----------------------

#: The longest Welsh of each course text, as the edit form allows (others: MAX_WELSH_TEXT).
_WELSH_LIMITS = {"title": MAX_TITLE, "summary": 2000, "context_note": 2000, "aims_intro": 500}
MAX_WELSH_TEXT = 10_000
#: An agenda line, a unit's title or a learning outcome.
MAX_WELSH_LINE = 2000
#: Kinds of row a course's Welsh lives on, and the one text of each (courses: WELSH_FIELDS).
_WELSH_LINES: dict[str, tuple[Any, str]] = {
    "agenda-topics": (AgendaTopic, "title"),
    "agenda-items": (AgendaItem, "text"),
    "course-units": (CourseUnit, "title"),
    "course-outcomes": (CourseOutcome, "text"),
}


def _welsh_key(key: str) -> tuple[str, int, str]:
    """``key`` split into its kind of row, row id and field, when it names a course text."""
    parts = key.split(":")
    if len(parts) == 3 and parts[1].isdigit():
        table, row_id, name = parts[0], int(parts[1]), parts[2]
        if (table == "courses" and name in WELSH_FIELDS) or (
            table in _WELSH_LINES and _WELSH_LINES[table][1] == name
        ):
            return table, row_id, name
    raise ValidationFailed(key, _("%(key)s: trainhub has no such text", key=key))


def _clean_welsh(key: str, name: str, line: bool, text: str) -> str:
    """The Welsh as the edit form would store it (``bilingual.fitted``): too long or hidden
    characters refused."""
    limit = MAX_WELSH_LINE if line else _WELSH_LIMITS.get(name, MAX_WELSH_TEXT)
    if not line and name in ("aims", "themes"):
        text = _normalise_text(text)
    return bilingual.fitted(text, limit, key=key, one_line=line or name == "title")


def write_course_welsh(actor: User, changes: dict[str, str]) -> int:
    """Write a translator's Welsh of course texts (``{key: Welsh}``, "" clears it) in place:
    every key is checked before any is written. Returns how many texts changed.

    :raises ValidationFailed: naming the key: one trainhub does not have (or no longer has),
        Welsh too long or with hidden characters, a course ``actor`` may not edit, or the
        canonical Welsh of a fidelity-controlled course by someone other than an administrator.
    """
    parsed = {key: _welsh_key(key) for key in changes}
    wanted: dict[str, set[int]] = {}
    for table, row_id, _name in parsed.values():
        wanted.setdefault(table, set()).add(row_id)
    rows: dict[tuple[str, int], Any] = {}
    course_of: dict[tuple[str, int], int] = {}
    for table, ids in wanted.items():
        if table == "courses":
            found: list[Any] = list(
                db.session.execute(select(Course).where(Course.id.in_(ids))).scalars()
            )
            rows.update((("courses", c.id), c) for c in found)
            course_of.update((("courses", c.id), c.id) for c in found)
            continue
        model, _text = _WELSH_LINES[table]
        if model in (AgendaTopic, AgendaItem):
            query = select(model, CourseDay.course_id)
            if model is AgendaItem:
                query = query.join(AgendaTopic, AgendaTopic.id == AgendaItem.topic_id)
            query = query.join(CourseDay, CourseDay.id == AgendaTopic.day_id)
        elif model is CourseUnit:
            query = select(model, CourseUnit.course_id)
        else:
            query = select(model, CourseUnit.course_id).join(
                CourseUnit, CourseUnit.id == CourseOutcome.unit_id
            )
        for row, course_id in db.session.execute(query.where(model.id.in_(ids))):
            rows[(table, row.id)] = row
            course_of[(table, row.id)] = course_id
    courses = {
        c.id: c
        for c in db.session.execute(
            select(Course).where(Course.id.in_(set(course_of.values())))
        ).scalars()
    }
    writes: list[tuple[Any, str, str]] = []
    for key, (table, row_id, name) in parsed.items():
        row = rows.get((table, row_id))
        if row is None:
            raise ValidationFailed(key, _("%(key)s: this text is no longer in trainhub", key=key))
        course = courses[course_of[(table, row_id)]]
        line = table != "courses"
        if not permissions.can_edit_course(actor, course):
            raise ValidationFailed(key, _("%(key)s: you cannot change this course", key=key))
        if (
            line or name in CANONICAL_WELSH_FIELDS
        ) and not permissions.can_change_canonical_content(actor, course):
            raise ValidationFailed(
                key,
                _(
                    "%(key)s: only an administrator can change the Welsh of the title, aims, "
                    "agenda or learning outcomes of a fidelity-controlled course",
                    key=key,
                ),
            )
        writes.append((row, f"{name}_cy", _clean_welsh(key, name, line, changes[key])))
    changed = 0
    for row, column, text in writes:
        if (getattr(row, column) or "") != text:
            setattr(row, column, text or None)
            changed += 1
    db.session.flush()
    return changed


# Venues -----------------------------------------------------------------------


@dataclass
class VenueInput:
    name: str
    address: str
    capacity: int
    accessibility_notes: str = ""
    is_active: bool = True
    #: The Welsh beside the English (trainhub.bilingual): "" is no Welsh yet.
    name_cy: str = ""
    accessibility_notes_cy: str = ""


#: The longest venue name, in either language (the columns' length).
MAX_VENUE_NAME = 200


def save_venue(actor: User, venue: Venue | None, data: VenueInput) -> Venue:
    """Create (``venue`` None) or change a venue.

    :raises PermissionDenied: when ``actor`` cannot manage venues.
    :raises ValidationFailed: on ``name`` when another venue has it, on ``capacity`` below 1.
    """
    if not permissions.can_manage_venues(actor):
        raise PermissionDenied(_("Only trainers and administrators can change venues"))
    name = " ".join(data.name.split())
    query = select(Venue.id).where(func.lower(Venue.name) == name.lower())
    if venue is not None:
        query = query.where(Venue.id != venue.id)
    if db.session.execute(query).first() is not None:
        raise ValidationFailed("name", _("There is already a venue with this name"))
    if data.capacity < 1:
        raise ValidationFailed("capacity", _("Capacity must be 1 or more"))
    name_cy = bilingual.fitted(data.name_cy, MAX_VENUE_NAME, field="name_cy")
    if venue is None:
        venue = Venue(name=name)
        db.session.add(venue)
    venue.name = name
    venue.address = _normalise_text(data.address)  # browsers send CRLF line breaks
    venue.capacity = data.capacity
    venue.accessibility_notes = data.accessibility_notes.strip()
    venue.name_cy = name_cy or None
    venue.accessibility_notes_cy = data.accessibility_notes_cy.strip() or None
    venue.is_active = data.is_active
    db.session.flush()
    return venue


# The seed ---------------------------------------------------------------------


def _input_from_data(entry: CourseData) -> CourseInput:
    return CourseInput(
        code=entry["code"],
        title=entry["title"],
        duration_days=entry["duration_days"],
        kind=entry["kind"],
        audience=entry["audience"],
        summary=entry["summary"],
        audience_note=entry["audience_note"],
        aims_intro=entry["aims_intro"],
        aims="\n".join(entry["aims"]),
        description=entry["description"],
        themes="\n".join(entry["themes"]),
        accrediting_body=entry["accrediting_body"],
        context_note=entry["context_note"],
        fidelity_controlled=entry["fidelity_controlled"],
        agenda=entry["agenda"],
        units=entry["units"],
    )


def seed_hours(duration_days: int) -> Decimal:
    """A seeded course's CPD hours: its days at ``CPD_HOURS_PER_DAY`` (6 by default)."""
    per_day = Decimal(str(current_app.config.get("CPD_HOURS_PER_DAY", 6)))
    return (per_day * duration_days).quantize(Decimal("0.01"))


def seed_courses(entries: Iterable[CourseData] = COURSES) -> list[Course]:
    """Add the catalogue's courses that are missing; existing ones are left as they are,
    except that a catalogue course without CPD hours is given :func:`seed_hours` (hours
    someone entered are never overwritten).

    Returns the courses added. Safe to run any number of times.

    :raises ValidationFailed: when an entry breaks a catalogue rule (a bug in the data).
    """
    entries = list(entries)
    existing = {c.code: c for c in db.session.execute(select(Course)).scalars()}
    added: list[Course] = []
    for entry in entries:
        if entry["code"] in existing:
            known = existing[entry["code"]]
            if known.cpd_hours is None:
                known.cpd_hours = seed_hours(known.duration_days)
                log.info("CPD hours of %s set to %s", known.code, known.cpd_hours)
            continue
        data = _input_from_data(entry)
        data.cpd_hours = seed_hours(entry["duration_days"])
        _check(data, None)
        course = Course()
        _write(course, data)
        db.session.add(course)
        existing[entry["code"]] = course
        added.append(course)
    db.session.flush()
    for entry in entries:
        course = existing[entry["code"]]
        if course in added and entry["prerequisite_codes"]:
            course.prerequisites = [existing[code] for code in entry["prerequisite_codes"]]
    db.session.flush()
    return added


def apply_venue_welsh(changes: dict[str, str], actor: User) -> int:
    """Write imported Welsh (``{"venues:<id>:name" or ":accessibility_notes": Welsh}``, ""
    clears one) for ``actor``: every change is checked before any is written; returns how
    many changed.

    :raises PermissionDenied: when ``actor`` cannot manage venues.
    :raises ValidationFailed: naming the first key that is unknown, whose venue is gone or
        whose Welsh does not fit.
    """
    if not permissions.can_manage_venues(actor):
        raise PermissionDenied(_("Only trainers and administrators can change venues"))
    limits = {"name": MAX_VENUE_NAME, "accessibility_notes": None}
    return bilingual.apply_columns(
        Venue, "venues", limits, changes, multiline=("accessibility_notes",)
    )
