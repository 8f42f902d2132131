"""The joining instructions page's forms: the text and reminder, and a file to add."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from trainhub.courses.services.joining import MAX_REMINDER_DAYS, MAX_TEXT
from trainhub.forms import File, Integer, Length, NumberRange, Optional, Submit, TextArea


class JoiningForm(FlaskForm):
    text = TextArea(
        _l("Joining instructions"),
        description=_l(
            "What to bring, parking, access, and anything to read beforehand. You can use "
            "Markdown: a blank line between paragraphs, * for a list, [words](https://…) for "
            "a link."
        ),
        validators=[Length(max=MAX_TEXT)],
        render_kw={"rows": 12},
    )
    reminder_days = Integer(
        _l("Send the early reminder this many days before the first day (optional)"),
        validators=[
            Optional(),
            NumberRange(
                min=0,
                max=MAX_REMINDER_DAYS,
                message=_l("Enter a number of days from 0 to %(num)d", num=MAX_REMINDER_DAYS),
            ),
        ],
    )
    submit = Submit(_l("Save joining instructions"))


class JoiningFileForm(FlaskForm):
    #: The description (types and size limit) is set by the view from the configuration.
    file = File(_l("Add a file"))
    submit = Submit(_l("Upload file"))
