"""A history spreadsheet brought in: read, checked by the recording service, recorded."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import Select, delete, select
from sqlalchemy.orm import selectinload

from trainhub.accreditation.models import Application
from trainhub.auth.models import User
from trainhub.extensions import db
from trainhub.history.models import IMPORT_KINDS, HistoryImport, HistoryRecord
from trainhub.history.services.awards import record_awards
from trainhub.history.services.cohorts import record_cohorts
from trainhub.history.services.common import require_recorder
from trainhub.history.services.completions import record_completions
from trainhub.history.services.feedback import record_feedback
from trainhub.history.services.outcome import Outcome
from trainhub.history.services.spreadsheets import is_xlsx, read_sheet
from trainhub.uploads.names import clean_filename

log = logging.getLogger(__name__)


def _record(
    actor: User,
    kind: str,
    drafts: list[Any],
    *,
    source: HistoryImport | None,
    dry_run: bool,
    certificates: bool,
    invite: bool,
) -> Outcome:
    if kind == "cohorts":
        return record_cohorts(
            actor,
            drafts,
            source=source,
            dry_run=dry_run,
            certificates=certificates,
            invite=invite,
        )
    if kind == "completions":
        return record_completions(
            actor,
            drafts,
            source=source,
            dry_run=dry_run,
            certificates=certificates,
            invite=invite,
        )
    if kind == "awards":
        return record_awards(
            actor,
            drafts,
            source=source,
            dry_run=dry_run,
            certificates=certificates,
            invite=invite,
        )
    return record_feedback(actor, drafts, source=source, dry_run=dry_run)


def import_history(
    actor: User,
    kind: str,
    filename: str,
    data: bytes,
    *,
    dry_run: bool = False,
    certificates: bool = False,
    invite: bool = False,
    progress: Callable[[int], None] | None = None,
) -> Outcome:
    """Bring a ``kind`` spreadsheet (CSV or XLSX) in: every row read and checked, then every
    record written, or nothing when any line has a problem (the outcome lists them all, by
    line). A dry run lists what would be added. What was recorded already is skipped, so
    the same file twice adds nothing. The file is kept as a ``HistoryImport`` (its name,
    SHA-256, rows and records added) only when something is written. A fixed number of
    queries whatever the file's size. Never commits.

    :raises PermissionDenied: when ``actor`` is not a manager or an administrator.
    :raises ValueError: for a ``kind`` that is not one of ``IMPORT_KINDS``.
    """
    if kind not in IMPORT_KINDS:
        raise ValueError(f"unknown kind of history import: {kind}")
    require_recorder(actor)
    sheet = read_sheet(kind, filename, data, progress)
    if sheet.problems:
        # The drafts that could be read are checked too: every problem of the file at once.
        outcome = _record(
            actor,
            kind,
            sheet.drafts,
            source=None,
            dry_run=True,
            certificates=certificates,
            invite=invite,
        )
        outcome.problems = _merged(sheet.problems + outcome.problems)
        return outcome
    source = None
    if not dry_run:
        extension = "xlsx" if is_xlsx(filename, data) else "csv"
        source = HistoryImport(
            kind=kind,
            filename=clean_filename(filename or f"history.{extension}", extension),
            sha256=hashlib.sha256(data).hexdigest(),
            rows=sheet.rows,
            added=0,
            recorded_by_id=actor.id,
        )
        db.session.add(source)
        db.session.flush()
    outcome = _record(
        actor,
        kind,
        sheet.drafts,
        source=source,
        dry_run=dry_run,
        certificates=certificates,
        invite=invite,
    )
    outcome.problems = _merged(outcome.problems)
    if source is not None:
        if outcome.problems or not outcome.record_ids:
            # Nothing was written: no trace of the file either.
            db.session.expunge(source)
            db.session.execute(delete(HistoryImport).where(HistoryImport.id == source.id))
        else:
            source.added = len(outcome.record_ids)
            db.session.flush()
            log.info(
                "History import %s (%s, %d rows, %d added) by user %s",
                source.id,
                kind,
                source.rows,
                source.added,
                actor.id,
            )
    return outcome


def _merged(problems: list[Any]) -> list[Any]:
    """Every problem once, by line (a file's own problems first)."""
    unique = list(dict.fromkeys(problems))
    unique.sort(key=lambda p: -1 if p.line is None else p.line)
    return unique


def source_of(outcome: Outcome) -> HistoryImport | None:
    """The file an import's records came from (None when it added nothing)."""
    if not outcome.record_ids:
        return None
    return db.session.execute(
        select(HistoryImport)
        .join(HistoryRecord, HistoryRecord.import_id == HistoryImport.id)
        .where(HistoryRecord.id == outcome.record_ids[0])
    ).scalar_one_or_none()


def imports_query() -> Select[tuple[HistoryImport]]:
    """Every file brought in, newest first."""
    return (
        select(HistoryImport)
        .options(selectinload(HistoryImport.recorded_by))
        .order_by(HistoryImport.created_at.desc(), HistoryImport.id.desc())
    )


def records_of(source: HistoryImport) -> list[HistoryRecord]:
    """What a file added, by line, with the people, courses and cohorts they are about."""
    return list(
        db.session.execute(
            select(HistoryRecord)
            .where(HistoryRecord.import_id == source.id)
            .options(
                selectinload(HistoryRecord.user),
                selectinload(HistoryRecord.course),
                selectinload(HistoryRecord.cohort),
                selectinload(HistoryRecord.application).selectinload(Application.level),
            )
            .order_by(HistoryRecord.line, HistoryRecord.id)
        ).scalars()
    )
