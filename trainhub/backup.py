"""``flask backup``: a consistent, private copy of the database and the uploaded files, and
the checks that prove a copy (or a restored system) complete.

A backup is one folder, named by its UTC time (``trainhub-2026-12-06T193000Z``), mode 0700,
every file in it 0600 whatever the umask:

* ``database.dump``: ``pg_dump --format=custom`` of the database (PostgreSQL), or
  ``database.sqlite`` made with SQLite's online backup API (SQLite is for trying trainhub
  out, not for running it);
* ``uploads.tar``: the upload folder (local storage), taken **after** the dump, so every
  file the dump refers to is in it; or ``uploads-s3.json``, a listing of the bucket's keys
  with their sizes and ETags (with S3 storage the bucket's versioning is the backup);
* ``manifest.json``: every table's row count and content hash, every sequence, every
  uploaded file's SHA-256, each of the files above with its SHA-256, the alembic revision,
  trainhub's version and the time.

On PostgreSQL the manifest's counts and hashes are read in the very snapshot that pg_dump
dumps (``pg_export_snapshot`` and ``pg_dump --snapshot``), so they describe the dump exactly.
``flask backup verify`` checks a backup's files against its manifest; ``flask backup
compare`` checks a live (restored) database and upload folder against one. deploy/restore.sh
is the restore runbook.
"""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import json
import os
import re
import shlex
import shutil
import sqlite3
import stat
import subprocess
import tarfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import IO, Any

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from trainhub.extensions import db

MANIFEST = "manifest.json"
PG_DUMP_FILE = "database.dump"
SQLITE_FILE = "database.sqlite"
UPLOADS_TAR = "uploads.tar"
S3_LISTING = "uploads-s3.json"
#: The manifest's layout; a later trainhub reading an older manifest can tell.
FORMAT = 1
#: Half-written files of LocalStorage (``.upload-…``): never part of a backup.
TEMPORARY = re.compile(r"^\.upload-")
#: The row hashes are added up modulo this (order-independent, duplicates counted).
MODULUS = 2**256

