"""Command-line tasks: ``flask catalogue seed``, ``flask organisations seed``,
``flask users import``, ``flask demo``, ``flask config check``, ``flask mail …`` and
``flask cohorts sweep``.
Each commits once."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from trainhub.extensions import db

catalogue_cli = AppGroup("catalogue", help="The IFSS Training Framework catalogue.")
organisations_cli = AppGroup("organisations", help="The managed list of organisations.")
users_cli = AppGroup("users", help="Accounts.")
config_cli = AppGroup("config", help="The settings trainhub runs with.")
secrets_cli = AppGroup("secrets", help="The secrets trainhub keeps encrypted.")


def _seed_catalogue() -> tuple[int, int]:
    from trainhub.accreditation.services import seed_levels
    from trainhub.courses.services.catalogue import seed_courses
    from trainhub.site.glossary import seed_glossary

    courses = seed_courses()
    levels = seed_levels()
    seed_glossary()
    return len(courses), len(levels)


@catalogue_cli.command("seed")
def catalogue_seed() -> None:
    """Load the framework programmes, local courses, accreditation levels and the glossary
    of the framework's terms (idempotent)."""
    courses, levels = _seed_catalogue()
    db.session.commit()
    click.echo(f"Catalogue: {courses} course(s) and {levels} level(s) added; the rest were there.")


@organisations_cli.command("seed")
def organisations_seed() -> None:
    """Add the partner organisations from the source documents (idempotent)."""
    from trainhub.auth.services import seed_organisations

    added = seed_organisations()
    db.session.commit()
    click.echo(f"Organisations: {len(added)} added.")


@users_cli.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--by", "by_email", required=True, help="Email of the administrator doing the import."
)
def users_import(csv_file: Path, by_email: str) -> None:
    """Create accounts from a CSV file: every row is checked first; any error imports nothing."""
    from trainhub.auth.services import find_user_by_email, import_users

    actor = find_user_by_email(by_email)
    if actor is None or not actor.is_admin:
        raise click.ClickException(f"{by_email} is not an administrator's account.")
    try:
        text = csv_file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise click.ClickException("The file must be saved as UTF-8 CSV.") from error
    rows = max(len(text.splitlines()) - 1, 0)
    with click.progressbar(length=rows, label="Checking rows") as bar:
        result = import_users(actor, text, progress=bar.update)
    if not result.ok:
        db.session.rollback()
        for problem in result.errors:
            click.echo(f"line {problem.line}: {problem.message}", err=True)
        raise click.ClickException(f"{len(result.errors)} error(s): nothing was imported.")
    db.session.commit()
    click.echo(
        f"Imported {len(result.created)} account(s); each was sent a link to set a password."
    )


@users_cli.command("create-admin")
@click.argument("email")
@click.option("--name", "full_name", required=True, help="The administrator's full name.")
@click.password_option(help="Asked for when not given.")
def users_create_admin(email: str, full_name: str, password: str) -> None:
    """Create an administrator account (for the first one on a new system)."""
    from trainhub.auth.services import create_first_admin
    from trainhub.errors import ValidationFailed

    try:
        create_first_admin(email, full_name, password)
    except ValidationFailed as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"Administrator {email} created. Sign in at /sign-in.")


@click.command("demo")
def demo() -> None:
    """Load the catalogue and fictional demo people, venues and organisations (idempotent)."""
    from flask import current_app

    from trainhub.demo import create_demo

    if current_app.config["ENV"] == "production":
        raise click.ClickException(
            "flask demo adds accounts with published passwords: it runs only with "
            "TRAINHUB_ENV=development."
        )
    _seed_catalogue()
    people = create_demo()
    db.session.commit()
    click.echo("Demo ready. Sign in with any of these fictional accounts:")
    for person in people:
        click.echo(f"  {person.label:<11} {person.email:<26} password: {person.password}")


@config_cli.command("check")
def config_check() -> None:
    """Show every setting, its value (secrets hidden) and its source; flag unsafe ones.

    Exits with status 1 when anything is unsafe for production (what stops it starting).
    """
    import os

    from flask import current_app

    from trainhub import settings_check

    rows = settings_check.rows(current_app, os.environ)
    width = max(len(row.setting) for row in rows)
    value_width = min(max(len(row.value) for row in rows), 48)
    click.echo(f"{'SETTING':<{width}}  {'VALUE':<{value_width}}  SOURCE")
    for row in rows:
        click.echo(f"{row.setting:<{width}}  {row.value:<{value_width}}  {row.source}")
    found = settings_check.check(current_app.config, os.environ)
    errors = [finding for finding in found if finding.level == "error"]
    click.echo()
    for finding in found:
        click.echo(f"{finding.level.upper()}: {finding}")
    if errors:
        raise click.ClickException(
            f"{len(errors)} setting(s) unsafe for production: production refuses to start "
            "until they are fixed."
        )
    click.echo(f"No setting is unsafe for production ({len(found)} warning(s)).")


@secrets_cli.command("reseal")
def secrets_reseal() -> None:
    """Encrypt every kept secret again under the current SECRET_KEY (after a rotation).

    Run it once the new key is set and the old one is in SECRET_KEY_FALLBACKS, then remove
    the fallback. Exits with status 1 when a secret no configured key opens.
    """
    from trainhub.auth.services.sealed import reseal_all

    done = reseal_all()
    db.session.commit()
    click.echo(
        f"Encrypted again: {done.client_secrets} sign-in service client secret(s), "
        f"{done.authenticators} authenticator(s)."
    )
    if done.unreadable:
        raise click.ClickException(
            "No configured key opens: "
            + "; ".join(done.unreadable)
            + ". Set the old key in TRAINHUB_SECRET_KEY_FALLBACKS and run this again, or "
            "enter those client secrets again and reset those people's two-step verification."
        )


def init_app(app: Flask) -> None:
    from trainhub.accreditation.cli import init_app as init_accreditation_cli
    from trainhub.courses.cli import init_app as init_cohorts_cli
    from trainhub.feedback.cli import init_app as init_feedback_cli
    from trainhub.mail.cli import init_app as init_mail_cli

    app.cli.add_command(catalogue_cli)
    app.cli.add_command(organisations_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(config_cli)
    app.cli.add_command(secrets_cli)
    app.cli.add_command(demo)
    init_mail_cli(app)
    init_cohorts_cli(app)
    init_accreditation_cli(app)
    init_feedback_cli(app)

    from trainhub.backup import backup_cli  # flask backup …: backups, checks, restore drills

    app.cli.add_command(backup_cli)

    from trainhub.history.cli import history_cli  # flask history import …: bringing history in

    app.cli.add_command(history_cli)

    from trainhub.privacy.cli import retention_cli  # flask retention purge: the schedule

    app.cli.add_command(retention_cli)
