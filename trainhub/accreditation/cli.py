"""``flask accreditation remind``: the time-driven part of accreditation (the Level 6 clock)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from trainhub.extensions import db

accreditation_cli = AppGroup("accreditation", help="Accreditation applications and the CPD bank.")


@accreditation_cli.command("remind")
def remind() -> None:
    """Send the "due" and "overdue" reminders of level clocks, each once. Run daily from cron."""
    from trainhub.accreditation.services.clock import send_reminders

    sent = send_reminders()
    db.session.commit()
    click.echo(f"{sent} reminder(s) queued.")


credentials_cli = AppGroup("credentials", help="The keys that sign Open Badges.")


def _folder() -> Path:
    from trainhub.accreditation.services.credential_keys import key_dir

    folder = key_dir()
    if folder is None:
        raise click.ClickException(
            "CREDENTIALS_KEY_DIR is not set: set TRAINHUB_CREDENTIALS_KEY_DIR to a folder "
            "outside the web root that only trainhub's user can read."
        )
    return folder


@credentials_cli.command("keygen")
@click.option("--if-missing", is_flag=True, help="Only when there is no signing key yet.")
def keygen(if_missing: bool) -> None:
    """Make a new signing key (RSA 3072, RS256); from now on it signs every badge."""
    from trainhub.accreditation.services import credential_keys

    folder = _folder()
    if if_missing and any(key.can_sign for key in credential_keys.public_keys(folder)):
        click.echo("A signing key exists already.")
        return
    kid = credential_keys.generate(folder)
    click.echo(f"Key {kid} made in {folder}; it signs badges from now on.")
    click.echo("Back up the folder: without the private key no new badge can be signed.")


@credentials_cli.command("list")
def list_keys() -> None:
    """Every published key, newest first; the first that can sign signs."""
    from trainhub.accreditation.services import credential_keys

    folder = _folder()
    keys = credential_keys.public_keys(folder)
    if not keys:
        click.echo(f"No keys in {folder}: run `flask credentials keygen`.")
        return
    signer = next((key.kid for key in keys if key.can_sign), None)
    for key in keys:
        role = "signs" if key.kid == signer else ("can sign" if key.can_sign else "verifies")
        click.echo(f"{key.kid}  {key.created[:19] or '?':<19}  {role}")


@credentials_cli.command("retire")
@click.argument("kid")
def retire(kid: str) -> None:
    """Remove a key: badges it signed stop verifying (for a key that may have leaked)."""
    from trainhub.accreditation.services import credential_keys

    if not credential_keys.retire(_folder(), kid):
        raise click.ClickException(f"No key {kid}: see `flask credentials list`.")
    click.echo(
        f"Key {kid} removed. Badges it signed no longer verify; learners download them "
        "again, signed by the newest key."
    )


def init_app(app: Flask) -> None:
    app.cli.add_command(accreditation_cli)
    app.cli.add_command(credentials_cli)
