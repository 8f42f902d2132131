"""Sign-in, registration, password reset, your account, supervisees, and account administration."""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_url, login_user, logout_user
from sqlalchemy.exc import SQLAlchemyError

from trainhub import ratelimit
from trainhub.auth import queries, services, sign_ins
from trainhub.auth.forms import (
    ConfirmForm,
    LineManagerForm,
    LoginForm,
    OrganisationForm,
    PasswordChangeForm,
    PasswordCreateForm,
    PasswordResetForm,
    PasswordResetRequestForm,
    ProfileForm,
    RegisterForm,
    UserForm,
    UserImportForm,
    fill_profile,
    profile_data,
)
from trainhub.auth.models import Organisation, User, UserSession
from trainhub.auth.oidc_forms import refuse_password
from trainhub.auth.permissions import can_view_training_record, public, role_required, signed_in
from trainhub.auth.roles import MANAGERS, Role
from trainhub.auth.services import agreements
from trainhub.boundary import act, by_id, load
from trainhub.extensions import db, login_manager, utcnow
from trainhub.forms import form_page
from trainhub.spreadsheets import csv_response, csv_text
from trainhub.urls import safe_next

log = logging.getLogger(__name__)

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Sign in to see this page.")
login_manager.login_message_category = "info"


#: The key of this browser's sign-in token in the Flask session (``sign_ins``).
SIGN_IN_KEY = "_sign_in"
#: What outlives signing in and out: the language chosen and the messages still to show.
KEPT_ACROSS_SIGN_IN = ("lang", "_flashes")


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The session's user, while the sign-in its token names is open, the account active and
    its password and email unchanged. An ended sign-in leaves the browser anonymous: Flask's
    own cookie alone never signs anyone in, so a copy of it is worth nothing once it ends.
    (Flask-Login's remember-me cookie is never set; one sent anyway has no token, so it
    signs nobody in either.)"""
    user_id, _sep, fingerprint = session_id.partition(":")
    token = session.get(SIGN_IN_KEY)
    if not user_id.isdigit() or not isinstance(token, str):
        return None
    found = queries.session_user(int(user_id), sign_ins.token_hash(token))
    if found is None:
        return None
    user, sign_in = found
    now = utcnow()
    reason = sign_ins.why_over(sign_in, now)
    if reason is not None:
        sign_ins.close_lapsed(sign_in, reason, now)
        g.signed_out_because = reason
        _forget_sign_in()
        return None
    if not user.active or fingerprint != user.credentials_fingerprint():
        return None
    # The timeout warning's question "how long have I left?" is not using trainhub; its
    # "Stay signed in" is, and moves "last active" on at once.
    if request.endpoint != "auth.session_time":
        sign_ins.note_activity(sign_in, now)
    elif request.method == "POST":
        sign_ins.note_activity(sign_in, now, asked=True)
    g.sign_in = sign_in
    return user


def current_sign_in() -> UserSession | None:
    """The sign-in of this request's browser (None for anonymous visitors)."""
    if not current_user.is_authenticated:
        return None
    sign_in: UserSession | None = g.get("sign_in")
    return sign_in


def _signed_out_message(reason: str) -> str | None:
    if reason == sign_ins.IDLE:
        minutes = int(current_app.config["SESSION_IDLE_TIMEOUT"]) // 60
        return ngettext(
            "You were signed out because you had not used trainhub for %(num)d minute.",
            "You were signed out because you had not used trainhub for %(num)d minutes.",
            minutes,
        )
    if reason == sign_ins.EXPIRED:
        hours = int(current_app.config["SESSION_MAX_AGE"]) // 3600
        return ngettext(
            "You were signed out because you signed in more than %(num)d hour ago.",
            "You were signed out because you signed in more than %(num)d hours ago.",
            hours,
        )
    messages = {
        sign_ins.PASSWORD_CHANGED: _l("You were signed out because your password was changed."),
        sign_ins.PASSWORD_RESET: _l("You were signed out because your password was reset."),
        sign_ins.EMAIL_CHANGED: _l("You were signed out because your email address changed."),
        sign_ins.DEACTIVATED: _l("You were signed out because your account was deactivated."),
        sign_ins.ENDED_BY_USER: _l("You were signed out from another device."),
        sign_ins.ENDED_BY_ADMIN: _l("You were signed out by a trainhub administrator."),
    }
    message = messages.get(reason)
    return str(message) if message is not None else None


