"""``flask cohorts sweep`` and ``flask cohorts remind``: the time-driven part of booking
(expired offers) and the reminders before a course."""

from __future__ import annotations

import time

import click
from flask import Flask
from flask.cli import AppGroup

from trainhub.extensions import db

cohorts_cli = AppGroup("cohorts", help="Cohorts and their waiting lists.")


@cohorts_cli.command("sweep")
@click.option("--every", type=int, default=0, help="Repeat every N seconds (0: run once).")
def sweep(every: int) -> None:
    """Pass expired waitlist offers to the next person, and end requests whose line
    manager's link ran out unanswered. Run from cron every few minutes."""
    from trainhub.courses.services.booking import expire_offers
    from trainhub.courses.services.line_managers import expire_link_requests

    while True:
        expired = expire_offers()
        ended = expire_link_requests()
        db.session.commit()
        click.echo(f"{expired} expired offer(s) passed on; {ended} unanswered request(s) ended.")
        if not every:
            return
        time.sleep(every)


@cohorts_cli.command("remind")
def remind() -> None:
    """Remind learners before their course (N days and 1 day before) and facilitators of
    registers not taken. Runs alone; each reminder goes once. Daily."""
    from trainhub.courses.services.reminders import send_reminders

    summary = send_reminders()
    db.session.commit()
    click.echo(str(summary))


def init_app(app: Flask) -> None:
    app.cli.add_command(cohorts_cli)
