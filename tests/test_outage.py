"""An outage that is handled: a database that hangs or is stopped costs a visitor the styled
"service unavailable" page with Retry-After, /healthz answers in time with the database's
state, and the log has one line per failed request.

Against a real PostgreSQL cluster of this module's own (never the session's shared one,
which other tests use): frozen with SIGSTOP, locked, and stopped with pg_ctl.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from tests.conftest import base_config, make_test_app
from tests.factories import make_user
from tests.helpers import login, wait_until
from tests.postgres import find_pg_bin, throwaway_cluster
from trainhub import create_app, database
from trainhub.extensions import db

#: The timeouts this module's app runs with (seconds): short, so the tests are quick.
TIMEOUTS = {
    "DATABASE_CONNECT_TIMEOUT": 2,
    "DATABASE_STATEMENT_TIMEOUT": 1,
    "DATABASE_POOL_TIMEOUT": 2,
    "HEALTH_CHECK_TIMEOUT": 1,
}
#: A generous bound on a busy machine for what the settings keep to 1 or 2 seconds.
BOUND = 5.0


class Cluster:
    """A running throwaway cluster, and the means to freeze, stop and start it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.base = Path(str(sa.make_url(url).query["host"]))
        self.data = self.base / "data"

    def pg_ctl(self, *args: str) -> None:
        run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        command = [*run_as, f"{find_pg_bin()}/pg_ctl", "-D", str(self.data), "-w", *args]
        # No pipes: a server it starts would hold them open, and us waiting on them.
        subprocess.run(
            command, check=True, cwd=self.base, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    def processes(self) -> list[int]:
        """The postmaster, then every process it started (backends, checkpointer…)."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # ended while we looked
            if int(fields[1]) == postmaster:
                children.append(int(stat.parent.name))
        return [postmaster, *children]

    @contextmanager
    def frozen(self) -> Iterator[None]:
        """The server accepts connections (the kernel does) and never answers."""
        stopped = []
        try:
            for pid in self.processes():
                try:
                    os.kill(pid, signal.SIGSTOP)
                except ProcessLookupError:
                    continue  # a backend that had just ended
                stopped.append(pid)
            yield
        finally:
            for pid in stopped:
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGCONT)

    @contextmanager
    def stopped(self) -> Iterator[None]:
        self.pg_ctl("-m", "fast", "stop")
        try:
            yield
        finally:
            # Started again with the options it had (postmaster.opts), logging where it did.
            self.pg_ctl("-l", str(self.base / "pg.log"), "restart")


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    if os.environ.get("TEST_DATABASE_URL"):
        pytest.skip(
            "needs a PostgreSQL cluster of its own to freeze and stop: unset TEST_DATABASE_URL"
        )
    with throwaway_cluster(tcp=False) as url:
        app = create_app(base_config(url))
        with app.app_context():
            upgrade()
            db.engine.dispose()
        yield Cluster(url)


@pytest.fixture
def outage_app(cluster: Cluster, tmp_path: Path) -> Iterator[Flask]:
    """An app on the module's cluster with short timeouts; its writes are committed, and
    its users removed afterwards."""
    app = make_test_app(cluster.url, UPLOAD_FOLDER=str(tmp_path), **TIMEOUTS)
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()
            with db.engine.begin() as connection:
                connection.exec_driver_sql("TRUNCATE users, user_sessions CASCADE")
            db.engine.dispose()


def signed_in_client(app: Flask):
    user = make_user(full_name="Ceri Outage")
    db.session.commit()
    client = login(app.test_client(), user)
    db.session.remove()  # the test holds no connection through the outage: the pool has it
    page = client.get("/account")
    assert page.status_code == 200 and "Ceri Outage" in page.get_data(as_text=True)
    return client


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def assert_styled_503(response) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    page = response.get_data(as_text=True)
    assert "govuk-template" in page and "Sorry, the service is unavailable" in page
    assert "cannot reach its records" in page
    assert "Ceri Outage" not in page  # drawn for a visitor: nothing asked of the database
    assert "Sign out" not in page


def outage_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """What the requests logged at WARNING or above, from any logger."""
    return [r for r in caplog.records if r.levelno >= logging.WARNING]


def assert_one_line_each(records: list[logging.LogRecord], requests: list[str]) -> None:
    assert len(records) == len(requests), [r.getMessage() for r in records]
    for record, path in zip(records, requests, strict=True):
        line = record.getMessage()
        assert record.exc_info is None and "\n" not in line
        assert line.startswith(f"GET {path} 503 ")


# The health check ----------------------------------------------------------------------------


def test_health_check_says_the_database_answers(outage_app: Flask):
    response = outage_app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_a_frozen_database_costs_the_health_check_a_second(outage_app: Flask, cluster: Cluster):
    client = outage_app.test_client()
    with cluster.frozen():
        response, took = timed(lambda: client.get("/healthz"))
        assert response.status_code == 503
        assert response.get_json() == {"status": "unavailable", "database": "timeout"}
        assert took < BOUND
        # The first question is still unanswered: the next check does not wait again.
        again, took_again = timed(lambda: client.get("/healthz"))
        assert again.get_json()["database"] == "timeout" and took_again < BOUND
    # Once the stuck question gives up (its connect timeout), the check answers again.
    wait_until(
        lambda: client.get("/healthz").get_json() == {"status": "ok", "database": "ok"},
        "healthy again",
    )


def test_a_stopped_database_is_unreachable_to_the_health_check(outage_app: Flask, cluster: Cluster):
    client = outage_app.test_client()
    with cluster.stopped():
        response, took = timed(lambda: client.get("/healthz"))
        assert response.status_code == 503
        assert response.get_json() == {"status": "unavailable", "database": "unreachable"}
        assert took < BOUND
    assert client.get("/healthz").status_code == 200


def test_a_database_refusing_writes_is_degraded_not_down(outage_app: Flask, cluster: Cluster):
    admin = sa.create_engine(cluster.url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(
                "ALTER DATABASE postgres SET default_transaction_read_only = on"
            )
        response = outage_app.test_client().get("/healthz")
        assert response.status_code == 200
        assert response.get_json() == {"status": "degraded", "database": "read-only"}
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(
                "ALTER DATABASE postgres RESET default_transaction_read_only"
            )
        admin.dispose()


# A signed-in person's pages --------------------------------------------------------------------


def test_a_stopped_database_gives_a_signed_in_person_the_styled_503(
    outage_app: Flask, cluster: Cluster, caplog: pytest.LogCaptureFixture
):
    client = signed_in_client(outage_app)
    paths = ["/account", "/courses", "/"]
    with cluster.stopped():
        caplog.clear()
        for path in paths:
            response, took = timed(lambda p=path: client.get(p))  # type: ignore[misc]
            assert_styled_503(response)
            assert took < BOUND
        assert_one_line_each(outage_lines(caplog), paths)
    assert client.get("/account").status_code == 200  # back as soon as the database is


def test_a_lock_held_for_ever_costs_a_signed_in_person_the_statement_timeout(
    outage_app: Flask, cluster: Cluster, caplog: pytest.LogCaptureFixture
):
    client = signed_in_client(outage_app)
    locker = sa.create_engine(cluster.url)
    try:
        with locker.connect() as connection:
            connection.exec_driver_sql("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
            caplog.clear()
            response, took = timed(lambda: client.get("/account"))
            assert_styled_503(response)
            # The setting, not luck: one second of statement timeout, then the page.
            assert TIMEOUTS["DATABASE_STATEMENT_TIMEOUT"] <= took < BOUND
            assert_one_line_each(outage_lines(caplog), ["/account"])
            assert "QueryCanceled" in caplog.records[-1].getMessage()
            # Which transaction held which lock: what a flaky timeout needs to be explained.
            holders = [r.getMessage() for r in caplog.records if r.name == "trainhub.database"]
            assert len(holders) == 1
            assert "users AccessExclusiveLock" in holders[0], holders
            # The health check asks nothing of the locked table: the database answers.
            assert outage_app.test_client().get("/healthz").status_code == 200
            connection.rollback()
    finally:
        locker.dispose()
    assert client.get("/account").status_code == 200


def test_a_frozen_database_gives_a_new_worker_the_styled_503_after_the_connect_timeout(
    outage_app: Flask, cluster: Cluster, caplog: pytest.LogCaptureFixture
):
    """A worker that connects while the server is frozen (one gunicorn has just started
    in place of another) waits DATABASE_CONNECT_TIMEOUT, not for ever. (A connection
    opened before the freeze waits for the server: see docs/deployment.md.)"""
    client = signed_in_client(outage_app)
    db.session.remove()
    db.engine.dispose()
    with cluster.frozen():
        caplog.clear()
        response, took = timed(lambda: client.get("/account"))
        assert_styled_503(response)
        assert TIMEOUTS["DATABASE_CONNECT_TIMEOUT"] <= took < BOUND + 2
        assert_one_line_each(outage_lines(caplog), ["/account"])
    wait_until(lambda: client.get("/account").status_code == 200, "serving again")


# A bug still has its traceback -----------------------------------------------------------------


@pytest.mark.own_app
@pytest.mark.once
def test_a_bug_logs_its_traceback_once(app: Flask, caplog: pytest.LogCaptureFixture):
    @app.get("/boom")
    def boom() -> str:
        return str(1 // 0)

    caplog.clear()
    response = app.test_client().get("/boom", headers={"X-Request-Id": "req-42"})
    assert response.status_code == 500
    records = outage_lines(caplog)
    assert len(records) == 1
    assert records[0].getMessage() == (
        "GET /boom [req-42] 500 ZeroDivisionError: integer division or modulo by zero"
    )
    assert records[0].exc_info is not None


# The settings ----------------------------------------------------------------------------------


def options(url: str, **settings: object) -> dict[str, object]:
    config = {"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": {}}
    return database.engine_options({**config, **_defaults(), **settings})


def _defaults() -> dict[str, object]:
    from trainhub.config import Config

    return {name: getattr(Config, name) for name in database.TIMEOUT_SETTINGS}


def test_postgresql_gets_the_connect_statement_and_pool_timeouts():
    got = options("postgresql+psycopg://trainhub@db/trainhub")
    assert got["connect_args"] == {
        "connect_timeout": 5,
        "options": "-c statement_timeout=30000 -c jit=off",
    }
    assert got["pool_timeout"] == 10


def test_what_is_set_already_is_kept():
    got = options(
        "postgresql+psycopg://trainhub@db/trainhub?connect_timeout=9&options=-c%20search_path%3Dx",
        SQLALCHEMY_ENGINE_OPTIONS={"pool_timeout": 3, "pool_pre_ping": True},
        DATABASE_STATEMENT_TIMEOUT=0.5,
    )
    assert got["connect_args"] == {
        "options": "-c search_path=x -c statement_timeout=500 -c jit=off"
    }
    assert got["pool_timeout"] == 3 and got["pool_pre_ping"] is True
    assert options("postgresql://x@db/t", DATABASE_STATEMENT_TIMEOUT=0)["connect_args"] == {
        "connect_timeout": 5,
        "options": "-c jit=off",
    }
    # A JIT setting given is kept.
    assert options("postgresql://x@db/t?options=-c%20jit%3Don")["connect_args"] == {
        "connect_timeout": 5,
        "options": "-c jit=on -c statement_timeout=30000",
    }


def test_sqlite_waits_for_a_lock_as_long_as_a_statement_may_run():
    got = options("sqlite:////tmp/trainhub.sqlite")
    assert got["connect_args"] == {"timeout": 30}
    assert "pool_timeout" not in got


@pytest.mark.parametrize("value", ["soon", -1, True, "inf"])
def test_a_timeout_that_is_not_a_number_of_seconds_stops_trainhub(value: object):
    with pytest.raises(RuntimeError, match="TRAINHUB_DATABASE_CONNECT_TIMEOUT"):
        options("sqlite://", DATABASE_CONNECT_TIMEOUT=value)
