"""The forms that record one thing from before trainhub by hand: a past cohort, a person's
past completion, a past award, a paper feedback form; and withdrawing a record.

They check shape (required, dates, the attendee lines' layout); the services check the rules
and say what is wrong with what was given."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, FormField

from trainhub.courses.models import local_today
from trainhub.feedback.forms import SCALE
from trainhub.feedback.models import RATING, Questionnaire
from trainhub.forms import (
    Checkbox,
    Date,
    Email,
    File,
    InputRequired,
    Integer,
    Length,
    NumberRange,
    Optional,
    Radios,
    Select,
    Submit,
    Text,
    TextArea,
    Time,
    required,
)
from trainhub.history.services import (
    AttendeeDraft,
    AwardDraft,
    CohortDraft,
    CompletionDraft,
    DayDraft,
    FeedbackDraft,
)

#: The most attendees one form takes (a bigger register is a spreadsheet import).
MAX_ATTENDEES = 200
#: The most facilitators one cohort names.
MAX_FACILITATORS = 20


def _not_future(field: Any, when: dt.date | None) -> None:
    if when is not None and when > local_today():
        field.errors.append(_("The date must be today or in the past"))


class PastDayForm(FlaskForm):
    class Meta:
        csrf = False

    date = Date(_l("Date"), validators=[Optional()])
    start = Time(_l("Started"), validators=[Optional()])
    end = Time(_l("Ended"), validators=[Optional()])
    venue = Text(_l("Venue"), validators=[Optional(), Length(max=200)])


class PastCohortForm(FlaskForm):
    """A cohort as delivered: its days, who facilitated, who attended which days."""

    title = Text(_l("Title"), validators=[required(_l("Enter a title")), Length(max=300)])
    days = FieldList(FormField(PastDayForm), min_entries=1)
    facilitators = TextArea(
        _l("Facilitators (optional)"),
        description=_l(
            "One a line: the e-mail address of their account, or the name of someone without "
            "one. The first one led."
        ),
        validators=[Optional(), Length(max=4000)],
        render_kw={"rows": 3},
    )
    partner_id = Select(
        _l("Who could book"),
        description=_l("A closed cohort was for one partner's learners."),
        coerce=int,
    )
    attendees = TextArea(
        _l("Attendees"),
        description=_l(
            "One a line: e-mail address, full name, the days they attended. For example "
            "“sam@example.org, Sam Example, 1 2 3”. Leave the days out when they attended every "
            "day; the name is only needed for someone without an account."
        ),
        validators=[required(_l("Enter the attendees, one a line")), Length(max=40000)],
        render_kw={"rows": 8, "spellcheck": "false"},
    )
    certificates = Checkbox(
        _l("Issue certificates"),
        description=_l(
            "Those who completed get a certificate issued today for the training completed then."
        ),
    )
    submit = Submit(_l("Record the cohort"))

    def setup(self, days: int, partners: list[tuple[int, str]]) -> None:
        while len(self.days.entries) < days:
            self.days.append_entry()
        while len(self.days.entries) > days:
            self.days.pop_entry()
        self.partner_id.choices = [(0, _l("Open to everyone")), *partners]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for n, entry in enumerate(self.days.entries, start=1):
            day = entry.form
            if day.date.data is None and not day.date.errors:
                day.date.errors.append(_("Enter the date of day %(n)d", n=n))
            _not_future(day.date, day.date.data)
            if day.start.data is None and not day.start.errors:
                day.start.errors.append(_("Enter the time day %(n)d starts, like 09:30", n=n))
            if day.end.data is None and not day.end.errors:
                day.end.errors.append(_("Enter the time day %(n)d ends, like 16:30", n=n))
            if day.start.data and day.end.data and day.end.data <= day.start.data:
                day.end.errors.append(_("Day %(n)d must end after it starts", n=n))
            if not day.venue.data and not day.venue.errors:
                day.venue.errors.append(_("Enter the venue of day %(n)d", n=n))
            if day.date.data and n > 1:
                before = self.days.entries[n - 2].form.date.data
                if before and day.date.data <= before:
                    day.date.errors.append(_("Day %(n)d must be after day %(m)d", n=n, m=n - 1))
        entries = [entry.errors for entry in self.days.entries]
        self.days.errors = entries if any(entries) else []
        if len(self.facilitator_lines()) > MAX_FACILITATORS:
            self.facilitators.errors = [
                *self.facilitators.errors,
                _("Name %(n)d facilitators or fewer", n=MAX_FACILITATORS),
            ]
        if self.attendees.data and not self.attendees.errors:
            self._attendee_drafts()
        return valid and not self.errors

    def facilitator_lines(self) -> list[str]:
        return [
            line.strip() for line in (self.facilitators.data or "").splitlines() if line.strip()
        ]

    def _attendee_drafts(self) -> list[AttendeeDraft]:
        """The attendees as drafts; each line's problem goes on the field, with its number."""
        days = len(self.days.entries)
        drafts = []
        errors: list[str] = []
        lines = (self.attendees.data or "").splitlines()
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            parts = [p.strip() for p in raw.split(",")]
            if len(parts) > 3 or not parts[0]:
                errors.append(
                    _(
                        "Line %(n)d: write it as e-mail address, full name, days attended",
                        n=number,
                    )
                )
                continue
            name = parts[1] if len(parts) > 1 else ""
            tokens = parts[2].split() if len(parts) > 2 else []
            if not all(t.isdigit() for t in tokens):
                errors.append(
                    _("Line %(n)d: write the days attended as numbers, like 1 2 3", n=number)
                )
                continue
            attended = sorted({int(t) for t in tokens}) or list(range(1, days + 1))
            outside = [n for n in attended if not 1 <= n <= days]
            if outside:
                errors.append(
                    _("Line %(n)d: the days attended run from 1 to %(days)d", n=number, days=days)
                )
                continue
            drafts.append(
                AttendeeDraft(
                    parts[0],
                    name,
                    dict.fromkeys(attended, "present"),
                    lines=dict.fromkeys(attended, number),
                    line=number,
                )
            )
        if not drafts and not errors:
            errors.append(_("Enter the attendees, one a line"))
        if len(drafts) > MAX_ATTENDEES:
            errors.append(
                _(
                    "Enter %(n)d attendees or fewer here; import a bigger register from a "
                    "spreadsheet",
                    n=MAX_ATTENDEES,
                )
            )
        if errors:
            # One message for the field (GOV.UK shows one), naming every line that is wrong.
            self.attendees.errors = [*self.attendees.errors, "; ".join(errors)]
        return drafts

    def to_draft(self, course_code: str, partner: str) -> CohortDraft:
        days = [
            DayDraft(
                n,
                entry.form.date.data,
                entry.form.start.data,
                entry.form.end.data,
                entry.form.venue.data or "",
            )
            for n, entry in enumerate(self.days.entries, start=1)
        ]
        return CohortDraft(
            course_code,
            self.title.data or "",
            days,
            self.facilitator_lines(),
            partner,
            self._attendee_drafts(),
        )


