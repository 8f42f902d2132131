"""Jinja set-up: GOV.UK Frontend macros, the error summary, role navigation, date filters."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Flask, request, url_for
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.main import WTFormsHelpers, wtforms_errors
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader, Template
from jinja2.runtime import Context
from wtforms import DateField

from trainhub.forms import find_field


def error_summary(form: FlaskForm) -> dict[str, Any]:
    """Parameters for ``govukErrorSummary``, translated, linking date inputs to their day box."""
    params = wtforms_errors(form, {"titleText": _("There is a problem")})
    # Errors about the whole form come under an empty key (a link to "#"); the page lists
    # ``form.form_errors`` itself, so leave them out here rather than show them twice.
    params["errorList"] = [item for item in params["errorList"] if item["href"] != "#"]
    for item in params["errorList"]:
        field = find_field(form, item["href"].lstrip("#"))
        if isinstance(field, DateField):
            item["href"] += "-day"
    return params


def navigation() -> list[dict[str, Any]]:
    """The service navigation items for the signed-in user's roles."""
    items: list[tuple[str, str, bool]] = [
        (_("Courses"), url_for("courses.catalogue"), True),
        (_("Training calendar"), url_for("courses.calendar"), True),
    ]
    if current_user.is_authenticated:
        items.insert(0, (_("Home"), url_for("home.index"), True))
        items.append((_("My bookings"), url_for("courses.my_bookings"), True))
        items.append((_("Accreditation"), url_for("accreditation.my_accreditation"), True))
        items.append(
            (
                _("Assessment"),
                url_for("accreditation.assessment_queue"),
                current_user.has_role("assessor"),
            )
        )
        items.append(
            (
                _("Cohorts"),
                url_for("courses.cohorts"),
                current_user.has_role("trainer", "manager", "admin"),
            )
        )
        items.append(
            (_("Supervisees"), url_for("auth.supervisees"), current_user.has_supervisees())
        )
        items.append(
            (_("Reports"), url_for("feedback.dashboard"), current_user.has_role("manager"))
        )
        items.append((_("Venues"), url_for("courses.venues"), current_user.has_role("trainer")))
        items.append(
            (_("Administration"), url_for("home.admin"), current_user.has_role("admin", "manager"))
        )
        items.append((_("Your account"), url_for("auth.account"), True))
    path = request.path
    result = []
    for text, href, shown in items:
        if not shown:
            continue
        active = path == href or (href != "/" and path.startswith(href))
        result.append({"text": text, "href": href, "active": active, "current": path == href})
    return result


def _date(value: date | datetime | None, fmt: str = "long") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, "d MMMM yyyy, HH:mm" if fmt == "long" else fmt)
    # "long" is "October 6, 2026" in Babel's English: write dates the UK way, as datetimes are.
    return format_date(value, "d MMMM yyyy" if fmt == "long" else fmt)


class ImportingTemplate(Template):
    """A template whose ``{% from … import … %}`` costs a dictionary look-up.

    Jinja decides whether an imported template's cached module will do by subtracting the
    imported template's globals (a ``ChainMap``) from the importing context's, key by key in
    Python: a page imports some thirty GOV.UK macros, so that check alone was a sixth of the
    time spent rendering the catalogue. When every global of the importing context is an
    environment global (always so for ``render_template``), the answer is known: the cached
    module will do. Other cases go Jinja's own way.
    """

    def _get_default_module(self, ctx: Context | None = None) -> Any:
        if ctx is not None and ctx.globals_keys <= self.environment.globals.keys():
            ctx = None
        return super()._get_default_module(ctx)


def init_app(app: Flask) -> None:
    app.jinja_env.template_class = ImportingTemplate
    assert app.jinja_loader is not None
    app.jinja_loader = ChoiceLoader(
        [
            app.jinja_loader,
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    WTFormsHelpers(app)
    from trainhub.auth import choices

    app.jinja_env.globals.update(
        role_labels=choices.ROLES,
        sector_labels=choices.SECTORS,
        local_authority_labels=choices.LOCAL_AUTHORITIES,
        background_labels=choices.PROFESSIONAL_BACKGROUNDS,
        language_labels=choices.LANGUAGES,
        error_summary=error_summary,
        navigation=navigation,
        get_locale=get_locale,
    )
    app.jinja_env.filters["date"] = _date
