"""Two-step verification's pages (on the ``auth`` blueprint): the second step of signing in,
setting it up from your account, recovery codes, turning it off, and an admin's reset.

What the browser holds between steps lives in the Flask session (signed, kept only until
signing in or out): the sign-in waiting for its code (the account, its credentials'
fingerprint and when the password was right; it lapses after ``TWO_FACTOR_PENDING_SECONDS``),
that a signed-in account must set it up before anything else, and new recovery codes until
the person has saved them.
"""

from __future__ import annotations

import time
from typing import Any

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup

from trainhub import ratelimit
from trainhub.auth.forms import ConfirmForm
from trainhub.auth.models import User
from trainhub.auth.permissions import public, role_required, signed_in
from trainhub.auth.roles import Role
from trainhub.auth.services import two_factor as rules
from trainhub.auth.two_factor_forms import (
    TwoFactorSetupForm,
    TwoFactorSignInForm,
    TwoFactorTurnOffForm,
)
from trainhub.auth.views import bp, complete_sign_in
from trainhub.boundary import act, by_id, load
from trainhub.extensions import db
from trainhub.forms import form_page
from trainhub.urls import safe_next

#: The sign-in waiting for its second step: {"user", "fingerprint", "at", "next"}.
PENDING_KEY = "_two_factor_pending"
#: Set on a password sign-in of an account that must set it up first: where to go after. It
#: says only where to go: whether the account is held is worked out again on every request.
SETUP_DUE_KEY = "_two_factor_setup_due"
#: Set on a sign-in through the employer's provider (``oidc_views``), which does its own
#: second step: such a sign-in is not held for setting it up (unless it is turned off).
VIA_PROVIDER_KEY = "_signed_in_via_provider"
#: Recovery codes just made, until the person says they have saved them: {"codes", "at"}.
CODES_KEY = "_recovery_codes"
#: How long new recovery codes can be shown again (and downloaded), in seconds.
CODES_SHOWN_FOR = 15 * 60

#: What an account that must set up two-step verification may still reach.
SETUP_ENDPOINTS = frozenset(
    {
        "auth.two_factor",
        "auth.two_factor_start",
        "auth.two_factor_setup",
        "auth.two_factor_recovery_codes",
        "auth.two_factor_recovery_codes_download",
        "auth.two_factor_recovery_codes_done",
        "auth.logout",
        "auth.session_time",  # the idle-timeout warning asks it from every page
        "home.language",
        "home.health",
        "static",
        "assets.static",
    }
)


# After the password ------------------------------------------------------------------------


def password_accepted(user: User, target: str) -> ResponseReturnValue:
    """What follows a correct password (``auth.login``): the code page for an account with
    two-step verification; else signed in (then off to ``target``, a safe local address),
    and sent to set it up first when its role must."""
    if rules.is_enabled(user):
        db.session.commit()  # the password step's own writes, if any
        session[PENDING_KEY] = {
            "user": user.id,
            "fingerprint": user.credentials_fingerprint(),
            "at": int(time.time()),
            "next": target,
        }
        return redirect(url_for("auth.two_factor_sign_in"))
    complete_sign_in(user)
    db.session.commit()
    if rules.is_required(user):
        session[SETUP_DUE_KEY] = target
        flash(
            _("Your role needs two-step verification. Set it up now to carry on."),
            "info",
        )
        return redirect(url_for("auth.two_factor"))
    return redirect(target)


def setup_due(user: User) -> bool:
    """Whether this browser's sign-in of ``user`` must set up two-step verification before
    anything else: their role needs it, it is not on, and they did not sign in through their
    employer's provider (or have turned it off since). Worked out from the account each time,
    never from a flag the browser could get rid of; the database is asked only for an account
    whose role needs it."""
    if not rules.is_required(user) or rules.is_enabled(user):
        return False
    return not session.get(VIA_PROVIDER_KEY) or SETUP_DUE_KEY in session


@bp.before_app_request
def require_two_factor_setup() -> ResponseReturnValue | None:
    """An account that must set up two-step verification (``setup_due``) reaches only the
    set-up pages (and signing out) until it has done so."""
    if request.endpoint in SETUP_ENDPOINTS or not current_user.is_authenticated:
        return None
    if not setup_due(current_user):
        session.pop(SETUP_DUE_KEY, None)
        return None
    return redirect(url_for("auth.two_factor"))