class PersonFields(FlaskForm):
    """Who it is about: an account's address, and a name for someone without one."""

    email = Email(
        _l("Email address"),
        validators=[required(_l("Enter their email address")), Length(max=254)],
    )
    full_name = Text(
        _l("Full name (if they have no account yet)"),
        description=_l("An account is made for them; they can't sign in until invited."),
        validators=[Optional(), Length(max=200)],
    )
    #: Administrators only (``limit_organisations``): a manager's new people join their own.
    organisation = Select(
        _l("Organisation (if they have no account yet)"),
        description=_l("The new account joins it. An account that exists keeps its own."),
        validators=[Optional()],
    )

    def limit_organisations(self, is_admin: bool, names: list[str]) -> None:
        """Offer the organisations to an administrator; a manager does not choose."""
        if is_admin:
            self.organisation.choices = [("", _l("None")), *((n, n) for n in names)]
        else:
            del self.organisation

    @property
    def organisation_name(self) -> str:
        field = getattr(self, "organisation", None)
        return str(field.data or "") if field is not None else ""


class PastCompletionForm(PersonFields):
    course = Select(_l("Course"), validators=[required(_l("Choose the course"))])
    completed_on = Date(
        _l("Date completed"),
        description=_l("For example, 12 5 2014"),
        validators=[InputRequired(_l("Enter the date they completed the course"))],
    )
    evidence = File(_l("Evidence (optional)"))
    certificates = Checkbox(
        _l("Issue a trainhub certificate"),
        description=_l("Issued today, for the training completed on the date above."),
    )
    submit = Submit(_l("Record the completion"))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        _not_future(self.completed_on, self.completed_on.data)
        return valid and not self.errors

    def to_draft(self) -> CompletionDraft:
        return CompletionDraft(
            self.email.data or "",
            self.full_name.data or "",
            self.course.data or "",
            cast(dt.date, self.completed_on.data),
            organisation=self.organisation_name,
        )


