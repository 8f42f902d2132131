"""Locale selection: the visitor's choice, then the account's preference, then the browser."""

from __future__ import annotations

from flask import current_app, has_request_context, request, session
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