#: The connection parts libpq reads from its environment (passwords never go on a command line).
LIBPQ_ENV = {
    "host": "PGHOST",
    "port": "PGPORT",
    "user": "PGUSER",
    "dbname": "PGDATABASE",
    "password": "PGPASSWORD",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


class BackupError(click.ClickException):
    """A backup, check or comparison that cannot go on: the message says what to do."""


# Writing private files -------------------------------------------------------------------------


def private_dir(path: Path) -> Path:
    """Make the new folder ``path`` (and missing parents) mode 0700, whatever the umask.

    A folder that is there already keeps its mode (``flask backup /tmp`` must not close
    /tmp): the backup's own folder inside it is new, and 0700.
    """
    if not path.exists():
        path.mkdir(mode=0o700, parents=True)
        os.chmod(path, 0o700)
    return path


@contextmanager
def private_file(path: Path) -> Iterator[IO[bytes]]:
    """A new file opened for writing, mode 0600 from its first byte, whatever the umask."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "wb") as handle:
        yield handle
        handle.flush()
        os.fsync(handle.fileno())


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# The database's content --------------------------------------------------------------------


def _canonical(value: Any) -> Any:
    """A value as the same JSON on every read of the same row (bytes as hex)."""
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes | bytearray):
        return {"hex": bytes(value).hex()}
    if isinstance(value, dict | list | int | float | str | bool) or value is None:
        return value
    return str(value)  # dates, times, decimals, UUIDs


def table_digest(connection: sa.Connection, table: str) -> tuple[int, str]:
    """(rows, content hash) of one table, whatever order the rows come back in.

    Each row is hashed as JSON of its columns in name order; the row hashes are added up
    modulo 2^256, so two tables with the same rows have the same hash.
    """
    quoted = connection.dialect.identifier_preparer.quote(table)
    result = connection.execution_options(stream_results=True, yield_per=2000).exec_driver_sql(
        f"SELECT * FROM {quoted}"  # noqa: S608  (a name from the database's own catalogue)
    )
    names = list(result.keys())
    order = sorted(range(len(names)), key=lambda i: names[i])
    rows, total = 0, 0
    for row in result:
        text = json.dumps(
            [[names[i], _canonical(row[i])] for i in order], sort_keys=True, ensure_ascii=True
        )
        total = (total + int.from_bytes(hashlib.sha256(text.encode()).digest(), "big")) % MODULUS
        rows += 1
    return rows, f"{total:064x}"


def database_state(connection: sa.Connection) -> dict[str, Any]:
    """Every table's rows and hash, every sequence (PostgreSQL) and the alembic revision."""
    inspector = sa.inspect(connection)
    tables = {}
    for name in sorted(inspector.get_table_names()):
        rows, digest = table_digest(connection, name)
        tables[name] = {"rows": rows, "sha256": digest}
    sequences: dict[str, int | None] = {}
    if connection.dialect.name == "postgresql":
        result = connection.exec_driver_sql(
            "SELECT sequencename, last_value FROM pg_sequences "
            "WHERE schemaname = current_schema() ORDER BY sequencename"
        )
        sequences = {name: value for name, value in result}
    revision = None
    if "alembic_version" in tables:
        revision = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    #: The newest message in the outbox: what was pending up to it may go out again.
    outbox_last_id = None
    if "outbox_messages" in tables:
        outbox_last_id = connection.exec_driver_sql("SELECT max(id) FROM outbox_messages").scalar()
    return {
        "alembic_revision": revision,
        "tables": tables,
        "sequences": sequences,
        "outbox_last_id": outbox_last_id,
    }


# PostgreSQL tools ----------------------------------------------------------------------------


def libpq_environment(url: sa.URL) -> dict[str, str]:
    """The libpq variables (PGHOST, PGUSER, PGPASSWORD…) for a SQLAlchemy PostgreSQL URL."""
    parts: dict[str, Any] = {
        "host": url.host,
        "port": url.port,
        "user": url.username,
        "password": url.password,
        "dbname": url.database,
    }
    for key, value in url.query.items():
        if key not in LIBPQ_ENV:
            raise BackupError(
                f"The database URL has the option {key!r}, which the PostgreSQL tools cannot "
                "be given: use " + ", ".join(sorted(LIBPQ_ENV)) + " only (or libpq's PG* "
                "variables, or ~/.pgpass)."
            )
        parts[key] = value if isinstance(value, str) else value[-1]
    return {LIBPQ_ENV[k]: str(v) for k, v in parts.items() if v not in (None, "")}


def find_pg_tool(name: str, major: int) -> str:
    """The server's own major version of ``name`` (pg_dump, pg_restore): Debian's
    ``/usr/lib/postgresql/<major>/bin`` first, then PATH; refuse any other version."""
    candidates = [f"/usr/lib/postgresql/{major}/bin/{name}"]
    on_path = shutil.which(name)
    if on_path:
        candidates.append(on_path)
    candidates += sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    found: list[str] = []
    for candidate in candidates:
        if not os.access(candidate, os.X_OK):
            continue
        version = tool_major(candidate)
        if version == major:
            return candidate
        found.append(f"{candidate} (version {version})")
    if not found:
        raise BackupError(
            f"{name} was not found on PATH nor under /usr/lib/postgresql/*/bin: install the "
            f"PostgreSQL {major} client tools (Debian: apt-get install postgresql-client-{major})."
        )
    raise BackupError(
        f"The database server is PostgreSQL {major} but the only {name} found is "
        + ", ".join(found)
        + f": install the PostgreSQL {major} client tools (Debian: "
        f"apt-get install postgresql-client-{major})."
    )


def tool_major(path: str) -> int | None:
    """The major version a PostgreSQL tool reports (``pg_dump (PostgreSQL) 15.5`` → 15)."""
    try:
        out = subprocess.run(  # noqa: S603 (a PostgreSQL tool found above, fixed arguments)
            [path, "--version"], capture_output=True, text=True, check=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\)\s+(\d+)", out)
    return int(match.group(1)) if match else None


def server_major(connection: sa.Connection) -> int:
    return int(connection.exec_driver_sql("SHOW server_version_num").scalar_one()) // 10000


# Files ------------------------------------------------------------------------------------


def upload_folder() -> Path:
    return Path(
        current_app.config.get("UPLOAD_FOLDER")
        or os.path.join(current_app.instance_path, "uploads")
    )


def folder_files(root: Path) -> dict[str, dict[str, Any]]:
    """Every stored file under ``root`` by its relative path: size and SHA-256."""
    files = {}
    if root.exists():
        for path in sorted(root.rglob("*")):
            if path.is_file() and not TEMPORARY.match(path.name):
                name = path.relative_to(root).as_posix()
                files[name] = {"size": path.stat().st_size, "sha256": sha256_file(path)}
    return files


def s3_listing() -> dict[str, Any]:
    """The bucket's objects under the prefix (key, size, ETag) and its versioning state."""
    from trainhub.storage import S3Storage, storage

    store = storage()
    assert isinstance(store, S3Storage)
    objects = {}
    paginator = store.client.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=store.bucket, Prefix=store.prefix):
        for item in page.get("Contents", []):
            objects[item["Key"]] = {"size": item["Size"], "etag": item["ETag"].strip('"')}
    versioning = store.client.get_bucket_versioning(Bucket=store.bucket).get("Status", "Off")
    return {
        "bucket": store.bucket,
        "prefix": store.prefix,
        "versioning": versioning,
        "note": (
            "The bucket's versioning is the backup of the files: this listing says which "
            "objects (and which sizes and ETags) this database dump refers to. Objects are "
            "never overwritten nor deleted by trainhub."
        ),
        "objects": objects,
    }


