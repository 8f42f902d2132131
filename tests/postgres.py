"""A throwaway PostgreSQL cluster for the test session, started from the machine's server binaries.

initdb and pg_ctl refuse to run as root, so as root they run as the ``postgres``
system user (``runuser``). Missing binaries fail the session loudly: nothing is
skipped in silence.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


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


@contextmanager
def throwaway_cluster() -> Iterator[str]:
    """Start a cluster in a temporary folder; yield its SQLAlchemy URL; remove it after."""
    if os.environ.get("TEST_DATABASE_URL"):
        yield os.environ["TEST_DATABASE_URL"]
        return
    pg_bin = find_pg_bin()
    base = tempfile.mkdtemp(prefix="trainhub-pg-")
    run_as: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    data, port = os.path.join(base, "data"), _free_port()

    def run(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(run_as + list(args), capture_output=True, cwd=base, check=False)

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
    options = (
        f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    result = run(
        f"{pg_bin}/pg_ctl", "-D", data, "-l", f"{base}/pg.log", "-w", "-o", options, "start"
    )
    if result.returncode:
        log_file = Path(base) / "pg.log"
        log = log_file.read_text() if log_file.exists() else ""
        raise RuntimeError(f"pg_ctl start failed: {result.stderr.decode()}\n{log}")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        run(f"{pg_bin}/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)
