"""Domain errors raised by services, and the HTTP error pages."""

from __future__ import annotations

import logging
import math
from typing import Any

from flask import Flask, render_template
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from trainhub import ratelimit
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
}


def register_error_handlers(app: Flask) -> None:
    """Render friendly pages for 400/403/404/405/413/429/500; roll back on 500."""

    def render(code: int, reason: str | None = None, **context: Any) -> tuple[str, int]:
        title = _TITLES.get(code, _TITLES[500])
        return (
            render_template("errors/error.html", code=code, title=title, reason=reason, **context),
            code,
        )

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        return render(400, "csrf")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int] | HTTPException:
        code = error.code or 500
        if code not in _TITLES:
            return error
        return render(code)

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

    @app.errorhandler(Exception)
    def server_error(error: Exception) -> tuple[str, int]:
        db.session.rollback()
        log.exception("Unhandled error", exc_info=error)
        return render(500)
