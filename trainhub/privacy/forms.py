"""Forms of the data-protection lifecycle (shape only: the rules are in services)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from trainhub.forms import Checkbox, Length, Submit, TextArea, required


class ErasureForm(FlaskForm):
    reason = TextArea(
        _l("Why is this person being erased?"),
        description=_l("For example: their request of 3 March, reference DPA-2027-014."),
        validators=[required(_l("Enter the reason for erasing this person")), Length(max=2000)],
        render_kw={"rows": 3},
    )
    force = Checkbox(_l("Erase them although an application of theirs is being assessed"))
    force_reason = TextArea(
        _l("Why erase them while they are being assessed?"),
        validators=[Length(max=2000)],
        render_kw={"rows": 2},
    )
    submit = Submit(_l("Erase this person"))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.force.data and not (self.force_reason.data or "").strip():
            self.force_reason.errors = [
                *self.force_reason.errors,
                _l("Enter why they must be erased while being assessed"),
            ]
            return False
        return valid

    def forced_reason(self) -> str:
        """The reason to force, only when the box is ticked."""
        return (self.force_reason.data or "") if self.force.data else ""