def _storage_backend() -> str:
    return str(current_app.config.get("STORAGE_BACKEND") or "local").lower()


# Making a backup --------------------------------------------------------------------------


@dataclass
class Backup:
    path: Path
    manifest: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def make_backup(directory: Path, now: dt.datetime | None = None) -> Backup:
    """Write a new backup folder inside ``directory`` (see the module's docstring)."""
    now = now or dt.datetime.now(dt.UTC)
    name = f"trainhub-{now:%Y-%m-%dT%H%M%SZ}"
    private_dir(directory)
    if not directory.is_dir():
        raise BackupError(f"{directory} is not a folder.")
    final = directory / name
    if final.exists():
        raise BackupError(f"{final} exists already: wait a second and run it again.")
    # Written under another name and renamed when complete: a half-made backup never
    # looks like a backup.
    work = private_dir(directory / f".{name}.partial")
    try:
        backup = Backup(final)
        engine = db.engine
        if engine.dialect.name == "postgresql":
            database = _dump_postgresql(engine, work)
            database_file = PG_DUMP_FILE
        elif engine.dialect.name == "sqlite":
            database = _copy_sqlite(engine, work)
            database_file = SQLITE_FILE
            backup.warnings.append(
                "SQLite: fine for trying trainhub out; run it for real on PostgreSQL."
            )
        else:
            raise BackupError(f"Cannot back up a {engine.dialect.name} database.")
        # The files after the dump: every file the dump refers to was written before the
        # transaction that refers to it committed, so it is in the copy (with perhaps a
        # few newer ones, which do no harm).
        files: dict[str, Any]
        if _storage_backend() == "s3":
            listing = s3_listing()
            with private_file(work / S3_LISTING) as handle:
                handle.write(json.dumps(listing, indent=1, sort_keys=True).encode())
            files = {"storage": "s3", "objects": len(listing["objects"])}
            if listing["versioning"] != "Enabled":
                backup.warnings.append(
                    f"Bucket {listing['bucket']} has versioning {listing['versioning']}: turn "
                    "it on, or the files have no backup (docs/deployment.md, section 3)."
                )
            artifacts = [database_file, S3_LISTING]
        else:
            root = upload_folder()
            files = {"storage": "local", "files": _tar_folder(root, work / UPLOADS_TAR)}
            artifacts = [database_file, UPLOADS_TAR]
        backup.manifest = {
            "format": FORMAT,
            "name": name,
            "created_at": now.isoformat(),
            "trainhub_version": _version(),
            "database": {"backend": engine.dialect.name, **database},
            "uploads": files,
            "artifacts": {a: {"sha256": sha256_file(work / a)} for a in artifacts},
        }
        with private_file(work / MANIFEST) as handle:
            handle.write(json.dumps(backup.manifest, indent=1, sort_keys=True).encode())
        os.rename(work, final)
        os.chmod(final, 0o700)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return backup