def _pending_user() -> User | None:
    """The account whose password was right on this browser moments ago, if still waiting."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    age = time.time() - float(pending.get("at", 0))
    if age > int(current_app.config["TWO_FACTOR_PENDING_SECONDS"]) or age < 0:
        session.pop(PENDING_KEY, None)
        return None
    user = db.session.get(User, pending.get("user"))
    if (
        user is None
        or not user.active
        or pending.get("fingerprint") != user.credentials_fingerprint()
    ):
        session.pop(PENDING_KEY, None)
        return None
    return user


@bp.route("/sign-in/two-step", methods=["GET", "POST"])
@ratelimit.limit("RATELIMIT_SIGN_IN", methods=["POST"])
@public
def two_factor_sign_in() -> ResponseReturnValue:
    """The second step: a code from the app, or a recovery code."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    user = _pending_user()
    if user is None:
        if request.method == "POST":
            return redirect(url_for("auth.two_factor_sign_in"))
        minutes = int(current_app.config["TWO_FACTOR_PENDING_SECONDS"]) // 60
        return render_template("auth/two_factor_sign_in_again.html", minutes=minutes)
    form = TwoFactorSignInForm()
    if form.validate_on_submit():
        target = session[PENDING_KEY].get("next") or url_for("home.index")

        def second_step() -> rules.SecondStep:
            step = rules.complete_sign_in(user, form.code.data)
            complete_sign_in(user)
            return step

        # A wrong code counts toward the lock (kept); a lock sends them back to the start.
        done = act(second_step, form, refusal_counts=True)
        if done.conflict:
            session.pop(PENDING_KEY, None)
            return redirect(url_for("auth.login"))
        if not done.error:
            if done.result.recovery_code_used:
                flash(recovery_message(done.result.recovery_codes_left), "info")
            return redirect(safe_next(target, url_for("home.index")))
    return form_page("auth/two_factor_sign_in.html", form)


def recovery_message(left: int) -> str:
    """What to say after a sign-in with a recovery code, ``left`` of them unused."""
    if left == 0:
        return _(
            "You signed in with your last recovery code. Make new recovery codes now, from "
            "Two-step verification on your account page."
        )
    return ngettext(
        "You signed in with a recovery code. You have %(num)d recovery code left.",
        "You signed in with a recovery code. You have %(num)d recovery codes left.",
        left,
    )


# Your two-step verification ---------------------------------------------------------------


@bp.app_template_global()
def two_factor_status(user: User) -> rules.Status:
    """For the account and admin pages: whether two-step verification is on."""
    return rules.status(user)


@bp.get("/account/two-step")
@signed_in
def two_factor() -> ResponseReturnValue:
    return render_template(
        "auth/two_factor.html",
        status=rules.status(current_user),
        setup_due=setup_due(current_user),
        confirm_form=ConfirmForm(),
    )


@bp.post("/account/two-step/start")
@signed_in
def two_factor_start() -> ResponseReturnValue:
    if ConfirmForm().validate_on_submit() and act(lambda: rules.start_setup(current_user)):
        return redirect(url_for("auth.two_factor_setup"))
    return redirect(url_for("auth.two_factor"))


@bp.route("/account/two-step/set-up", methods=["GET", "POST"])
@signed_in
def two_factor_setup() -> ResponseReturnValue:
    authenticator = rules.pending_setup(current_user)
    if authenticator is None:
        return redirect(url_for("auth.two_factor"))
    form = TwoFactorSetupForm()
    if form.validate_on_submit():
        done = act(lambda: rules.confirm_setup(current_user, form.code.data), form)
        if done:
            _show_codes(done.result)
            flash(_("Two-step verification is on."), "success")
            return redirect(url_for("auth.two_factor_recovery_codes"))
    uri = rules.provisioning_uri(current_user, authenticator)
    return form_page(
        "auth/two_factor_setup.html",
        form,
        qr_code=Markup(rules.qr_code_svg(uri)),  # noqa: S704  (segno's own SVG)
        secret=rules.grouped_secret(authenticator.secret),
    )


def _show_codes(codes: list[str]) -> None:
    session[CODES_KEY] = {"codes": codes, "at": int(time.time())}