class PastAwardForm(PersonFields):
    level = Integer(
        _l("Level"),
        validators=[
            InputRequired(_l("Enter the level, like 2")),
            NumberRange(min=1, max=99),
        ],
    )
    awarded_on = Date(
        _l("Date awarded"),
        description=_l("For example, 20 9 2016"),
        validators=[InputRequired(_l("Enter the date the level was awarded"))],
    )
    assessor = Text(
        _l("Assessor (optional)"),
        description=_l("The e-mail address of their account, or their name."),
        validators=[Optional(), Length(max=200)],
    )
    old_certificate_number = Text(
        _l("Old certificate number (optional)"), validators=[Optional(), Length(max=100)]
    )
    certificates = Checkbox(
        _l("Issue a trainhub certificate"),
        description=_l("Issued today, for the level awarded on the date above."),
    )
    submit = Submit(_l("Record the award"))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        _not_future(self.awarded_on, self.awarded_on.data)
        return valid and not self.errors

    def to_draft(self) -> AwardDraft:
        return AwardDraft(
            self.email.data or "",
            self.full_name.data or "",
            self.level.data or 0,
            cast(dt.date, self.awarded_on.data),
            self.assessor.data or "",
            self.old_certificate_number.data or "",
            organisation=self.organisation_name,
        )


class ChooseCohortForm(FlaskForm):
    """Which cohort the paper forms are of (a GET form: nothing changes)."""

    class Meta:
        csrf = False

    cohort = Select(_l("Cohort"), coerce=int, validators=[Optional()])
    submit = Submit(_l("Continue"))


NOT_ANSWERED = ""


def paper_feedback_form(questionnaire: Questionnaire, language: str, **kwargs: Any) -> Any:
    """One paper form: a rating (or none) per statement (``rating_<key>``), a comment and
    whether its author agreed to be quoted."""

    class PaperFeedbackForm(FlaskForm):
        comment = TextArea(
            _l("Comment (optional)"),
            validators=[Optional(), Length(max=5000)],
            render_kw={"rows": 4},
        )
        consent_to_quote = Checkbox(_l("Agreed to be quoted"))
        submit = Submit(_l("Save"))
        another = Submit(_l("Save and enter another"))

        def ratings(self) -> dict[str, int]:
            return {
                name.removeprefix("rating_"): int(field.data)
                for name, field in self._fields.items()
                if name.startswith("rating_") and field.data
            }

        def to_draft(self, course_code: str, first_day: dt.date) -> FeedbackDraft:
            return FeedbackDraft(
                course_code,
                first_day,
                self.ratings(),
                self.comment.data or "",
                bool(self.consent_to_quote.data),
            )

        def rating_fields(self) -> list[Any]:
            return [f for name, f in self._fields.items() if name.startswith("rating_")]

    choices = [*SCALE.items(), (NOT_ANSWERED, _l("Not answered"))]
    for item in questionnaire.items:
        if item.kind == RATING:
            field = Radios(item.wording(language), choices=choices, default=NOT_ANSWERED)
            setattr(PaperFeedbackForm, f"rating_{item.key}", field)
    return PaperFeedbackForm(**kwargs)


class WithdrawForm(FlaskForm):
    reason = TextArea(
        _l("Why is it withdrawn?"),
        description=_l("Everyone who can see the record sees the reason."),
        validators=[required(_l("Say why this record is withdrawn")), Length(max=2000)],
        render_kw={"rows": 3},
    )
    submit = Submit(_l("Withdraw the record"))
