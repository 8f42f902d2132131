"""Accreditation level forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import NumberRange

from trainhub.forms import (
    Checkbox,
    Checkboxes,
    Decimal,
    InputRequired,
    Integer,
    Length,
    Optional,
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
    title = Text(_l("Title"), validators=[required(_l("Enter the level's title")), Length(max=300)])
    description = TextArea(_l("Who it is for (optional)"), validators=[Optional()])
    outcomes = TextArea(
        _l("Learning outcomes"),
        description=_l("One learning outcome per line, in order."),
        validators=[required(_l("Enter at least one learning outcome"))],
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
    course_ids = Checkboxes(
        _l("Courses that teach these outcomes (optional)"), coerce=int, validators=[Optional()]
    )
    is_active = Checkbox(_l("Learners can apply for this level"), default=True)
    submit = Submit(_l("Save level"))
