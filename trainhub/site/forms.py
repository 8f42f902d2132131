"""The forms of the service's own pages (services check the rules)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from trainhub.forms import Length, Optional, Submit, Text, TextArea
from trainhub.site.services import MAX_BODY, MAX_TITLE

_WELSH = {"lang": "cy"}


class SitePageForm(FlaskForm):
    """A page's title and text in English and in Welsh, side by side."""

    title_en = Text(_l("Title in English"), validators=[Optional(), Length(max=MAX_TITLE)])
    body_en = TextArea(_l("Text in English"), validators=[Optional(), Length(max=MAX_BODY)])
    title_cy = Text(
        _l("Title in Welsh"), validators=[Optional(), Length(max=MAX_TITLE)], render_kw=_WELSH
    )
    body_cy = TextArea(
        _l("Text in Welsh"), validators=[Optional(), Length(max=MAX_BODY)], render_kw=_WELSH
    )
    submit = Submit(_l("Save the page"))


class SitePageResetForm(FlaskForm):
    submit = Submit(_l("Reset to the default text"))