@bp.before_app_request
def check_sign_in() -> None:
    """Settle who is signed in before any view runs (files excepted), so that a sign-in's
    "last active" write never waits behind the request's own transaction, and a browser
    whose sign-in just ended is told why on whatever page it asked for."""
    if request.endpoint in ("static", "assets.static"):
        return
    if current_user.is_authenticated:
        return
    reason = g.pop("signed_out_because", None)
    message = _signed_out_message(reason) if reason else None
    if message:
        flash(message, "info")
        g.told_why_signed_out = True


@login_manager.unauthorized_handler
def unauthorized() -> ResponseReturnValue:
    """Flask-Login's answer: a message (unless the reason a sign-in ended was given), then
    the sign-in page, coming back afterwards."""
    if not g.get("told_why_signed_out"):
        flash(str(login_manager.login_message), "info")
    return redirect(login_url("auth.login", next_url=request.url))


def _fresh_session() -> None:
    """Empty the Flask session, so a new CSRF token is made, keeping the language and messages."""
    kept = {key: session[key] for key in KEPT_ACROSS_SIGN_IN if key in session}
    session.clear()
    session.update(kept)
    g.pop("csrf_token", None)  # Flask-WTF's copy of the old token for this request


def _forget_sign_in() -> None:
    for key in ("_user_id", "_fresh", "_id", SIGN_IN_KEY):
        session.pop(key, None)


def _sign_in(user: User) -> None:
    """Sign ``user`` in on this browser with a new sign-in record and a fresh session."""
    _fresh_session()
    token = sign_ins.start_session(user, request.user_agent.string, request.remote_addr)
    login_user(user)
    session[SIGN_IN_KEY] = token


def _sign_out() -> None:
    logout_user()
    _fresh_session()


# Signing in and out ----------------------------------------------------------


@bp.route("/sign-in", methods=["GET", "POST"])
@ratelimit.limit("RATELIMIT_SIGN_IN", methods=["POST"])
@public
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit() and not refuse_password(form):
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:  # signed in, or on to the code (two-step verification)
            from trainhub.auth.two_factor_views import password_accepted  # (it imports this)

            return password_accepted(
                user, safe_next(request.args.get("next"), url_for("home.index"))
            )
        db.session.commit()  # one more wrong password counted
        form.email.errors = [_("Enter a correct email address and password")]
    return form_page("auth/login.html", form)


@bp.post("/sign-out")
@public
def logout() -> ResponseReturnValue:
    sign_in = current_sign_in()
    _sign_out()  # this browser is signed out first, whatever the database can do
    if sign_in is not None:
        try:
            sign_ins.end_session(sign_in, sign_ins.SIGNED_OUT)
            db.session.commit()
        except SQLAlchemyError:
            # A database refusing writes (a standby, a full disk): the sign-in still ends at
            # its idle timeout, and this browser no longer holds its token.
            db.session.rollback()
            log.warning("Could not record the end of sign-in %s", sign_in.id, exc_info=True)
    flash(_("You have signed out."), "success")
    return redirect(url_for("home.index"))


@bp.route("/register", methods=["GET", "POST"])
@ratelimit.limit("RATELIMIT_REGISTER", methods=["POST"])
@public
def register() -> ResponseReturnValue:
    if not current_app.config["SELF_REGISTRATION"]:
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = RegisterForm()
    form.set_organisations(queries.organisation_choices())
    if form.validate_on_submit() and act(
        lambda: services.register_learner(
            form.email.data, services.ProfileData(**profile_data(form))
        ),
        form,
    ):
        # The same page whether or not the address already had an account.
        return redirect(url_for("auth.register_sent"))
    return form_page("auth/register.html", form)


@bp.get("/register/sent")
@public
def register_sent() -> ResponseReturnValue:
    if not current_app.config["SELF_REGISTRATION"]:
        abort(404)
    return render_template(
        "auth/register_sent.html", days=current_app.config["INVITATION_MAX_AGE"] // 86400
    )


