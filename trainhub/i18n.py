"""Locale selection (the visitor's choice, then the account's preference, then the browser)
and the message catalogue, found once per request."""

from __future__ import annotations

from typing import Any

import flask_babel
from babel.support import NullTranslations
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import get_translations
from flask_login import current_user


def select_locale() -> str:
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


def install_template_gettext(app: Flask) -> None:
    """Templates translate through :func:`translations` (as Flask-Babel installs them)."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )
