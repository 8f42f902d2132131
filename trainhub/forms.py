"""Shared form building blocks: GOV.UK widgets on WTForms fields, translated messages."""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    FieldList,
    FileField,
    FormField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
    validators,
)
from wtforms.validators import DataRequired, InputRequired, Optional, StopValidation

from trainhub import widgets
from trainhub.errors import ValidationFailed
from trainhub.text import has_control_characters

__all__ = [
    "NOT_SET",
    "Checkbox",
    "Checkboxes",
    "Date",
    "Decimal",
    "Email",
    "File",
    "InputRequired",
    "Integer",
    "Length",
    "NumberRange",
    "Optional",
    "Password",
    "Radios",
    "Select",
    "Submit",
    "Text",
    "TextArea",
    "Time",
    "add_field_error",
    "choice_list",
    "find_field",
    "form_page",
    "required",
]


def required(message: Any) -> DataRequired:
    return DataRequired(message=message)


class Length(validators.Length):
    """WTForms' length check with a message of ours, so it is in the page's language."""

    def __init__(self, min: int = -1, max: int = -1, message: Any = None) -> None:
        if message is None:
            if max < 0:
                message = _l("Enter at least %(min)d characters")
            elif min < 0:
                message = _l("Enter %(max)d characters or fewer (you entered %(length)d)")
            else:
                message = _l("Enter between %(min)d and %(max)d characters")
        super().__init__(min, max, message)


class NumberRange(validators.NumberRange):
    """WTForms' range check with a message of ours, so it is in the page's language."""

    def __init__(self, min: Any = None, max: Any = None, message: Any = None) -> None:
        if message is None:
            if min is not None and max is not None:
                message = _l("Enter a number from %(min)s to %(max)s")
            elif min is not None:
                message = _l("Enter a number of at least %(min)s")
            else:
                message = _l("Enter a number no larger than %(max)s")
        super().__init__(min, max, message)


class Text(StringField):
    """One line of text: spaces around it trimmed; line breaks, tabs and invisible control
    characters refused (they would reach e-mail subjects and bodies)."""

    widget = widgets.GovTextInput()

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        value: str | None = self.data  # type: ignore[has-type]
        if value:
            self.data = value.strip()

    def pre_validate(self, form: Any) -> None:
        if self.data and has_control_characters(self.data):
            raise StopValidation(
                _l("Enter this on one line, without line breaks, tabs or hidden control characters")
            )


class Email(EmailField):
    widget = widgets.GovEmailInput()

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("render_kw", {"autocomplete": "email", "spellcheck": "false"})
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        value: str | None = self.data  # type: ignore[has-type]
        if value:
            self.data = value.strip()


class Password(PasswordField):
    widget = widgets.GovPasswordInput()


class TextArea(TextAreaField):
    """Paragraphs of text: line breaks and tabs allowed, other control characters refused."""

    widget = widgets.GovTextArea()

    def pre_validate(self, form: Any) -> None:
        if self.data and has_control_characters(self.data, multiline=True):
            raise StopValidation(_l("Remove the hidden control characters from this text"))


class Select(SelectField):
    widget = widgets.GovSelect()


class Radios(RadioField):
    widget = widgets.GovRadioInput()


class Checkbox(BooleanField):
    widget = widgets.GovCheckboxInput()


class Checkboxes(SelectMultipleField):
    widget = widgets.GovCheckboxesInput()


class Integer(IntegerField):
    widget = widgets.GovTextInput()

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("render_kw", {"inputmode": "numeric", "spellcheck": "false"})
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_l("Enter a whole number, like 3")) from error


class Decimal(DecimalField):
    widget = widgets.GovTextInput()

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "spellcheck": "false"})
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_l("Enter a number, like 12.5")) from error


class Date(DateField):
    """Day, month and year boxes (the GOV.UK date input)."""

    widget = widgets.GovDateInput()

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("format", "%d %m %Y")
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist and not "".join(valuelist).strip():
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_l("Enter a real date, like 27 3 2027")) from error


class Time(TimeField):
    """A 24-hour time typed as HH:MM."""

    widget = widgets.GovTextInput()

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("format", ["%H:%M", "%H.%M", "%H%M"])
        kwargs.setdefault("render_kw", {"inputmode": "numeric", "spellcheck": "false"})
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist and not "".join(valuelist).strip():
            self.data = None
            return
        try:
            super().process_formdata([v.strip() for v in valuelist])
        except ValueError as error:
            raise ValueError(_l("Enter a time on the 24-hour clock, like 09:30")) from error


class File(FileField):
    widget = widgets.GovFileInput()


class Submit(SubmitField):
    widget = widgets.GovSubmitInput()


def choice_list(options: dict[str, Any], blank: Any = None) -> list[tuple[str, Any]]:
    items = [(key, label) for key, label in options.items()]
    if blank is not None:
        items.insert(0, ("", blank))
    return items


NOT_SET = _l("Not set")


def find_field(form: Any, name: str) -> Any:
    """The field called ``name``, also inside lists of subforms (``days-0-date``)."""
    field = form._fields.get(name)
    if field is not None:
        return field
    for prefix, candidate in form._fields.items():
        if isinstance(candidate, FieldList) and name.startswith(prefix + "-"):
            index, _sep, rest = name[len(prefix) + 1 :].partition("-")
            if index.isdigit() and int(index) < len(candidate.entries):
                entry = candidate.entries[int(index)]
                if isinstance(entry, FormField):
                    return entry.form._fields.get(rest) if rest else None
                return None if rest else entry
    return None


def add_field_error(form: Any, error: ValidationFailed) -> None:
    """Put a service's ``ValidationFailed`` back on the form field it is about."""
    field = find_field(form, error.field)
    if field is None or isinstance(field, FieldList | FormField):
        form.form_errors.append(error.message)
        return
    field.errors = [*list(field.errors or []), error.message]
    # A list of subforms keeps its own copy of its entries' errors: bring it up to date.
    for candidate in form._fields.values():
        if isinstance(candidate, FieldList) and error.field.startswith(candidate.name + "-"):
            candidate.errors = [entry.errors for entry in candidate.entries]


def form_page(template: str, form: Any, **context: Any) -> tuple[str, int]:
    """Render a form page: 400 when a submitted form came back with errors, else 200."""
    status = 400 if form.is_submitted() and (form.errors or form.form_errors) else 200
    return render_template(template, form=form, **context), status
