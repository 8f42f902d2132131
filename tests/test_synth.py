"""The synthetic history (``benchmarks.synth``) loads on both databases, adds nothing for a
seed already there, makes the same data from one seed, follows the services' rules, and
stays outside the application."""

from __future__ import annotations

import ast
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from benchmarks.synth import SYNTH_ACCOUNTS, load, synth_email
from benchmarks.synth.cli import synth
from tests.conftest import empty_database
from trainhub.accreditation.models import AccreditationLevel, Application, Certificate, CpdEntry
from trainhub.accreditation.services.certificates import level_achievement, normalise_code
from trainhub.extensions import db

TINY = 0.002
ROOT = Path(__file__).resolve().parent.parent


def test_it_loads_once_per_seed(app: Flask) -> None:
    first = load(3, TINY)
    db.session.commit()
    again = load(3, TINY)
    assert first.loaded and sum(first.rows.values()) > 1000
    assert first.rows["certificates"] > 0 and first.rows["feedback_answers"] > 0
    assert not again.loaded and again.rows == {}


def test_its_certificates_follow_the_certificate_rules(app: Flask) -> None:
    load(5, TINY)
    db.session.commit()
    certificates = list(db.session.execute(sa.select(Certificate)).scalars())
    codes = [c.code for c in certificates]
    assert codes and all(normalise_code(code) == code for code in codes)
    assert len(set(codes)) == len(codes)
    levels = {
        level.id: level for level in db.session.execute(sa.select(AccreditationLevel)).scalars()
    }
    for certificate in certificates:
        if certificate.level_id is not None:
            assert certificate.achievement == level_achievement(levels[certificate.level_id])
    # Each certificate banked its hours once, as the CPD ledger's receivers do.
    hours = db.session.execute(sa.select(sa.func.sum(CpdEntry.hours))).scalar_one()
    certified = sum((c.hours or Decimal(0) for c in certificates), Decimal(0))
    assert Decimal(hours) == certified


def test_the_level_clock_runs_only_for_a_level_that_has_one(app: Flask) -> None:
    load(6, 0.01)
    db.session.commit()
    rows = db.session.execute(
        sa.select(AccreditationLevel, Application.clock_started_on).join(Application.level)
    ).all()
    assert rows
    for level, started in rows:
        assert (started is not None) == level.has_clock, level


def _fingerprint() -> list[tuple[object, ...]]:
    query = sa.text(
        "SELECT u.email, c.first_day, c.capacity, b.status, b.queue_rank "
        "FROM bookings b JOIN users u ON u.id = b.user_id JOIN cohorts c ON c.id = b.cohort_id "
        "ORDER BY 1, 2, 3, 4, 5"
    )
    return [tuple(row) for row in db.session.execute(query)]


def test_one_seed_always_makes_the_same_data(app: Flask) -> None:
    load(4, TINY, today=date(2026, 11, 23))
    db.session.commit()
    first = _fingerprint()
    empty_database()
    load(4, TINY, today=date(2026, 11, 23))
    db.session.commit()
    assert _fingerprint() == first and len(first) > 500


def test_the_command_loads_a_seed_once(app: Flask) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(synth, ["--scale", str(TINY), "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert "Loaded" in result.output and synth_email(7, "learner") in result.output
    again = runner.invoke(synth, ["--scale", str(TINY), "--seed", "7"])
    assert again.exit_code == 0 and "Seed 7 is already loaded: nothing added." in again.output


@pytest.mark.once
def test_the_command_refuses_production_and_a_scale_of_nothing(app: Flask) -> None:
    runner = app.test_cli_runner()
    refused = runner.invoke(synth, ["--scale", "0"])
    assert refused.exit_code == 2 and "must be above 0" in refused.output
    app.config["ENV"] = "production"
    refused = runner.invoke(synth, ["--scale", str(TINY)])
    assert refused.exit_code == 1 and "TRAINHUB_ENV=development" in refused.output
    assert db.session.execute(sa.select(sa.func.count(Certificate.id))).scalar_one() == 0


@pytest.mark.once
def test_the_application_never_imports_it(app: Flask) -> None:
    assert "synth" not in app.cli.commands
    assert set(SYNTH_ACCOUNTS) >= {"learner", "admin"}
    importers = []
    for path in sorted((ROOT / "trainhub").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            if any(name.split(".")[0] in ("benchmarks", "tests") for name in names):
                importers.append(str(path.relative_to(ROOT)))
    assert importers == []
