"""Jinja set-up: GOV.UK Frontend macros, the error summary, role navigation, date filters,
and the layout every page sits in, drawn once per language and navigation and kept
(``layout``: the header, navigation and footer cost a millisecond a page to draw)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from flask import Flask, current_app, request, url_for
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from govuk_frontend_wtf.main import WTFormsHelpers, wtforms_errors
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader, Template
from jinja2.runtime import Context
from jinja2.utils import missing
from markupsafe import Markup, escape
from wtforms import DateField

from trainhub import asset_urls
from trainhub.auth.roles import Role, sections
from trainhub.forms import find_field
from trainhub.security import csp_nonce


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


#: The service navigation: areas in order, each (label, pages); a page is (endpoint, label, who
#: sees it), who sees it being one of the sections ``trainhub.auth.roles.sections`` gives the
#: user. The top row shows each area the user may reach, linking to its first page they may
#: see; the area they are in lists its pages in a row beneath (when it has more than one).
#: The service's name in the header is the way home.
_AREAS: tuple[tuple[str, tuple[tuple[str, str, str], ...]], ...] = (
    (
        "Courses",
        (
            ("courses.catalogue", "Courses", "everyone"),
            ("courses.calendar", "Training calendar", "everyone"),
            ("courses.cohorts", "Cohorts", "cohorts"),
            ("courses.venues", "Venues", "venues"),
        ),
    ),
    (
        "My training",
        (
            ("courses.my_bookings", "My bookings", "signed_in"),
            ("accreditation.my_accreditation", "Accreditation", "signed_in"),
            ("auth.supervisees", "Supervisees", "supervisor"),
        ),
    ),
    ("Assessment", (("accreditation.assessment_queue", "Assessment", "assessment"),)),
    ("Reports", (("feedback.dashboard", "Reports", "reports"),)),
    (
        "Administration",
        (
            ("home.admin", "Administration", "administration"),
            ("history.hub", "History", "administration"),
        ),
    ),
    ("Your account", (("auth.account", "Your account", "signed_in"),)),
)
_NAVIGATION: tuple[tuple[str, str, str], ...] = tuple(
    page for _area, pages in _AREAS for page in pages
)
_AREA_OF = {endpoint: area for area, pages in _AREAS for endpoint, _label, _rule in pages}
_LABELS = {
    "Courses": _l("Courses"),
    "Training calendar": _l("Training calendar"),
    "My training": _l("My training"),
    "My bookings": _l("My bookings"),
    "Accreditation": _l("Accreditation"),
    "Assessment": _l("Assessment"),
    "Cohorts": _l("Cohorts"),
    "Supervisees": _l("Supervisees"),
    "Reports": _l("Reports"),
    "Venues": _l("Venues"),
    "History": _l("History"),
    "Administration": _l("Administration"),
    "Your account": _l("Your account"),
}


def area_of(label: str) -> str | None:
    """The area whose row beneath lists the page called ``label`` (English), if any."""
    for area, pages in _AREAS:
        if any(page_label == label for _endpoint, page_label, _rule in pages):
            return area
    return None


def _hrefs(app: Flask, root: str) -> dict[str, str]:
    """The navigation's addresses under the script root ``root`` (worked out once)."""
    known: dict[str, dict[str, str]] = app.extensions.setdefault(_HREFS, {})
    hrefs = known.get(root)
    if hrefs is None:
        hrefs = known[root] = {endpoint: url_for(endpoint) for endpoint, *_rest in _NAVIGATION}
    return hrefs


def _navigation_state(
    hrefs: dict[str, str], path: str, user: Any
) -> tuple[tuple[str, str, bool, bool], ...]:
    """The pages ``user`` sees on ``path``, as (endpoint, address, active, current)."""
    state = []
    shown = sections(user)
    for endpoint, _label, rule in _NAVIGATION:
        if rule not in shown:
            continue
        href = hrefs[endpoint]
        active = path == href or (href != "/" and path.startswith(href))
        state.append((endpoint, href, active, path == href))
    return tuple(state)


