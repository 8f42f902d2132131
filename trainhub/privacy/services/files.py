"""Stored files are deleted after the commit that decides it, never inside it.

An erasure or a purge writes ``FileDeletion`` rows in its own transaction; once that is
committed, :func:`delete_pending` removes the bytes and marks the rows. A transaction that
rolls back leaves no rows, so no file is lost while its record stays; a deletion that fails
(the store is down) stays pending and the next ``flask retention purge`` retries it.

Storage keys are content hashes, so two records may share one file, and the same bytes may
be uploaded again after their file was deleted. A record whose file is erased or purged
drops the key (it is set to ""), so every record still holding a key uses its file; just
before deleting a key, :func:`delete_pending` checks again that none does, and cancels the
deletion (removes the row) when one does.
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
    """Add a pending deletion for each key not already pending (the caller commits).

    A key whose file was deleted before (the row has ``deleted_at``) and was uploaded again
    since is queued again by re-arming its row: ``storage_key`` is unique.
    """
    wanted = set(keys)
    known = queries.deletions_of(wanted)
    rows: list[FileDeletion] = []
    for key in sorted(wanted):
        row = known.get(key)
        if row is None:
            row = FileDeletion(storage_key=key, reason=reason, user_id=user_id)
            db.session.add(row)
        elif row.deleted_at is not None:
            row.deleted_at = None
            row.reason, row.user_id, row.requested_at = reason, user_id, utcnow()
        else:
            continue  # already pending
        rows.append(row)
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
        # Checked at the last moment: the same bytes may have been uploaded again since the
        # deletion was queued (it waited for a store that was down), and that file is live.
        if queries.key_in_use(row.storage_key):
            log.info("Stored file %s is in use again; its deletion is cancelled", row.storage_key)
            db.session.delete(row)
            continue
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
