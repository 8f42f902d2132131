"""Response headers that every page gets, and the nonce for GOV.UK's one inline script."""

from __future__ import annotations

import secrets

from flask import Flask, Response, g, request
from werkzeug.exceptions import BadRequest

#: Endpoints that choose their own caching: the same files for everyone (GOV.UK Frontend's
#: and trainhub's assets), and the private calendar feed, which calendar programs poll and
#: may keep for a few minutes ("private": never a shared proxy).
_OWN_CACHING = frozenset({"static", "assets.static", "courses.calendar_feed"})
#: And the public training calendar: the same for everyone, so a shared cache may keep it.
_OWN_CACHING |= {"courses.calendar_ics"}
#: Open Badges' public documents (the issuer, its keys, achievements, their images, status
#: lists): nothing personal, cached briefly by verifiers (accreditation/views/badges.py).
_OWN_CACHING |= {
    "accreditation.issuer_profile",
    "accreditation.issuer_jwks",
    "accreditation.issuer_key",
    "accreditation.achievement",
    "accreditation.achievement_image",
    "accreditation.status_list",
}


class NulCharacter(BadRequest):
    """A NUL character in the request: PostgreSQL cannot store one in text."""

    reason = "nul"


def csp_nonce() -> str:
    """A fresh nonce per response for the template's inline ``js-enabled`` script."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return str(g.csp_nonce)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    production = app.config["ENV"] == "production"

    @app.before_request
    def refuse_nul_bytes() -> None:
        # No page takes a NUL character, and PostgreSQL refuses it in text: answer 400
        # before it reaches a query, instead of a 500 from the database driver.
        # Multipart forms too (an upload form's other fields); a file's name is cleaned by
        # trainhub.uploads and its bytes are never text.
        values = [request.path, *request.args.values()]
        if request.method == "POST":
            values.extend(request.form.values())
        if any("\x00" in value for value in values):
            raise NulCharacter()

    @app.after_request
    def set_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{csp_nonce()}'; "
            "style-src 'self'; img-src 'self' data:; font-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        )
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        # Password-reset tokens travel in the path: never send them to another site.
        headers.setdefault("Referrer-Policy", "same-origin")
        if production:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        # Pages, JSON and downloads carry people's names, records and files: no browser or
        # proxy keeps a copy (a shared computer's back button, a council's caching proxy).
        # This replaces send_file's "no-cache".
        if request.endpoint not in _OWN_CACHING:
            headers["Cache-Control"] = "no-store"
        return response
