"""Open Badges: the signed downloads, what a verifier fetches (the issuer, its keys, the
achievements, the status lists), public links to a badge, and checking a badge file."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from trainhub.accreditation import permissions
from trainhub.accreditation.forms import BadgeCheckForm, ConfirmForm
from trainhub.accreditation.models import BadgeLink, Certificate
from trainhub.accreditation.services import badge_checks, badge_links, badges, credential_keys
from trainhub.accreditation.services import certificates as services
from trainhub.accreditation.views import bp
from trainhub.accreditation.views.certificates import (
    badge_language,
    own_certificate,
    preferred_badge_language,
    verification_limit,
)
from trainhub.auth.permissions import public, signed_in
from trainhub.bilingual import current_language
from trainhub.boundary import act, by_id, load
from trainhub.forms import form_page

#: What verifiers fetch changes seldom (a key, an achievement): five minutes in caches.
PUBLIC_CACHE = "public, max-age=300"
#: A status list must show a revocation soon after it is made.
STATUS_CACHE = "public, max-age=60"
JWT_TYPE = "application/jwt"


def _json(body: Any, status: int = 200, *, mimetype: str = "application/json") -> Response:
    response = Response(
        json.dumps(body, indent=2, ensure_ascii=False), status=status, mimetype=mimetype
    )
    response.headers["Cache-Control"] = PUBLIC_CACHE if status == 200 else "no-cache"
    response.headers["Access-Control-Allow-Origin"] = "*"  # verifiers run in browsers too
    return response


def _unavailable() -> ResponseReturnValue:
    return render_template("accreditation/badge_unavailable.html"), 503


def _download(body: str | bytes, mimetype: str, filename: str) -> Response:
    return Response(
        body,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def _signed(certificate: Certificate, fmt: str, language: str) -> ResponseReturnValue:
    """The certificate's badge in ``language``, signed now: a VC-JWT, or baked into its SVG
    or PNG image."""
    name = f"badge-{certificate.display_code}"
    try:
        if fmt == "svg":
            svg = badges.baked_svg(certificate, language)
            return _download(svg, "image/svg+xml", f"{name}.svg")
        if fmt == "png":
            return _download(badges.baked_png(certificate, language), "image/png", f"{name}.png")
        return _download(badges.signed_badge(certificate, language), JWT_TYPE, f"{name}.jwt")
    except credential_keys.NoSigningKey:
        return _unavailable()


# What verifiers fetch ---------------------------------------------------------------------


@bp.get("/issuer")
@public
def issuer_profile() -> ResponseReturnValue:
    """``issuer.id``: the issuer's Profile with its public keys (``badges.issuer_document``);
    the key set is linked too."""
    response = _json(badges.issuer_document(), mimetype="application/ld+json")
    response.headers["Link"] = f'<{url_for(".issuer_jwks", _external=False)}>; rel="jwks"'
    return response


@bp.get("/issuer/jwks.json")
@public
def issuer_jwks() -> ResponseReturnValue:
    return _json({"keys": [key.jwk for key in credential_keys.public_keys()]})


@bp.get("/issuer/keys/<kid>")
@public
def issuer_key(kid: str) -> ResponseReturnValue:
    """The public key a badge's JOSE header names (its ``kid`` is this address)."""
    key = credential_keys.public_key(kid)
    if key is None:
        return _json({"error": "No such key"}, 404)
    return _json(key.jwk)


@bp.get("/achievements/<slug>")
@public
def achievement(slug: str) -> ResponseReturnValue:
    """``achievement.id``: the Achievement a badge embeds."""
    found = badges.achievement_by_slug(slug)
    if found is None:
        return _json({"error": "No such achievement"}, 404)
    return _json(found, mimetype="application/ld+json")


