"""Domain errors raised by services, and the HTTP error pages."""

from __future__ import annotations

import logging
import math
from typing import Any

from flask import Flask, g, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

from trainhub import database, logs, ratelimit
from trainhub.extensions import db

log = logging.getLogger(__name__)


class TrainhubError(Exception):
    """Base of every rule a service refuses to break."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class NotFound(TrainhubError):
    pass


class PermissionDenied(TrainhubError):
    pass


class ConflictError(TrainhubError):
    pass


class ValidationFailed(TrainhubError):
    """A rule about one field of the input; views put it back on ``form[field].errors``."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


_TITLES = {
    400: _l("Sorry, there is a problem with your request"),
    403: _l("You do not have permission to see this page"),
    404: _l("Page not found"),
    405: _l("Sorry, there is a problem with your request"),
    409: _l("Someone else changed this at the same moment"),
    413: _l("The file or form you sent is too large"),
    429: _l("Too many attempts from your network"),
    500: _l("Sorry, there is a problem with the service"),
    503: _l("Sorry, the service is unavailable"),
}

#: Titles for particular kinds of an error (the ``reason`` an exception carries).
_REASON_TITLES = {
    "file_missing": _l("This file cannot be found"),
    "csrf_http": _l("This service must be reached over HTTPS"),
}

#: The 503 page's reason when the database could not be reached or did not answer in time
#: (a refused write, read-only, is the page's plain 503).
DATABASE_UNREACHABLE = "database_unreachable"

#: How long a visitor is asked to wait when the database cannot take a write (seconds).
RETRY_AFTER_SECONDS = 60


def register_error_handlers(app: Flask) -> None:
    """Render friendly pages for 400/403/404/405/413/429/500; roll back on 500."""

    def render(
        code: int, reason: str | None = None, *, anonymous: bool = False, **context: Any
    ) -> tuple[str, int]:
        """The styled, translated page; it never needs the database to be drawn.

        :param anonymous: draw it for a visitor at once, asking nothing of the database
            (which is unavailable: even the signed-in user's name could wait for ever).
        """
        title = _REASON_TITLES.get(reason or "") or _TITLES.get(code, _TITLES[500])
        if anonymous:
            g._login_user = AnonymousUserMixin()
        try:
            page = render_template(
                "errors/error.html", code=code, title=title, reason=reason, **context
            )
        except SQLAlchemyError:
            # The layout asked who is signed in and the database did not answer: draw the
            # page for a visitor instead, which needs nothing from it.
            _forget_session_state()
            g._login_user = AnonymousUserMixin()
            page = render_template(
                "errors/error.html", code=code, title=title, reason=reason, **context
            )
        return page, code

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        # Over plain http the browser never sends back a Secure session cookie, so every
        # form fails its CSRF check: say so, instead of "the form had expired".
        if app.config.get("SESSION_COOKIE_SECURE") and not request.is_secure:
            return render(400, "csrf_http")
        return render(400, "csrf")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int] | HTTPException:
        code = error.code or 500
        if code not in _TITLES:
            return error
        return render(code, getattr(error, "reason", None))

    @app.errorhandler(429)
    def too_many_requests(error: HTTPException) -> ResponseReturnValue:
        # A per-IP limit is checked before the view runs: nothing was written.
        seconds = ratelimit.retry_after()
        page, code = render(429, minutes=math.ceil(seconds / 60))
        return page, code, {"Retry-After": str(seconds)}

    @app.errorhandler(IntegrityError)
    def write_conflict(error: IntegrityError) -> tuple[str, int]:
        # Two people saved the same unique thing at the same moment: the later one is told.
        db.session.rollback()
        log.warning("Write conflict: %s", error.orig)
        return render(409)

    @app.errorhandler(SQLAlchemyError)
    def database_error(error: SQLAlchemyError) -> ResponseReturnValue:
        if not database.unavailable(error):
            _forget_session_state()
            logs.request_failed(500, error, traceback=True)
            return render(500)
        # An outage, not a bug: one line in the log, and nothing was written (the
        # transaction is rolled back), so the visitor is asked to come back shortly.
        _forget_session_state(outage=True)
        logs.request_failed(503, error)
        reason = None if database.read_only(error) else DATABASE_UNREACHABLE
        page, code = render(503, reason, anonymous=True)
        return page, code, {"Retry-After": str(RETRY_AFTER_SECONDS)}

    @app.errorhandler(Exception)
    def server_error(error: Exception) -> tuple[str, int]:
        _forget_session_state()
        logs.request_failed(500, error, traceback=True)
        return render(500)


def _forget_session_state(*, outage: bool = False) -> None:
    """Roll back whatever the request had begun, even when the database is gone.

    :param outage: the database is unavailable, which the request's log line says already.
    """
    try:
        db.session.rollback()
    except SQLAlchemyError as error:
        if outage or database.unavailable(error):
            log.debug("Could not roll back after an error: %s", logs.describe(error))
        else:
            log.warning("Could not roll back after an error", exc_info=True)
        db.session.close()
