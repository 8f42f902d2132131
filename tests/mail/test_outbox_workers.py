"""Several `flask mail worker` processes share one outbox and still send each message once
(``SELECT … FOR UPDATE SKIP LOCKED``, a commit per message). PostgreSQL only: SQLite has no
row locks, so two workers there could both send a message; run a single worker on SQLite.

The workers are real OS processes, forked from multiprocessing's fork server (a clean process
that imports trainhub once, so no connection of the test's is inherited): each builds its own
app, engine and connections from the same config, as separate machines would. Their transport writes one line per attempt to a shared file opened with O_APPEND (one ``write``
per line, so lines from different processes never interleave) and sleeps a little, so the
workers really overlap. The test builds its own app on the session's PostgreSQL cluster, so
it runs once, and empties the tables itself afterwards.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests.conftest import base_config
from trainhub import create_app
from trainhub.extensions import db, utcnow
from trainhub.mail.models import OutboxMessage
from trainhub.mail.services import backoff, queue_mail
from trainhub.mail.worker import deliver_due

#: One pytest-xdist worker runs both tests: one PostgreSQL cluster and one fork server, and
#: never eight mail workers at once on a small machine.
pytestmark = pytest.mark.xdist_group("outbox_workers")

WORKERS = 4
MESSAGES = 300
#: Enough for the failing worker to fail a dozen or so.
MESSAGES_WITH_FAILURES = 120
#: Long enough that every worker holds a message while the others claim theirs.
SEND_SECONDS = 0.01
#: Generous: a worker that hangs fails the test instead of blocking the session.
TIMEOUT = 60

#: Imported by create_app: loaded once in the fork server rather than in every worker.
PRELOAD = ["trainhub.accreditation", "trainhub.feedback", "trainhub.home", "trainhub.cli"]

MESSAGE_ID = re.compile(r"outbox-(\d+)@")


@dataclass(frozen=True)
class Attempt:
    """One line of the shared log: which run, which worker, which message, what happened."""

    run: int
    worker: int
    outbox_id: int
    outcome: str  # "sent" or "failed"


class RecordingTransport:
    """Records each attempt in the shared file; fails the even ids when ``fail_even``."""

    def __init__(self, log_path: str, run: int, worker: int, fail_even: bool) -> None:
        self.log_path, self.run, self.worker, self.fail_even = log_path, run, worker, fail_even

    def __call__(self, message: EmailMessage) -> None:
        match = MESSAGE_ID.search(str(message["Message-ID"]))
        assert match is not None, message["Message-ID"]
        outbox_id = int(match.group(1))
        time.sleep(SEND_SECONDS)
        failed = self.fail_even and outbox_id % 2 == 0
        self._record(outbox_id, "failed" if failed else "sent")
        if failed:
            raise ConnectionRefusedError("this worker's SMTP relay is down")

    def _record(self, outbox_id: int, outcome: str) -> None:
        line = f"{self.run} {self.worker} {outbox_id} {outcome}\n".encode()
        fd = os.open(self.log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)


def run_worker(
    config: dict[str, Any],
    log_path: str,
    worker: int,
    barrier: Any,
    runs: Sequence[timedelta | None],
    failing_worker: int | None,
) -> None:
    """A worker process: its own app; for each run, deliver until nothing is due.

    ``runs`` gives each run's clock: ``None`` is now, a timedelta is that long after now
    (past the back-off). The barrier lines up the start and the end of every run with the
    test process, which looks at the outbox between runs.
    """
    try:
        app = create_app(config)
        with app.app_context():
            db.session.execute(select(1))  # connected before the start, so all start together
            db.session.rollback()
            for run, ahead in enumerate(runs):
                transport = RecordingTransport(
                    log_path, run, worker, fail_even=run == 0 and worker == failing_worker
                )
                barrier.wait(TIMEOUT)
                now = None if ahead is None else utcnow() + ahead
                while True:  # what `flask mail worker` does, without the pause between passes
                    report = deliver_due(transport, now=now)
                    if not (report.sent or report.failed):
                        break
                barrier.wait(TIMEOUT)
            db.session.remove()
            db.engine.dispose()
    except BaseException:
        barrier.abort()  # the test process stops waiting at once and reports the exit codes
        raise


class Workers:
    """Start the worker processes and step through their runs in lock-step with them."""

    def __init__(
        self,
        config: dict[str, Any],
        log_path: Path,
        runs: Sequence[timedelta | None],
        failing_worker: int | None = None,
    ) -> None:
        context = multiprocessing.get_context("forkserver")
        # The fork server imports trainhub once (with what create_app imports); each worker is
        # forked from it, not from this process, so it inherits no connection, and then
        # builds its own app.
        context.set_forkserver_preload([__name__, *PRELOAD])
        self.log_path = log_path
        self.barrier = context.Barrier(WORKERS + 1)
        self.processes = [
            context.Process(
                target=run_worker,
                args=(config, str(log_path), n, self.barrier, list(runs), failing_worker),
                name=f"mail-worker-{n}",
            )
            for n in range(WORKERS)
        ]

    def __enter__(self) -> Workers:
        for process in self.processes:
            process.start()
        return self

    def run(self) -> list[Attempt]:
        """Let the workers do one run; return every attempt logged so far."""
        self._step()  # all connected: go
        self._step()  # all found nothing left to do
        return attempts(self.log_path)

    def _step(self) -> None:
        try:
            self.barrier.wait(TIMEOUT)
        except threading.BrokenBarrierError:
            for process in self.processes:
                process.join(5)
            exit_codes = [p.exitcode for p in self.processes]
            raise AssertionError(f"a worker never got here; exit codes {exit_codes}") from None

    def __exit__(self, *exc_info: object) -> None:
        if exc_info[0] is not None:
            self.barrier.abort()  # the workers waiting for the next step give up at once
        for process in self.processes:
            process.join(TIMEOUT if exc_info[0] is None else 1)
        for process in self.processes:
            if process.is_alive():
                process.terminate()
                process.join()
        if exc_info[0] is None:
            assert [p.exitcode for p in self.processes] == [0] * WORKERS


def attempts(log_path: Path) -> list[Attempt]:
    if not log_path.exists():
        return []
    result = []
    for line in log_path.read_text().splitlines():
        run, worker, outbox_id, outcome = line.split()
        result.append(Attempt(int(run), int(worker), int(outbox_id), outcome))
    return result


def queue_messages(count: int) -> list[int]:
    messages = [queue_mail(f"person{n}@example.org", f"Message {n}", "body") for n in range(count)]
    db.session.commit()
    return sorted(m.id for m in messages)


def outbox() -> dict[int, OutboxMessage]:
    """The outbox as the workers left it (the test's session reads it afresh)."""
    db.session.rollback()
    return {m.id: m for m in db.session.execute(select(OutboxMessage)).scalars()}


@pytest.mark.heavy
def test_four_worker_processes_send_each_message_exactly_once(
    postgres_app: Flask, tmp_path: Path
) -> None:
    ids = queue_messages(MESSAGES)
    config = base_config(postgres_app.config["SQLALCHEMY_DATABASE_URI"])

    with Workers(config, tmp_path / "attempts.log", runs=[None]) as workers:
        log = workers.run()

    assert {a.outcome for a in log} == {"sent"}
    assert Counter(a.outbox_id for a in log) == Counter(ids)  # every id, each exactly once
    rows = outbox()
    assert sorted(rows) == ids
    assert {(m.status, m.attempts, m.last_error) for m in rows.values()} == {("sent", 1, None)}
    assert all(m.sent_at is not None for m in rows.values())
    # Otherwise one worker did everything and the test proves nothing about sharing.
    per_worker = Counter(a.worker for a in log)
    assert len(per_worker) > 1, per_worker


@pytest.mark.heavy
def test_a_failed_message_waits_for_its_back_off_and_is_then_sent_once(
    postgres_app: Flask, tmp_path: Path
) -> None:
    ids = queue_messages(MESSAGES_WITH_FAILURES)
    config = base_config(postgres_app.config["SQLALCHEMY_DATABASE_URI"])
    failing = 0
    started = utcnow()

    # Run 0 now, with worker 0's relay refusing even ids; run 1 after the back-off has passed.
    runs = [None, backoff(1) + timedelta(minutes=1)]
    with Workers(config, tmp_path / "attempts.log", runs, failing_worker=failing) as workers:
        first = workers.run()
        failed = [a.outbox_id for a in first if a.outcome == "failed"]
        sent_first = [a.outbox_id for a in first if a.outcome == "sent"]
        assert failed, "worker 0 should have failed some messages"
        assert {a.worker for a in first if a.outcome == "failed"} == {failing}
        assert len(set(failed)) == len(failed)  # each failure tried once in this run…
        assert not set(failed) & set(sent_first)  # …and no other worker sent it meanwhile
        assert Counter(sent_first + failed) == Counter(ids)
        assert len({a.worker for a in first if a.outcome == "sent"}) > 1

        rows = outbox()
        for outbox_id in failed:
            message = rows[outbox_id]
            assert (message.status, message.attempts) == ("pending", 1)
            assert "SMTP relay is down" in (message.last_error or "")
            assert message.next_attempt_at >= started + backoff(1)
        assert {(rows[i].status, rows[i].attempts) for i in sent_first} == {("sent", 1)}

        log = workers.run()

    second = [a for a in log if a.run == 1]
    assert {a.outcome for a in second} == {"sent"}
    assert sorted(a.outbox_id for a in second) == sorted(failed)  # each once, nothing else
    sent = [a.outbox_id for a in log if a.outcome == "sent"]
    assert Counter(sent) == Counter(ids)  # over both runs, every message exactly once
    rows = outbox()
    assert {m.status for m in rows.values()} == {"sent"}
    assert {rows[i].attempts for i in failed} == {2}
    assert {rows[i].attempts for i in sent_first} == {1}
    assert all(m.last_error is None for m in rows.values())
