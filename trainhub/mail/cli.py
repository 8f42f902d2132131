"""``flask mail send`` and ``flask mail worker``."""

from __future__ import annotations

import logging
import time

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from trainhub.extensions import db
from trainhub.mail.worker import deliver_due

log = logging.getLogger(__name__)

mail_cli = AppGroup("mail", help="Deliver the outbox over SMTP (TRAINHUB_SMTP_* settings).")


@mail_cli.command("send")
@click.option("--limit", default=500, show_default=True, help="Most messages to send.")
def send_command(limit: int) -> None:
    """Send the messages that are due, once."""
    report = deliver_due(limit=limit)
    click.echo(f"Sent {report.sent}, failed {report.failed} (will be retried).")


@mail_cli.command("worker")
@click.option("--interval", default=30, show_default=True, help="Seconds between passes.")
def worker_command(interval: int) -> None:
    """Keep delivering due messages until stopped (Ctrl+C)."""
    click.echo(f"Delivering the outbox every {interval} s; Ctrl+C to stop.")
    try:
        while True:
            try:
                report = deliver_due()
            except SQLAlchemyError as error:  # the database went away: wait and go on
                db.session.rollback()
                log.warning("Outbox pass failed: %s", error)
            else:
                if report.sent or report.failed:
                    click.echo(f"Sent {report.sent}, failed {report.failed}.")
            time.sleep(interval)
    except KeyboardInterrupt:
        click.echo("Stopped.")


def init_app(app: Flask) -> None:
    app.cli.add_command(mail_cli)
