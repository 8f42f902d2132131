"""Per-IP rate limits on the pages used to guess: sign-in, registration, password reset,
certificate codes and calendar-feed tokens, and on the upload forms (Flask-Limiter).

Each limit is a setting (``RATELIMIT_SIGN_IN`` …) read at every request, so an operator
changes it with ``TRAINHUB_RATELIMIT_SIGN_IN``. The counts live in ``RATELIMIT_STORAGE_URI``.
A limit is checked before its view runs: a 429 has written nothing.

There is one :data:`limiter` (the views' decorators are bound to it), and each
``init_app`` gives it that app's storage, fresh, and ``RATELIMIT_ENABLED``: one app per
process, as gunicorn runs it. Where a process builds several (tests), the app initialised
last decides those two; the limits are still read from the config of the app asked.
"""

from __future__ import annotations

import math
import time

from flask import Flask, current_app
from flask_limiter import Limiter, RouteLimit
from flask_limiter.util import get_remote_address
from limits import parse_many

#: The settings that hold a limit, checked when the app starts.
LIMIT_SETTINGS = (
    "RATELIMIT_SIGN_IN",
    "RATELIMIT_REGISTER",
    "RATELIMIT_PASSWORD_FORGOTTEN",
    "RATELIMIT_PASSWORD_RESET",
    "RATELIMIT_CERTIFICATE_VERIFY",
    "RATELIMIT_CALENDAR_FEED",
    "RATELIMIT_UPLOAD",
)

limiter = Limiter(
    get_remote_address,  # the client's IP; behind a proxy only with PROXY_FIX_X_FOR set
    key_prefix="trainhub",  # a Redis or memcached shared with other services
    # If the shared storage is down, count in this process rather than refuse to sign anyone in.
    in_memory_fallback_enabled=True,
)


def limit(setting: str, *, methods: list[str] | None = None) -> RouteLimit:
    """Decorate a view with the per-IP limit held in the ``setting`` config key."""
    return limiter.limit(lambda: current_app.config[setting] or "", methods=methods)


def shared_limit(setting: str, scope: str) -> RouteLimit:
    """One per-IP count for every view decorated with it (``scope`` names the count)."""
    return limiter.shared_limit(lambda: current_app.config[setting] or "", scope=scope)


def init_app(app: Flask) -> None:
    """Check every limit setting, then give the limiter this app's settings and storage."""
    for setting in LIMIT_SETTINGS:
        value = app.config.get(setting)
        if not value:
            continue
        try:
            parse_many(value)
        except ValueError as error:
            # Flask-Limiter would only log a bad limit at each request, and not limit at all.
            raise RuntimeError(
                f"TRAINHUB_{setting} is not a rate limit: {value!r} "
                '(write e.g. "10 per minute;100 per hour", or nothing for no limit)'
            ) from error
    limiter.init_app(app)


def retry_after() -> int:
    """Seconds until the limit that this request broke lets the client try again."""
    broken = limiter.current_limit
    if broken is None:
        return 60
    return max(1, math.ceil(broken.window.reset_time - time.time()))
