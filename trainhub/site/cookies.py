"""The cookies trainhub sets, read from the settings that name them, for the cookies page.

trainhub sets one cookie: Flask's session cookie, which holds the sign-in token, the language
a visitor chose, the CSRF token of the forms and the messages still to show. Flask-Login's
remember-me cookie is never set (``trainhub.auth.views.load_user``). A test signs in and
switches language and checks every cookie it receives is listed here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: str
    expires: str


def cookies_set(config: Mapping[str, Any]) -> list[Cookie]:
    """Every cookie the app sets, under the name the settings give it."""
    return [
        Cookie(
            name=str(config.get("SESSION_COOKIE_NAME") or "session"),
            purpose=str(
                _l(
                    "Keeps you signed in, remembers the language you chose, and protects the "
                    "forms you fill in from being sent by another website"
                )
            ),
            expires=str(_l("When you close your browser")),
        )
    ]
