"""The forms of bringing history in from a spreadsheet."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileRequired
from wtforms import HiddenField
from wtforms.validators import InputRequired

from trainhub.forms import Checkbox, File, Radios, Submit

#: What each kind of file holds, as the upload page offers it.
IMPORT_KIND_LABELS = {
    "cohorts": _l("Past cohorts, a row per attendee and day as the paper register reads"),
    "completions": _l("People's past completions of courses"),
    "awards": _l("Accreditation levels awarded in the past"),
    "feedback": _l("Paper feedback forms"),
}


class HistoryImportForm(FlaskForm):
    kind = Radios(
        _l("What does the file hold?"),
        choices=list(IMPORT_KIND_LABELS.items()),
        validators=[InputRequired(_l("Choose what the file holds"))],
    )
    file = File(
        _l("CSV or XLSX file"),
        validators=[
            FileRequired(message=_l("Choose a CSV or XLSX file to import")),
            FileAllowed(["csv", "xlsx"], message=_l("The file must be a CSV or XLSX file")),
        ],
    )
    dry_run = Checkbox(_l("Check only (dry run)"), default=True)
    certificates = Checkbox(_l("Issue certificates"))
    invite = Checkbox(_l("Invite new people by e-mail"))
    submit = Submit(_l("Upload and check"))


class HistoryImportConfirmForm(FlaskForm):
    """Imports, for real, the file a dry run checked (kept signed in ``payload``)."""

    payload = HiddenField()
    submit = Submit(_l("Import these records"))
