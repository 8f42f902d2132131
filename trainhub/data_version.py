"""A data version: one token that changes at every commit that changed data the statistics
read, so figures computed from the data can be kept until it changes (issue 22).

Nothing has to remember to bump it. Session events watch every write made through the
session: instances added, changed or deleted (``after_flush``) and bulk or Core
``insert``/``update``/``delete`` statements (``do_orm_execute``), the synthetic loader and
anything a later import writes included. When the transaction commits, ``before_commit``
gives the one ``data_versions`` row a new random token, in the same transaction as the
change. A write outside the session (a connection of its own) calls :func:`bump` itself,
and one the events cannot see (the legacy ``Session.bulk_save_objects`` family, which fires
no events) calls :func:`mark_changed`.

Every table counts unless :data:`UNWATCHED_TABLES` names it (tables the figures never read,
such as sign-ins and the outbox), and every column of a watched table unless
:data:`UNWATCHED_COLUMNS` names it (a person's last sign-in): a table added later is
watched without anyone thinking of it. ``tests/feedback/test_statistics_cache.py`` checks
that nothing the statistics read is left unwatched.

The token is random, not a counter: a change rolled back after its token was read can never
have its token come back with different data. It is written at commit, not at the flush, so
the row is locked only for the moment of the commit and two writers never deadlock on it.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import Connection, String, event, insert, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import (
    ColumnProperty,
    Mapped,
    ORMExecuteState,
    RelationshipProperty,
    Session,
    SessionTransaction,
    mapped_column,
)
from sqlalchemy.orm.interfaces import MANYTOONE
from sqlalchemy.sql import TableClause
from sqlalchemy.sql.elements import TextClause

from trainhub.extensions import UTCDateTime, db, utcnow

#: The one row of ``data_versions``.
ROW_ID = 1

#: Tables the statistics never read: writes to them leave the version alone. Sign-ins, mail,
#: audit entries, reminders, published snapshots, the catalogue's descriptions, venues,
#: roles, assessment paperwork and certificates.
UNWATCHED_TABLES = frozenset(
    {
        "data_versions",
        "agenda_items",
        "agenda_topics",
        "application_events",
        "audit_events",
        "booking_events",
        "calendar_feeds",
        "certificates",
        "clash_overrides",
        "clock_reminders",
        "course_days",
        "course_outcomes",
        "course_prerequisites",
        "course_units",
        "cpd_activities",
        "level_courses",
        "level_outcomes",
        "outbox_attachments",
        "outbox_messages",
        "outcome_judgements",
        "report_snapshots",
        "user_roles",
        "user_sessions",
        "venues",
        "workbooks",
    }
)

#: Columns of watched tables that the statistics never read and that change often: signing
#: in, a wrong password, a new password, confirming an address, choosing a language.
UNWATCHED_COLUMNS: dict[str, frozenset[str]] = {
    "users": frozenset(
        {
            "password_hash",
            "last_login_at",
            "failed_logins",
            "locked_until",
            "email_confirmed",
            "preferred_language",
        }
    ),
}

#: ``Session.info`` key: this transaction wrote watched data not yet counted in the version.
_CHANGED = "trainhub.data_changed"
_WRITE = re.compile(
    r"^\s*(?:insert\s+(?:or\s+\w+\s+)?into|update|delete\s+from)\s+\"?(\w+)", re.IGNORECASE
)


class DataVersion(db.Model):  # type: ignore[name-defined]
    """The version of the data the statistics read (one row, ``id`` 1)."""

    __tablename__ = "data_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Random and never reused; a new one at every commit that changed watched data.
    token: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def new_token() -> str:
    return secrets.token_hex(16)


def bump(connection: Connection | Session) -> str:
    """Give the data a new version in ``connection``'s transaction (for writes made outside
    the ORM session; the session's own writes bump it by themselves). Returns the token."""
    token = new_token()
    table = DataVersion.__table__
    values = {"token": token, "changed_at": utcnow()}
    result: Any = connection.execute(update(table).where(table.c.id == ROW_ID).values(values))
    if result.rowcount == 0:  # the row is missing (a schema made without the migrations)
        connection.execute(insert(table).values(id=ROW_ID, **values))
    return token


def mark_changed(session: Session) -> None:
    """Count this transaction's writes as changing the data, for writes the events cannot
    see (``bulk_save_objects``, SQL text that is not a plain INSERT, UPDATE or DELETE). The
    version changes when the transaction commits."""
    session.info[_CHANGED] = True


def current(session: Session | None = None) -> str | None:
    """The version of the data this transaction sees, or None when the transaction itself
    has changed watched data (not yet counted in the version: compute afresh)."""
    session = session or db.session()
    token = session.execute(
        select(DataVersion.token).where(DataVersion.id == ROW_ID)
    ).scalar_one_or_none()
    if session.info.get(_CHANGED) or _touches_watched(session):
        return None
    return token