@bp.get("/achievements/<slug>/image.svg")
@public
def achievement_image(slug: str) -> ResponseReturnValue:
    found = badges.achievement_by_slug(slug)
    if found is None:
        return _json({"error": "No such achievement"}, 404)
    response = Response(badges.achievement_image(found), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = PUBLIC_CACHE
    return response


@bp.get("/credentials/status/<int:number>")
@public
def status_list(number: int) -> ResponseReturnValue:
    """A Bitstring Status List as a VC-JWT, current when asked for (or its JSON, unsigned,
    for ``Accept: application/json``)."""
    if number >= badges.status_list_count():
        return _json({"error": "No such status list"}, 404)
    credential = badges.status_list_credential(number)
    wanted = request.accept_mimetypes.best_match(
        [JWT_TYPE, "application/vc+jwt", "application/json", "application/ld+json"],
        default=JWT_TYPE,
    )
    if wanted in ("application/json", "application/ld+json"):
        response = _json(credential, mimetype=wanted)
    else:
        try:
            response = Response(badges.sign_status_list(credential), mimetype=JWT_TYPE)
        except credential_keys.NoSigningKey:
            return _json({"error": "No signing key"}, 503)
        response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = STATUS_CACHE
    response.headers["Vary"] = "Accept"
    return response


# The learner's downloads and links ------------------------------------------------------------


@bp.get("/certificates/<code>/badge.<any(jwt, svg, png):fmt>")
@verification_limit
@signed_in
@own_certificate
def certificate_badge_signed(certificate: Certificate, fmt: str) -> ResponseReturnValue:
    return _signed(certificate, fmt, badge_language())


@bp.post("/certificates/<code>/badge-link")
@signed_in
@load("certificate", services.find_by_code, can=permissions.can_share_badge, arg="code")
def badge_link_create(certificate: Certificate) -> ResponseReturnValue:
    language = request.form.get("language") or preferred_badge_language()
    act(
        lambda: badge_links.create_link(current_user, certificate, language),
        success=_("Public link made. Anyone with the link can see this badge."),
    )
    return redirect(url_for(".my_certificates") + f"#certificate-{certificate.code}")


@bp.route("/badge-links/<int:link_id>/withdraw", methods=["GET", "POST"])
@signed_in
@load("link", by_id(BadgeLink), can=permissions.can_withdraw_badge_link)
def badge_link_withdraw(link: BadgeLink) -> ResponseReturnValue:
    form = ConfirmForm()
    if link.withdrawn_at is not None:
        return redirect(url_for(".my_certificates"))
    if form.validate_on_submit():
        act(
            lambda: badge_links.withdraw_link(current_user, link),
            success=_("Public link withdrawn. Nobody can open it any more."),
        )
        return redirect(url_for(".my_certificates"))
    return form_page("accreditation/badge_link_withdraw.html", form, link=link)


def _public_link(token: str) -> BadgeLink | ResponseReturnValue:
    link = badge_links.find_by_token(token)
    if link is None:
        return render_template("accreditation/badge_link_gone.html", withdrawn=False), 404
    if not link.is_active:
        return render_template("accreditation/badge_link_gone.html", withdrawn=True), 410
    return link


@bp.get("/badges/<token>")
@public
def badge_link(token: str) -> ResponseReturnValue:
    """A badge its holder shared: what was achieved, by whom, its status (public)."""
    found = _public_link(token)
    if not isinstance(found, BadgeLink):
        return found
    certificate = found.certificate
    credential = badges.open_badge_credential(certificate, current_language())
    languages = services.certificate_languages()
    response = Response(
        render_template(
            "accreditation/badge_link.html",
            link=found,
            certificate=certificate,
            achievement=credential["credentialSubject"]["achievement"],
            texts=services.bilingual_texts(certificate),
            descriptions=services.each_once(
                [badges.description_in(certificate, language) for language in languages]
            ),
        )
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/badges/<token>/badge.<any(jwt, svg, png, json):fmt>")
@public
def badge_link_download(token: str, fmt: str) -> ResponseReturnValue:
    found = _public_link(token)
    if not isinstance(found, BadgeLink):
        return found
    certificate = found.certificate
    if fmt == "json":
        credential = badges.open_badge_credential(certificate, found.language)
        body = json.dumps(credential, indent=2, ensure_ascii=False)
        return _download(body, "application/ld+json", f"badge-{certificate.display_code}.json")
    return _signed(certificate, fmt, found.language)


# Checking a badge ------------------------------------------------------------------------------


@bp.route("/verify/badge", methods=["GET", "POST"])
@verification_limit
@public
def verify_badge() -> ResponseReturnValue:
    """Anyone can paste or upload a badge: signed by us and valid, revoked, or not ours."""
    form = BadgeCheckForm()
    if form.validate_on_submit():
        upload = request.files.get("file")
        # Never more than the limit and one byte is read: enough to refuse a bigger file.
        uploaded = (
            upload.stream.read(badge_checks.MAX_BYTES + 1)
            if upload is not None and upload.filename
            else None
        )
        done = act(lambda: badge_checks.check_submission(form.badge.data or "", uploaded), form)
        if done:
            return render_template("accreditation/verify_badge_result.html", verdict=done.result)
    return form_page("accreditation/verify_badge.html", form)
