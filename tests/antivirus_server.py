"""A real ClamAV daemon (Debian's clamd) for the tests, with a signature database of their own.

The database holds one body signature for :data:`MARKER`, a harmless byte string made
up at run time: the repository holds no real virus signature and no test virus, and clamd
starts in a fraction of a second (no official database to load). Under pytest-xdist each
worker starts its own daemon, listening on a Unix socket in its own temporary folder.

A missing clamd fails loudly with how to install it; one that does not answer PING in
:data:`START_TIMEOUT` seconds fails with its own output.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from clamav_client.clamd import ClamdError, ClamdUnixSocket

from tests.postgres import worker_id

#: What the tests' database calls a virus: unique to this run, harmless anywhere else.
MARKER = b"trainhub-antivirus-test-marker-" + secrets.token_hex(12).encode()
#: The signature's name; clamd reports it with ".UNOFFICIAL" (not from ClamAV's databases).
SIGNATURE = "Trainhub.Test.Marker"
START_TIMEOUT = 60.0


def find_clamd() -> str:
    found = shutil.which("clamd") or shutil.which("clamd", path="/usr/sbin:/usr/local/sbin")
    if found is None:
        raise RuntimeError(
            "clamd (the ClamAV daemon) is not installed: the virus-scanning tests need it. "
            "Install it with `apt-get install -y clamav-daemon` (or `make install-test-system`)."
        )
    return found


def _answers_ping(socket_path: str) -> bool:
    try:
        return ClamdUnixSocket(socket_path, timeout=1).ping() == "PONG"
    except (ClamdError, OSError):
        return False


@contextmanager
def running_clamd() -> Iterator[str]:
    """Start clamd with the tests' database; yield its socket's path; stop it after."""
    clamd = find_clamd()
    base = Path(tempfile.mkdtemp(prefix=f"trainhub-clamd-{worker_id()}-"))
    socket_path = str(base / "clamd.sock")
    (base / "db").mkdir()
    # A body signature (.ndb): name, any file type (0), anywhere (*), the bytes in hex.
    (base / "db" / "trainhub-test.ndb").write_text(f"{SIGNATURE}:0:*:{MARKER.hex()}\n")
    config = base / "clamd.conf"
    config.write_text(
        f"LocalSocket {socket_path}\n"
        f"DatabaseDirectory {base / 'db'}\n"
        f"TemporaryDirectory {base}\n"
        "Foreground yes\n"
        # No "User": clamd runs as whoever starts it (root here needs no switch).
        "SelfCheck 0\n"
        "MaxThreads 2\n"
    )
    output = base / "clamd.out"
    with output.open("wb") as out:
        process = subprocess.Popen(
            [clamd, "--config-file", str(config)],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=base,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _answers_ping(socket_path):
            if process.poll() is not None or time.monotonic() > deadline:
                state = (
                    f"exited with {process.returncode}"
                    if process.returncode is not None
                    else f"did not answer PING in {START_TIMEOUT:g} s"
                )
                raise RuntimeError(f"clamd {state}:\n{output.read_text(errors='replace')}")
            time.sleep(0.05)
        yield socket_path
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(base, ignore_errors=True)