@bp.route("/register/confirm/<token>", methods=["GET", "POST"])
@ratelimit.limit("RATELIMIT_PASSWORD_RESET", methods=["POST"])
@public
def register_confirm(token: str) -> ResponseReturnValue:
    """Create your password, from the link e-mailed at registration. Opening the link (as mail
    scanners do) changes nothing: only the password sent back confirms the address."""
    user = services.user_for_reset_token(token, kinds=("confirm",))
    if user is None:
        return render_template("auth/password_link_invalid.html"), 404
    form = PasswordCreateForm()
    if form.validate_on_submit():

        def confirm() -> None:
            services.create_password(user, form.password.data)
            _sign_in(user)

        if act(confirm, form, success=_("Your password has been created and you are signed in.")):
            return redirect(url_for("home.index"))
    return form_page("auth/password_create.html", form, user=user)


# Password reset --------------------------------------------------------------


@bp.route("/password/forgotten", methods=["GET", "POST"])
@ratelimit.limit("RATELIMIT_PASSWORD_FORGOTTEN", methods=["POST"])
@public
def password_forgotten() -> ResponseReturnValue:
    form = PasswordResetRequestForm()
    if form.validate_on_submit() and act(
        lambda: services.request_password_reset(form.email.data, str(get_locale() or "en")),
        form,
    ):
        return redirect(url_for("auth.password_sent"))
    return form_page("auth/password_forgotten.html", form)


@bp.get("/password/sent")
@public
def password_sent() -> ResponseReturnValue:
    return render_template(
        "auth/password_sent.html", hours=current_app.config["PASSWORD_RESET_MAX_AGE"] // 3600
    )


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@ratelimit.limit("RATELIMIT_PASSWORD_RESET", methods=["POST"])
@public
def password_reset(token: str) -> ResponseReturnValue:
    user = services.user_for_reset_token(token)
    if user is None:
        return render_template("auth/password_link_invalid.html"), 404
    form = PasswordResetForm()
    if form.validate_on_submit() and act(
        lambda: services.reset_password(user, form.password.data),
        form,
        success=_("Your password has been set. You can now sign in."),
    ):
        _sign_out()
        return redirect(url_for("auth.login"))
    return form_page("auth/password_reset.html", form, user=user)


# Your account ----------------------------------------------------------------


@bp.get("/account")
@signed_in
def account() -> ResponseReturnValue:
    return render_template("auth/account.html", person=current_user, own=True)


@bp.route("/account/edit", methods=["GET", "POST"])
@signed_in
def account_edit() -> ResponseReturnValue:
    form = ProfileForm()
    form.set_organisations(queries.organisation_choices(current_user.organisation_id))
    if request.method == "GET":
        fill_profile(form, current_user)
    if form.validate_on_submit() and act(
        lambda: services.update_profile(current_user, services.ProfileData(**profile_data(form))),
        form,
        success=_("Your details have been saved."),
    ):
        return redirect(url_for("auth.account"))
    return form_page("auth/account_edit.html", form)


@bp.route("/account/line-manager", methods=["GET", "POST"])
@signed_in
def line_manager() -> ResponseReturnValue:
    form = LineManagerForm()
    named = current_user.line_manager
    if request.method == "GET" and named is not None:
        form.email.data = named.address
        form.name.data = named.name
    if form.validate_on_submit() and act(
        lambda: services.name_line_manager(current_user, form.email.data, form.name.data or ""),
        form,
        success=lambda entry: _("Your line manager is now %(name)s.", name=entry.display_name),
    ):
        return redirect(url_for("auth.account"))
    return form_page("auth/line_manager.html", form, named=named, remove_form=ConfirmForm())


@bp.post("/account/line-manager/remove")
@signed_in
def line_manager_remove() -> ResponseReturnValue:
    if ConfirmForm().validate_on_submit():
        act(
            lambda: services.remove_line_manager(current_user),
            success=lambda removed: _("You have removed your line manager.") if removed else None,
        )
    return redirect(url_for("auth.account"))


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def password_change() -> ResponseReturnValue:
    form = PasswordChangeForm()
    if form.validate_on_submit():

        def change() -> None:
            services.change_password(current_user, form.current_password.data, form.password.data)
            # Every sign-in has ended, this one too: this browser gets a new one.
            _sign_in(current_user._get_current_object())

        if act(change, form, success=_("Your password has been changed.")):
            return redirect(url_for("auth.account"))
    return form_page("auth/password_change.html", form)


