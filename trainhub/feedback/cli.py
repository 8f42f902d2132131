"""``flask feedback remind``: reminders to attendees who have not given feedback yet, and
the follow-up impact survey some months after a course was completed (with its reminder)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from trainhub.extensions import db

feedback_cli = AppGroup("feedback", help="Feedback from attendees.")


@feedback_cli.command("remind")
def remind() -> None:
    """Remind attendees who have not answered: a week after asking, then a week later; send
    the impact survey to those who completed a course IMPACT_SURVEY_AFTER_DAYS ago, and its
    one reminder. Daily."""
    from trainhub.feedback.services.impact import send_impact_reminders, send_impact_surveys
    from trainhub.feedback.services.responses import send_reminders

    sent = send_reminders()
    surveys = send_impact_surveys()
    survey_reminders = send_impact_reminders()
    db.session.commit()
    click.echo(f"{sent} reminder(s) queued.")
    click.echo(f"{surveys} impact survey(s) and {survey_reminders} survey reminder(s) queued.")


def init_app(app: Flask) -> None:
    app.cli.add_command(feedback_cli)
