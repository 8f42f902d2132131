"""Forms of two-step verification: a code (setting up, signing in) and turning it off."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from trainhub.forms import Length, Password, Submit, Text, required

#: A one-time code's box: digits on phones' keypads, the browser's one-time-code autofill.
_CODE_INPUT = {
    "autocomplete": "one-time-code",
    "spellcheck": "false",
    "autocapitalize": "none",
}


class TwoFactorSetupForm(FlaskForm):
    code = Text(
        _l("Code from your authenticator app"),
        description=_l("Enter the 6-digit code the app shows for trainhub, for example 123456."),
        validators=[required(_l("Enter the code from your authenticator app")), Length(max=20)],
        render_kw={**_CODE_INPUT, "inputmode": "numeric"},
    )
    submit = Submit(_l("Turn on two-step verification"))


class TwoFactorSignInForm(FlaskForm):
    code = Text(
        _l("Code"),
        description=_l(
            "Enter the 6-digit code your authenticator app shows for trainhub. If you cannot "
            "use your app, enter one of your recovery codes instead."
        ),
        validators=[required(_l("Enter the code from your authenticator app")), Length(max=40)],
        render_kw=_CODE_INPUT,
    )
    submit = Submit(_l("Continue"))


class TwoFactorTurnOffForm(FlaskForm):
    password_or_code = Password(
        _l("Your password, or a code from your app"),
        description=_l("To show it is you: your trainhub password, or the code your app shows."),
        validators=[required(_l("Enter your password, or the code your app shows now"))],
        render_kw={"autocomplete": "current-password"},
    )
    submit = Submit(_l("Turn off two-step verification"))