def _navigation_items(state: tuple[tuple[str, str, bool, bool], ...]) -> dict[str, Any]:
    """The top row (one item per area) and the row beneath for the area the page is in."""
    labels = {endpoint: label for endpoint, label, _rule in _NAVIGATION}
    by_area: dict[str, list[tuple[str, str, bool, bool]]] = {}
    for page in state:
        by_area.setdefault(_AREA_OF[page[0]], []).append(page)
    items, beneath, beneath_label = [], [], ""
    for area, pages in by_area.items():
        _endpoint, href, _active, _current = pages[0]
        active = any(page[2] for page in pages)
        label = area if len(pages) > 1 else labels[pages[0][0]]
        current = len(pages) == 1 and pages[0][3]
        items.append(
            {"text": str(_LABELS[label]), "href": href, "active": active, "current": current}
        )
        if active and len(pages) > 1:
            beneath_label = str(_LABELS[area])
            beneath = [
                {
                    "text": str(_LABELS[labels[endpoint]]),
                    "href": page_href,
                    "active": page_active,
                    "current": page_current,
                }
                for endpoint, page_href, page_active, page_current in pages
            ]
    return {"items": items, "beneath": beneath, "beneath_label": beneath_label}


def navigation() -> dict[str, Any]:
    """The service navigation for the signed-in user's roles: ``items`` (the top row),
    ``beneath`` and ``beneath_label`` (the pages of the area this page is in)."""
    hrefs = _hrefs(current_app, request.script_root)
    return _navigation_items(_navigation_state(hrefs, request.path, current_user))


# -- the layout, drawn once and kept ------------------------------------------------------------
#: A mark in the drawn layout where a request's own part goes: private-use characters, which
#: no template writes and escaping leaves alone.
_MARK = "\ue000"
_MARKS = re.compile(f"{_MARK}([a-z_]+){_MARK}")
_LAYOUTS = "trainhub.layouts"
_HREFS = "trainhub.navigation_hrefs"
#: Layouts kept per app, by language, signed in or not, and the navigation people see.
_LAYOUTS_KEPT = 512
#: What Werkzeug leaves unquoted in a query string (``werkzeug.urls._urlencode``).
_QUERY_SAFE = "!$'()*,/:;?@"


class _Marks:
    """``mark.title`` in the layout template writes the mark for "title"."""

    def __getattr__(self, name: str) -> Markup:
        return Markup(f"{_MARK}{name}{_MARK}")  # noqa: S704 (a constant mark)


@dataclass(frozen=True)
class _Drawn:
    """The layout drawn for one language, signed-in state and navigation: the text before
    the content and after it, each split at the marks, whose names are at odd indexes."""

    start: list[str]
    end: list[str]
    fields: frozenset[str]


@dataclass(frozen=True)
class Around:
    """What goes before and after a page's content."""

    start: Markup
    end: Markup


def _draw(lang: str, signed_in: bool, state: tuple[tuple[str, str, bool, bool], ...]) -> _Drawn:
    html = current_app.jinja_env.get_template("layout.html").render(
        lang=lang, signed_in=signed_in, nav=_navigation_items(state), mark=_Marks()
    )
    before, _content, after = html.partition(f"{_MARK}content{_MARK}")
    start, end = _MARKS.split(before), _MARKS.split(after)
    return _Drawn(start, end, frozenset(start[1::2] + end[1::2]))


def _fill(parts: list[str], values: Mapping[str, str]) -> Markup:
    out = parts[:]
    for index in range(1, len(out), 2):
        out[index] = values[out[index]]
    # The layout as Jinja drew it (escaped) and the values, each escaped or Markup already.
    return Markup("".join(out))  # noqa: S704


def _language_href(hrefs: dict[str, str], code: str, full_path: str) -> str:
    """``url_for("home.language", code=code, next=<this page>)``, the address found once."""
    base = hrefs.get(f"home.language:{code}")
    if base is None:
        base = hrefs[f"home.language:{code}"] = url_for("home.language", code=code)
    return f"{base}?{urlencode([('next', full_path.rstrip('?'))], safe=_QUERY_SAFE)}"


