"""Catalogue and venue forms."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from trainhub.courses.catalogue_data import DayData, UnitData
from trainhub.courses.outline import format_agenda, format_units, parse_agenda, parse_units
from trainhub.courses.services.catalogue import CourseInput
from trainhub.errors import ValidationFailed
from trainhub.forms import (
    Checkbox,
    Checkboxes,
    Decimal,
    InputRequired,
    Integer,
    Length,
    NumberRange,
    Optional,
    Radios,
    Submit,
    Text,
    TextArea,
    required,
)
from trainhub.i18n import SERVICE, TEAM

KIND_CHOICES = [
    ("framework", _l("%(service)s Training Framework programme", service=SERVICE)),
    ("local", _l("Local course")),
]
AUDIENCE_CHOICES = [
    ("ifst_only", _l("%(team)s members only", team=TEAM)),
    ("wider_workforce", _l("%(team)s members and the wider workforce", team=TEAM)),
    ("open", _l("Open to anyone")),
]
EVENT_TYPE_LABELS = {
    "": _l("Course"),
    "briefing": _l("Briefing"),
    "conference": _l("Conference"),
    "peer_forum": _l("Peer forum"),
    "drop_in": _l("Awareness or drop-in session"),
}
EVENT_TYPE_CHOICES = list(EVENT_TYPE_LABELS.items())
AGENDA_HINT = _l(
    "Write “Day 1”, “Day 2” and so on on their own lines. Under each day, put one topic per "
    "line, and the topic's items under it on lines starting with “- ”."
)
UNITS_HINT = _l(
    "One unit title per line (for example “Unit 1: Principles”), with its learning outcomes "
    "under it on lines starting with “- ”."
)


class CourseNotesForm(FlaskForm):
    """What a trainer may change on a fidelity-controlled course."""

    summary = TextArea(_l("Summary for the catalogue"), validators=[Optional(), Length(max=2000)])
    cpel_alignment = Text(_l("CPEL alignment (optional)"), validators=[Optional(), Length(max=300)])
    context_note = TextArea(
        _l("Legislation or partner context (optional)"), validators=[Optional(), Length(max=2000)]
    )
    delivery_notes = TextArea(
        _l("Trainers' delivery notes (optional)"),
        description=_l("Only trainers and administrators see these notes."),
        validators=[Optional(), Length(max=5000)],
    )
    summary_cy = TextArea(
        _l("Summary in Welsh (optional)"), validators=[Optional(), Length(max=2000)]
    )
    context_note_cy = TextArea(
        _l("Context in Welsh (optional)"), validators=[Optional(), Length(max=2000)]
    )
    submit = Submit(_l("Save course"))

    NOTE_FIELDS: tuple[str, ...] = (
        "summary",
        "cpel_alignment",
        "context_note",
        "delivery_notes",
        "summary_cy",
        "context_note_cy",
    )

    def changes(self, admin: bool = False) -> dict[str, Any]:
        return {name: (self[name].data or "").strip() for name in self.NOTE_FIELDS}

    def fill(self, data: CourseInput) -> None:
        for name in self.NOTE_FIELDS:
            self[name].data = getattr(data, name)


class CourseForm(CourseNotesForm):
    """Every field of a course (administrators, or trainers on local courses)."""

    cpd_hours = Decimal(
        _l("CPD hours (optional)"), places=2, validators=[Optional(), NumberRange(min=0, max=1000)]
    )
    credit_value = Decimal(
        _l("Credit value (optional)"),
        places=2,
        validators=[Optional(), NumberRange(min=0, max=1000)],
    )
    published = Checkbox(_l("Show this course in the catalogue"))

    code = Text(
        _l("Course code"),
        description=_l("Short and unique, used in web addresses. For example, IFSS-CORE."),
        validators=[required(_l("Enter a course code")), Length(max=40)],
        render_kw={"spellcheck": "false"},
    )
    title = Text(_l("Title"), validators=[required(_l("Enter the course title")), Length(max=300)])
    duration_days = Integer(
        _l("Duration in days"),
        validators=[
            InputRequired(_l("Enter the number of days, like 3")),
            NumberRange(min=1, max=30, message=_l("A course lasts between 1 and 30 days")),
        ],
    )
    completion_days = Integer(
        _l("Days to attend to complete (optional)"),
        description=_l("Leave blank when every day must be attended."),
        validators=[
            Optional(),
            NumberRange(min=1, max=30, message=_l("Enter a number from 1 to 30")),
        ],
    )
    kind = Radios(_l("Kind of course"), choices=KIND_CHOICES, default="local")
    audience = Radios(_l("Who is it for?"), choices=AUDIENCE_CHOICES, default="open")
    event_type = Radios(
        _l("Course or event"),
        description=_l(
            "An event (a briefing, conference, peer forum or drop-in) is booked and registered "
            "like a course, but nobody completes it and it gives no certificate."
        ),
        choices=EVENT_TYPE_CHOICES,
        default="",
    )
    audience_note = TextArea(_l("About the audience (optional)"), validators=[Optional()])
    line_manager_approval = Checkbox(
        _l("Learners need their line manager's approval to attend"),
        description=_l(
            "Each booking waits for the learner's line manager first, then for their "
            "organisation's managers where the course also needs their approval."
        ),
    )
    aims_intro = Text(
        _l("Introduction to the aims (optional)"),
        description=_l("For example: At the end of the course staff will be able to:"),
        validators=[Optional(), Length(max=500)],
    )
    aims = TextArea(
        _l("Aims (optional)"), description=_l("One aim per line."), validators=[Optional()]
    )
    description = TextArea(_l("Description (optional)"), validators=[Optional()])
    themes = TextArea(
        _l("Themes (optional)"), description=_l("One theme per line."), validators=[Optional()]
    )
    accrediting_body = Text(
        _l("Accrediting body (optional)"), validators=[Optional(), Length(max=200)]
    )
    agenda = TextArea(
        _l("Agenda, day by day (optional)"), description=AGENDA_HINT, validators=[Optional()]
    )
    units = TextArea(
        _l("Units and learning outcomes (optional)"),
        description=UNITS_HINT,
        validators=[Optional()],
    )
    prerequisite_ids = Checkboxes(
        _l("Courses to complete first (optional)"), coerce=int, validators=[Optional()]
    )
    fidelity_controlled = Checkbox(
        _l("Fidelity-controlled: only an administrator can change the agenda and outcomes")
    )
    title_cy = Text(_l("Title in Welsh (optional)"), validators=[Optional(), Length(max=300)])
    audience_note_cy = TextArea(_l("About the audience in Welsh (optional)"))
    aims_intro_cy = Text(
        _l("Introduction to the aims in Welsh (optional)"),
        validators=[Optional(), Length(max=500)],
    )
    aims_cy = TextArea(_l("Aims in Welsh (optional)"), description=_l("One aim per line."))
    description_cy = TextArea(_l("Description in Welsh (optional)"))
    themes_cy = TextArea(_l("Themes in Welsh (optional)"), description=_l("One theme per line."))
    agenda_cy = TextArea(
        _l("Agenda in Welsh (optional)"),
        description=_l(
            "The same days, topics and items as the English, in the same order: “Diwrnod 1”, "
            "“Diwrnod 2” and so on on their own lines, items on lines starting with “- ”."
        ),
    )
    units_cy = TextArea(
        _l("Units and learning outcomes in Welsh (optional)"),
        description=_l(
            "The same units and outcomes as the English, in the same order, outcomes on lines "
            "starting with “- ”."
        ),
    )

    TEXT_FIELDS = (
        "code",
        "title",
        "audience_note",
        "aims_intro",
        "aims",
        "description",
        "themes",
        "accrediting_body",
        "title_cy",
        "audience_note_cy",
        "aims_intro_cy",
        "aims_cy",
        "description_cy",
        "themes_cy",
    )

    def parsed_agenda(self) -> list[DayData]:
        return parse_agenda(self.agenda.data or "", self.duration_days.data or 0)

    def parsed_units(self) -> list[UnitData]:
        return parse_units(self.units.data or "")

    def parsed_agenda_cy(self) -> list[DayData]:
        """The Welsh agenda; a line it cannot read is an error on its own field."""
        try:
            return parse_agenda(self.agenda_cy.data or "", self.duration_days.data or 0)
        except ValidationFailed as error:
            raise ValidationFailed("agenda_cy", str(error)) from error

    def parsed_units_cy(self) -> list[UnitData]:
        """The Welsh units; a line it cannot read is an error on its own field."""
        try:
            return parse_units(self.units_cy.data or "")
        except ValidationFailed as error:
            raise ValidationFailed("units_cy", str(error)) from error

    def changes(self, admin: bool = False) -> dict[str, Any]:
        """Raises ``ValidationFailed`` when the agenda or units text cannot be read.

        The kind and fidelity control are shown to administrators only, so only
        their forms say anything about them.
        """
        values = super().changes()
        values["cpd_hours"] = self.cpd_hours.data
        values["credit_value"] = self.credit_value.data
        values["published"] = bool(self.published.data)
        for name in self.TEXT_FIELDS:
            values[name] = (self[name].data or "").strip()
        values["duration_days"] = self.duration_days.data
        values["completion_days"] = self.completion_days.data
        values["kind"] = self.kind.data
        values["audience"] = self.audience.data
        values["line_manager_approval"] = bool(self.line_manager_approval.data)
        values["event_type"] = self.event_type.data or ""
        values["fidelity_controlled"] = bool(self.fidelity_controlled.data)
        values["prerequisite_ids"] = set(self.prerequisite_ids.data or [])
        values["agenda"] = self.parsed_agenda()
        values["units"] = self.parsed_units()
        values["agenda_cy"] = self.parsed_agenda_cy()
        values["units_cy"] = self.parsed_units_cy()
        if not admin:
            del values["kind"], values["fidelity_controlled"]
        return values

    def fill(self, data: CourseInput) -> None:
        super().fill(data)
        for name in (
            *self.TEXT_FIELDS,
            "duration_days",
            "completion_days",
            "kind",
            "audience",
            "line_manager_approval",
            "event_type",
            "fidelity_controlled",
            "cpd_hours",
            "credit_value",
            "published",
        ):
            self[name].data = getattr(data, name)
        self.prerequisite_ids.data = sorted(data.prerequisite_ids)
        self.agenda.data = format_agenda(data.agenda)
        self.units.data = format_units(data.units)
        self.agenda_cy.data = format_agenda(data.agenda_cy, day="Diwrnod")
        self.units_cy.data = format_units(data.units_cy)


class VenueForm(FlaskForm):
    name = Text(_l("Name"), validators=[required(_l("Enter the venue's name")), Length(max=200)])
    address = TextArea(_l("Address"), validators=[required(_l("Enter the venue's address"))])
    capacity = Integer(
        _l("Capacity"),
        description=_l("The most learners the training room holds."),
        validators=[
            InputRequired(_l("Enter the capacity, like 20")),
            NumberRange(min=1, max=10000, message=_l("Capacity must be between 1 and 10,000")),
        ],
    )
    accessibility_notes = TextArea(
        _l("Accessibility (optional)"),
        description=_l("Step-free access, hearing loop, parking, quiet room and so on."),
        validators=[Optional()],
    )
    name_cy = Text(_l("Name in Welsh (optional)"), validators=[Optional(), Length(max=200)])
    accessibility_notes_cy = TextArea(
        _l("Accessibility in Welsh (optional)"), validators=[Optional()]
    )
    is_active = Checkbox(_l("Available for new cohorts"), default=True)
    submit = Submit(_l("Save venue"))
