"""``flask history import cohorts|completions|awards|feedback FILE --by EMAIL``: a
partnership's history from a spreadsheet. Checks every row first; commits once."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from trainhub.extensions import db
from trainhub.history.models import IMPORT_KINDS

history_cli = AppGroup("history", help="A partnership's history from before trainhub.")


@history_cli.command("import")
@click.argument("kind", type=click.Choice(IMPORT_KINDS))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--by", "by_email", required=True, help="E-mail of the manager or administrator.")
@click.option("--dry-run", is_flag=True, help="Check and list what would be added; change nothing.")
@click.option("--certificates", is_flag=True, help="Issue trainhub certificates for what is added.")
@click.option("--invite", is_flag=True, help="E-mail new people an invitation to sign in.")
def history_import(
    kind: str, file: Path, by_email: str, dry_run: bool, certificates: bool, invite: bool
) -> None:
    """Record past cohorts, completions, awards or paper feedback from a CSV or XLSX file.

    Every row is checked first; with any problem nothing is imported. The same file
    imported twice adds nothing.
    """
    from trainhub.auth.services import find_user_by_email
    from trainhub.history.permissions import can_record_history
    from trainhub.history.services.imports import import_history
    from trainhub.history.services.spreadsheets import count_rows

    actor = find_user_by_email(by_email)
    if actor is None or not can_record_history(actor):
        raise click.ClickException(f"{by_email} is not a manager's or an administrator's account.")
    data = file.read_bytes()
    with click.progressbar(length=count_rows(file.name, data), label="Checking rows") as bar:
        outcome = import_history(
            actor,
            kind,
            file.name,
            data,
            dry_run=dry_run,
            certificates=certificates,
            invite=invite,
            progress=bar.update,
        )
    if outcome.problems:
        db.session.rollback()
        for problem in outcome.problems:
            where = f"line {problem.line}" if problem.line is not None else "file"
            click.echo(f"{where}: {problem.message}", err=True)
        raise click.ClickException(f"{len(outcome.problems)} problem(s): nothing was imported.")
    if dry_run:
        db.session.rollback()
        click.echo(f"Dry run: nothing was imported. {len(outcome.added)} to add:")
    else:
        db.session.commit()
        click.echo(f"Imported {file.name}: {len(outcome.added)} added:")
    for line in outcome.added:
        click.echo(f"  + {line}")
    if outcome.skipped:
        click.echo(f"{len(outcome.skipped)} recorded already, skipped:")
        for line in outcome.skipped:
            click.echo(f"  = {line}")
    if outcome.new_accounts:
        verb = "would be made" if dry_run else "made"
        sent = "an invitation each" if invite else "no e-mail"
        click.echo(f"{len(outcome.new_accounts)} new account(s) {verb} ({sent}):")
        for email in outcome.new_accounts:
            click.echo(f"  * {email}")


def init_app(app: Flask) -> None:
    app.cli.add_command(history_cli)
