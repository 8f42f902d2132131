"""Signing in with the employer's account (OpenID Connect), and its administration.

The browser goes to the provider with ``state``, ``nonce`` and a PKCE challenge, all kept in
the Flask session (``FLOW_KEY``) and used up by the one callback that may come back; the
rules are in ``trainhub.auth.services.oidc``. A sign-in ends like a password's
(``views.complete_sign_in``: a ``user_sessions`` row, a fresh session) but asks for no local
two-step code: the employer's provider does its own. Only confirming a link with the trainhub
password asks for one, when the account has it on: the password alone is not enough there.
"""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from trainhub import ratelimit
from trainhub.auth.forms import ConfirmForm
from trainhub.auth.models import ExternalIdentity, IdentityProvider, Organisation, User
from trainhub.auth.oidc_forms import IdentityProviderForm, LinkConfirmForm, WorkAccountForm
from trainhub.auth.permissions import public, role_required
from trainhub.auth.roles import Role
from trainhub.auth.services import oidc, two_factor
from trainhub.auth.two_factor_views import VIA_PROVIDER_KEY, recovery_message
from trainhub.auth.views import bp, complete_sign_in
from trainhub.boundary import act, by_id, load
from trainhub.errors import TrainhubError
from trainhub.extensions import db
from trainhub.forms import form_page
from trainhub.mail.services import external_url
from trainhub.urls import safe_next

log = logging.getLogger(__name__)

#: The Flask session's key for the sign-in under way at a provider (used up at the callback).
FLOW_KEY = "_oidc_flow"
#: The link waiting for its owner's password, and when it was made.
WAITING_KEY = "_oidc_waiting"
#: How long a waiting link may be confirmed from this browser (seconds).
WAITING_SECONDS = 600
#: The prefix of the work-address form's fields (the sign-in page has another email field).
WORK_PREFIX = "work"


@bp.app_template_global()
def identity_providers() -> list[IdentityProvider]:
    """The sign-in page's "Sign in with …" buttons (one query, only where asked)."""
    return oidc.enabled_providers()


@bp.app_template_global()
def external_identities(user: Any) -> list[ExternalIdentity]:
    """An account's links to providers (the administrator's account page)."""
    return oidc.identities_of(user)


@bp.app_template_global()
def work_account_form() -> WorkAccountForm:
    """The sign-in page's "find my organisation" form (posted to ``oidc_discover``)."""
    return WorkAccountForm(prefix=WORK_PREFIX)


def _failed(error: TrainhubError, provider: IdentityProvider | None = None) -> ResponseReturnValue:
    status = error.status if isinstance(error, oidc.SignInFailed) else 400
    return render_template(
        "auth/oidc_failed.html", message=error.message, provider=provider
    ), status


def _callback_url() -> str:
    # Built on BASE_URL, never on the Host header: it is what the provider has registered.
    return external_url("auth.oidc_callback")


