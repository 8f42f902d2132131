"""The retention schedule (UK GDPR storage limitation): what is kept how long, what falls
due, and the daily purge (``flask retention purge``)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select, update

from trainhub import audit
from trainhub.accreditation.models import Application, ExternalActivity, Workbook
from trainhub.audit import AuditEvent
from trainhub.courses.models import AccessNeeds
from trainhub.errors import ValidationFailed
from trainhub.extensions import db, utcnow
from trainhub.jobs import run_alone
from trainhub.mail.models import OutboxAttachment, OutboxMessage
from trainhub.privacy import queries
from trainhub.privacy.models import RETENTION
from trainhub.privacy.services import files
from trainhub.privacy.services.erasure import erase_person

log = logging.getLogger(__name__)

#: The kinds the purge reports, in its order.
KINDS = ("evidence_files", "inactive_accounts", "outbox_bodies", "audit_entries", "access_needs")


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same moment ``months`` calendar months earlier (the 31st becomes the month's
    last day)."""
    total = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(total, 12)
    month += 1
    day = moment.day
    while True:
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            day -= 1


def months_after(moment: dt.datetime, months: int) -> dt.datetime:
    return months_before(moment, -months)


@dataclass(frozen=True)
class Schedule:
    """The settings' periods (0: kept for ever)."""

    evidence_months: int
    inactive_account_years: int
    outbox_days: int
    audit_years: int
    #: Days after a cohort's last day (or cancellation) its learners' needs are kept.
    access_needs_days: int = 0

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Schedule:
        return cls(
            evidence_months=int(config.get("RETENTION_EVIDENCE_MONTHS") or 0),
            inactive_account_years=int(config.get("RETENTION_INACTIVE_ACCOUNT_YEARS") or 0),
            outbox_days=int(config.get("RETENTION_OUTBOX_DAYS") or 0),
            audit_years=int(config.get("RETENTION_AUDIT_YEARS") or 0),
            access_needs_days=int(config.get("ACCESS_NEEDS_RETENTION_DAYS") or 0),
        )

    def cutoffs(self, now: dt.datetime) -> dict[str, dt.datetime | None]:
        """Per kind, the moment before which it is due (None: kept for ever)."""
        return {
            "evidence_files": months_before(now, self.evidence_months)
            if self.evidence_months
            else None,
            "inactive_accounts": months_before(now, 12 * self.inactive_account_years)
            if self.inactive_account_years
            else None,
            "outbox_bodies": now - dt.timedelta(days=self.outbox_days)
            if self.outbox_days
            else None,
            "audit_entries": months_before(now, 12 * self.audit_years)
            if self.audit_years
            else None,
            # Special category data is never kept for ever: 0 days is the day after.
            "access_needs": now - dt.timedelta(days=self.access_needs_days),
        }

    def due_after(self, kind: str, moment: dt.datetime) -> dt.datetime:
        """When something dated ``moment`` falls due."""
        if kind == "evidence_files":
            return months_after(moment, self.evidence_months)
        if kind == "inactive_accounts":
            return months_after(moment, 12 * self.inactive_account_years)
        if kind == "outbox_bodies":
            return moment + dt.timedelta(days=self.outbox_days)
        if kind == "access_needs":
            return moment + dt.timedelta(days=self.access_needs_days)
        return months_after(moment, 12 * self.audit_years)


@dataclass
class Due:
    """One kind of the schedule: how many are due now and when the next one is."""

    kind: str
    kept_for_ever: bool
    due_now: int
    next_due: dt.datetime | None


def due_overview(schedule: Schedule, now: dt.datetime | None = None) -> list[Due]:
    """What the next purge would remove, and when the next item after that falls due
    (reads only; a fixed number of statements). Raises nothing."""
    now = now or utcnow()
    cutoffs = schedule.cutoffs(now)
    found: list[Due] = []
    for kind in KINDS:
        cutoff = cutoffs[kind]
        if cutoff is None:
            found.append(Due(kind, True, 0, None))
            continue
        if kind == "evidence_files":
            due = queries.evidence_due(cutoff)
            count = len(set(due) - queries.evidence_kept(set(due), cutoff))
            first = queries.next_evidence_decision(cutoff)
        elif kind == "inactive_accounts":
            count = queries.inactive_count(cutoff)
            first = queries.next_inactive(cutoff)
        elif kind == "outbox_bodies":
            count = queries.outbox_due(cutoff)
            first = queries.next_outbox(cutoff)
        elif kind == "access_needs":
            count = len(queries.needs_due_ids(cutoff))
            first = queries.next_needs(cutoff)
        else:
            count = queries.audit_due(cutoff)
            first = queries.next_audit(cutoff)
        found.append(Due(kind, False, count, schedule.due_after(kind, first) if first else None))
    return found


