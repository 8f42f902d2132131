"""Shared form building blocks: GOV.UK widgets on WTForms fields, translated messages."""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DecimalField,
    EmailField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from trainhub import widgets
from trainhub.errors import ValidationFailed

__all__ = [
    "NOT_SET",
    "Checkbox",
    "Checkboxes",
    "Decimal",
    "Email",
    "InputRequired",
    "Integer",
    "Length",
    "Optional",
    "Password",
    "Radios",
    "Select",
    "Submit",
    "Text",
    "TextArea",
    "add_field_error",
    "choice_list",
    "form_page",
    "required",
]


def required(message: Any) -> DataRequired:
    return DataRequired(message=message)


class Text(StringField):
    widget = widgets.GovTextInput()


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
    widget = widgets.GovTextArea()


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


class Submit(SubmitField):
    widget = widgets.GovSubmitInput()


def choice_list(options: dict[str, Any], blank: Any = None) -> list[tuple[str, Any]]:
    items = [(key, label) for key, label in options.items()]
    if blank is not None:
        items.insert(0, ("", blank))
    return items


NOT_SET = _l("Not set")


def add_field_error(form: Any, error: ValidationFailed) -> None:
    """Put a service's ``ValidationFailed`` back on the form field it is about."""
    field = form._fields.get(error.field)
    if field is None:
        form.form_errors.append(error.message)
        return
    field.errors = [*list(field.errors or []), error.message]


def form_page(template: str, form: Any, **context: Any) -> tuple[str, int]:
    """Render a form page: 400 when a submitted form came back with errors, else 200."""
    status = 400 if form.is_submitted() and (form.errors or form.form_errors) else 200
    return render_template(template, form=form, **context), status
