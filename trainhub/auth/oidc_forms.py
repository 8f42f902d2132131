"""Forms for signing in with the employer's account and for setting up its providers."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import Email as EmailValidator

from trainhub.auth.forms import LoginForm
from trainhub.auth.services import oidc
from trainhub.forms import (
    Checkbox,
    Email,
    Length,
    Optional,
    Password,
    Submit,
    Text,
    TextArea,
    required,
)


class WorkAccountForm(FlaskForm):
    """Domain discovery: a work address finds its organisation's sign-in service."""

    email = Email(
        _l("Work email address"),
        validators=[
            required(_l("Enter your work email address")),
            EmailValidator(
                message=_l("Enter an email address in the right format, like name@example.org")
            ),
            Length(max=254),
        ],
        description=_l(
            "Not sure which button is yours? Enter your work email address and we will send "
            "you to your organisation's own sign-in page."
        ),
    )
    submit = Submit(_l("Find my organisation"))


class LinkConfirmForm(FlaskForm):
    """The owner of an account with admin, manager or assessor roles confirms a link."""

    password = Password(
        _l("Your trainhub password"), validators=[required(_l("Enter your trainhub password"))]
    )
    #: Shown, and required by the rules, only when the account has two-step verification on.
    code = Text(
        _l("Code from your authenticator app"),
        description=_l(
            "Your account uses two-step verification. Enter the 6-digit code your app shows "
            "for trainhub, or one of your recovery codes."
        ),
        validators=[Optional(), Length(max=40)],
        render_kw={"autocomplete": "one-time-code", "spellcheck": "false"},
    )
    submit = Submit(_l("Confirm and sign in"))


class IdentityProviderForm(FlaskForm):
    display_name = Text(
        _l("Name on the sign-in button"),
        validators=[required(_l("Enter the name shown on the sign-in button")), Length(max=100)],
        description=_l("People see “Sign in with” and this name, for example Cardiff Council."),
    )
    issuer = Text(
        _l("Issuer URL"),
        validators=[required(_l("Enter the issuer URL")), Length(max=500)],
        description=_l(
            "For Microsoft Entra ID: https://login.microsoftonline.com/TENANT-ID/v2.0, with your "
            "tenant ID. "
            "trainhub reads its settings from /.well-known/openid-configuration under it."
        ),
        render_kw={"spellcheck": "false"},
    )
    client_id = Text(
        _l("Client ID"),
        validators=[
            required(_l("Enter the client ID the provider gave trainhub")),
            Length(max=255),
        ],
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )
    client_secret = Password(
        _l("Client secret"),
        validators=[Optional(), Length(max=1000)],
        description=_l(
            "Stored encrypted and never shown again. Leave empty to keep the secret already saved."
        ),
        render_kw={"autocomplete": "new-password"},
    )
    email_domains = TextArea(
        _l("Email domains"),
        validators=[
            required(_l("Enter the email domains this service signs in, like council.gov.wales")),
            Length(max=2000),
        ],
        description=_l(
            "One a line. Only addresses in these domains may sign in with this service, and "
            "only when the provider says the address is verified (the email_verified claim of "
            "its ID token, or Microsoft Entra ID's xms_edov, which Entra sends once it is added "
            "as an optional claim). Try a sign-in before turning passwords off."
        ),
    )
    enabled = Checkbox(_l("Offer this sign-in service on the sign-in page"), default=True)
    passwords_off = Checkbox(
        _l("Turn passwords off for these domains"),
        description=_l(
            "People with these addresses must sign in with this service: trainhub refuses their "
            "password."
        ),
    )
    submit = Submit(_l("Save sign-in service"))


def refuse_password(form: LoginForm) -> bool:
    """True (with a message on the address pointing to the provider) when passwords are off
    for the address's domain: the sign-in page then refuses the password, whatever it is."""
    provider = oidc.password_refused_for(form.email.data or "")
    if provider is None:
        return False
    form.email.errors = [
        _(
            "Your organisation has turned passwords off: sign in with %(provider)s instead, "
            "using the button on this page.",
            provider=provider.display_name,
        )
    ]
    return True