def layout(title: str | Markup, before_content: str | Markup) -> Around:
    """The page around this request's content: GOV.UK Frontend's template with the header,
    navigation and footer, drawn once per language, signed-in state, navigation (which
    items, which one is current) and versions of the files it names, and kept by the app;
    this request's title, back link, CSP nonce, sign-out CSRF token and way back from the
    language link put in."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    req = request._get_current_object()  # type: ignore[attr-defined]
    user = current_user._get_current_object()
    lang = str(get_locale())
    signed_in = bool(user.is_authenticated)
    hrefs = _hrefs(app, req.script_root)
    state = _navigation_state(hrefs, req.path, user)
    # The files' stamp too: a stylesheet or script changed on disk gets its new address.
    key = (lang, req.script_root, signed_in, state, asset_urls.stamp())
    kept: dict[Any, _Drawn] = app.extensions.setdefault(_LAYOUTS, {})
    drawn = kept.get(key)
    if drawn is None:
        drawn = _draw(lang, signed_in, state)
        if len(kept) >= _LAYOUTS_KEPT:
            kept.clear()
        kept[key] = drawn
    values = {
        "title": escape(title),
        "before_content": escape(before_content),
        "nonce": escape(csp_nonce()),
        "language_href": escape(
            _language_href(hrefs, "en" if lang == "cy" else "cy", req.full_path)
        ),
    }
    if "csrf_token" in drawn.fields:  # made only where the layout has the sign-out form
        values["csrf_token"] = escape(generate_csrf())
    return Around(_fill(drawn.start, values), _fill(drawn.end, values))


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

    def new_context(
        self,
        vars: dict[str, Any] | None = None,
        shared: bool = False,
        locals: Mapping[str, Any] | None = None,
    ) -> Context:
        """Jinja's context, with the globals copied as dictionaries rather than through the
        template's ``ChainMap``: ``dict(ChainMap)`` looks each of the forty-odd globals up
        in Python and fails over a ``KeyError`` for every one not the template's own,
        40 µs of every page. The same dictionary, in a thirtieth of the time."""
        maps = getattr(self.globals, "maps", None)
        if shared or maps is None or len(maps) != 2 or maps[1] is not self.environment.globals:
            return super().new_context(vars, shared, locals)
        parent = {**maps[1], **maps[0], **(vars or {})}
        for key, value in (locals or {}).items():
            if value is not missing:
                parent[key] = value
        return self.environment.context_class(
            self.environment, parent, self.name, self.blocks, globals=self.globals
        )


#: Macros every page may call without importing them: (template, names).
PAGE_MACROS: tuple[tuple[str, tuple[str, ...]], ...] = (
    *(
        (f"govuk_frontend_jinja/components/{component}/macro.html", (name,))
        for component, name in (
            ("notification-banner", "govukNotificationBanner"),
            ("error-summary", "govukErrorSummary"),
            ("back-link", "govukBackLink"),
            ("button", "govukButton"),
            ("summary-list", "govukSummaryList"),
            ("tag", "govukTag"),
            ("pagination", "govukPagination"),
            ("inset-text", "govukInsetText"),
            ("warning-text", "govukWarningText"),
            ("details", "govukDetails"),
            ("panel", "govukPanel"),
        )
    ),
    ("macros.html", ("flashes", "page_errors", "pager")),
)


class ImportedMacro:
    """A macro of another template, as ``{% from template import name %}`` gives it, found
    when it is called: a page's layout no longer imports fourteen macros it may not use."""

    def __init__(self, environment: Environment, template: str, name: str) -> None:
        self.environment, self.template, self.name = environment, template, name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        macro = getattr(self.environment.get_template(self.template).module, self.name)
        return macro(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<ImportedMacro {self.name} from {self.template}>"


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
        Role=Role,
        role_labels=choices.ROLES,
        sector_labels=choices.SECTORS,
        local_authority_labels=choices.LOCAL_AUTHORITIES,
        background_labels=choices.PROFESSIONAL_BACKGROUNDS,
        language_labels=choices.LANGUAGES,
        error_summary=error_summary,
        navigation=navigation,
        layout=layout,
        **{
            name: ImportedMacro(app.jinja_env, template, name)
            for template, names in PAGE_MACROS
            for name in names
        },
        get_locale=get_locale,
    )
    app.jinja_env.filters["date"] = _date
