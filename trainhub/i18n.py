"""Locale selection (the visitor's choice, then the account's preference, then the browser)
and the message catalogue, found once per request."""

from __future__ import annotations

from typing import Any

import flask_babel
from babel import Locale
from babel.support import NullTranslations
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import get_locale, get_translations
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

#: Each language's ``Locale``, made once: Flask-Babel parses a code the selector returns
#: afresh for every request (and checks the disk for its data), but takes a Locale as it is.
_LOCALES: dict[str, Locale] = {}


def select_locale() -> Locale:
    """The request's language (see the module's docstring), as a ``Locale``."""
    code = _choose_language()
    locale = _LOCALES.get(code)
    if locale is None:
        locale = _LOCALES[code] = Locale.parse(code)
    return locale


def _choose_language() -> str:
    languages: tuple[str, ...] = current_app.config["LANGUAGES"]
    if not has_request_context():  # a command or a job: messages say their own locale
        return str(current_app.config["BABEL_DEFAULT_LOCALE"])
    chosen = session.get("lang")
    if chosen in languages:
        return str(chosen)
    if current_user and current_user.is_authenticated:
        preferred = current_user.preferred_language
        if preferred in languages:
            return str(preferred)
    best = request.accept_languages.best_match(languages)
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


def setting_in(setting: str, language: str) -> str:
    """A per-language setting's value in ``language`` (``TEAM_ACRONYM``, ``CERTIFICATE_ISSUER``:
    a dict by language code, or one string for every language)."""
    chosen: dict[str, str] | str = current_app.config[setting]
    if isinstance(chosen, str):  # one name for every language
        return chosen
    # A language left out (TRAINHUB_TEAM_ACRONYM__cy alone) falls back to English, then to
    # whatever is given: never an error on every page.
    return chosen.get(language) or chosen.get("en") or next(iter(chosen.values()), "")


def language_list(value: Any, known: tuple[str, ...] = ("en", "cy")) -> tuple[list[str], list[str]]:
    """A setting naming languages in order ("cy,en", or a list) read as the ``known`` codes it
    names, each once, and what else it names (a mistake ``flask config check`` reports)."""
    names = value.split(",") if isinstance(value, str) else list(value or ())
    chosen: list[str] = []
    unknown: list[str] = []
    for name in (str(n).strip().lower() for n in names):
        if name in known:
            if name not in chosen:
                chosen.append(name)
        elif name:
            unknown.append(name)
    return chosen, unknown


def _acronym(setting: str) -> str:
    locale = get_locale()
    return setting_in(setting, locale.language if locale is not None else "en")


def team_acronym() -> str:
    """What the teams are called in the message's language (``TEAM_ACRONYM``: IFST unless a
    partnership chooses, e.g. the Welsh regulations' ICiD)."""
    return _acronym("TEAM_ACRONYM")


def service_acronym() -> str:
    """What the service is called in the message's language (``SERVICE_ACRONYM``)."""
    return _acronym("SERVICE_ACRONYM")


def service_name() -> str:
    """The service's name in the visitor's language (``SERVICE_NAME``): the header's way
    home and the end of every page's title."""
    return _acronym("SERVICE_NAME")


#: The acronyms for messages made before a language is known (``_l(..., team=TEAM)``): a
#: value formatted into a lazy message is read only when the message is shown.
TEAM = LazyString(team_acronym)
SERVICE = LazyString(service_acronym)


def _known(state: Any, domain: object) -> NullTranslations | None:
    """The catalogue kept for this request, if its locale and domain are still current."""
    found = getattr(state, "trainhub_translations", None)
    if found is None or found[0] is not getattr(state, "babel_locale", None):
        return None
    return found[2] if found[1] is domain else None


class Domain(flask_babel.Domain):
    """Flask-Babel's message domain, finding a request's catalogue once.

    Flask-Babel finds the catalogue afresh for every message: three trips through ``g``
    and the locale's identifier built again. A page translates a hundred or more strings
    (a 400-person register translated its four attendance labels in each row), so that was
    a sixth or more of rendering. The catalogue found is kept beside the locale Flask-Babel
    keeps for the request and reused while that is still the same object: ``force_locale``
    (mail in the recipient's language) and ``refresh`` replace it, so they get theirs.
    """

    def get_translations(self) -> NullTranslations:
        try:
            state: Any = g.get("_flask_babel")
        except RuntimeError:  # outside an application context
            return super().get_translations()
        known = _known(state, self) if state is not None else None
        if known is not None:
            return known
        result = super().get_translations()
        state = g.get("_flask_babel")  # Flask-Babel has made it by now
        locale = getattr(state, "babel_locale", None)
        if locale is not None:
            state.trainhub_translations = (locale, self, result)
        return result


def translations() -> NullTranslations:
    """``flask_babel.get_translations()`` for templates, in one look-up when already known."""
    try:
        state: Any = g.get("_flask_babel")
    except RuntimeError:
        return get_translations()
    if state is not None:
        known = _known(state, getattr(state, "babel_domain", None))
        if known is not None:
            return known
    return get_translations()


#: Messages kept formatted per catalogue (a bound: templates may translate a variable).
_KEPT_MESSAGES = 4096


def _formatted(catalogue: NullTranslations) -> dict[tuple[str, bool], str] | None:
    """The messages of ``catalogue`` already looked up and formatted, by (msgid, escaped)."""
    try:
        kept: dict[tuple[str, bool], str] = catalogue.__dict__.setdefault("_trainhub_kept", {})
    except AttributeError:  # no instance dictionary: keep nothing
        return None
    return kept


@pass_context
def template_gettext(context: Context, string: str, **variables: Any) -> str:
    """Jinja's new-style ``gettext`` (``_`` too), without its three calls through the
    context: the message is always a format string, and Markup in an autoescaped template
    (the catalogue is trusted; the values put in are escaped).
    One without values to put in comes out the same every time, so each catalogue keeps
    it: a page translates dozens of labels and headings, 12 µs each before."""
    catalogue = translations()
    autoescape = bool(context.eval_ctx.autoescape)
    if variables or type(string) is not str:
        rv = catalogue.ugettext(string)
        return (Markup(rv) if autoescape else rv) % variables  # noqa: S704 (as Jinja's)
    kept = _formatted(catalogue)
    found = kept.get((string, autoescape)) if kept is not None else None
    if found is None:
        rv = catalogue.ugettext(string)
        found = (Markup(rv) if autoescape else rv) % {}  # noqa: S704 (as Jinja's)
        if kept is not None:
            if len(kept) >= _KEPT_MESSAGES:
                kept.clear()
            kept[(string, autoescape)] = found
    return found


@pass_context
def template_ngettext(
    context: Context, singular: str, plural: str, num: int, **variables: Any
) -> str:
    """Jinja's new-style ``ngettext``, without its calls through the context."""
    variables.setdefault("num", num)
    rv = translations().ungettext(singular, plural, num)
    if context.eval_ctx.autoescape:
        rv = Markup(rv)  # noqa: S704 (the catalogue is trusted, as in Jinja's own)
    return rv % variables


def install_template_gettext(app: Flask) -> None:
    """Templates translate through :func:`translations` (as Flask-Babel installs them)."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )
    # The same behaviour as the callables Jinja has just made of these, in fewer steps.
    app.jinja_env.globals.update(
        _=template_gettext,
        gettext=template_gettext,
        ngettext=template_ngettext,
        team_acronym=team_acronym,
        service_acronym=service_acronym,
        service_name=service_name,
    )
