"""trainhub's logging: its level, and one line for each failed request.

While the database is down every request fails the same way, and a traceback for each
(SQLAlchemy's run to a hundred lines, chained twice) buries everything else: an outage
writes one line per request (method, path, status, the error's class and message, the
proxy's request id), and only an error of ours, a bug, carries its traceback, once.
"""

from __future__ import annotations

import logging
import re

from flask import Flask, has_request_context, request
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool, QueuePool, SingletonThreadPool, StaticPool

from trainhub import database

log = logging.getLogger("trainhub.errors")

#: A request id as proxies send it (nginx's $request_id, a load balancer's trace id).
_REQUEST_ID = re.compile(r"[\w.:@/+=-]{1,128}")
#: The longest error message a log line carries.
MESSAGE_MAX = 300


def init_app(app: Flask) -> None:
    """The "trainhub" logger's level; the connection pool's outage errors on one line."""
    app.logger.setLevel(str(app.config["LOG_LEVEL"]).upper())
    for pool in (QueuePool, NullPool, SingletonThreadPool, StaticPool):
        pool_log = logging.getLogger(f"{pool.__module__}.{pool.__name__}")
        if not any(isinstance(f, _OutageOnOneLine) for f in pool_log.filters):
            pool_log.addFilter(_OutageOnOneLine())


def describe(error: BaseException) -> str:
    """The error's class and message on one line (the driver's error, not SQLAlchemy's
    wrapping of it, which adds the statement and a link)."""
    orig = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    message = " ".join(str(orig).split())
    if len(message) > MESSAGE_MAX:
        message = message[: MESSAGE_MAX - 1] + "…"
    return f"{type(orig).__name__}: {message}" if message else type(orig).__name__


def request_failed(status: int, error: BaseException, *, traceback: bool = False) -> None:
    """Log this request's failure on one line (with the traceback, for a bug)."""
    where = ""
    if has_request_context():
        where = f"{request.method} {request.path} "
        given = request.headers.get("X-Request-Id", "")
        if _REQUEST_ID.fullmatch(given):
            where = f"{where}[{given}] "
    line = f"{where}{status} {describe(error)}"
    if traceback:
        log.error("%s", line, exc_info=error)
    else:
        log.error("%s", line)


class _OutageOnOneLine(logging.Filter):
    """The pool's error about a connection it could not reset or close, on one line when
    the database is unreachable (the request's own line says the rest)."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is not None and database.unavailable(error):
            record.msg = f"{record.getMessage()}: {describe(error)}"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True