def _version() -> str:
    try:
        return metadata.version("trainhub")
    except metadata.PackageNotFoundError:
        return "unknown"


def _dump_postgresql(engine: sa.Engine, work: Path) -> dict[str, Any]:
    """pg_dump the database in a snapshot, and describe that same snapshot."""
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            major = server_major(connection)
            pg_dump = find_pg_tool("pg_dump", major)
            snapshot = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
            environment = {**os.environ, **libpq_environment(engine.url)}
            with private_file(work / PG_DUMP_FILE) as handle:
                result = subprocess.run(  # noqa: S603 (the server's pg_dump, fixed arguments)
                    [pg_dump, "--format=custom", f"--snapshot={snapshot}", "--no-password"],
                    stdout=handle,
                    stderr=subprocess.PIPE,
                    env=environment,
                    check=False,
                )
            if result.returncode:
                raise BackupError(f"pg_dump failed: {result.stderr.decode(errors='replace')}")
            state = database_state(connection)
    return {"server_major": major, "pg_dump": pg_dump, **state}


def _copy_sqlite(engine: sa.Engine, work: Path) -> dict[str, Any]:
    """SQLite's online backup API into the folder; the manifest describes the copy."""
    source_path = engine.url.database
    if not source_path or source_path == ":memory:":
        raise BackupError("The SQLite database is in memory: there is nothing to back up.")
    target = work / SQLITE_FILE
    with private_file(target):
        pass  # created 0600 before SQLite writes into it
    source = sqlite3.connect(source_path)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    copy_engine = sa.create_engine(f"sqlite:///{target}")
    try:
        with copy_engine.connect() as connection:
            return database_state(connection)
    finally:
        copy_engine.dispose()


def _tar_folder(root: Path, target: Path) -> dict[str, Any]:
    """Tar the upload folder (no half-written temporaries); every file's size and SHA-256."""
    files = folder_files(root)
    with private_file(target) as handle, tarfile.open(fileobj=handle, mode="w") as archive:
        for name in files:
            archive.add(root / name, arcname=name, recursive=False)
    return files


# Checking --------------------------------------------------------------------------------


def read_manifest(path: Path) -> tuple[Path, dict[str, Any]]:
    """A backup folder (or its manifest.json) and its manifest."""
    folder = path.parent if path.name == MANIFEST else path
    try:
        manifest: dict[str, Any] = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{folder} has no {MANIFEST}: not a trainhub backup.") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{folder}: a manifest of format {manifest.get('format')!r}.")
    return folder, manifest


def verify_backup(folder: Path) -> list[str]:
    """The problems with a backup folder's files (none: it is whole)."""
    folder, manifest = read_manifest(folder)
    problems = []
    for name, expected in manifest["artifacts"].items():
        path = folder / name
        if not path.exists():
            problems.append(f"{name} is missing")
        elif sha256_file(path) != expected["sha256"]:
            problems.append(f"{name} has changed since the backup (SHA-256 differs)")
        elif stat.S_IMODE(path.stat().st_mode) & 0o077:
            problems.append(f"{name} can be read by others: chmod 600 it")
    if stat.S_IMODE(folder.stat().st_mode) & 0o077:
        problems.append(f"{folder} can be read by others: chmod 700 it")
    if manifest["uploads"]["storage"] == "local" and not problems:
        expected_files = manifest["uploads"]["files"]
        seen = set()
        with tarfile.open(folder / UPLOADS_TAR) as archive:
            for member in archive:
                handle = archive.extractfile(member) if member.isfile() else None
                if handle is None:
                    problems.append(f"{UPLOADS_TAR}: {member.name} is not a file")
                    continue
                digest = hashlib.sha256()
                for chunk in iter(lambda h=handle: h.read(1 << 20), b""):  # type: ignore[misc]
                    digest.update(chunk)
                seen.add(member.name)
                want = expected_files.get(member.name)
                if want is None:
                    problems.append(f"{UPLOADS_TAR}: {member.name} is not in the manifest")
                elif digest.hexdigest() != want["sha256"]:
                    problems.append(f"{UPLOADS_TAR}: {member.name} differs from the manifest")
        problems += [f"{UPLOADS_TAR} lacks {name}" for name in sorted(set(expected_files) - seen)]
    return problems


