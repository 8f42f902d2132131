"""``flask retention purge [--dry-run]``: the retention schedule, applied daily."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from trainhub.extensions import db

retention_cli = AppGroup("retention", help="The retention schedule (UK GDPR).")

#: How the report names each kind.
LABELS = {
    "evidence_files": "workbook and evidence file(s) past the schedule",
    "inactive_accounts": "inactive account(s) erased",
    "outbox_bodies": "sent message bodies cleared",
    "audit_entries": "audit entries deleted",
    "access_needs": "learners' access and dietary needs deleted",
}


@retention_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Count what is due; change nothing.")
def purge(dry_run: bool) -> None:
    """Remove what the retention schedule says is due. Daily; runs alone."""
    from trainhub.privacy.services import files, retention

    schedule = retention.Schedule.from_config(current_app.config)
    report = retention.purge(schedule, dry_run=dry_run)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
        # After the commit: a purge that failed to commit deleted no file.
        report.files_deleted = files.delete_pending()
        db.session.commit()
    verb = "Would remove" if dry_run else "Removed"
    click.echo(f"{verb} (retention schedule):")
    for kind, count in report.removed.items():
        click.echo(f"  {count} {LABELS[kind]}")
    if report.skipped_accounts:
        click.echo(
            f"  {report.skipped_accounts} inactive account(s) kept: an application of theirs "
            "is being assessed"
        )
    if not dry_run:
        click.echo(f"  {report.files_deleted} stored file(s) deleted")
