"""Stored files are deleted after the commit that decides it, never inside it.

An erasure or a purge writes ``FileDeletion`` rows in its own transaction; once that is
committed, :func:`delete_pending` removes the bytes and marks the rows. A transaction that
rolls back leaves no rows, so no file is lost while its record stays; a deletion that fails
(the store is down) stays pending and the next ``flask retention purge`` retries it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from trainhub.extensions import db, utcnow
from trainhub.privacy import queries
from trainhub.privacy.models import FileDeletion
from trainhub.storage import storage

log = logging.getLogger(__name__)


def queue_deletions(keys: Iterable[str], reason: str, user_id: int | None) -> list[FileDeletion]:
    """Add a pending deletion for each key not already queued (the caller commits)."""
    wanted = set(keys)
    rows = [
        FileDeletion(storage_key=key, reason=reason, user_id=user_id)
        for key in sorted(wanted - queries.queued_keys(wanted))
    ]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def delete_pending() -> int:
    """Delete the bytes of every pending deletion (call after the commit that queued them);
    returns how many went. A file the store cannot delete now stays pending.

    Raises nothing: a failure is logged and left for the next run.
    """
    deleted = 0
    store = storage()
    for row in queries.pending_deletions():
        try:
            store.delete(row.storage_key)
        except Exception:  # the store is unreachable: keep the row for the next run
            log.exception("Could not delete stored file %s; it stays queued", row.storage_key)
            continue
        row.deleted_at = utcnow()
        deleted += 1
    db.session.flush()
    if deleted:
        log.info("%d stored file(s) deleted", deleted)
    return deleted