def compare_live(folder: Path, manifest: Mapping[str, Any]) -> list[str]:
    """How the app's database and files differ from a backup (none: the same)."""
    engine = db.engine
    recorded = manifest["database"]
    if engine.dialect.name != recorded["backend"]:
        return [f"the database is {engine.dialect.name}, the backup {recorded['backend']}"]
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":  # one snapshot for every table
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            live = database_state(connection)
    problems = []
    if live["alembic_revision"] != recorded["alembic_revision"]:
        problems.append(
            f"alembic revision {live['alembic_revision']}, backup {recorded['alembic_revision']}"
        )
    for name in sorted(set(recorded["tables"]) | set(live["tables"])):
        want, have = recorded["tables"].get(name), live["tables"].get(name)
        if want is None:
            problems.append(f"table {name} is not in the backup")
        elif have is None:
            problems.append(f"table {name} is missing")
        elif want != have:
            problems.append(
                f"table {name}: {have['rows']} rows, backup {want['rows']}"
                + (" (same count, different content)" if want["rows"] == have["rows"] else "")
            )
    for name, value in recorded.get("sequences", {}).items():
        if live["sequences"].get(name) != value:
            problems.append(
                f"sequence {name} at {live['sequences'].get(name)}, backup {value}: new rows "
                "could take ids that are in use"
            )
    uploads = manifest["uploads"]
    if uploads["storage"] == "local":
        present = folder_files(upload_folder())
        for name, want in uploads["files"].items():
            have = present.get(name)
            if have is None:
                problems.append(f"file {name} is missing from {upload_folder()}")
            elif have["sha256"] != want["sha256"]:
                problems.append(f"file {name} differs from the backup")
    else:  # the objects the dump refers to must still be in the bucket, unchanged
        listed = json.loads((folder / S3_LISTING).read_text())["objects"]
        present = s3_listing()["objects"]
        for name, want in listed.items():
            have = present.get(name)
            if have is None:
                problems.append(f"object {name} is missing: bring it back from its versions")
            elif have["etag"] != want["etag"]:
                problems.append(f"object {name} differs from the backup (ETag)")
    return problems


# Mail that was waiting at the backup ---------------------------------------------------------


def pending_mail(last_id: int | None) -> list[Any]:
    """Messages still pending that were in the backup (ids up to ``last_id``, the newest)."""
    from trainhub.mail.models import OutboxMessage

    query = (
        sa.select(OutboxMessage)
        .where(OutboxMessage.status == "pending", OutboxMessage.id <= (last_id or 0))
        .order_by(OutboxMessage.id)
    )
    return list(db.session.execute(query).scalars())


# The commands ----------------------------------------------------------------------------


class _BackupGroup(AppGroup):
    """``flask backup DIRECTORY`` is ``flask backup create DIRECTORY``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["create", *args]
        return super().parse_args(ctx, args)


backup_cli = _BackupGroup(
    "backup",
    help=(
        "Back up the database and the uploaded files, and check backups and restores "
        "(`flask backup DIRECTORY` makes one; docs/deployment.md, section 6)."
    ),
)


@backup_cli.command("create")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def backup_create(directory: Path) -> None:
    """Write a new backup (database, files, manifest) into DIRECTORY, private to its owner."""
    backup = make_backup(directory)
    db.session.remove()
    tables = backup.manifest["database"]["tables"]
    rows = sum(t["rows"] for t in tables.values())
    click.echo(f"Backup written to {backup.path}")
    click.echo(f"  {len(tables)} tables, {rows} rows; {_uploads_summary(backup.manifest)}")
    for warning in backup.warnings:
        click.echo(f"Warning: {warning}", err=True)


def _uploads_summary(manifest: Mapping[str, Any]) -> str:
    uploads = manifest["uploads"]
    if uploads["storage"] == "s3":
        return f"{uploads['objects']} object(s) listed in the bucket"
    return f"{len(uploads['files'])} uploaded file(s)"


@backup_cli.command("verify")
@click.argument("backup", type=click.Path(exists=True, path_type=Path))
def backup_verify(backup: Path) -> None:
    """Check a backup's files against its manifest (run before restoring from it)."""
    problems = verify_backup(backup)
    for problem in problems:
        click.echo(f"  {problem}", err=True)
    if problems:
        raise BackupError(f"{backup}: {len(problems)} problem(s): do not restore from it.")
    _, manifest = read_manifest(backup)
    click.echo(f"{backup}: complete ({_uploads_summary(manifest)}).")


