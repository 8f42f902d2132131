"""The command: ``python -m benchmarks.synth --scale 1 --seed 1`` loads the history into the
database that the ``TRAINHUB_*`` settings name (development only)."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import ScriptInfo, with_appcontext

from benchmarks.synth.base import PASSWORD, SYNTH_ACCOUNTS, YEARS, synth_email
from benchmarks.synth.loader import load
from trainhub.extensions import db


@click.command("synth")
@click.option("--scale", default=1.0, show_default=True, help="1 is Wales-sized; 0.01 for tests.")
@click.option("--seed", default=1, show_default=True, help="The same seed makes the same data.")
@with_appcontext
def synth(scale: float, seed: int) -> None:
    """Fill the database with a fictional Wales-scale history (benchmarks; idempotent per seed)."""
    if current_app.config["ENV"] == "production":
        raise click.ClickException(
            "The synthetic data adds fictional people with a published password: it loads "
            "only with TRAINHUB_ENV=development."
        )
    if scale <= 0:
        raise click.BadParameter("must be above 0", param_hint="--scale")
    started = time.perf_counter()
    with click.progressbar(length=YEARS + 2, label=f"Synthetic data, seed {seed}") as bar:
        summary = load(seed, scale, progress=lambda _label, done: bar.update(done))
    if not summary.loaded:
        click.echo(f"Seed {seed} is already loaded: nothing added.")
        return
    db.session.commit()
    seconds = time.perf_counter() - started
    total = sum(summary.rows.values())
    click.echo(f"Loaded {total:,} rows in {seconds:.0f} s:")
    for table, count in sorted(summary.rows.items()):
        click.echo(f"  {table:<22} {count:>10,}")
    click.echo(f"Named accounts (password {PASSWORD!r}):")
    for label in SYNTH_ACCOUNTS:
        click.echo(f"  {label:<9} {synth_email(seed, label)}")


def main() -> None:
    """Run the command on the app ``create_app()`` makes from the environment."""
    from trainhub import create_app

    synth.main(obj=ScriptInfo(create_app=create_app), prog_name="python -m benchmarks.synth")
