"""Certificates: the learner's list, downloads, public verification, revocation."""

from __future__ import annotations

import io
import json

from flask import (
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from trainhub import ratelimit
from trainhub.accreditation import permissions, queries
from trainhub.accreditation.forms import (
    BadgeCheckForm,
    BadgeLanguageForm,
    CodeForm,
    ConfirmForm,
    ReasonForm,
)
from trainhub.accreditation.models import Certificate
from trainhub.accreditation.services import badges
from trainhub.accreditation.services import certificates as services
from trainhub.accreditation.views import bp
from trainhub.auth.permissions import public, role_required, signed_in
from trainhub.auth.roles import Role
from trainhub.bilingual import ENGLISH
from trainhub.boundary import act, by_id, load
from trainhub.extensions import db
from trainhub.forms import form_page

#: Codes could be tried at any of the public look-ups: one per-IP count for them all.
verification_limit = ratelimit.shared_limit(
    "RATELIMIT_CERTIFICATE_VERIFY", scope="certificate-verification"
)


#: ``@own_certificate``: the certificate of the URL's ``code``, for those who may see it.
own_certificate = load(
    "certificate", services.find_by_code, can=permissions.can_view_certificate, arg="code"
)


def preferred_badge_language() -> str:
    preferred = current_user.preferred_language
    return preferred if preferred in badges.BADGE_LANGUAGES else ENGLISH


def badge_language() -> str:
    """The language of the signed-in learner's badge downloads: ``?language=`` (400 when it
    is no badge language), else their preferred language."""
    chosen = request.args.get("language")
    if chosen is None:
        return preferred_badge_language()
    if chosen not in badges.BADGE_LANGUAGES:
        abort(400)
    return chosen


@bp.get("/my/certificates")
@signed_in
def my_certificates() -> ResponseReturnValue:
    """The learner's certificates, their downloads and their badges in the language chosen
    here (English | Cymraeg; their preferred language until they choose)."""
    certificates = queries.certificates_of(current_user.id)
    form = BadgeLanguageForm(request.args)
    status, language = 200, preferred_badge_language()
    if "language" in request.args or "submit" in request.args:
        if form.validate():
            language = str(form.language.data)
        else:
            status = 400
    else:
        form.language.data = language
    return render_template(
        "accreditation/my_certificates.html",
        certificates=certificates,
        links=queries.badge_links_of([c.id for c in certificates]),
        form=form,
        badge_language=language,
    ), status


@bp.get("/certificates/<code>.pdf")
@signed_in
@own_certificate
def certificate_pdf(certificate: Certificate) -> ResponseReturnValue:
    return send_file(
        io.BytesIO(services.certificate_pdf(certificate)),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"certificate-{certificate.display_code}.pdf",
        max_age=0,
    )


@bp.get("/certificates/<code>/badge.json")
@verification_limit
@signed_in
@own_certificate
def certificate_badge(certificate: Certificate) -> ResponseReturnValue:
    credential = badges.open_badge_credential(certificate, badge_language())
    body = json.dumps(credential, indent=2, ensure_ascii=False)
    return Response(
        body,
        mimetype="application/ld+json",
        headers={
            "Content-Disposition": (f'attachment; filename="badge-{certificate.display_code}.json"')
        },
    )


@bp.get("/verify")
@verification_limit
@public
def verify_lookup() -> ResponseReturnValue:
    """Anyone can type a certificate's code (no login)."""
    form = CodeForm(request.args)
    if "code" in request.args:
        if form.validate():
            code = services.normalise_code(form.code.data or "")
            if code is not None:
                return redirect(url_for(".verify_certificate", code=code))
            form.code.errors = [
                _("Enter the code as printed: 12 letters and numbers, like 7KQ2-M9XH-3TVA")
            ]
        return render_template(
            "accreditation/verify_lookup.html", form=form, badge_form=BadgeCheckForm()
        ), 400
    return render_template(
        "accreditation/verify_lookup.html", form=form, badge_form=BadgeCheckForm()
    )


@bp.get("/verify/<code>")
@verification_limit
@public
def verify_certificate(code: str) -> ResponseReturnValue:
    """Every certified field and the status; nothing else about the learner (public)."""
    certificate = services.find_by_code(code)
    if certificate is None:
        return render_template("accreditation/verify_unknown.html"), 404
    if certificate.code != code:  # a typed variant: show it at its canonical address
        return redirect(url_for(".verify_certificate", code=certificate.code))
    replacement = certificate.replaced_by[0] if certificate.replaced_by else None
    return render_template(
        "accreditation/verify.html",
        certificate=certificate,
        replacement=replacement,
        texts=services.bilingual_texts(certificate),
    )


@bp.get("/certificates/<code>/status")
@verification_limit
@public
def certificate_status(code: str) -> ResponseReturnValue:
    """A 1EdTech Revocation List of this one certificate (public, JSON): what badges
    downloaded before the Bitstring Status List point their ``credentialStatus`` at."""
    certificate = services.find_by_code(code)
    if certificate is None:
        abort(404)
    body = badges.revocation_list(certificate)
    response = Response(json.dumps(body), mimetype="application/json")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/admin/certificates")
@role_required(Role.ADMIN)
def admin_certificates() -> ResponseReturnValue:
    search = request.args.get("q", "")
    page = db.paginate(
        queries.certificates_search(search, services.normalise_code(search)),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template("accreditation/admin_certificates.html", page=page, search=search)


@bp.route("/admin/certificates/<int:certificate_id>/revoke", methods=["GET", "POST"])
@role_required(Role.ADMIN)
@load("certificate", by_id(Certificate))
def certificate_revoke(certificate: Certificate) -> ResponseReturnValue:
    form = ReasonForm()
    if form.validate_on_submit():
        done = act(
            lambda: services.revoke_certificate(current_user, certificate, form.reason.data or ""),
            form,
            success=lambda _none: _("Certificate %(code)s revoked.", code=certificate.display_code),
        )
        if done or done.conflict:
            return redirect(url_for(".admin_certificates"))
    return form_page("accreditation/certificate_revoke.html", form, certificate=certificate)


@bp.route("/admin/certificates/<int:certificate_id>/reissue", methods=["GET", "POST"])
@role_required(Role.ADMIN)
@load("certificate", by_id(Certificate))
def certificate_reissue(certificate: Certificate) -> ResponseReturnValue:
    form = ConfirmForm()
    if form.validate_on_submit():
        act(
            lambda: services.reissue_certificate(current_user, certificate),
            success=lambda replacement: _(
                "Certificate %(code)s issued in its place.", code=replacement.display_code
            ),
        )
        return redirect(url_for(".admin_certificates"))
    return form_page("accreditation/certificate_reissue.html", form, certificate=certificate)
