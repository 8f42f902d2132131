"""Backups and restores (trainhub/backup.py, deploy/restore.sh).

The drill runs on a PostgreSQL cluster of its own: fill a database through the services,
back it up with ``flask backup``, drop the database and the upload folder, restore with
deploy/restore.sh, and find every table's content, every sequence and every file the same.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import stat
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import Result
from flask import Flask
from flask_migrate import upgrade

from tests.accreditation.helpers import application, complete, pdf, pdf_bytes
from tests.conftest import make_test_app
from tests.factories import make_cohort, make_user
from tests.postgres import throwaway_cluster
from tests.test_storage_s3 import BUCKET
from tests.test_storage_s3 import s3 as s3_bucket  # noqa: F401  (the fixture, as s3_bucket)
from trainhub import backup, storage
from trainhub.accreditation.models import Certificate
from trainhub.accreditation.services.applications import upload_workbook
from trainhub.accreditation.services.certificates import find_by_code
from trainhub.courses.models import local_today
from trainhub.courses.services.booking import book_place
from trainhub.extensions import db
from trainhub.feedback.services import report
from trainhub.financial_years import financial_year
from trainhub.mail.models import OutboxMessage
from trainhub.mail.services import queue_mail

ROOT = Path(__file__).resolve().parent.parent
RESTORE_SH = ROOT / "deploy" / "restore.sh"
PASSWORD = "drill-password-not-secret"
#: The documented command, from the worktree (``python -m flask`` puts it first on sys.path).
FLASK = [sys.executable, "-m", "flask", "--app", "trainhub"]


def assert_private(folder: Path) -> None:
    """The backup folder is 0700 and every file in it 0600."""
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    files = list(folder.iterdir())
    assert files
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def fill(app: Flask) -> dict[str, Any]:
    """A little of everything, through the services: a booking, two workbook versions, a
    certificate, a published report, mail waiting in the outbox."""
    from trainhub.accreditation.services import seed_levels
    from trainhub.courses.services.catalogue import seed_courses

    seed_courses()
    seed_levels()
    cohort = make_cohort(start=local_today() + dt.timedelta(days=30))
    booker = make_user(roles=["learner"], full_name="Dafydd Prawf")
    book_place(booker, cohort)
    current = application(3)
    upload_workbook(current.user, current, pdf(), anonymised=True)
    upload_workbook(
        current.user, current, pdf("second.pdf", pdf_bytes("Second version")), anonymised=True
    )
    graduate = make_user(roles=["learner"], full_name="Heledd Prawf")
    complete(graduate, "IFSS-CORE", local_today() - dt.timedelta(days=3), announce=True)
    manager = make_user(roles=["manager"], full_name="Mererid Rheolwr")
    report.publish(manager, financial_year(local_today()))
    queue_mail("gwen.prawf@example.org", "Waiting at the backup", "Hello")
    db.session.commit()
    code = db.session.execute(sa.select(Certificate.code)).scalars().first()
    assert code is not None
    return {"certificate": code}


def live_state(app: Flask) -> dict[str, Any]:
    with db.engine.connect() as connection:
        state = backup.database_state(connection)
    return {**state, "files": backup.folder_files(Path(app.config["UPLOAD_FOLDER"]))}


def run(command: list[str], env: dict[str, str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, env=env, cwd=ROOT, capture_output=True, text=True, check=False, **kwargs
    )


@pytest.fixture
def cluster() -> Iterator[sa.URL]:
    """A PostgreSQL cluster of this test's own, with the role and database the README has
    an IT team create: ``trainhub``, owner of the database ``trainhub``."""
    with throwaway_cluster(tcp=True) as url:
        admin_url = sa.make_url(url)
        admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f"CREATE ROLE trainhub LOGIN PASSWORD '{PASSWORD}'")
            connection.exec_driver_sql("CREATE DATABASE trainhub OWNER trainhub")
        admin.dispose()
        yield admin_url


@pytest.mark.heavy
@pytest.mark.real_commits  # a database of its own: nothing is rolled back, all is dropped
def test_the_restore_drill_loses_nothing(cluster: sa.URL, tmp_path: Path) -> None:
    # Options after "?" and "&", as a URL may have them: passed to pg_dump and pg_restore, and
    # read from the environment file as they are (never run as shell).
    app_url = cluster.set(
        username="trainhub",
        password=PASSWORD,
        database="trainhub",
        query={"sslmode": "disable", "application_name": "trainhub-drill"},
    )
    uploads = tmp_path / "srv" / "uploads"
    env_file = tmp_path / "trainhub.env"
    env_file.write_text(
        f"TRAINHUB_DATABASE_URL={app_url.render_as_string(hide_password=False)}\n"
        f"TRAINHUB_UPLOAD_FOLDER={uploads}\n"
        "TRAINHUB_ENV=development\n"
        "TRAINHUB_SECRET_KEY=drill-secret-key-of-more-than-32-characters\n"
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TRAINHUB_", "PG"))},
        "TRAINHUB_ENV_FILE": str(env_file),
        "FLASK": f"{sys.executable} -m flask",
        "TRAINHUB_UNITS": "",  # no systemd here: nothing to stop
        "PG_ADMIN": f"psql -h {cluster.host} -p {cluster.port} -U postgres",
        "TRAINHUB_USER": "",
    }
    # The service's settings, as systemd's EnvironmentFile= gives them to flask.
    flask_env = {**env, **dict(line.split("=", 1) for line in env_file.read_text().splitlines())}

    app = make_test_app(app_url.render_as_string(hide_password=False), UPLOAD_FOLDER=str(uploads))
    with app.app_context():
        upgrade()
        facts = fill(app)
        before = live_state(app)
        db.session.remove()
        db.engine.dispose()
    assert before["tables"]["bookings"]["rows"] == 1
    assert before["tables"]["workbooks"]["rows"] == 2
    assert before["tables"]["certificates"]["rows"] >= 1
    assert before["tables"]["report_snapshots"]["rows"] == 1
    assert len(before["files"]) == 3  # two workbook versions and the report's PDF

    # The documented command, with a careless umask: the backup is private all the same.
    made = run(
        [*FLASK, "backup", str(tmp_path / "backups")],
        flask_env,
        preexec_fn=lambda: os.umask(0),
    )
    assert made.returncode == 0, made.stderr
    [folder] = (tmp_path / "backups").iterdir()
    assert folder.name.startswith("trainhub-") and folder.name.endswith("Z")
    assert stat.S_IMODE((tmp_path / "backups").stat().st_mode) == 0o700
    assert_private(folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["database"]["tables"] == before["tables"]
    assert manifest["database"]["sequences"] == before["sequences"]
    assert manifest["database"]["alembic_revision"] == before["alembic_revision"]
    assert manifest["uploads"]["files"] == before["files"]
    assert sorted(manifest["artifacts"]) == ["database.dump", "uploads.tar"]

    # While something still holds a connection, the restore refuses to drop the database.
    holder = sa.create_engine(app_url)
    with holder.connect():
        refused = run([str(RESTORE_SH), str(folder)], env)
    holder.dispose()
    assert refused.returncode != 0
    assert "connection(s) to trainhub" in refused.stderr

    # Lose everything: the database and the upload folder.
    admin = sa.create_engine(cluster, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql("DROP DATABASE trainhub")
    admin.dispose()
    shutil.rmtree(uploads)

    restored = run([str(RESTORE_SH), str(folder)], env)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert f"Same as {folder.name}" in restored.stdout
    assert "Waiting at the backup" in restored.stdout  # the mail that would go out again
    assert "ERROR" not in restored.stderr

    app = make_test_app(app_url.render_as_string(hide_password=False), UPLOAD_FOLDER=str(uploads))
    with app.app_context():
        after = live_state(app)
        assert after == before
        # Owned by the app's role, as if created by it: nothing owned by postgres.
        owners = db.session.execute(
            sa.text("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'")
        ).scalars()
        assert set(owners) == {"trainhub"}
        assert find_by_code(facts["certificate"]) is not None
        db.session.remove()
        db.engine.dispose()

    # The mail waiting at the backup, marked sent so it does not go out again.
    settled = run(
        [*FLASK, "backup", "pending-mail", str(folder), "--mark-sent"],
        flask_env,
    )
    assert settled.returncode == 0, settled.stderr
    with app.app_context():
        pending = db.session.execute(
            sa.select(sa.func.count()).where(OutboxMessage.status == "pending")
        ).scalar_one()
        assert pending == 0
        db.session.remove()
        db.engine.dispose()


# On SQLite: the same commands, and what verify and compare catch ----------------------------


def invoke(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=["backup", *args])


@pytest.mark.once
@pytest.mark.real_commits
def test_a_sqlite_backup_is_private_complete_and_checked(
    app: Flask, catalogue: None, tmp_path: Path
) -> None:
    current = application(3)
    upload_workbook(current.user, current, pdf(), anonymised=True)
    db.session.commit()
    db.session.remove()

    old = os.umask(0)
    try:
        made = invoke(app, str(tmp_path / "backups"))
    finally:
        os.umask(old)
    assert made.exit_code == 0, made.output
    assert "SQLite: fine for trying trainhub out" in made.output
    [folder] = (tmp_path / "backups").iterdir()
    assert_private(folder)
    assert sorted(p.name for p in folder.iterdir()) == [
        "database.sqlite",
        "manifest.json",
        "uploads.tar",
    ]

    verified = invoke(app, "verify", str(folder))
    assert verified.exit_code == 0, verified.output
    compared = invoke(app, "compare", str(folder))
    assert compared.exit_code == 0, compared.output
    assert "Same as" in compared.output

    # A change to the data, then to a file, is found and named.
    db.session.execute(sa.text("UPDATE users SET full_name = 'Someone Else'"))
    db.session.commit()
    [stored] = [p for p in Path(app.config["UPLOAD_FOLDER"]).rglob("*") if p.is_file()]
    stored.write_bytes(b"not the workbook")
    compared = invoke(app, "compare", str(folder))
    assert compared.exit_code == 1
    assert "table users" in compared.output and "same count, different content" in compared.output
    assert f"file {stored.parent.name}/{stored.name} differs" in compared.output

    # A backup whose tar was altered is refused.
    tar = folder / "uploads.tar"
    with tarfile.open(tar, "a") as archive:
        archive.add(__file__, arcname="extra")
    verified = invoke(app, "verify", str(folder))
    assert verified.exit_code == 1
    assert "uploads.tar has changed since the backup" in verified.output


@pytest.mark.once
@pytest.mark.real_commits
def test_pending_mail_is_listed_and_can_be_discarded(app: Flask, tmp_path: Path) -> None:
    queue_mail("gwen.prawf@example.org", "Your booking", "Hello")
    db.session.commit()
    db.session.remove()
    assert invoke(app, str(tmp_path)).exit_code == 0
    [folder] = tmp_path.iterdir()

    listed = invoke(app, "pending-mail", str(folder))
    assert "gwen.prawf@example.org  Your booking" in listed.output
    assert "--mark-sent or --discard" in listed.output
    discarded = invoke(app, "pending-mail", str(folder), "--discard")
    assert "1 message(s) discarded" in discarded.output
    assert db.session.execute(sa.select(sa.func.count(OutboxMessage.id))).scalar_one() == 0


@pytest.mark.once
@pytest.mark.real_commits
def test_with_s3_storage_the_backup_lists_the_bucket_and_asks_for_versioning(
    app: Flask,
    s3_bucket: Any,  # noqa: F811  (the fixture imported above)
    tmp_path: Path,
) -> None:
    s3 = s3_bucket
    app.config.update(STORAGE_BACKEND="s3", S3_BUCKET=BUCKET)
    storage.init_app(app)
    key = storage.storage().save(b"workbook bytes")
    db.session.remove()

    made = invoke(app, str(tmp_path / "unversioned"))
    assert made.exit_code == 0, made.output
    assert f"Bucket {BUCKET} has versioning Off: turn it on" in made.output
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    made = invoke(app, str(tmp_path / "backups"))
    assert "versioning" not in made.output
    [folder] = (tmp_path / "backups").iterdir()
    assert_private(folder)
    listing = json.loads((folder / "uploads-s3.json").read_text())
    assert listing["versioning"] == "Enabled"
    assert list(listing["objects"]) == [f"{key[:2]}/{key}"]
    assert invoke(app, "verify", str(folder)).exit_code == 0
    assert invoke(app, "compare", str(folder)).exit_code == 0

    s3.delete_object(Bucket=BUCKET, Key=f"{key[:2]}/{key}")
    compared = invoke(app, "compare", str(folder))
    assert compared.exit_code == 1
    assert f"object {key[:2]}/{key} is missing" in compared.output


@pytest.mark.once
@pytest.mark.real_commits
def test_the_nightly_script_backs_up_checks_and_removes_old_backups(
    app: Flask, tmp_path: Path
) -> None:
    backups = tmp_path / "backups"
    old = backups / "trainhub-2026-10-01T010000Z"
    old.mkdir(parents=True)
    (old / "manifest.json").write_text("{}")
    os.utime(old, (0, 0))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TRAINHUB_")},
        "TRAINHUB_ENV_FILE": "",
        "FLASK": f"{sys.executable} -m flask",
        "KEEP_DAYS": "30",
        "TRAINHUB_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "TRAINHUB_UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"],
        "TRAINHUB_ENV": "development",
    }
    ran = run([str(ROOT / "deploy" / "backup.sh"), str(backups)], env)
    assert ran.returncode == 0, ran.stderr
    assert "complete (0 uploaded file(s))" in ran.stdout
    [folder] = backups.iterdir()
    assert folder != old
    assert_private(folder)


# The PostgreSQL tools ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "postgresql+psycopg://trainhub:s%40cret@db.example.org:5433/trainhub?sslmode=require",
            {
                "PGHOST": "db.example.org",
                "PGPORT": "5433",
                "PGUSER": "trainhub",
                "PGPASSWORD": "s@cret",
                "PGDATABASE": "trainhub",
                "PGSSLMODE": "require",
            },
        ),
        (
            "postgresql+psycopg://trainhub@/trainhub?host=/run/postgresql",
            {"PGHOST": "/run/postgresql", "PGUSER": "trainhub", "PGDATABASE": "trainhub"},
        ),
    ],
)
def test_the_password_goes_to_the_tools_through_their_environment(
    url: str, expected: dict[str, str]
) -> None:
    assert backup.libpq_environment(sa.make_url(url)) == expected


def test_an_option_the_tools_cannot_take_is_refused() -> None:
    with pytest.raises(backup.BackupError, match="'prepare_threshold'"):
        backup.libpq_environment(sa.make_url("postgresql+psycopg://u@h/d?prepare_threshold=0"))


def fake_tool(folder: Path, name: str, version: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tool = folder / name
    tool.write_text(f"#!/bin/sh\necho '{name} (PostgreSQL) {version}'\n")
    tool.chmod(0o755)


def test_a_pg_dump_of_another_major_version_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_tool(tmp_path, "pg_dump", "14.9")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(backup.BackupError) as refused:
        backup.find_pg_tool("pg_dump", 97)
    assert "PostgreSQL 97" in refused.value.message
    assert f"{tmp_path}/pg_dump (version 14)" in refused.value.message
    assert "postgresql-client-97" in refused.value.message

    fake_tool(tmp_path, "pg_dump", "97.1 (Debian 97.1-1)")
    assert backup.find_pg_tool("pg_dump", 97) == str(tmp_path / "pg_dump")


def test_a_missing_pg_dump_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(backup.glob, "glob", lambda pattern: [])
    with pytest.raises(backup.BackupError, match="pg_dump was not found on PATH"):
        backup.find_pg_tool("pg_dump", 97)
