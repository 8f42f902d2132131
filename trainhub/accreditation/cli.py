"""``flask accreditation remind``: the time-driven part of accreditation (the Level 6 clock)."""

from __future__ import annotations

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


def init_app(app: Flask) -> None:
    app.cli.add_command(accreditation_cli)
