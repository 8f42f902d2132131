"""The pages every public service has (privacy notice, accessibility statement, cookies, help
and contact) and the glossary of the framework's terms, open to everyone, and their
administrators' editing."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, Response, current_app, g, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from trainhub.auth.permissions import public, role_required
from trainhub.auth.roles import Role
from trainhub.boundary import act, form_page, load
from trainhub.site import glossary, queries, services
from trainhub.site.cookies import cookies_set
from trainhub.site.forms import (
    GlossaryTermForm,
    GlossaryTermRemoveForm,
    SitePageForm,
    SitePageResetForm,
)
from trainhub.site.models import PAGE_KEYS, GlossaryTerm
from trainhub.site.permissions import (
    can_edit_glossary,
    can_edit_glossary_term,
    can_edit_site_page,
    can_edit_site_pages,
    sees_missing_welsh,
)

bp = Blueprint("site", __name__)


def _show(key: str) -> ResponseReturnValue:
    page = services.shown(key, str(get_locale()), queries.page_row(key))
    return render_template(
        "site/page.html",
        page=page,
        can_edit=can_edit_site_pages(current_user),
        cookies=cookies_set(current_app.config) if key == "cookies" else None,
    )


@bp.get("/privacy")
@public
def privacy() -> ResponseReturnValue:
    return _show("privacy")


@bp.get("/accessibility")
@public
def accessibility() -> ResponseReturnValue:
    return _show("accessibility")


@bp.get("/cookies")
@public
def cookies() -> ResponseReturnValue:
    return _show("cookies")


#: What search engines may index: the public course list, calendar and levels, nothing of a
#: person's (accounts, bookings, shared badges, certificates' checks).
ROBOTS = """User-agent: *
Allow: /$
Allow: /courses
Allow: /calendar
Allow: /accreditation$
Allow: /privacy
Allow: /accessibility
Allow: /help
Allow: /glossary
Disallow: /
"""


@bp.get("/robots.txt")
@public
def robots() -> ResponseReturnValue:
    return Response(ROBOTS, mimetype="text/plain")


@bp.get("/favicon.ico")
@public
def favicon() -> ResponseReturnValue:
    """Browsers ask for /favicon.ico whatever a page links to: the service's own icon."""
    return redirect(url_for("static", filename="favicon.svg"))


@bp.get("/help", endpoint="help")
@public
def help_page() -> ResponseReturnValue:
    return _show("help")


# Administration ---------------------------------------------------------------------------------


def _known_page(key: str) -> str | None:
    return key if key in PAGE_KEYS else None


@bp.get("/admin/site-pages")
@role_required(Role.ADMIN)
def admin_pages() -> ResponseReturnValue:
    rows = queries.page_rows()
    lang = str(get_locale())
    pages = [services.shown(key, lang, rows.get(key)) for key in PAGE_KEYS]
    return render_template("site/admin_pages.html", pages=pages)


@bp.route("/admin/site-pages/<key>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
@load("key", _known_page, can=can_edit_site_page, arg="key")
def admin_page_edit(key: str) -> ResponseReturnValue:
    row = queries.page_row(key)
    form = SitePageForm(data=services.texts_to_edit(key, row))
    page = services.shown(key, str(get_locale()), row)
    if form.validate_on_submit() and act(
        lambda: services.save_page(
            current_user, key, {field: form[field].data for field in services.FIELDS}
        ),
        form,
        success=_("“%(title)s” saved.", title=page.title),
    ):
        return redirect(url_for("site.admin_pages"))
    return form_page("site/admin_page_edit.html", form, page=page)


@bp.route("/admin/site-pages/<key>/reset", methods=["GET", "POST"])
@role_required(Role.ADMIN)
@load("key", _known_page, can=can_edit_site_page, arg="key")
def admin_page_reset(key: str) -> ResponseReturnValue:
    form = SitePageResetForm()
    page = services.shown(key, str(get_locale()), queries.page_row(key))
    if form.validate_on_submit() and act(
        lambda: services.reset_page(current_user, key),
        form,
        success=_("“%(title)s” shows the default text again.", title=page.title),
    ):
        return redirect(url_for("site.admin_page_edit", key=key))
    return form_page("site/admin_page_reset.html", form, page=page)


# The glossary -----------------------------------------------------------------------------------


@bp.app_template_global("glossary_term")
def glossary_term(slug: str) -> glossary.ShownTerm | None:
    """The term ``slug`` in the visitor's language, for pages that explain a short form
    (``templates/site/_glossary.html``): every term is read once per request, in one query."""
    lang = str(get_locale())
    found: dict[str, glossary.ShownTerm] | None = g.get("glossary_terms")
    if found is None or g.get("glossary_lang") != lang:
        found = {term.slug: term for term in glossary.glossary(lang)}
        g.glossary_terms, g.glossary_lang = found, lang
    return found.get(slug)


@bp.get("/glossary")
@public
def glossary_page() -> ResponseReturnValue:
    return render_template(
        "site/glossary.html",
        terms=glossary.glossary(str(get_locale())),
        staff=sees_missing_welsh(current_user),
        can_edit=can_edit_glossary(current_user),
    )


@bp.get("/admin/glossary")
@role_required(Role.ADMIN)
def admin_glossary() -> ResponseReturnValue:
    return render_template("site/admin_glossary.html", terms=glossary.glossary(str(get_locale())))


@bp.route("/admin/glossary/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def admin_glossary_new() -> ResponseReturnValue:
    form = GlossaryTermForm()
    if form.validate_on_submit() and act(
        lambda: glossary.save_term(current_user, None, _term_input(form)),
        form,
        success=lambda term: _("“%(term)s” added to the glossary.", term=term.term_en),
    ):
        return redirect(url_for("site.admin_glossary"))
    return form_page("site/admin_glossary_edit.html", form, term=None)


@bp.route("/admin/glossary/<int:term_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
@load("term", glossary.term_by_id, can=can_edit_glossary_term)
def admin_glossary_edit(term: GlossaryTerm) -> ResponseReturnValue:
    form = GlossaryTermForm(data=asdict(glossary.TermInput.of(term)))
    if form.validate_on_submit() and act(
        lambda: glossary.save_term(current_user, term, _term_input(form)),
        form,
        success=lambda saved: _("“%(term)s” saved.", term=saved.term_en),
    ):
        return redirect(url_for("site.admin_glossary"))
    return form_page("site/admin_glossary_edit.html", form, term=term)


@bp.route("/admin/glossary/<int:term_id>/remove", methods=["GET", "POST"])
@role_required(Role.ADMIN)
@load("term", glossary.term_by_id, can=can_edit_glossary_term)
def admin_glossary_remove(term: GlossaryTerm) -> ResponseReturnValue:
    form = GlossaryTermRemoveForm()
    if form.validate_on_submit() and act(
        lambda: glossary.remove_term(current_user, term),
        form,
        success=lambda name: _("“%(term)s” removed from the glossary.", term=name),
    ):
        return redirect(url_for("site.admin_glossary"))
    return form_page("site/admin_glossary_remove.html", form, term=term)


def _term_input(form: GlossaryTermForm) -> glossary.TermInput:
    return glossary.TermInput(**{field: form[field].data or "" for field in glossary.FIELDS})
