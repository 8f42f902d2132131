"""Forms for signing in, accounts and organisations."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms.validators import Email as EmailValidator
from wtforms.validators import EqualTo

from trainhub import widgets
from trainhub.auth import choices
from trainhub.forms import (
    NOT_SET,
    Checkbox,
    Checkboxes,
    Date,
    Email,
    InputRequired,
    Length,
    Optional,
    Password,
    Radios,
    Select,
    Submit,
    Text,
    TextArea,
    choice_list,
    required,
)
from trainhub.i18n import TEAM


def _email_field(label: Any = None) -> Email:
    return Email(
        label or _l("Email address"),
        validators=[
            required(_l("Enter your email address")),
            EmailValidator(
                message=_l("Enter an email address in the right format, like name@example.org")
            ),
            Length(max=254),
        ],
    )


class LoginForm(FlaskForm):
    email = _email_field()
    password = Password(_l("Password"), validators=[required(_l("Enter your password"))])
    submit = Submit(_l("Sign in"))


class ProfileFieldsMixin:
    full_name = Text(
        _l("Full name"),
        validators=[required(_l("Enter your full name")), Length(max=200)],
        render_kw={"autocomplete": "name", "spellcheck": "false"},
    )
    organisation_id = Select(_l("Organisation"), coerce=str, validators=[Optional()])
    sector = Select(
        _l("Sector"), choices=choice_list(choices.SECTORS, NOT_SET), validators=[Optional()]
    )
    local_authority = Select(
        _l("Local authority area"),
        choices=choice_list(choices.LOCAL_AUTHORITIES, NOT_SET),
        validators=[Optional()],
    )
    professional_background = Select(
        _l("Professional background"),
        choices=choice_list(choices.PROFESSIONAL_BACKGROUNDS, NOT_SET),
        validators=[Optional()],
    )
    job_title = Text(_l("Job title"), validators=[Optional(), Length(max=200)])
    ifst_member = Checkbox(
        _l("I am a member of an Integrated Family Support Team (%(team)s)", team=TEAM)
    )
    supplies_family_support = Checkbox(
        _l("I supply family support functions (for example, in children's or adult services)")
    )
    preferred_language = Radios(
        _l("Preferred language"),
        choices=list(choices.LANGUAGES.items()),
        default="en",
        validators=[required(_l("Choose a language"))],
    )

    def set_organisations(self, organisations: list[tuple[int, str]]) -> None:
        field = self.organisation_id
        field.choices = [("", NOT_SET)] + [(str(i), name) for i, name in organisations]


class RegisterForm(ProfileFieldsMixin, FlaskForm):
    """No password here: it is created from the link e-mailed to the address."""

    email = _email_field()
    submit = Submit(_l("Create account"))


class PasswordCreateForm(FlaskForm):
    """The page the registration e-mail links to."""

    password = Password(
        _l("Create a password"),
        description=_l("Use 10 characters or more. Three random words are a good way to do it."),
        validators=[required(_l("Create a password"))],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = Password(
        _l("Confirm your password"),
        validators=[
            required(_l("Confirm your password")),
            EqualTo("password", message=_l("The passwords do not match")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    submit = Submit(_l("Create password"))


class ProfileForm(ProfileFieldsMixin, FlaskForm):
    submit = Submit(_l("Save changes"))


class PasswordChangeForm(FlaskForm):
    current_password = Password(
        _l("Current password"),
        validators=[required(_l("Enter your current password"))],
        render_kw={"autocomplete": "current-password"},
    )
    password = Password(
        _l("New password"),
        description=_l("Use 10 characters or more."),
        validators=[required(_l("Enter a new password"))],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = Password(
        _l("Confirm new password"),
        validators=[
            required(_l("Confirm your new password")),
            EqualTo("password", message=_l("The passwords do not match")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    submit = Submit(_l("Change password"))


class PasswordResetRequestForm(FlaskForm):
    email = _email_field()
    submit = Submit(_l("Send reset link"))


class PasswordResetForm(FlaskForm):
    password = Password(
        _l("New password"),
        description=_l("Use 10 characters or more."),
        validators=[required(_l("Enter a new password"))],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = Password(
        _l("Confirm new password"),
        validators=[
            required(_l("Confirm your new password")),
            EqualTo("password", message=_l("The passwords do not match")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    submit = Submit(_l("Set password"))


class UserForm(ProfileFieldsMixin, FlaskForm):
    email = _email_field()
    roles = Checkboxes(
        _l("Roles"),
        choices=list(choices.ROLES.items()),
        validators=[required(_l("Choose at least one role"))],
    )
    supervisor_email = Email(
        _l("Supervisor's email address (optional)"),
        description=_l("They will see this person's training record, read-only."),
        validators=[
            Optional(),
            EmailValidator(message=_l("Enter an email address in the right format")),
        ],
    )
    submit = Submit(_l("Save account"))


class ConfirmForm(FlaskForm):
    """A bare POST button (CSRF only), e.g. deactivate, send a reset link."""

    submit = Submit(_l("Confirm"))


class LineManagerForm(FlaskForm):
    """The learner's line manager: an account's address, or a name and an address."""

    email = Email(
        _l("Your line manager's email address"),
        description=_l("Their work email address. If they have an account here, it is linked."),
        validators=[
            required(_l("Enter your line manager's email address")),
            EmailValidator(
                message=_l("Enter an email address in the right format, like name@example.org")
            ),
            Length(max=254),
        ],
    )
    name = Text(
        _l("Your line manager's name"),
        description=_l("Needed only if they do not have an account here."),
        validators=[Optional(), Length(max=200)],
    )
    submit = Submit(_l("Save line manager"))


class OrganisationForm(FlaskForm):
    name = Text(
        _l("Name"), validators=[required(_l("Enter the organisation's name")), Length(max=200)]
    )
    name_cy = Text(_l("Name in Welsh (optional)"), validators=[Optional(), Length(max=200)])
    sector = Select(
        _l("Sector"), choices=choice_list(choices.SECTORS, NOT_SET), validators=[Optional()]
    )
    is_active = Checkbox(_l("Offer this organisation when people choose theirs"), default=True)
    #: Shown to (and changed by) administrators only.
    copy_line_managers = Checkbox(
        _l("Copy line managers on their people's bookings, cancellations and no-shows"),
        description=_l("Only people who have named their line manager."),
    )
    submit = Submit(_l("Save organisation"))


class UserImportForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        widget=widgets.GovFileInput(),
        validators=[
            FileRequired(message=_l("Choose a CSV file to import")),
            FileAllowed(["csv"], message=_l("The file must be a CSV file")),
        ],
    )
    submit = Submit(_l("Check and import"))


def profile_data(form: Any) -> dict[str, Any]:
    """The profile fields of a bound form, as keyword arguments for ``ProfileData``."""
    organisation = form.organisation_id.data
    return {
        "full_name": form.full_name.data or "",
        "organisation_id": int(organisation) if organisation else None,
        "sector": form.sector.data or None,
        "local_authority": form.local_authority.data or None,
        "professional_background": form.professional_background.data or None,
        "job_title": form.job_title.data or "",
        "ifst_member": bool(form.ifst_member.data),
        "supplies_family_support": bool(form.supplies_family_support.data),
        "preferred_language": form.preferred_language.data or "en",
    }


def fill_profile(form: Any, user: Any) -> None:
    """Pre-fill the profile fields of an unsubmitted form from an account."""
    for name in (
        "full_name",
        "sector",
        "local_authority",
        "professional_background",
        "job_title",
        "ifst_member",
        "supplies_family_support",
        "preferred_language",
    ):
        getattr(form, name).data = getattr(user, name) or (
            "" if name != "preferred_language" else "en"
        )
    form.organisation_id.data = str(user.organisation_id or "")


class AgreementForm(FlaskForm):
    """A data-sharing agreement (services.agreements checks the dates' order)."""

    reference = Text(
        _l("Reference"),
        description=_l("The agreement's reference in your information governance register"),
        validators=[required(_l("Enter the agreement's reference")), Length(max=100)],
    )
    agreed_on = Date(
        _l("Date agreed"),
        description=_l("For example, 27 3 2026"),
        validators=[InputRequired(_l("Enter the date the agreement was made"))],
    )
    review_on = Date(
        _l("Review date"),
        description=_l("When the agreement is due for review. For example, 27 3 2028"),
        validators=[InputRequired(_l("Enter the date the agreement is due for review"))],
    )
    partner_contact = Text(
        _l("Contact at the partner organisation (optional)"),
        description=_l("Name, role and email address"),
        validators=[Optional(), Length(max=300)],
    )
    notes = TextArea(_l("Notes (optional)"), validators=[Optional(), Length(max=4000)])
    submit = Submit(_l("Save agreement"))


class AgreementEndForm(FlaskForm):
    ended_on = Date(
        _l("Date the agreement ended"),
        description=_l("For example, 27 3 2026"),
        validators=[InputRequired(_l("Enter the date the agreement ended"))],
    )
    end_reason = TextArea(
        _l("Why did it end?"),
        validators=[required(_l("Enter why the agreement ended")), Length(max=4000)],
    )
    submit = Submit(_l("End the agreement"))
