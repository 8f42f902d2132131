"""``flask feedback remind``: reminders to attendees who have not given feedback yet."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from trainhub.extensions import db

feedback_cli = AppGroup("feedback", help="Feedback from attendees.")


@feedback_cli.command("remind")
def remind() -> None:
    """Remind attendees who have not answered: a week after asking, then a week later. Daily."""
    from trainhub.feedback.services.responses import send_reminders

    sent = send_reminders()
    db.session.commit()
    click.echo(f"{sent} reminder(s) queued.")


def init_app(app: Flask) -> None:
    app.cli.add_command(feedback_cli)