@bp.route("/sign-in/work-account", methods=["GET", "POST"])
@ratelimit.limit("RATELIMIT_SIGN_IN", methods=["POST"])
@public
def oidc_discover() -> ResponseReturnValue:
    """A work address finds its organisation's sign-in service (no JavaScript needed)."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = WorkAccountForm(prefix=WORK_PREFIX)
    if form.validate_on_submit():
        provider = oidc.provider_for_email(form.email.data)
        if provider is not None:
            # A page with the provider's button, not a redirect: browsers hold a form's
            # redirects to the Content-Security-Policy's form-action ('self').
            return render_template(
                "auth/oidc_discovered.html",
                provider=provider,
                start=url_for(
                    "auth.oidc_start",
                    provider_id=provider.id,
                    login_hint=form.email.data,
                    next=request.args.get("next"),
                ),
            )
        form.email.errors = [
            _(
                "No organisation signs in %(domain)s addresses with its own account. "
                "Sign in with your email address and password instead.",
                domain=form.email.data.rpartition("@")[2].lower(),
            )
        ]
    return form_page("auth/oidc_discover.html", form)


@bp.get("/sign-in/with/<int:provider_id>")
@public
def oidc_start(provider_id: int) -> ResponseReturnValue:
    """Off to the provider, with ``state``, ``nonce`` and the PKCE challenge kept here."""
    provider = db.get_or_404(IdentityProvider, provider_id)
    if not provider.enabled:
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    hint = (request.args.get("login_hint") or "")[:254] or None
    try:
        url, flow = oidc.start_flow(provider, _callback_url(), hint)
    except oidc.SignInFailed as error:
        return _failed(error, provider)
    flow["next"] = safe_next(request.args.get("next"), url_for("home.index"))
    session[FLOW_KEY] = flow
    return redirect(url)


@bp.get("/sign-in/callback")
@public
def oidc_callback() -> ResponseReturnValue:
    """The provider sends the browser back: check everything, then sign in (or ask the owner
    of a privileged account to confirm). The flow is used up whatever happens."""
    flow = session.pop(FLOW_KEY, None)
    if request.args.get("error"):  # declined or failed at the provider: nothing to check
        return _failed(
            oidc.SignInFailed(
                _(
                    "You did not finish signing in with your organisation's account. Start "
                    "again from the sign-in page."
                )
            )
        )
    state = request.args.get("state", "")
    if (
        not isinstance(flow, dict)
        or not state
        or not hmac.compare_digest(str(flow.get("state", "")), state)
    ):
        return _failed(
            oidc.TokenRejected(
                _(
                    "This sign-in has expired or was already used, so you have not been "
                    "signed in. Start again from the sign-in page."
                )
            )
        )
    provider = db.session.get(IdentityProvider, flow.get("provider_id"))
    if provider is None or not provider.enabled:
        abort(404)
    if not request.args.get("code"):
        return _failed(
            oidc.SignInFailed(
                _(
                    "You did not finish signing in with your organisation's account. Start "
                    "again from the sign-in page."
                )
            ),
            provider,
        )
    try:
        claims = oidc.finish_flow(provider, flow, _callback_url(), request.args["code"])
        outcome = oidc.sign_in_with(provider, claims)
    except TrainhubError as error:
        db.session.rollback()
        return _failed(error, provider)
    if outcome.waiting is not None:
        db.session.commit()  # the link, waiting
        session[WAITING_KEY] = {
            "id": outcome.waiting.id,
            "at": int(time.time()),
            "next": flow.get("next"),
        }
        return redirect(url_for("auth.oidc_confirm"))
    assert outcome.user is not None
    _signed_in_via_provider(outcome.user)
    db.session.commit()
    return redirect(safe_next(flow.get("next"), url_for("home.index")))


def _signed_in_via_provider(user: User) -> None:
    complete_sign_in(user)
    session[VIA_PROVIDER_KEY] = True  # its own second step: not held to set ours up


def _waiting() -> tuple[ExternalIdentity, str | None] | None:
    held = session.get(WAITING_KEY)
    if not isinstance(held, dict) or int(held.get("at", 0)) + WAITING_SECONDS < time.time():
        return None
    identity = db.session.get(ExternalIdentity, held.get("id"))
    if identity is None or identity.confirmed_at is not None:
        return None
    return identity, held.get("next")


@bp.route("/sign-in/confirm-link", methods=["GET", "POST"])
@ratelimit.limit("RATELIMIT_SIGN_IN", methods=["POST"])
@public
def oidc_confirm() -> ResponseReturnValue:
    """The owner of an account with admin, manager or assessor roles confirms, with their
    trainhub password (and a code, when two-step verification is on), that the provider's
    account is theirs."""
    found = _waiting()
    if found is None:
        return _failed(
            oidc.SignInFailed(_("There is nothing to confirm. Start again from the sign-in page."))
        )
    identity, next_url = found
    form = LinkConfirmForm()
    if form.validate_on_submit():

        def confirm() -> oidc.Confirmed:
            confirmed = oidc.confirm_with_password(
                identity, form.password.data, form.code.data or ""
            )
            _signed_in_via_provider(confirmed.user)
            return confirmed

        try:
            # Wrong passwords and codes count toward the lock (kept); a lock sends them back
            # to the sign-in page.
            done = act(
                confirm,
                form,
                refusal_counts=True,
                success=_(
                    "Your account is now linked to %(provider)s: sign in with it from now on.",
                    provider=identity.provider.display_name,
                ),
            )
        except oidc.SignInFailed as error:
            db.session.rollback()
            return _failed(error, identity.provider)
        if done.conflict:
            session.pop(WAITING_KEY, None)
            return redirect(url_for("auth.login"))
        if not done.error:
            if done.result.recovery_codes_left is not None:
                flash(recovery_message(done.result.recovery_codes_left), "info")
            return redirect(safe_next(next_url, url_for("home.index")))
    return form_page(
        "auth/oidc_confirm.html",
        form,
        identity=identity,
        needs_code=two_factor.is_enabled(identity.user),
    )


# Administration -----------------------------------------------------------------------------


def _provider_data(form: IdentityProviderForm) -> oidc.ProviderData:
    return oidc.ProviderData(
        display_name=form.display_name.data or "",
        issuer=form.issuer.data or "",
        client_id=form.client_id.data or "",
        client_secret=form.client_secret.data or "",
        email_domains=form.email_domains.data or "",
        enabled=bool(form.enabled.data),
        passwords_off=bool(form.passwords_off.data),
    )


@bp.get("/admin/organisations/<int:organisation_id>/sign-in-services")
@role_required(Role.ADMIN)
@load("organisation", by_id(Organisation))
def oidc_providers(organisation: Organisation) -> ResponseReturnValue:
    providers = db.session.execute(
        db.select(IdentityProvider)
        .where(IdentityProvider.organisation_id == organisation.id)
        .order_by(IdentityProvider.display_name)
    ).scalars()
    return render_template(
        "auth/oidc_providers.html",
        organisation=organisation,
        providers=list(providers),
        callback_url=_callback_url(),
    )


@bp.route(
    "/admin/organisations/<int:organisation_id>/sign-in-services/new", methods=["GET", "POST"]
)
@role_required(Role.ADMIN)
@load("organisation", by_id(Organisation))
def oidc_provider_new(organisation: Organisation) -> ResponseReturnValue:
    form = IdentityProviderForm()
    if request.method == "GET":
        form.display_name.data = organisation.name
    if form.validate_on_submit() and act(
        lambda: oidc.save_provider(current_user, organisation, None, _provider_data(form)),
        form,
        success=_("Sign-in service saved."),
    ):
        return redirect(url_for("auth.oidc_providers", organisation_id=organisation.id))
    return form_page(
        "auth/oidc_provider_form.html",
        form,
        organisation=organisation,
        provider=None,
        callback_url=_callback_url(),
    )


@bp.route("/admin/sign-in-services/<int:provider_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
@load("provider", by_id(IdentityProvider))
def oidc_provider_edit(provider: IdentityProvider) -> ResponseReturnValue:
    form = IdentityProviderForm(obj=provider)
    if request.method == "GET":
        form.email_domains.data = provider.email_domains
    organisation = provider.organisation
    if form.validate_on_submit() and act(
        lambda: oidc.save_provider(current_user, organisation, provider, _provider_data(form)),
        form,
        success=_("Sign-in service saved."),
    ):
        oidc.forget_cached(provider.issuer)
        return redirect(url_for("auth.oidc_providers", organisation_id=organisation.id))
    return form_page(
        "auth/oidc_provider_form.html",
        form,
        organisation=organisation,
        provider=provider,
        callback_url=_callback_url(),
    )


@bp.post("/admin/users/<int:user_id>/sign-in-links/<int:identity_id>/confirm")
@role_required(Role.ADMIN)
def oidc_link_confirm(user_id: int, identity_id: int) -> ResponseReturnValue:
    return _change_link(
        user_id,
        identity_id,
        oidc.confirm_by_admin,
        lambda name: _("The link to %(provider)s is confirmed.", provider=name),
    )


@bp.post("/admin/users/<int:user_id>/sign-in-links/<int:identity_id>/remove")
@role_required(Role.ADMIN)
def oidc_link_remove(user_id: int, identity_id: int) -> ResponseReturnValue:
    return _change_link(
        user_id,
        identity_id,
        oidc.remove_link,
        lambda name: _("The link to %(provider)s has been removed.", provider=name),
    )


def _change_link(
    user_id: int,
    identity_id: int,
    change: Callable[[User, ExternalIdentity], None],
    success: Callable[[str], str],
) -> ResponseReturnValue:
    """An administrator confirms or removes one of an account's work-account links."""
    identity = db.get_or_404(ExternalIdentity, identity_id)
    if identity.user_id != user_id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        name = identity.provider.display_name
        act(
            lambda: change(current_user, identity),
            success=success(name),
        )
    return redirect(url_for("auth.admin_user_edit", user_id=user_id))
