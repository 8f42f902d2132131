"""Sign-in, registration, password reset, your account, supervisees, and account administration."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from trainhub import ratelimit
from trainhub.auth import queries, services
from trainhub.auth.forms import (
    ConfirmForm,
    LoginForm,
    OrganisationForm,
    PasswordChangeForm,
    PasswordResetForm,
    PasswordResetRequestForm,
    ProfileForm,
    RegisterForm,
    UserForm,
    UserImportForm,
    fill_profile,
    profile_data,
)
from trainhub.auth.models import Organisation, User
from trainhub.auth.permissions import can_view_training_record, role_required
from trainhub.errors import PermissionDenied, ValidationFailed
from trainhub.extensions import db, login_manager
from trainhub.forms import add_field_error, form_page
from trainhub.urls import safe_next

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Sign in to see this page.")
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The session's user, unless deactivated or their password or email has changed since."""
    user_id, _sep, fingerprint = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = queries.session_user(int(user_id))
    if user is None or not user.active or fingerprint != user.credentials_fingerprint():
        return None
    return user


# Signing in and out ----------------------------------------------------------


@bp.route("/sign-in", methods=["GET", "POST"])
@ratelimit.limit("RATELIMIT_SIGN_IN", methods=["POST"])
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        db.session.commit()  # a success, or one more wrong password counted
        if user is not None:
            login_user(user)
            return redirect(safe_next(request.args.get("next"), url_for("home.index")))
        form.email.errors = [_("Enter a correct email address and password")]
    return form_page("auth/login.html", form)


@bp.post("/sign-out")
def logout() -> ResponseReturnValue:
    logout_user()
    flash(_("You have signed out."), "success")
    return redirect(url_for("home.index"))


@bp.route("/register", methods=["GET", "POST"])
@ratelimit.limit("RATELIMIT_REGISTER", methods=["POST"])
def register() -> ResponseReturnValue:
    if not current_app.config["SELF_REGISTRATION"]:
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = RegisterForm()
    form.set_organisations(queries.organisation_choices())
    if form.validate_on_submit():
        try:
            user = services.register_learner(
                form.email.data, form.password.data, services.ProfileData(**profile_data(form))
            )
        except ValidationFailed as error:
            add_field_error(form, error)
        else:
            db.session.commit()
            login_user(user)
            flash(_("Your account has been created."), "success")
            return redirect(url_for("home.index"))
    return form_page("auth/register.html", form)


# Password reset --------------------------------------------------------------


@bp.route("/password/forgotten", methods=["GET", "POST"])
@ratelimit.limit("RATELIMIT_PASSWORD_FORGOTTEN", methods=["POST"])
def password_forgotten() -> ResponseReturnValue:
    form = PasswordResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        return redirect(url_for("auth.password_sent"))
    return form_page("auth/password_forgotten.html", form)


@bp.get("/password/sent")
def password_sent() -> ResponseReturnValue:
    return render_template(
        "auth/password_sent.html", hours=current_app.config["PASSWORD_RESET_MAX_AGE"] // 3600
    )


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@ratelimit.limit("RATELIMIT_PASSWORD_RESET", methods=["POST"])
def password_reset(token: str) -> ResponseReturnValue:
    user = services.user_for_reset_token(token)
    if user is None:
        return render_template("auth/password_link_invalid.html"), 404
    form = PasswordResetForm()
    if form.validate_on_submit():
        try:
            services.reset_password(user, form.password.data)
        except ValidationFailed as error:
            add_field_error(form, error)
        else:
            db.session.commit()
            logout_user()
            flash(_("Your password has been set. You can now sign in."), "success")
            return redirect(url_for("auth.login"))
    return form_page("auth/password_reset.html", form, user=user)


# Your account ----------------------------------------------------------------


@bp.get("/account")
@login_required
def account() -> ResponseReturnValue:
    return render_template("auth/account.html", person=current_user, own=True)


@bp.route("/account/edit", methods=["GET", "POST"])
@login_required
def account_edit() -> ResponseReturnValue:
    form = ProfileForm()
    form.set_organisations(queries.organisation_choices(current_user.organisation_id))
    if request.method == "GET":
        fill_profile(form, current_user)
    if form.validate_on_submit():
        try:
            services.update_profile(current_user, services.ProfileData(**profile_data(form)))
        except ValidationFailed as error:
            add_field_error(form, error)
        else:
            db.session.commit()
            flash(_("Your details have been saved."), "success")
            return redirect(url_for("auth.account"))
    return form_page("auth/account_edit.html", form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password_change() -> ResponseReturnValue:
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except ValidationFailed as error:
            add_field_error(form, error)
        else:
            db.session.commit()
            login_user(current_user._get_current_object())  # other sessions are now signed out
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("auth.account"))
    return form_page("auth/password_change.html", form)


# Supervisors -----------------------------------------------------------------


@bp.get("/supervisees")
@login_required
def supervisees() -> ResponseReturnValue:
    return render_template("auth/supervisees.html", people=queries.supervisees_of(current_user))


@bp.get("/people/<int:user_id>")
@login_required
def training_record(user_id: int) -> ResponseReturnValue:
    person = db.get_or_404(User, user_id)
    if not can_view_training_record(current_user, person):
        abort(403)
    return render_template("auth/account.html", person=person, own=person.id == current_user.id)


# Account administration ----------------------------------------------------------


