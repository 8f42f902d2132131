"""GOV.UK Frontend widgets for WTForms, with the Welsh and robustness gaps of
govuk-frontend-wtf 3.2.0 closed (see shared/research/ui-stack-check.md §1)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from govuk_frontend_wtf import wtforms_widgets as w


class _Translated:
    def map_gov_params(self, field: Any, **kwargs: Any) -> dict[str, Any]:
        params: dict[str, Any] = super().map_gov_params(field, **kwargs)  # type: ignore[misc]
        if params.get("errorMessage"):
            params["errorMessage"]["visuallyHiddenText"] = _("Error")
        hint = params.get("hint")
        if isinstance(hint, dict) and not hint.get("text") and not hint.get("html"):
            params["hint"] = None
        return params


class GovTextInput(_Translated, w.GovTextInput):
    pass


class GovEmailInput(GovTextInput):
    """``type="email"``: the right keyboard on phones; validation stays on the server."""

    input_type = "email"


class GovPasswordInput(_Translated, w.GovPasswordInput):
    """The password input's show/hide button speaks the page's language."""

    def map_gov_params(self, field: Any, **kwargs: Any) -> dict[str, Any]:
        params = super().map_gov_params(field, **kwargs)
        # The macro writes its own autocomplete (default "current-password"): hand it ours,
        # so that password managers offer to generate a new password where they should.
        autocomplete = params["attributes"].pop("autocomplete", None)
        if autocomplete:
            params.setdefault("autocomplete", autocomplete)
        params.setdefault("showPasswordText", _("Show"))
        params.setdefault("hidePasswordText", _("Hide"))
        params.setdefault("showPasswordAriaLabelText", _("Show password"))
        params.setdefault("hidePasswordAriaLabelText", _("Hide password"))
        params.setdefault("passwordShownAnnouncementText", _("Your password is visible"))
        params.setdefault("passwordHiddenAnnouncementText", _("Your password is hidden"))
        return params


class GovTextArea(_Translated, w.GovTextArea):
    pass


class GovSelect(_Translated, w.GovSelect):
    pass


class GovRadioInput(_Translated, w.GovRadioInput):
    pass


class GovCheckboxInput(_Translated, w.GovCheckboxInput):
    pass


class GovCheckboxesInput(_Translated, w.GovCheckboxesInput):
    pass


class GovFileInput(_Translated, w.GovFileInput):
    pass


class GovSubmitInput(w.GovSubmitInput):
    pass


class GovDateInput(_Translated, w.GovDateInput):
    def map_gov_params(self, field: Any, **kwargs: Any) -> dict[str, Any]:
        # A crafted POST with the wrong number of date parts must not crash the widget.
        if field.raw_data is not None and len(field.raw_data) != 3:
            field.raw_data = (list(field.raw_data) + [""] * 3)[:3]
        params = super().map_gov_params(field, **kwargs)
        params["attributes"].pop("required", None)
        for item, label in zip(params["items"], (_("Day"), _("Month"), _("Year")), strict=True):
            item["label"] = label
        return params