def _codes_to_show() -> list[str] | None:
    shown = session.get(CODES_KEY)
    if not isinstance(shown, dict) or time.time() - float(shown.get("at", 0)) > CODES_SHOWN_FOR:
        session.pop(CODES_KEY, None)
        return None
    codes: Any = shown.get("codes")
    return [str(code) for code in codes] if isinstance(codes, list) else None


@bp.get("/account/two-step/recovery-codes")
@signed_in
def two_factor_recovery_codes() -> ResponseReturnValue:
    codes = _codes_to_show()
    if codes is None:
        flash(_("Recovery codes are shown only once. You can make new ones below."), "info")
        return redirect(url_for("auth.two_factor"))
    return render_template(
        "auth/two_factor_recovery_codes.html", codes=codes, confirm_form=ConfirmForm()
    )


@bp.get("/account/two-step/recovery-codes.txt")
@signed_in
def two_factor_recovery_codes_download() -> ResponseReturnValue:
    codes = _codes_to_show()
    if codes is None:
        return redirect(url_for("auth.two_factor"))
    text = render_template(
        "auth/two_factor_recovery_codes.txt",
        codes=codes,
        base_url=current_app.config["BASE_URL"],
    )
    response = current_app.response_class(text, mimetype="text/plain")
    response.headers["Content-Disposition"] = 'attachment; filename="trainhub-recovery-codes.txt"'
    return response


@bp.post("/account/two-step/recovery-codes/done")
@signed_in
def two_factor_recovery_codes_done() -> ResponseReturnValue:
    if ConfirmForm().validate_on_submit():
        session.pop(CODES_KEY, None)
        if rules.is_enabled(current_user):  # else still held: back to setting it up
            target = session.pop(SETUP_DUE_KEY, None)
            if target:
                return redirect(safe_next(target, url_for("home.index")))
    return redirect(url_for("auth.two_factor"))


@bp.route("/account/two-step/recovery-codes/new", methods=["GET", "POST"])
@signed_in
def two_factor_regenerate() -> ResponseReturnValue:
    if not rules.is_enabled(current_user):
        return redirect(url_for("auth.two_factor"))
    form = ConfirmForm()
    if form.validate_on_submit():
        done = act(lambda: rules.regenerate_recovery_codes(current_user))
        if done:
            _show_codes(done.result)
            flash(_("You have new recovery codes. Your old ones no longer work."), "success")
            return redirect(url_for("auth.two_factor_recovery_codes"))
    return render_template(
        "auth/two_factor_regenerate.html",
        form=form,
        left=rules.recovery_codes_left(current_user),
    )


@bp.route("/account/two-step/turn-off", methods=["GET", "POST"])
@signed_in
def two_factor_turn_off() -> ResponseReturnValue:
    if not rules.is_enabled(current_user):
        return redirect(url_for("auth.two_factor"))
    required = rules.is_required(current_user)
    form = TwoFactorTurnOffForm()
    if form.validate_on_submit() and act(
        lambda: rules.turn_off(current_user, form.password_or_code.data), form
    ):
        if required:  # a new phone: straight on to setting it up again
            session[SETUP_DUE_KEY] = url_for("auth.account")
            flash(
                _("Two-step verification is off. Set it up again now: your role needs it."), "info"
            )
        else:
            flash(_("Two-step verification is off."), "success")
        return redirect(url_for("auth.two_factor"))
    return form_page("auth/two_factor_turn_off.html", form, required=required)


# An administrator's reset ------------------------------------------------------------------


@bp.route("/admin/users/<int:user_id>/two-step/reset", methods=["GET", "POST"])
@role_required(Role.ADMIN)
@load("user", by_id(User))
def admin_user_two_factor_reset(user: User) -> ResponseReturnValue:
    """Turn off someone's two-step verification (a lost phone, no recovery codes left)."""
    if rules.authenticator_of(user) is None:
        flash(_("%(name)s has not set up two-step verification.", name=user.full_name), "info")
        return redirect(url_for("auth.admin_user_edit", user_id=user.id))
    form = ConfirmForm()
    name = user.full_name
    if form.validate_on_submit() and act(
        lambda: rules.reset(current_user, user),
        success=_(
            "Two-step verification of %(name)s has been reset. They have been emailed.",
            name=name,
        ),
    ):
        return redirect(url_for("auth.admin_user_edit", user_id=user.id))
    return render_template(
        "auth/admin_user_two_factor_reset.html", user=user, form=form, status=rules.status(user)
    )
