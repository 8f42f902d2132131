"""Feedback and reporting forms: the questionnaire, choosing a period, the budget."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, HiddenField

from trainhub.feedback.models import RATING, TEXT, Questionnaire
from trainhub.feedback.reporting import SPEND_LABELS, quarter_label
from trainhub.forms import (
    Checkbox,
    Decimal,
    InputRequired,
    Length,
    Optional,
    Radios,
    Select,
    Submit,
    Text,
    TextArea,
    choice_list,
    required,
)

SCALE = {
    "1": _l("1 Strongly disagree"),
    "2": _l("2 Disagree"),
    "3": _l("3 Neither agree nor disagree"),
    "4": _l("4 Agree"),
    "5": _l("5 Strongly agree"),
}


def feedback_form(questionnaire: Questionnaire, language: str, **kwargs: Any) -> FlaskForm:
    """A form with one field per item of this questionnaire version (``item_<key>``)."""

    class FeedbackForm(FlaskForm):
        quote_consent = Checkbox(
            _l("You may quote my written comments in reports, without my name"),
            description=_l(
                "Managers may choose comments for the annual report to the Integrated Family "
                "Support Board. Leave this unticked and your comments are only read by the "
                "training team."
            ),
        )
        submit = Submit(_l("Send feedback"))

    for item in questionnaire.items:
        if item.kind == RATING:
            field: Any = Radios(
                item.wording(language),
                choices=list(SCALE.items()),
                validators=[
                    InputRequired(
                        _l(
                            "Choose a rating from 1 to 5 for “%(statement)s”",
                            statement=item.wording(language).rstrip("."),
                        )
                    )
                ],
            )
        else:
            field = TextArea(
                item.wording(language),
                validators=[
                    Optional(),
                    Length(max=4000, message=_l("Answers must be 4000 characters or fewer")),
                ],
            )
        setattr(FeedbackForm, f"item_{item.key}", field)
    return FeedbackForm(**kwargs)


def quarter_choices(blank: Any) -> list[tuple[str, Any]]:
    return [("", blank)] + [(str(q), f"{q}: {quarter_label(q)}") for q in (1, 2, 3, 4)]


class PeriodForm(FlaskForm):
    """Which financial year and quarter (a GET form: no CSRF token needed)."""

    class Meta:
        csrf = False

    fy = Select(_l("Financial year"), choices=[])
    quarter = Select(_l("Quarter"), choices=[])


class AllocationForm(FlaskForm):
    allocation = Decimal(
        _l("Training allocation for the year, in pounds"),
        places=2,
        validators=[InputRequired(_l("Enter the allocation in pounds, like 18000"))],
    )
    show_remaining = Checkbox(_l("Show what remains of the allocation in the report"))
    submit_allocation = Submit(_l("Save the allocation"))


#: The spend form's value for a line given for the whole year (no quarter).
WHOLE_YEAR = "year"


class SpendForm(FlaskForm):
    quarter = Select(
        _l("Quarter"),
        validators=[required(_l("Choose the quarter the money was spent in"))],
    )
    category = Select(
        _l("Category"),
        choices=choice_list(SPEND_LABELS),
        validators=[required(_l("Choose a category"))],
    )
    description = Text(
        _l("Description (optional)"),
        validators=[Optional(), Length(max=300)],
    )
    amount = Decimal(
        _l("Amount in pounds"),
        places=2,
        validators=[InputRequired(_l("Enter an amount in pounds, like 388.50"))],
    )
    submit_spend = Submit(_l("Add the spending"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A line may be for the whole year (old reports give some for the year only).
        self.quarter.choices = [
            *quarter_choices(_l("Choose a quarter")),
            (WHOLE_YEAR, _l("Whole year")),
        ]


class ConfirmForm(FlaskForm):
    submit = Submit(_l("Confirm"))


class ItemForm(Form):
    key = HiddenField()
    kind = Select(
        _l("Kind of question"),
        choices=[(RATING, _l("Rating from 1 to 5")), (TEXT, _l("Written answer"))],
    )
    text = TextArea(_l("Wording in English"), validators=[Optional(), Length(max=500)])
    text_cy = TextArea(
        _l("Wording in Welsh (optional)"),
        validators=[Optional(), Length(max=500)],
    )
    remove = Checkbox(_l("Remove this question"))


class QuestionnaireForm(FlaskForm):
    items = FieldList(FormField(ItemForm), min_entries=1)
    note = Text(
        _l("What changed and why"),
        validators=[required(_l("Say what changed, for the version history")), Length(max=500)],
    )
    submit = Submit(_l("Save as a new version"))


class NarrativeForm(FlaskForm):
    """The prose sections of a year's report (services.narrative checks the rules)."""

    introduction = TextArea(_l("Introduction"), validators=[Optional()])
    developments = TextArea(_l("Developments and new collaborations"), validators=[Optional()])
    other = TextArea(_l("Anything else"), validators=[Optional()])
    # The same sections in Welsh, written beside the English (trainhub.bilingual).
    introduction_cy = TextArea(_l("Introduction in Welsh (optional)"), validators=[Optional()])
    developments_cy = TextArea(
        _l("Developments and new collaborations in Welsh (optional)"), validators=[Optional()]
    )
    other_cy = TextArea(_l("Anything else in Welsh (optional)"), validators=[Optional()])
    submit = Submit(_l("Save the report's text"))


def impact_form(**kwargs: Any) -> FlaskForm:
    """The follow-up impact survey: one field per question (``q_<key>``)."""
    from trainhub.feedback.models import YES_NO
    from trainhub.feedback.services.impact import NO, NOT_APPLICABLE, QUESTIONS, YES

    class ImpactSurveyForm(FlaskForm):
        submit = Submit(_l("Send answers"))

    for question in QUESTIONS:
        field: Any
        if question.kind == YES_NO:
            choices = [(YES, _l("Yes")), (NO, _l("No"))]
            if question.may_not_apply:
                choices.append((NOT_APPLICABLE, _l("This does not apply to my work")))
            field = Radios(
                question.text,
                choices=choices,
                validators=[InputRequired(_l("Answer yes or no"))],
            )
        elif question.kind == RATING:
            field = Radios(
                question.text,
                choices=list(SCALE.items()),
                validators=[
                    InputRequired(
                        _l(
                            "Choose a rating from 1 to 5 for “%(statement)s”",
                            statement=str(question.text).rstrip("."),
                        )
                    )
                ],
            )
        else:
            field = TextArea(
                question.text,
                validators=[
                    Optional(),
                    Length(max=4000, message=_l("Answers must be 4000 characters or fewer")),
                ],
            )
        setattr(ImpactSurveyForm, f"q_{question.key}", field)
    return ImpactSurveyForm(**kwargs)
