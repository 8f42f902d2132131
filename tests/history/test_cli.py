"""``flask history import``: who may run it, an XLSX file, a dry run that commits nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from openpyxl import Workbook

from tests.factories import make_user
from tests.helpers import count
from trainhub.extensions import db
from trainhub.history.models import HistoryImport, HistoryRecord
from trainhub.history.services.spreadsheets import columns

pytestmark = pytest.mark.usefixtures("catalogue")


def run(app: Flask, *args: str) -> object:
    return app.test_cli_runner().invoke(args=["history", "import", *args])


def completions_xlsx(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(list(columns("completions")))
    sheet.append(["glesni.example@example.org", "Glesni Example", "IFSS-CORE", "19/03/2014"])
    book.save(path)
    return path


def test_only_a_managers_or_an_admins_account(app: Flask, tmp_path: Path) -> None:
    make_user(roles=("trainer",), email="trainer@example.org")
    db.session.commit()
    path = completions_xlsx(tmp_path / "old.xlsx")
    result = run(app, "completions", str(path), "--by", "trainer@example.org")
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert "is not a manager's or an administrator's account" in result.output  # type: ignore[attr-defined]
    assert run(app, "courses", str(path), "--by", "x@example.org").exit_code == 2  # type: ignore[attr-defined]


def test_an_xlsx_dry_run_then_the_import(app: Flask, tmp_path: Path) -> None:
    make_user(roles=("admin",), email="admin@example.org")
    db.session.commit()
    path = completions_xlsx(tmp_path / "old.xlsx")
    dry = run(app, "completions", str(path), "--by", "admin@example.org", "--dry-run")
    assert dry.exit_code == 0, dry.output  # type: ignore[attr-defined]
    assert "Dry run: nothing was imported. 1 to add:" in dry.output  # type: ignore[attr-defined]
    assert "1 new account(s) would be made (no e-mail):" in dry.output  # type: ignore[attr-defined]
    assert count(HistoryRecord) == 0
    done = run(app, "completions", str(path), "--by", "admin@example.org")
    assert done.exit_code == 0, done.output  # type: ignore[attr-defined]
    assert "Imported old.xlsx: 1 added:" in done.output  # type: ignore[attr-defined]
    assert count(HistoryRecord) == 1 and count(HistoryImport) == 1


def test_problems_go_to_stderr_with_their_lines(app: Flask, tmp_path: Path) -> None:
    make_user(roles=("manager",), email="manager@example.org")
    db.session.commit()
    path = tmp_path / "bad.csv"
    path.write_text(",".join(columns("awards")) + "\nx@example.org,X Person,7,2016-02-30,,\n")
    result = run(app, "awards", str(path), "--by", "manager@example.org")
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert "line 2: awarded_on “2016-02-30” is not a date" in result.stderr  # type: ignore[attr-defined]
    assert "1 problem(s): nothing was imported." in result.stderr  # type: ignore[attr-defined]