@backup_cli.command("compare")
@click.argument("backup", type=click.Path(exists=True, path_type=Path))
def backup_compare(backup: Path) -> None:
    """Compare the database and the upload folder with a backup's manifest, table by table
    and file by file (after a restore, nothing should differ)."""
    folder, manifest = read_manifest(backup)
    problems = compare_live(folder, manifest)
    db.session.remove()
    for problem in problems:
        click.echo(f"  {problem}", err=True)
    if problems:
        raise BackupError(f"{len(problems)} difference(s) from {manifest['name']}.")
    tables = manifest["database"]["tables"]
    click.echo(
        f"Same as {manifest['name']}: {len(tables)} tables, "
        f"{len(manifest['database'].get('sequences', {}))} sequences, "
        f"{_uploads_summary(manifest)}."
    )


@backup_cli.command("pending-mail")
@click.argument("backup", type=click.Path(exists=True, path_type=Path))
@click.option("--mark-sent", is_flag=True, help="Mark them sent: they will not go out again.")
@click.option("--discard", is_flag=True, help="Delete them from the outbox.")
def backup_pending_mail(backup: Path, mark_sent: bool, discard: bool) -> None:
    """List the mail that was waiting when the backup was taken (after a restore it would go
    out again); --mark-sent or --discard stops it going out."""
    from trainhub.extensions import utcnow

    if mark_sent and discard:
        raise click.UsageError("Give --mark-sent or --discard, not both.")
    _, manifest = read_manifest(backup)
    messages = pending_mail(manifest["database"]["outbox_last_id"])
    for message in messages:
        click.echo(
            f"{message.id:>8}  {message.created_at:%Y-%m-%d %H:%M}  "
            f"{message.attempts} attempt(s)  {message.to_address}  {message.subject}"
        )
    if not messages:
        click.echo("No mail was waiting at the backup.")
        return
    if mark_sent:
        note = f"Marked sent after the restore of {manifest['name']}; not sent again."
        for message in messages:
            message.status, message.sent_at, message.last_error = "sent", utcnow(), note
        db.session.commit()
        click.echo(f"{len(messages)} message(s) marked sent.")
    elif discard:
        for message in messages:
            db.session.delete(message)
        db.session.commit()
        click.echo(f"{len(messages)} message(s) discarded.")
    else:
        click.echo(
            f"{len(messages)} message(s) waiting: the mail worker will send them once it "
            "starts. To stop that, run this again with --mark-sent or --discard."
        )


@backup_cli.command("restore-env")
@click.argument("backup", type=click.Path(exists=True, path_type=Path), required=False)
def backup_restore_env(backup: Path | None) -> None:
    """Print, for deploy/restore.sh to ``eval``, where the app's data lives: the backend, the
    libpq variables (PGHOST, PGUSER, PGPASSWORD…) or the SQLite file, the upload folder; and
    with BACKUP, its database file and server version."""
    url = db.engine.url
    backend = url.get_backend_name()
    values = {"TRAINHUB_DB_BACKEND": backend, "TRAINHUB_STORAGE": _storage_backend()}
    if backend == "postgresql":
        values |= libpq_environment(url)
    elif backend == "sqlite":
        values["TRAINHUB_SQLITE_FILE"] = str(url.database)
    values["TRAINHUB_UPLOAD_DIR"] = str(upload_folder())
    if backup is not None:
        _, manifest = read_manifest(backup)
        recorded = manifest["database"]
        if recorded["backend"] != backend:
            raise BackupError(f"The backup is of {recorded['backend']}, the app uses {backend}.")
        values["TRAINHUB_BACKUP_PG_MAJOR"] = str(recorded.get("server_major", ""))
        values["TRAINHUB_BACKUP_STORAGE"] = manifest["uploads"]["storage"]
    for name, value in values.items():
        click.echo(f"export {name}={shlex.quote(value)}")