def changed_here(session: Session | None = None) -> bool:
    """Whether this transaction has changed watched data not yet counted in the version
    (what it reads then must not be kept under the version)."""
    session = session or db.session()
    return bool(session.info.get(_CHANGED)) or _touches_watched(session)


# -- what counts as a change -------------------------------------------------------------
def _watched_table(name: str) -> bool:
    return name not in UNWATCHED_TABLES


def _watched_columns(table: str, columns: Iterable[str]) -> bool:
    unwatched = UNWATCHED_COLUMNS.get(table)
    if unwatched is None:
        return True
    return any(column not in unwatched for column in columns)


def _changed_columns(obj: Any) -> set[str]:
    """The columns of ``obj``'s table that its pending changes write."""
    state = sa_inspect(obj)
    columns: set[str] = set()
    for attr in state.attrs:
        if not attr.history.has_changes():
            continue
        prop = state.mapper.get_property(attr.key)
        if isinstance(prop, ColumnProperty):
            columns.update(c.key for c in prop.columns if c.key is not None)
        elif isinstance(prop, RelationshipProperty) and prop.direction is MANYTOONE:
            columns.update(c.key for c in prop.local_columns if c.key is not None)
        # A collection's change is a write to the other side's rows, seen there.
    return columns


def _touches_watched(session: Session) -> bool:
    for obj in (*session.new, *session.deleted):
        if any(_watched_table(t.name) for t in sa_inspect(obj).mapper.tables):
            return True
    for obj in session.dirty:
        if not session.is_modified(obj, include_collections=False):
            continue
        for table in sa_inspect(obj).mapper.tables:
            if _watched_table(table.name) and _watched_columns(table.name, _changed_columns(obj)):
                return True
    return False


def _statement_table(statement: Any) -> str | None:
    table = getattr(statement, "table", None)
    return table.name if isinstance(table, TableClause) else None


def _statement_writes_watched(statement: Any) -> bool:
    name = _statement_table(statement)
    if name is None:
        return True  # cannot tell: count it
    if not _watched_table(name):
        return False
    values = getattr(statement, "_values", None)  # what an UPDATE sets, by column
    if statement.is_update and isinstance(values, dict) and values:
        columns = [getattr(key, "key", key) for key in values]
        return _watched_columns(name, [str(c) for c in columns])
    return True


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, flush_context: Any) -> None:
    # new/dirty/deleted and attribute histories still show what this flush wrote.
    if not session.info.get(_CHANGED) and _touches_watched(session):
        session.info[_CHANGED] = True


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state: ORMExecuteState) -> None:
    statement = state.statement
    if state.is_select or state.session.info.get(_CHANGED):
        return
    if state.is_insert or state.is_update or state.is_delete:
        if _statement_writes_watched(statement):
            state.session.info[_CHANGED] = True
    elif isinstance(statement, TextClause):
        match = _WRITE.match(statement.text)
        if match and _watched_table(match[1]):
            state.session.info[_CHANGED] = True


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    # The commit flushes after this event: flush first, so those writes count too.
    session.flush()
    if session.info.pop(_CHANGED, False):
        bump(session)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    # Rolled back or committed, the outermost transaction's changes are done with. (A
    # savepoint rolled back keeps the mark: the outer transaction may have written too.)
    if transaction.parent is None:
        session.info.pop(_CHANGED, None)


# -- a cache keyed by the version ---------------------------------------------------------
class VersionedCache:
    """A small per-process store of things computed from the data, each kept with the
    version it was computed at and found only under that version. The least recently used
    goes first past ``size``; an entry of another version goes at the next store, since a
    version never comes back."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, tuple[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, version: str) -> Any | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None or found[0] != version:
                return None
            self._entries.move_to_end(key)
            return found[1]

    def peek(self, key: Hashable) -> tuple[str, Any] | None:
        """The version and value kept for ``key``, whatever the version: for a reader that
        asks for the current version in the same statement as the data (the catalogue)."""
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: Hashable, version: str, value: Any) -> None:
        if self.size <= 0:
            return
        with self._lock:
            stale = [k for k, (v, _value) in self._entries.items() if v != version]
            for k in stale:
                del self._entries[k]
            self._entries[key] = (version, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


def cache_of(name: str, size_setting: str, default_size: int) -> VersionedCache:
    """The current app's ``VersionedCache`` called ``name``, made on first use with
    ``size_setting`` entries at most (``default_size`` when it is not set)."""
    store = current_app.extensions.get(name)
    if store is None:
        size = int(current_app.config.get(size_setting, default_size))
        store = current_app.extensions.setdefault(name, VersionedCache(size))
    assert isinstance(store, VersionedCache)
    return store
