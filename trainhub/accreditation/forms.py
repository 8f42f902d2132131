"""Accreditation forms: levels, applications, assessment, CPD and certificates."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from trainhub.accreditation.models import LevelOutcome, OutcomeJudgement
from trainhub.accreditation.models.levels import MAX_LEVEL_TITLE
from trainhub.forms import (
    Checkbox,
    Checkboxes,
    Date,
    Decimal,
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
    required,
)


class LevelForm(FlaskForm):
    number = Integer(
        _l("Level number"),
        validators=[
            InputRequired(_l("Enter the level number, like 5")),
            NumberRange(min=1, max=12, message=_l("The level number must be between 1 and 12")),
        ],
    )
    title = Text(
        _l("Title"),
        validators=[
            required(_l("Enter the level's title")),
            Length(
                max=MAX_LEVEL_TITLE,
                message=_l(
                    "Enter a level title of %(max)d characters or fewer", max=MAX_LEVEL_TITLE
                ),
            ),
        ],
    )
    description = TextArea(_l("Who it is for (optional)"), validators=[Optional()])
    outcomes = TextArea(
        _l("Learning outcomes"),
        description=_l("One learning outcome per line, in order."),
        validators=[required(_l("Enter at least one learning outcome"))],
        render_kw={"rows": 8},
    )
    title_cy = Text(
        _l("Title in Welsh (optional)"),
        validators=[
            Optional(),
            Length(
                max=MAX_LEVEL_TITLE,
                message=_l(
                    "Enter a Welsh level title of %(max)d characters or fewer, or leave it empty",
                    max=MAX_LEVEL_TITLE,
                ),
            ),
        ],
    )
    description_cy = TextArea(_l("Who it is for in Welsh (optional)"), validators=[Optional()])
    outcomes_cy = TextArea(
        _l("Learning outcomes in Welsh (optional)"),
        description=_l(
            "One line for each learning outcome, in the same order. Leave a line empty where "
            "the Welsh is not written yet."
        ),
        render_kw={"rows": 8},
    )
    accrediting_body = Text(
        _l("Accrediting body (optional)"), validators=[Optional(), Length(max=200)]
    )
    credit_value = Decimal(
        _l("Credit value (optional)"),
        places=2,
        validators=[Optional(), NumberRange(min=0, max=1000)],
    )
    cpd_hours = Decimal(
        _l("CPD hours banked with the award (optional)"),
        places=2,
        validators=[Optional(), NumberRange(min=0, max=1000)],
    )
    course_ids = Checkboxes(
        _l("Courses that teach these outcomes (optional)"), coerce=int, validators=[Optional()]
    )
    entry_course_ids = Checkboxes(
        _l("Courses that open this level (optional)"),
        description=_l(
            "A learner must have completed one of these before applying: the core course, "
            "or a course you count as its equivalent. Leave all unticked when anyone can apply."
        ),
        coerce=int,
        validators=[Optional()],
    )
    requires_verification = Checkbox(
        _l("A second assessor must verify each award (internal verification)")
    )
    due_after_months = Integer(
        _l("Award due after (months, optional)"),
        description=_l("Counted from completing the course that opens the level."),
        validators=[Optional(), NumberRange(min=1, max=60, message=_l("Enter 1 to 60 months"))],
    )
    overdue_after_months = Integer(
        _l("Award overdue after (months, optional)"),
        validators=[Optional(), NumberRange(min=1, max=60, message=_l("Enter 1 to 60 months"))],
    )
    is_active = Checkbox(_l("Learners can apply for this level"), default=True)
    submit = Submit(_l("Save level"))


class ApplyForm(FlaskForm):
    level_id = Radios(
        _l("Which level are you applying for?"),
        coerce=int,
        validators=[InputRequired(_l("Choose a level"))],
    )
    submit = Submit(_l("Start my application"))


class WorkbookUploadForm(FlaskForm):
    #: The description (types and size limit) is set by the view from the configuration.
    file = File(_l("Workbook"))
    anonymised = Checkbox(
        _l(
            "I confirm that case material in this workbook is anonymised: it does not identify "
            "any family or child"
        )
    )
    submit = Submit(_l("Upload workbook"))


class ConfirmForm(FlaskForm):
    submit = Submit(_l("Confirm"))


class ReasonForm(FlaskForm):
    reason = TextArea(
        _l("Reason"),
        validators=[required(_l("Enter the reason")), Length(max=2000)],
        render_kw={"rows": 3},
    )
    submit = Submit(_l("Confirm"))


class AssignForm(FlaskForm):
    assessor_id = Select(
        _l("Assessor"), coerce=int, validators=[InputRequired(_l("Choose an assessor"))]
    )
    submit = Submit(_l("Assign"))


MET_CHOICES = [("met", _l("Met")), ("not_met", _l("Not yet met"))]


def judgement_form(outcomes: list[LevelOutcome], formdata: Any = None) -> FlaskForm:
    """A form with a met / not yet met choice and a comment for each learning outcome."""

    class JudgementForm(FlaskForm):
        submit = Submit(_l("Save judgements"))

    for outcome in outcomes:
        setattr(
            JudgementForm,
            f"met_{outcome.id}",
            Radios(
                _l("Outcome %(n)d", n=outcome.position),
                choices=MET_CHOICES,
                validators=[InputRequired(_l("Choose met or not yet met"))],
            ),
        )
        setattr(
            JudgementForm,
            f"comment_{outcome.id}",
            TextArea(
                _l("Comment on outcome %(n)d", n=outcome.position),
                validators=[Optional(), Length(max=4000)],
                render_kw={"rows": 2},
            ),
        )
    return JudgementForm(formdata=formdata) if formdata is not None else JudgementForm()


def fill_judgements(form: FlaskForm, latest: Mapping[int, OutcomeJudgement]) -> None:
    """Show the judgements that count now on a ``judgement_form``."""
    for outcome_id, judgement in latest.items():
        if f"met_{outcome_id}" in form:
            form[f"met_{outcome_id}"].data = "met" if judgement.met else "not_met"
            form[f"comment_{outcome_id}"].data = judgement.comment


class DecisionForm(FlaskForm):
    decision = Radios(
        _l("Decision"),
        choices=[
            ("achieved", _l("Every outcome is met: award the level")),
            ("resubmit", _l("Ask the learner to resubmit")),
        ],
        validators=[InputRequired(_l("Choose a decision"))],
    )
    note = TextArea(
        _l("Note to the learner (optional)"),
        validators=[Optional(), Length(max=4000)],
        render_kw={"rows": 3},
    )
    submit = Submit(_l("Record decision"))


class VerifyForm(FlaskForm):
    decision = Radios(
        _l("Does the award stand?"),
        choices=[
            ("confirm", _l("Yes, confirm the award")),
            ("decline", _l("No, send it back to the assessor")),
        ],
        validators=[InputRequired(_l("Choose whether the award stands"))],
    )
    note = TextArea(
        _l("Note (needed when you send it back)"),
        validators=[Optional(), Length(max=4000)],
        render_kw={"rows": 3},
    )
    submit = Submit(_l("Record verification"))


class ActivityForm(FlaskForm):
    title = Text(
        _l("What was the activity?"),
        validators=[required(_l("Enter what the activity was")), Length(max=300)],
    )
    provider = Text(_l("Provider (optional)"), validators=[Optional(), Length(max=200)])
    occurred_on = Date(
        _l("Date"),
        description=_l("For example, 27 3 2026"),
        validators=[InputRequired(_l("Enter the date of the activity"))],
    )
    hours = Decimal(
        _l("Hours of learning"),
        places=2,
        validators=[InputRequired(_l("Enter the hours of learning, like 3.5"))],
    )
    credits = Decimal(_l("CQF credits (optional)"), places=2, validators=[Optional()])
    accrediting_body = Text(
        _l("Accrediting body (optional)"), validators=[Optional(), Length(max=200)]
    )
    description = TextArea(
        _l("What you learned (optional)"), validators=[Optional(), Length(max=4000)]
    )
    evidence = File(_l("Evidence"))
    submit = Submit(_l("Send for approval"))


class ActivityDecisionForm(FlaskForm):
    decision = Radios(
        _l("Can this activity count towards the CPD record?"),
        choices=[("approve", _l("Yes, approve it")), ("reject", _l("No"))],
        validators=[InputRequired(_l("Choose whether to approve the activity"))],
    )
    note = TextArea(
        _l("Note to the learner (needed when you say no)"),
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 3},
    )
    submit = Submit(_l("Record decision"))


class CodeForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form; it changes nothing

    code = Text(
        _l("Verification code"),
        description=_l("The 12 characters printed on the certificate, like 7KQ2-M9XH-3TVA"),
        validators=[required(_l("Enter the verification code"))],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    submit = Submit(_l("Check certificate"))


class BadgeCheckForm(FlaskForm):
    """A badge to check: pasted, or a file (the view reads the file; the service judges)."""

    badge = TextArea(
        _l("Paste the badge"),
        description=_l("The text of a .jwt or .json badge file."),
        validators=[Optional()],
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )
    file = File(
        _l("Or upload the badge file"),
        description=_l(
            "A .jwt, .json, .svg or .png badge file downloaded from trainhub, 256 KB at most."
        ),
    )
    check = Submit(_l("Check badge"))


class BadgeLanguageForm(FlaskForm):
    """The language of the learner's Open Badges (a GET choice: it changes nothing stored)."""

    class Meta:
        csrf = False

    language = Radios(
        _l("Language of your Open Badges"),
        description=_l(
            "A badge carries one language. Its public page and the verification page show both."
        ),
        choices=[("en", "English"), ("cy", "Cymraeg")],
        validators=[InputRequired(_l("Choose the language of your Open Badges"))],
    )
    submit = Submit(_l("Use this language"))
