"""When the database is slow or gone: the engine's timeouts, what counts as the database
being unavailable (not a bug of ours), and the probe behind ``/healthz``.

A database that refuses connections fails fast by itself; one that accepts them and then
never answers (a frozen server, a lock held for ever) would hold every request until
gunicorn kills the worker. So connecting and every statement have a limit of their own
(``DATABASE_CONNECT_TIMEOUT``, ``DATABASE_STATEMENT_TIMEOUT``), waiting for a pooled
connection too (``DATABASE_POOL_TIMEOUT``), and the health check waits for the database
on a thread of its own, for ``HEALTH_CHECK_TIMEOUT`` at most, whatever the database does.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import NullPool

from trainhub.extensions import db

log = logging.getLogger(__name__)

#: The timeout settings, in seconds (0: no limit, where the database allows it).
TIMEOUT_SETTINGS = (
    "DATABASE_CONNECT_TIMEOUT",
    "DATABASE_STATEMENT_TIMEOUT",
    "DATABASE_POOL_TIMEOUT",
    "HEALTH_CHECK_TIMEOUT",
)
#: libpq counts connect_timeout in whole seconds and takes 2 as its least.
LIBPQ_LEAST_CONNECT_TIMEOUT = 2

#: What the health check says of the database.
OK, READ_ONLY, TIMEOUT, UNREACHABLE, FAILED = "ok", "read-only", "timeout", "unreachable", "error"

_PROBE = "trainhub.health_probe"


def seconds(config: Mapping[str, Any], name: str) -> float:
    """A timeout setting as a number of seconds, refused at start if it is not one."""
    value = config[name]
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if isinstance(value, bool) or not number >= 0 or math.isinf(number):
        raise RuntimeError(
            f"trainhub cannot start: TRAINHUB_{name} must be a number of seconds "
            f"(0 or more), not {value!r}."
        )
    return number


def engine_options(config: Mapping[str, Any]) -> dict[str, Any]:
    """SQLALCHEMY_ENGINE_OPTIONS with the timeouts added; what is set already is kept
    (an engine option or connect argument given, a ``connect_timeout`` in the URL)."""
    for name in TIMEOUT_SETTINGS:
        seconds(config, name)
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    url = sa.make_url(config["SQLALCHEMY_DATABASE_URI"])
    options["connect_args"] = _timeouts(
        url,
        dict(options.get("connect_args") or {}),
        connect=seconds(config, "DATABASE_CONNECT_TIMEOUT"),
        statement=seconds(config, "DATABASE_STATEMENT_TIMEOUT"),
    )
    if url.get_backend_name() != "sqlite":  # SQLite's in-memory pools take no timeout
        options.setdefault("pool_timeout", seconds(config, "DATABASE_POOL_TIMEOUT"))
    return options


def _timeouts(
    url: sa.URL, args: dict[str, Any], *, connect: float, statement: float
) -> dict[str, Any]:
    """The driver's connect arguments with the connect and statement timeouts, and JIT
    compilation off on PostgreSQL."""
    backend = url.get_backend_name()
    if backend == "sqlite":
        # How long to wait for another connection's lock (Python's default is 5 seconds).
        if statement:
            args.setdefault("timeout", statement)
        return args
    if backend != "postgresql":
        return args
    if connect and "connect_timeout" not in url.query:
        args.setdefault("connect_timeout", max(LIBPQ_LEAST_CONNECT_TIMEOUT, math.ceil(connect)))
    given = str(args.get("options") or url.query.get("options") or "")
    # Startup options, so they hold for the whole session whatever is rolled back.
    options = given
    if statement and "statement_timeout" not in given:
        options += f" -c statement_timeout={math.ceil(statement * 1000)}"
    if "jit" not in given:
        # No JIT compilation: trainhub's statements are short, and its reports' (many
        # branches, a few hundred thousand rows) took longer to compile (a tenth of a
        # second and more) than compiling saved.
        options += " -c jit=off"
    if options != given:
        args["options"] = options.strip()
    return args


#: Who else is in a transaction on the database, and the locks each holds: logged when a
#: statement was cancelled by the statement timeout, since a wait for a lock is the likely
#: cause of a statement that is fast by itself.
_OTHERS_IN_TRANSACTION = sa.text(
    """
    SELECT a.pid, a.state, a.wait_event_type, a.wait_event, a.xact_start,
           left(a.query, 200) AS query,
           (SELECT string_agg(coalesce(l.relation::regclass::text, l.locktype)
                              || ' ' || l.mode || CASE WHEN l.granted THEN '' ELSE ' (waiting)' END,
                              ', ')
              FROM pg_locks l WHERE l.pid = a.pid) AS locks
      FROM pg_stat_activity a
     WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()
       AND a.xact_start IS NOT NULL
     ORDER BY a.xact_start
    """
)


def _log_lock_holders(context: sa.engine.ExceptionContext) -> None:
    """After PostgreSQL cancelled a statement for taking too long (SQLSTATE 57014), log the
    other transactions on the database and their locks, on a connection of its own."""
    if context.dialect.name != "postgresql" or context.engine is None:
        return
    if getattr(context.original_exception, "sqlstate", None) != "57014":
        return
    try:
        with context.engine.connect() as connection:
            rows = connection.execute(_OTHERS_IN_TRANSACTION).mappings().all()
    except Exception:
        log.info("A statement timed out; could not list the transactions holding locks")
        return
    # INFO: the request's own failure is its one WARNING line; this says why.
    log.info(
        "A statement timed out (%s). Other transactions open on the database: %s",
        (context.statement or "")[:200],
        "; ".join(str(dict(row)) for row in rows) or "none",
    )


sa.event.listen(sa.Engine, "handle_error", _log_lock_holders)


def unavailable(error: BaseException) -> bool:
    """Whether the database could not be reached, did not answer in time or refused to
    write: an outage to wait out, not a bug of ours. Takes SQLAlchemy's errors and the
    driver's own (which the connection pool logs).

    OperationalError covers a lost or refused connection, a timeout, a locked or
    read-only SQLite file and a server shutting down; PostgreSQL answers a write in a
    read-only transaction (a standby, or ``default_transaction_read_only``) with SQLSTATE
    25006, a disk full with 53100.
    """
    if isinstance(error, OperationalError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated
    ):
        return True
    orig = error.orig if isinstance(error, DBAPIError) else error
    if any(kind.__name__ == "OperationalError" for kind in type(orig).__mro__):
        return True  # the driver's own (psycopg's, sqlite3's), as the pool logs it
    sqlstate = getattr(orig, "sqlstate", None) or ""
    return sqlstate == "25006" or sqlstate.startswith(("08", "53", "57"))


def timed_out(error: BaseException) -> bool:
    """Whether the database did not answer in time (connecting or running a statement)."""
    orig = error.orig if isinstance(error, DBAPIError) else error
    if type(orig).__name__ in ("ConnectionTimeout", "QueryCanceled"):
        return True
    text = str(orig).lower()
    return "timeout expired" in text or "timed out" in text or "database is locked" in text


def read_only(error: BaseException) -> bool:
    """Whether the database refused a write (a standby, a read-only file, a full disk)."""
    orig = error.orig if isinstance(error, DBAPIError) else error
    sqlstate = getattr(orig, "sqlstate", None) or ""
    return sqlstate == "25006" or sqlstate.startswith("53") or "readonly" in str(orig).lower()


# The health check ------------------------------------------------------------------------------


class HealthProbe:
    """Asks the database one short question on a thread of its own, so that the health
    check answers in time whatever the database does. At most one question is in flight
    per process: while one is still waiting, the answer is "timeout" at once.

    Its own engine, without a pool: every probe is a fresh connection, as a new worker's
    would be, with a statement timeout of the health check's own.
    """

    def __init__(self, url: sa.URL, timeout: float) -> None:
        self.timeout = timeout
        self.postgresql = url.get_backend_name() == "postgresql"
        connect_args = _timeouts(url, {}, connect=timeout, statement=timeout)
        self.engine = sa.create_engine(url, poolclass=NullPool, connect_args=connect_args)
        self._lock = threading.Lock()
        self._waiting: threading.Thread | None = None

    def state(self) -> str:
        """ok, read-only, timeout, unreachable or error."""
        answer: list[str] = []
        with self._lock:
            if self._waiting is not None and self._waiting.is_alive():
                return TIMEOUT  # the last question is still unanswered
            thread = threading.Thread(
                target=self._ask, args=(answer,), name="trainhub-health", daemon=True
            )
            self._waiting = thread
            thread.start()
        thread.join(self.timeout)
        return answer[0] if answer else TIMEOUT

    def _ask(self, answer: list[str]) -> None:
        try:
            with self.engine.connect() as connection:
                if self.postgresql:
                    setting = "SELECT current_setting('transaction_read_only')"
                    writable = connection.exec_driver_sql(setting).scalar() == "off"
                else:
                    writable = connection.exec_driver_sql("PRAGMA query_only").scalar() == 0
            answer.append(OK if writable else READ_ONLY)
        except DBAPIError as error:
            answer.append(TIMEOUT if timed_out(error) else UNREACHABLE)
        except Exception:
            log.exception("The health check's question to the database failed")
            answer.append(FAILED)


def init_app(app: Flask) -> None:
    """Add the timeouts to the engine options (call it before ``db.init_app``)."""
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)


def database_state(app: Flask) -> str:
    """What the health check says of the database: ok, read-only, timeout, unreachable."""
    probe: HealthProbe | None = app.extensions.get(_PROBE)
    if probe is None:
        # Engine.engine is the engine itself; a Connection standing in for it (the
        # tests' rolled-back transaction) gives its engine.
        url = db.engine.engine.url
        probe = HealthProbe(url, seconds(app.config, "HEALTH_CHECK_TIMEOUT"))
        app.extensions[_PROBE] = probe
    return probe.state()