def _drop_due_keys(keys: set[str], cutoff: dt.datetime) -> None:
    """The records due at ``cutoff`` no longer hold their file: their key is cleared, so a
    download says the file was deleted, and the same bytes uploaded again later are nobody
    else's. Workbooks are append-only against corrections; a purge is not one, so in SQL."""
    if not keys:
        return
    decided = select(Application.id).where(
        Application.status.in_(queries.DECIDED), Application.closed_at < cutoff
    )
    db.session.execute(
        update(Workbook)
        .where(Workbook.application_id.in_(decided), Workbook.storage_key.in_(keys))
        .values(storage_key="")
        .execution_options(synchronize_session="fetch")
    )
    db.session.execute(
        update(ExternalActivity)
        .where(ExternalActivity.decided_at < cutoff, ExternalActivity.evidence_key.in_(keys))
        .values(evidence_key="")
        .execution_options(synchronize_session="fetch")
    )


@dataclass
class PurgeReport:
    """What a purge removed (or, in a dry run, would remove), per kind."""

    dry_run: bool
    removed: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    #: Inactive accounts left because an application of theirs is being assessed.
    skipped_accounts: int = 0
    #: Stored files deleted after the commit (this run's and any left from before).
    files_deleted: int = 0


def purge(
    schedule: Schedule, now: dt.datetime | None = None, *, dry_run: bool = False
) -> PurgeReport:
    """Apply the schedule at ``now``. Runs alone (``jobs.run_alone``); the caller commits,
    then calls ``files.delete_pending`` (the CLI does both). A dry run counts and writes
    nothing (the caller rolls back).

    Raises nothing: an inactive account that cannot be erased now (being assessed) is
    counted in ``skipped_accounts``.
    """
    run_alone("retention purge")
    now = now or utcnow()
    report = PurgeReport(dry_run=dry_run)
    cutoffs = schedule.cutoffs(now)

    cutoff = cutoffs["audit_entries"]
    if cutoff is not None:
        report.removed["audit_entries"] = queries.audit_due(cutoff)
        if not dry_run:
            # Audit entries are append-only against changes; the schedule ends them whole.
            # First, so the entries this run writes (its erasures) are never among them.
            db.session.execute(delete(AuditEvent).where(AuditEvent.created_at < cutoff))
    cutoff = cutoffs["evidence_files"]
    if cutoff is not None:
        due = queries.evidence_due(cutoff)
        keys = set(due) - queries.evidence_kept(set(due), cutoff)
        report.removed["evidence_files"] = len(keys)
        if not dry_run:
            _drop_due_keys(set(due), cutoff)
            for key in sorted(keys):
                files.queue_deletions([key], RETENTION, due[key]["user_id"])

    cutoff = cutoffs["inactive_accounts"]
    if cutoff is not None:
        years = schedule.inactive_account_years
        for person in queries.inactive_accounts(cutoff):
            if queries.applications_being_assessed(person):
                report.skipped_accounts += 1
                continue
            report.removed["inactive_accounts"] += 1
            if not dry_run:
                try:
                    with db.session.begin_nested():
                        erase_person(None, person, f"No sign-in for {years} years (retention)")
                except ValidationFailed:  # pragma: no cover - checked just above
                    report.removed["inactive_accounts"] -= 1
                    report.skipped_accounts += 1

    cutoff = cutoffs["outbox_bodies"]
    if cutoff is not None:
        ids = queries.outbox_due_ids(cutoff)
        report.removed["outbox_bodies"] = len(ids)
        if ids and not dry_run:
            db.session.execute(delete(OutboxAttachment).where(OutboxAttachment.message_id.in_(ids)))
            db.session.execute(
                update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(body="")
            )

    cutoff = cutoffs["access_needs"]
    if cutoff is not None:
        ids = queries.needs_due_ids(cutoff)
        report.removed["access_needs"] = len(ids)
        if ids and not dry_run:
            db.session.execute(delete(AccessNeeds).where(AccessNeeds.id.in_(ids)))

    if not dry_run and any(report.removed.values()):
        audit.record(
            None,
            "privacy.retention_purge",
            "Retention purge: "
            + ", ".join(
                f"{count} {kind.replace('_', ' ')}" for kind, count in report.removed.items()
            ),
        )
    db.session.flush()
    log.info("Retention purge%s: %s", " (dry run)" if dry_run else "", report.removed)
    return report