@bp.get("/account/sessions")
@signed_in
def sessions() -> ResponseReturnValue:
    found = queries.open_sessions(
        current_user, utcnow(), sign_ins.idle_timeout(), sign_ins.max_age()
    )
    return render_template(
        "auth/sessions.html",
        sessions=found,
        current=current_sign_in(),
        describe_browser=sign_ins.describe_browser,
        confirm_form=ConfirmForm(),
    )


@bp.post("/account/sessions/<int:session_id>/end")
@signed_in
def session_end(session_id: int) -> ResponseReturnValue:
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("auth.sessions"))
    done = act(lambda: sign_ins.end_own_session(current_user, session_id))
    if not done:
        return redirect(url_for("auth.sessions"))
    ended = done.result
    if ended is current_sign_in():
        _sign_out()
        flash(_("You have signed out."), "success")
        return redirect(url_for("home.index"))
    # A whole sentence when the browser is unknown: Welsh mutates the words after "o".
    device = sign_ins.known_browser(ended.user_agent)
    flash(
        _("You have signed out of %(device)s.", device=device)
        if device
        else _("You have signed out of that browser."),
        "success",
    )
    return redirect(url_for("auth.sessions"))


@bp.post("/account/sessions/end-others")
@signed_in
def sessions_end_others() -> ResponseReturnValue:
    if ConfirmForm().validate_on_submit():
        act(
            lambda: sign_ins.end_other_sessions(current_user, current_sign_in()),
            success=lambda ended: (
                ngettext(
                    "You have signed out of %(num)d other session.",
                    "You have signed out of %(num)d other sessions.",
                    ended,
                )
                if ended
                else _("You were not signed in anywhere else.")
            ),
        )
    return redirect(url_for("auth.sessions"))


@bp.route("/account/session-time", methods=["GET", "POST"])
@signed_in
def session_time() -> ResponseReturnValue:
    """For the timeout warning (static/js/timeout.js): how long this sign-in has left, as
    JSON. GET only asks; POST (with the CSRF token) is "Stay signed in"."""
    sign_in = current_sign_in()
    now = utcnow()
    if sign_in is None:  # signed in, but the sign-in could not be read: nothing to extend
        return {"seconds_left": 0, "can_extend": False}
    return {
        "seconds_left": sign_ins.seconds_left(sign_in, now),
        "can_extend": sign_ins.can_extend(sign_in, now),
    }


