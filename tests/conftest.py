"""The harness every area's tests share.

* Every database test runs twice: on SQLite and on a throwaway PostgreSQL
  cluster started for the session (``tests/postgres.py``).
* The schema comes from the migrations (``flask db upgrade``), once per backend.
* Each test gets a fresh app inside an app context (for factories and services);
  every request made by ``client`` runs in a fresh ``contextvars`` context, so
  nothing in ``flask.g`` (the signed-in user, the locale, the SQLAlchemy
  session) leaks between the test and its requests, or between two clients.
* After each test every table is emptied.
* The apps share their compiled templates (``CompiledTemplates``), not their environments.
* Under pytest-xdist each worker has its own PostgreSQL cluster and SQLite file (its own
  ``tmp_path_factory`` folder), so workers never see each other's rows.
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jinja2
import pytest
import sqlalchemy as sa
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade

from tests.factories import PASSWORD
from tests.postgres import throwaway_cluster
from trainhub import create_app
from trainhub.auth.models import User
from trainhub.extensions import db

BACKENDS = ["sqlite", "postgresql"]


def base_config(database_url: str) -> dict[str, Any]:
    return {
        "ENV": "development",
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "BASE_URL": "https://trainhub.example.org",
        "SELF_REGISTRATION": True,
    }


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """This process's cluster (each xdist worker has its own), reached by its Unix socket."""
    with throwaway_cluster(tcp=False) as url:
        yield url


def _migrate(url: str) -> None:
    app = create_app(base_config(url))
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated, empty database of each backend, made once per session."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.sqlite'}"
    else:
        url = request.getfixturevalue("postgres_url")
    _migrate(url)
    return url


class IsolatedClient(FlaskClient):
    """A test client whose every request starts from an empty context."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        if not has_app_context():  # already isolated (e.g. following a redirect)
            return super().open(*args, **kwargs)
        response = contextvars.Context().run(super().open, *args, **kwargs)
        # The test's own session may hold rows the request changed: read them again.
        db.session.expire_all()
        return response


class CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates shared by the apps of one test process.

    Every test's app has a Jinja environment of its own, which would otherwise compile
    ``base.html`` and the GOV.UK Frontend macros again for every test: a third of the CPU
    time of a view test. The apps are all made by ``create_app`` with the same Jinja set-up, and a template
    whose source changes (the checksum) is compiled again.
    """

    def __init__(self) -> None:
        self._code: dict[str, tuple[str, Any]] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        checksum, code = self._code.get(bucket.key, (None, None))
        if checksum == bucket.checksum:
            bucket.code = code

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = (bucket.checksum, bucket.code)


COMPILED_TEMPLATES = CompiledTemplates()


def empty_database() -> None:
    db.session.rollback()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


@contextmanager
def one_test(app: Flask) -> Iterator[Flask]:
    """The app's context for one test; every table is emptied afterwards."""
    with app.app_context():
        try:
            yield app
        finally:
            empty_database()
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = create_app({**base_config(database_url), "UPLOAD_FOLDER": str(tmp_path / "uploads")})
    app.test_client_class = IsolatedClient
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    with one_test(app):
        yield app


@pytest.fixture
def postgres_app(postgres_url: str) -> Iterator[Flask]:
    """An app on this process's PostgreSQL cluster alone, for tests of concurrency (row and
    advisory locks, ``SKIP LOCKED``) that run once, on the backend whose locking they prove.
    A connection for each of up to 40 threads, so that every one of them really waits."""
    config = base_config(postgres_url)
    config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_size": 40, "max_overflow": 0}
    app = create_app(config)
    with one_test(app):
        upgrade()  # a no-op once another test has migrated this database
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def catalogue(app: Flask) -> None:
    """The framework catalogue and levels, as ``flask catalogue seed`` loads them."""
    from trainhub.accreditation.services import seed_levels
    from trainhub.courses.services.catalogue import seed_courses

    seed_courses()
    seed_levels()
    db.session.commit()


def login(client: FlaskClient, user: User) -> FlaskClient:
    """Sign ``user`` in on ``client`` as the sign-in page does: a sign-in record (committed,
    with whatever else the test has added) and the session cookie Flask-Login reads."""
    from trainhub.auth.sign_ins import start_session
    from trainhub.auth.views import SIGN_IN_KEY

    token = start_session(user, "pytest", "127.0.0.1")
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session[SIGN_IN_KEY] = token
    return client


def sign_in_with_form(client: FlaskClient, email: str, password: str = PASSWORD) -> Any:
    return client.post("/sign-in", data={"email": email, "password": password})


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app: Flask) -> Iterator[QueryCounter]:
    """Counts SQL statements sent by the app (for O(1)-queries assertions)."""
    counter = QueryCounter()

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not re.match(r"\s*(SAVEPOINT|RELEASE|ROLLBACK)", statement):
            counter.statements.append(statement)

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
