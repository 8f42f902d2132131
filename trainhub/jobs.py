"""Scheduled jobs that must not overlap, whichever machine starts them.

``flask feedback remind`` and ``flask accreditation remind`` read who is due, then queue
mail and record that they did. Two runs started at the same moment (a cron entry left on a
second instance, a manual run during the scheduled one) would both read "due" before either
wrote, and both would send. :func:`run_alone` makes the second wait for the first.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select

from trainhub.extensions import db


def lock_key(job: str) -> int:
    """A stable signed 64-bit number for the job's name (PostgreSQL advisory lock keys)."""
    return int.from_bytes(hashlib.blake2b(job.encode(), digest_size=8).digest(), signed=True)


def run_alone(job: str) -> None:
    """Wait until no other run of ``job`` is in progress; hold its lock until this
    transaction ends (the command's commit or rollback).

    PostgreSQL: a transaction-level advisory lock. The second run waits at this call, and
    what it reads afterwards includes what the first run committed (each statement of a READ
    COMMITTED transaction sees the latest commits), so it finds nothing left to send. Call it
    before the job reads anything.

    SQLite (one machine) has no such lock and needs none: it lets one connection write at a
    time, and a run whose reads were overtaken by another's commit fails to write and rolls
    back rather than send twice.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(func.pg_advisory_xact_lock(lock_key(job))))