def timeout_warning() -> dict[str, object] | None:
    """What the page's timeout warning needs (templates/auth/_timeout_warning.html), for a
    signed-in visitor; None for others."""
    sign_in = current_sign_in()
    if sign_in is None:
        return None
    now = utcnow()
    return {
        "seconds_left": sign_ins.seconds_left(sign_in, now),
        "warn_seconds": int(current_app.config["SESSION_TIMEOUT_WARNING"]),
        "warn_minutes": max(1, int(current_app.config["SESSION_TIMEOUT_WARNING"]) // 60),
    }


@bp.app_context_processor
def _timeout_warning() -> dict[str, object]:
    return {"timeout_warning": timeout_warning}


# Supervisors -----------------------------------------------------------------


@bp.get("/supervisees")
@signed_in
def supervisees() -> ResponseReturnValue:
    return render_template("auth/supervisees.html", people=queries.supervisees_of(current_user))


@bp.get("/people/<int:user_id>")
@signed_in
@load("person", by_id(User), can=can_view_training_record, arg="user_id")
def training_record(person: User) -> ResponseReturnValue:
    return render_template("auth/account.html", person=person, own=person.id == current_user.id)


# Account administration ----------------------------------------------------------


@bp.get("/admin/users")
@role_required(Role.ADMIN)
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
@role_required(Role.ADMIN)
def admin_user_new() -> ResponseReturnValue:
    form = UserForm()
    form.set_organisations(queries.organisation_choices())
    if request.method == "GET":
        form.roles.data = [Role.LEARNER]
    if form.validate_on_submit() and act(
        lambda: services.create_user(current_user, _account_data(form)),
        form,
        success=lambda user: _(
            "Account created. %(name)s has been sent a link to set a password.",
            name=user.full_name,
        ),
    ):
        return redirect(url_for("auth.admin_users"))
    return form_page("auth/admin_user_form.html", form, user=None)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
@load("user", by_id(User))
def admin_user_edit(user: User) -> ResponseReturnValue:
    form = UserForm()
    form.set_organisations(queries.organisation_choices(user.organisation_id))
    if request.method == "GET":
        fill_profile(form, user)
        form.email.data = user.email
        form.roles.data = sorted(user.roles)
        form.supervisor_email.data = user.supervisor.email if user.supervisor else ""
    if form.validate_on_submit() and act(
        lambda: services.update_user(current_user, user, _account_data(form)),
        form,
        success=_("Account saved."),
    ):
        return redirect(url_for("auth.admin_users"))
    return form_page("auth/admin_user_form.html", form, user=user, confirm_form=ConfirmForm())


@bp.post("/admin/users/<int:user_id>/active")
@role_required(Role.ADMIN)
@load("user", by_id(User))
def admin_user_active(user: User) -> ResponseReturnValue:
    form = ConfirmForm()
    if form.validate_on_submit():
        activate = request.form.get("active") == "yes"
        name = user.full_name
        act(
            lambda: services.set_user_active(current_user, user, activate),
            success=_("%(name)s can sign in again.", name=name)
            if activate
            else _("%(name)s has been deactivated and can no longer sign in.", name=name),
        )
    return redirect(url_for("auth.admin_user_edit", user_id=user.id))


@bp.post("/admin/users/<int:user_id>/send-reset")
@role_required(Role.ADMIN)
@load("user", by_id(User))
def admin_user_send_reset(user: User) -> ResponseReturnValue:
    if ConfirmForm().validate_on_submit():
        email = user.email
        act(
            lambda: services.send_password_link(current_user, user),
            success=_("A link to set a password has been sent to %(email)s.", email=email),
        )
    return redirect(url_for("auth.admin_user_edit", user_id=user.id))


@bp.post("/admin/users/<int:user_id>/sign-out")
@role_required(Role.ADMIN)
@load("user", by_id(User))
def admin_user_sign_out(user: User) -> ResponseReturnValue:
    if ConfirmForm().validate_on_submit():
        name = user.full_name
        act(
            lambda: sign_ins.sign_out_everywhere(current_user, user),
            success=lambda ended: (
                ngettext(
                    "%(name)s has been signed out of %(num)d session.",
                    "%(name)s has been signed out of %(num)d sessions.",
                    ended,
                    name=name,
                )
                if ended
                else _("%(name)s was not signed in anywhere.", name=name)
            ),
        )
    return redirect(url_for("auth.admin_user_edit", user_id=user.id))


@bp.route("/admin/users/import", methods=["GET", "POST"])
@role_required(Role.ADMIN)
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
@role_required(Role.ADMIN)
def admin_users_import_template() -> ResponseReturnValue:
    text = csv_text(services.IMPORT_COLUMNS, [services.IMPORT_EXAMPLE])
    return csv_response(text, "trainhub-users-template.csv")


# Organisations ---------------------------------------------------------------


@bp.get("/admin/organisations")
@role_required(*MANAGERS)
def admin_organisations() -> ResponseReturnValue:
    page = db.paginate(
        queries.organisations_query(), per_page=current_app.config["PAGE_SIZE"], error_out=False
    )
    overdue = queries.organisations_overdue_for_review(
        [organisation.id for organisation in page.items], agreements.today()
    )
    return render_template("auth/admin_organisations.html", page=page, overdue=overdue)


@bp.route("/admin/organisations/new", methods=["GET", "POST"], defaults={"organisation_id": None})
@bp.route("/admin/organisations/<int:organisation_id>", methods=["GET", "POST"])
@role_required(*MANAGERS)
def admin_organisation_edit(organisation_id: int | None) -> ResponseReturnValue:
    organisation = db.get_or_404(Organisation, organisation_id) if organisation_id else None
    form = OrganisationForm(obj=organisation)
    if form.validate_on_submit() and act(
        lambda: services.save_organisation(
            current_user,
            organisation,
            form.name.data,
            form.sector.data,
            form.is_active.data,
            # Administrators only see (and change) it.
            bool(form.copy_line_managers.data) if current_user.is_admin else None,
            name_cy=form.name_cy.data or "",
        ),
        form,
        success=_("Organisation saved."),
    ):
        return redirect(url_for("auth.admin_organisations"))
    return form_page(
        "auth/admin_organisation_form.html",
        form,
        organisation=organisation,
        today=agreements.today(),
    )


#: How other sign-in routes (two-step verification, OpenID Connect) finish a sign-in.
complete_sign_in = _sign_in