@bp.get("/admin/users")
@role_required("admin")
def admin_users() -> ResponseReturnValue:
    search = request.args.get("q", "")
    role = request.args.get("role", "")
    active = request.args.get("active", "")
    page = db.paginate(
        queries.users_query(search, role, active),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template(
        "auth/admin_users.html", page=page, search=search, role=role, active=active
    )


def _account_data(form: UserForm) -> services.AccountData:
    return services.AccountData(
        **profile_data(form),
        email=form.email.data,
        roles=set(form.roles.data or []),
        supervisor_email=form.supervisor_email.data or "",
    )


@bp.route("/admin/users/new", methods=["GET", "POST"])
@role_required("admin")
def admin_user_new() -> ResponseReturnValue:
    form = UserForm()
    form.set_organisations(queries.organisation_choices())
    if request.method == "GET":
        form.roles.data = ["learner"]
    if form.validate_on_submit():
        try:
            user = services.create_user(current_user, _account_data(form))
        except ValidationFailed as error:
            add_field_error(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "Account created. %(name)s has been sent a link to set a password.",
                    name=user.full_name,
                ),
                "success",
            )
            return redirect(url_for("auth.admin_users"))
    return form_page("auth/admin_user_form.html", form, user=None)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@role_required("admin")
def admin_user_edit(user_id: int) -> ResponseReturnValue:
    user = db.get_or_404(User, user_id)
    form = UserForm()
    form.set_organisations(queries.organisation_choices(user.organisation_id))
    if request.method == "GET":
        fill_profile(form, user)
        form.email.data = user.email
        form.roles.data = sorted(user.roles)
        form.supervisor_email.data = user.supervisor.email if user.supervisor else ""
    if form.validate_on_submit():
        try:
            services.update_user(current_user, user, _account_data(form))
        except ValidationFailed as error:
            add_field_error(form, error)
        else:
            db.session.commit()
            flash(_("Account saved."), "success")
            return redirect(url_for("auth.admin_users"))
    return form_page("auth/admin_user_form.html", form, user=user, confirm_form=ConfirmForm())


@bp.post("/admin/users/<int:user_id>/active")
@role_required("admin")
def admin_user_active(user_id: int) -> ResponseReturnValue:
    user = db.get_or_404(User, user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        activate = request.form.get("active") == "yes"
        try:
            services.set_user_active(current_user, user, activate)
        except PermissionDenied as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(
                _("%(name)s can sign in again.", name=user.full_name)
                if activate
                else _(
                    "%(name)s has been deactivated and can no longer sign in.", name=user.full_name
                ),
                "success",
            )
    return redirect(url_for("auth.admin_user_edit", user_id=user.id))


@bp.post("/admin/users/<int:user_id>/send-reset")
@role_required("admin")
def admin_user_send_reset(user_id: int) -> ResponseReturnValue:
    user = db.get_or_404(User, user_id)
    if ConfirmForm().validate_on_submit():
        services.send_password_link(current_user, user)
        db.session.commit()
        flash(
            _("A link to set a password has been sent to %(email)s.", email=user.email), "success"
        )
    return redirect(url_for("auth.admin_user_edit", user_id=user.id))


@bp.route("/admin/users/import", methods=["GET", "POST"])
@role_required("admin")
def admin_users_import() -> ResponseReturnValue:
    form = UserImportForm()
    result = None
    status = 200
    if form.validate_on_submit():
        raw = form.file.data.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            form.file.errors = [_("The file must be saved as UTF-8 CSV")]
            status = 400
        else:
            result = services.import_users(current_user, text)
            if result.ok:
                db.session.commit()
                return render_template("auth/admin_users_imported.html", result=result)
            db.session.rollback()
            status = 400
    elif form.is_submitted():
        status = 400
    return render_template(
        "auth/admin_users_import.html",
        form=form,
        result=result,
        columns=services.IMPORT_COLUMNS,
    ), status


@bp.get("/admin/users/import/template.csv")
@role_required("admin")
def admin_users_import_template() -> ResponseReturnValue:
    rows = (services.IMPORT_COLUMNS, services.IMPORT_EXAMPLE)
    return Response(
        "".join(",".join(row) + "\r\n" for row in rows),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=trainhub-users-template.csv"},
    )


# Organisations ---------------------------------------------------------------


@bp.get("/admin/organisations")
@role_required("admin", "manager")
def admin_organisations() -> ResponseReturnValue:
    page = db.paginate(
        queries.organisations_query(), per_page=current_app.config["PAGE_SIZE"], error_out=False
    )
    return render_template("auth/admin_organisations.html", page=page)


@bp.route("/admin/organisations/new", methods=["GET", "POST"], defaults={"organisation_id": None})
@bp.route("/admin/organisations/<int:organisation_id>", methods=["GET", "POST"])
@role_required("admin", "manager")
def admin_organisation_edit(organisation_id: int | None) -> ResponseReturnValue:
    organisation = db.get_or_404(Organisation, organisation_id) if organisation_id else None
    form = OrganisationForm(obj=organisation)
    if form.validate_on_submit():
        try:
            services.save_organisation(
                current_user, organisation, form.name.data, form.sector.data, form.is_active.data
            )
        except ValidationFailed as error:
            add_field_error(form, error)
        else:
            db.session.commit()
            flash(_("Organisation saved."), "success")
            return redirect(url_for("auth.admin_organisations"))
    return form_page("auth/admin_organisation_form.html", form, organisation=organisation)
