"""A throwaway PostgreSQL cluster for the test session, started from the machine's server binaries.

initdb and pg_ctl refuse to run as root, so as root they run as the ``postgres``
system user (``runuser``). Missing binaries fail the session loudly: nothing is
skipped in silence.

Under pytest-xdist every worker starts a cluster of its own. The test suite's cluster
listens only on a Unix socket in its own temporary folder, on no TCP port, so two workers
(or two runs) can never pick the same address. Asked for TCP (the benchmarks), it takes a
free port and tries another if someone else binds that one first.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

#: Without TCP the port only names the socket file (``.s.PGSQL.5432``) in the cluster's folder.
SOCKET_PORT = 5432
#: Attempts at a free TCP port (another process may bind it between our look and the start).
PORT_ATTEMPTS = 5


def find_pg_bin() -> str:
    explicit = os.environ.get("PG_BIN")
    if explicit:
        return explicit
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    for candidate in reversed(candidates):
        if os.path.exists(os.path.join(candidate, "initdb")):
            return candidate
    raise RuntimeError(
        "PostgreSQL server binaries not found (looked for /usr/lib/postgresql/*/bin/initdb). "
        "Install them with `apt-get install -y postgresql`, or set PG_BIN, or point "
        "TEST_DATABASE_URL at a PostgreSQL database the tests may empty."
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def worker_id() -> str:
    """pytest-xdist's name for this process (``gw0``, ``gw1``…), or ``main`` without xdist."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@contextmanager
def throwaway_cluster(*, tcp: bool = True) -> Iterator[str]:
    """Start a cluster in a temporary folder; yield its SQLAlchemy URL; remove it after.

    :param tcp: listen on a free port of 127.0.0.1 too; without it, only on the Unix socket.
    """
    if os.environ.get("TEST_DATABASE_URL"):
        with _worker_database(os.environ["TEST_DATABASE_URL"]) as url:
            yield url
        return
    pg_bin = find_pg_bin()
    base = tempfile.mkdtemp(prefix=f"trainhub-pg-{worker_id()}-")
    run_as: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    data, log_file = os.path.join(base, "data"), Path(base) / "pg.log"

    def run(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(run_as + list(args), capture_output=True, cwd=base, check=False)

    def start(port: int, listen: str) -> subprocess.CompletedProcess[bytes]:
        options = (
            f"-p {port} -k {base} -c listen_addresses='{listen}' -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        return run(
            f"{pg_bin}/pg_ctl", "-D", data, "-l", str(log_file), "-w", "-o", options, "start"
        )

    try:
        result = run(
            f"{pg_bin}/initdb",
            "-D",
            data,
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        if result.returncode:
            raise RuntimeError(f"initdb failed: {result.stderr.decode()}")
        if tcp:
            for _attempt in range(PORT_ATTEMPTS):
                port = _free_port()
                result = start(port, "127.0.0.1")
                log = log_file.read_text() if log_file.exists() else ""
                if not (result.returncode and "could not bind" in log):
                    break
            url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
        else:
            result = start(SOCKET_PORT, "")
            url = f"postgresql+psycopg://postgres@/postgres?host={base}&port={SOCKET_PORT}"
        if result.returncode:
            log = log_file.read_text() if log_file.exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {result.stderr.decode()}\n{log}")
        try:
            yield url
        finally:
            run(f"{pg_bin}/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(base, ignore_errors=True)


@contextmanager
def _worker_database(url: str) -> Iterator[str]:
    """The database TEST_DATABASE_URL names, or under xdist a fresh one per worker beside it.

    Two workers emptying the same tables would wipe each other's rows, so each worker
    creates ``<database>_<worker>`` (the role needs CREATEDB) and drops it afterwards.
    """
    worker = worker_id()
    if worker == "main":
        yield url
        return
    given = sa.make_url(url)
    name = f"{given.database or 'postgres'}_{worker}"
    if not re.fullmatch(r"\w+", name):
        raise RuntimeError(f"cannot derive a per-worker database name from {url!r}")
    admin = sa.create_engine(given, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.DBAPIError as error:
        admin.dispose()
        raise RuntimeError(
            f"TEST_DATABASE_URL under pytest-xdist: could not create the worker database "
            f"{name!r} ({error.orig}). Give the role CREATEDB, or run with `-n 0`."
        ) from error
    try:
        yield given.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
