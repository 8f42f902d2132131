"""The forms of the service's own pages (services check the rules)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileRequired
from wtforms import HiddenField

from trainhub.forms import File, Length, Optional, Radios, Submit, Text, TextArea
from trainhub.site.glossary import MAX_ABBREVIATION, MAX_DEFINITION, MAX_SLUG, MAX_TERM
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


class GlossaryTermForm(FlaskForm):
    """A glossary term in English and in Welsh, side by side (services check the rules)."""

    term_en = Text(_l("Term in English"), validators=[Optional(), Length(max=MAX_TERM)])
    abbreviation_en = Text(
        _l("Short form in English (optional)"),
        description=_l("For example, CPD"),
        validators=[Optional(), Length(max=MAX_ABBREVIATION)],
    )
    definition_en = TextArea(
        _l("Definition in English"), validators=[Optional(), Length(max=MAX_DEFINITION)]
    )
    term_cy = Text(
        _l("Term in Welsh (optional)"),
        validators=[Optional(), Length(max=MAX_TERM)],
        render_kw=_WELSH,
    )
    abbreviation_cy = Text(
        _l("Short form in Welsh (optional)"),
        description=_l("For example, DPP. Leave empty to use the English short form."),
        validators=[Optional(), Length(max=MAX_ABBREVIATION)],
        render_kw=_WELSH,
    )
    definition_cy = TextArea(
        _l("Definition in Welsh (optional)"),
        description=_l(
            "Leave empty until a translator has written it: Welsh pages then show the "
            "English definition."
        ),
        validators=[Optional(), Length(max=MAX_DEFINITION)],
        render_kw=_WELSH,
    )
    slug = Text(
        _l("Link name (optional)"),
        description=_l(
            "Lower-case letters, numbers and hyphens: other pages link to the term as "
            "/glossary#link-name. Left empty, it is made from the English short form or term. "
            "Changing it breaks links to the old name."
        ),
        validators=[Optional(), Length(max=MAX_SLUG)],
    )
    submit = Submit(_l("Save the term"))


class GlossaryTermRemoveForm(FlaskForm):
    submit = Submit(_l("Remove the term"))


class WelshExportForm(FlaskForm):
    """What goes to a translator (read from the address: a download changes nothing)."""

    class Meta:
        csrf = False

    which = Radios(
        _l("Which texts"),
        choices=[
            ("missing", _l("Only texts without Welsh")),
            ("all", _l("Everything, with the Welsh written so far")),
        ],
        default="missing",
    )


class WelshImportForm(FlaskForm):
    file = File(
        _l("XLIFF or CSV file"),
        validators=[FileRequired(message=_l("Choose the XLIFF or CSV file with the Welsh"))],
    )
    submit = Submit(_l("Upload and check"))


class WelshImportConfirmForm(FlaskForm):
    """Imports, for real, the file just checked (kept signed in ``payload``)."""

    payload = HiddenField()
