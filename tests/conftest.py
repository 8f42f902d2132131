"""The harness every area's tests share.

* Every database test runs twice, on SQLite and on a throwaway PostgreSQL cluster started
  for the session (``tests/postgres.py``). A test marked ``@pytest.mark.once`` needs an app
  but no particular database (pure rules, headers, permission checks): it runs on SQLite only.
* The schema comes from the migrations (``flask db upgrade``), once per backend. Beside
  each test database is a second one with the framework catalogue and levels already in
  it (the ``catalogue`` fixture, wanted by half the tests), seeded once instead of for
  every test. A fixture made by ``seeded_fixture`` (the access matrix's world, the reports'
  fixture year) has its records made once like that, in a database of their own.
* One app per database and process, built once. Each test gets it inside a transaction
  that is rolled back afterwards: the app's engine is swapped for one connection with an
  outer transaction, and every session (the test's and each request's) joins it with a
  SAVEPOINT of its own (``join_transaction_mode="create_savepoint"``), so a
  ``db.session.commit()`` commits that SAVEPOINT only and the requests see the test's rows.
  The app's config and extensions (storage, the rate limiter's counts, caches) are put
  back as they were built before each test.
* A test that changes the app itself (adds a route) is marked ``@pytest.mark.own_app``: it
  gets an app of its own, still inside a rolled-back transaction.
* A test whose writes must really be committed (other connections or processes read them,
  a transaction of its own, the schema itself) is marked ``@pytest.mark.real_commits``: it
  gets an app of its own on the same database, and every table is emptied afterwards.
* Every request made by ``client`` runs in a fresh ``contextvars`` context, so nothing in
  ``flask.g`` (the signed-in user, the locale, the SQLAlchemy session) leaks between the
  test and its requests, or between two clients.
* The apps share their compiled templates (``CompiledTemplates``), not their environments.
* Under pytest-xdist each worker has its own PostgreSQL cluster and SQLite file (its own
  ``tmp_path_factory`` folder), so workers never see each other's rows.
"""

from __future__ import annotations

import contextvars
import copy
import dataclasses
import re
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar, cast

import jinja2
import pytest
import sqlalchemy as sa
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade

from tests.helpers import QueryCounter, login, sign_in_with_form
from tests.oidc_provider import expired_oidc_provider, oidc_provider  # noqa: F401 (fixtures)
from tests.postgres import throwaway_cluster
from trainhub import create_app
from trainhub.extensions import db

# Imported from here by tests written before tests/helpers.py held them.
__all__ = ["QueryCounter", "login", "sign_in_with_form"]

BACKENDS = ("sqlite", "postgresql")
T = TypeVar("T")


def base_config(database_url: str) -> dict[str, Any]:
    return {
        "ENV": "development",
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "BASE_URL": "https://trainhub.example.org",
        "SELF_REGISTRATION": True,
        # Staff sign in with their password alone here; tests/auth/test_two_factor.py
        # turns the requirement on where it tests it.
        "TWO_FACTOR_REQUIRED_ROLES": "",
        # One Open Badges signing key for the process (made once, removed at its end).
        "CREDENTIALS_KEY_DIR": str(credentials_key_dir()),
    }


_CREDENTIALS_KEY_DIR: list[Path] = []


def credentials_key_dir() -> Path:
    """A folder with one signing key, made the first time an app is built."""
    if not _CREDENTIALS_KEY_DIR:
        import tempfile

        from trainhub.accreditation.services.credential_keys import generate

        folder = Path(tempfile.mkdtemp(prefix="trainhub-credential-keys-"))
        generate(folder)
        _CREDENTIALS_KEY_DIR.append(folder)
    return _CREDENTIALS_KEY_DIR[0]


@pytest.fixture(scope="session", autouse=True)
def credential_keys() -> Iterator[Path]:
    """The session's signing key folder (see ``base_config``), deleted afterwards."""
    import shutil

    yield credentials_key_dir()
    shutil.rmtree(credentials_key_dir(), ignore_errors=True)


# Which backends a test runs on ---------------------------------------------------------------


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test that needs a database runs once per backend; ``once`` tests on SQLite."""
    if "database_url" not in metafunc.fixturenames:
        return
    once = metafunc.definition.get_closest_marker("once") is not None
    backends = BACKENDS[:1] if once else BACKENDS
    metafunc.parametrize("database_url", backends, indirect=True, scope="session")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The long tests first: the browser journeys and ``heavy`` tests, then the rest.

    pytest-xdist hands out the collection in order (a journey module's tests together), one
    unit at a time as each worker runs low; a long test handed out last would keep one
    worker busy while the other has finished. The order within each part stays as pytest
    made it (grouped by backend).
    """
    browser = Path(__file__).resolve().parent / "browser"

    def later(item: pytest.Item) -> bool:
        return not (
            item.path.resolve().parent == browser or item.get_closest_marker("heavy") is not None
        )

    items.sort(key=later)


#: PostgreSQL databases this process made beside its test database (dropped at the end).
_MADE_ON_POSTGRESQL: list[str] = []


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """This process's cluster (each xdist worker has its own), reached by its Unix socket."""
    with throwaway_cluster(tcp=False) as url:
        yield url
        for shared in _SHARED_APPS.values():
            with shared.app.app_context():
                db.engine.dispose()
        _drop_databases(url, _MADE_ON_POSTGRESQL)


def _migrate(url: str, seed: Callable[[], None] | None = None, **config: Any) -> None:
    """Build the schema from the migrations; then ``seed``, if given, adds to it (committed)
    in an app context with the test settings and ``config``."""
    app = create_app({**base_config(url), **config})
    with app.app_context():
        upgrade()
        if seed is not None:
            seed()
            db.session.commit()
            db.session.remove()
        db.engine.dispose()


def seed_catalogue() -> None:
    """The framework catalogue and levels, as ``flask catalogue seed`` loads them."""
    from trainhub.accreditation.services import seed_levels
    from trainhub.courses.services.catalogue import seed_courses

    seed_courses()
    seed_levels()


def _database_beside(url: str, name: str) -> str:
    """A new, empty database next to the one at ``url``: another SQLite file in its
    folder, or another database in the same PostgreSQL cluster."""
    given = sa.make_url(url)
    if given.get_backend_name() == "sqlite":
        path = Path(str(given.database))
        return given.set(
            database=str(path.with_name(f"{path.stem}-{name}{path.suffix}"))
        ).render_as_string(hide_password=False)
    database = f"{given.database or 'postgres'}_{name}"
    admin = sa.create_engine(given, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            connection.exec_driver_sql(f'CREATE DATABASE "{database}"')
    finally:
        admin.dispose()
    _MADE_ON_POSTGRESQL.append(database)
    return given.set(database=database).render_as_string(hide_password=False)


def _drop_databases(url: str, names: list[str]) -> None:
    admin = sa.create_engine(sa.make_url(url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            for name in names:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


#: This process's migrated databases, by backend. pytest sets a parametrised session
#: fixture up again whenever the backend changes from one test to the next; the database
#: is made once all the same.
_DATABASES: dict[str, str] = {}


@pytest.fixture(scope="session")
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated database of the backend the test is parametrised with (``request.param``)."""
    backend: str = request.param
    if backend not in _DATABASES:
        if backend == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.sqlite'}"
        else:
            url = request.getfixturevalue("postgres_url")
        _migrate(url)
        _DATABASES[backend] = url
    return _DATABASES[backend]


#: The seeded databases beside each test database, by its URL and their name.
_SEEDED_DATABASES: dict[tuple[str, str], str | None] = {}


def seeded_database(
    database_url: str, name: str, seed: Callable[[], None], **config: Any
) -> str | None:
    """The migrated database called ``name`` beside ``database_url``, with what ``seed``
    adds in an app context (the test settings and ``config``) committed in it: made once
    per process, its URL returned. None where no database can be made (a
    TEST_DATABASE_URL role without CREATEDB): the caller then seeds for each test."""
    key = (database_url, name)
    if key not in _SEEDED_DATABASES:
        try:
            url: str | None = _database_beside(database_url, name)
        except sa.exc.DBAPIError as error:
            warnings.warn(f"No {name} database ({error.orig}): seeding it per test", stacklevel=1)
            url = None
        if url is not None:
            _migrate(url, seed, **config)
        _SEEDED_DATABASES[key] = url
    return _SEEDED_DATABASES[key]


# The apps --------------------------------------------------------------------------------------


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

    Each app has a Jinja environment of its own, which would otherwise compile
    ``base.html`` and the GOV.UK Frontend macros again: a third of the CPU time of a view
    test. The apps are all made by ``create_app`` with the same Jinja set-up, and a
    template whose source changes (the checksum) is compiled again.
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


def make_test_app(database_url: str, **config: Any) -> Flask:
    """An app on ``database_url`` with the test settings (and ``config`` over them)."""
    app = create_app({**base_config(database_url), **config})
    app.test_client_class = IsolatedClient
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    return app


#: What a rolled-back test's app changes from the test settings. "Last active" is written in
#: a transaction of its own once a minute (``trainhub.auth.sign_ins``), which a rolled-back
#: test cannot hold: a test slowed past the minute by a busy machine must not start doing
#: it. The tests of that write are ``real_commits`` tests, with the setting as it is.
ROLLED_BACK_CONFIG = {"SESSION_TOUCH_INTERVAL": 24 * 60 * 60}


class SharedApp:
    """One database's app, shared by the tests of this process, and how it was built."""

    def __init__(self, database_url: str) -> None:
        self.app = make_test_app(database_url, **ROLLED_BACK_CONFIG)
        # A route or hook a test adds would stay for every later test: refuse, and say how.
        self.app._check_setup_finished = _refuse_setup  # type: ignore[method-assign]
        self.config = copy.deepcopy(dict(self.app.config))
        self.extensions = dict(self.app.extensions)

    def reset(self, uploads: Path) -> Flask:
        """The app as it was built: its config, its extensions (the storage, caches kept
        there), fresh rate-limit counts, and uploads in the folder ``uploads``."""
        from trainhub import ratelimit, storage

        app = self.app
        app.config.clear()
        app.config.update(copy.deepcopy(self.config))
        app.config["UPLOAD_FOLDER"] = str(uploads)
        app.extensions.clear()
        app.extensions.update(self.extensions)
        storage.init_app(app)
        # One limiter serves every app in the process, and the app built last set it up
        # (its storage, RATELIMIT_ENABLED): give it back to this one, with no counts.
        ratelimit.limiter.init_app(app)
        return app


_SHARED_APPS: dict[str, SharedApp] = {}


def _refuse_setup(f_name: str) -> None:
    raise AssertionError(
        f"This test called app.{f_name}(), which changes the app; the app is shared by every "
        "test of this process. Mark the test @pytest.mark.own_app: it gets an app of its "
        "own (still inside a rolled-back transaction)."
    )


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


OWN_TRANSACTION_REFUSED = (
    "This test ran code that writes in a transaction of its own (db.engine.begin(), as the "
    "sign-in records' 'last active' and 'ended' do). Inside a rolled-back test that could "
    "only be a SAVEPOINT within the request's, undone when the request ends: mark the test "
    "@pytest.mark.real_commits."
)


class OwnTransactionRefused(RuntimeError):
    """Code in a rolled-back test opened a transaction of its own."""


@contextmanager
def rolled_back() -> Iterator[sa.Connection]:
    """Everything the current app's sessions write, inside one transaction rolled back at
    the end (SQLAlchemy's "joining a session into an external transaction").

    The app's engine is replaced, for the duration, by one connection with an outer
    transaction; each session that uses it begins a SAVEPOINT, so its commit releases the
    SAVEPOINT and its rollback goes back to it. Requests (each with a session of its own)
    use the same connection, so they see what the test wrote and the test sees what they
    committed.
    """
    engines: dict[str | None, Any] = db.engines  # type: ignore[assignment]  # the app's dict
    engine: sa.Engine = engines[None]
    connection = engine.connect()
    driver: Any = connection.connection.driver_connection
    sqlite = engine.dialect.name == "sqlite"
    if sqlite:
        # Python's sqlite3 begins transactions itself, and not before a SAVEPOINT: the
        # first SAVEPOINT would start (and its RELEASE commit) a transaction of its own.
        # SQLAlchemy's recipe: the driver begins nothing, and BEGIN is sent here.
        driver.isolation_level = None
    outer = connection.begin()
    if sqlite:
        connection.exec_driver_sql("BEGIN")
    refused: list[str] = []

    def refuse_own_transaction(*args: Any, **kwargs: Any) -> Any:
        refused.append(OWN_TRANSACTION_REFUSED)
        raise OwnTransactionRefused(OWN_TRANSACTION_REFUSED)

    connection.begin = refuse_own_transaction  # type: ignore[method-assign]
    engines[None] = connection
    options = db.session.session_factory.kw
    options["join_transaction_mode"] = "create_savepoint"
    try:
        yield connection
    finally:
        db.session.remove()
        del options["join_transaction_mode"]
        engines[None] = engine
        del connection.begin
        outer.rollback()
        if sqlite:
            driver.isolation_level = ""
        connection.close()
    if refused:  # the request turned it into a 500 page: say why here
        pytest.fail(refused[0], pytrace=False)


@pytest.fixture
def app(request: pytest.FixtureRequest, database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The backend's app inside an app context, its writes rolled back after the test (or,
    for ``own_app`` and ``real_commits`` tests, an app of the test's own)."""
    if request.node.get_closest_marker("real_commits"):
        own = make_test_app(database_url, UPLOAD_FOLDER=str(tmp_path / "uploads"))
        with one_test(own):
            yield own
        return
    if request.node.get_closest_marker("own_app"):
        own = make_test_app(
            database_url, UPLOAD_FOLDER=str(tmp_path / "uploads"), **ROLLED_BACK_CONFIG
        )
        with own.app_context():
            try:
                with rolled_back():
                    yield own
            finally:
                db.engine.dispose()
        return
    uploads = tmp_path / "uploads"
    wanted = [name for name in _SEEDS if name in request.fixturenames]
    if wanted:
        name = wanted[0]
        backend = sa.make_url(database_url).get_backend_name()
        folder = request.getfixturevalue("tmp_path_factory").getbasetemp() / f"{name}-{backend}"
        seeded = seeded_database(
            database_url, name, _seeding(request, database_url, name), UPLOAD_FOLDER=str(folder)
        )
        if seeded is not None:
            database_url, uploads = seeded, folder
            request.node.stash[CATALOGUE_LOADED] = True
            request.node.stash[SEEDED_FOR] = name
    elif "catalogue" in request.fixturenames:
        seeded = seeded_database(database_url, "catalogue", seed_catalogue)
        if seeded is not None:
            database_url = seeded
            request.node.stash[CATALOGUE_LOADED] = True
    with rolled_back_app(database_url, uploads) as shared:
        yield shared


# Records made once for many tests --------------------------------------------------------------

#: What the fixtures that ``seeded_fixture`` names make (the catalogue loaded first), by the
#: fixture's name: made once per process and backend, in a database of their own beside the
#: test database (and a folder for its uploads), instead of in each test.
_SEEDS: dict[str, Callable[[pytest.FixtureRequest], Any]] = {}
#: What each made, its rows as references (``_references``), by test database URL and name.
_MADE: dict[tuple[str, str], Any] = {}
#: Set on a test whose app is on a seeded fixture's database: that fixture's name.
SEEDED_FOR = pytest.StashKey[str]()


def seeded_fixture(name: str, make: Callable[[pytest.FixtureRequest], T]) -> Callable[..., T]:
    """A fixture ``name`` whose records ``make`` adds (after the catalogue), made once per
    process and backend in a database of its own (its uploads in a folder of its own): a
    test that asks for it gets the app on that database, every write still rolled back, and
    what ``make`` returned with its rows loaded in the test's session. Where that database
    cannot be used (an ``own_app`` or ``real_commits`` test, a role that cannot create
    databases), ``make`` runs in the test. ``make`` is given the test's request (for
    session-scoped fixtures only: it runs while the first test's ``app`` is being set up)
    and returns model rows, or lists, dicts or dataclasses (no ``init=False`` fields) of
    them. One seeded fixture per test: a second one is made inside the test."""
    _SEEDS[name] = make

    @pytest.fixture(name=name)
    def made(request: pytest.FixtureRequest, database_url: str, catalogue: None) -> T:
        if request.node.stash.get(SEEDED_FOR, None) == name:
            return cast(T, _loaded(_MADE[(database_url, name)]))
        made = make(request)
        db.session.commit()
        return made

    return made


def _seeding(request: pytest.FixtureRequest, database_url: str, name: str) -> Callable[[], None]:
    def seed() -> None:
        seed_catalogue()
        made = _SEEDS[name](request)
        db.session.flush()
        _MADE[(database_url, name)] = _references(made)

    return seed


@dataclasses.dataclass(frozen=True)
class _Row:
    model: type
    id: int


def _walk(value: Any, row: Callable[[Any], Any], is_row: Callable[[Any], bool]) -> Any:
    """``value`` rebuilt with ``row`` applied to each of its rows (``is_row``), through
    lists, dicts and dataclasses."""
    if is_row(value):
        return row(value)
    if isinstance(value, list):
        return [_walk(item, row, is_row) for item in value]
    if isinstance(value, dict):
        return {key: _walk(item, row, is_row) for key, item in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return dataclasses.replace(
            value, **{f.name: _walk(getattr(value, f.name), row, is_row) for f in fields}
        )
    return value


def _references(value: Any) -> Any:
    """``value`` with each model row replaced by its class and id."""
    return _walk(value, lambda r: _Row(type(r), r.id), lambda v: isinstance(v, db.Model))


def _loaded(value: Any) -> Any:
    """``value`` with its references loaded in the current session, one query per model."""
    wanted: dict[type, set[int]] = {}

    def note(ref: _Row) -> _Row:
        wanted.setdefault(ref.model, set()).add(ref.id)
        return ref

    def is_ref(item: Any) -> bool:
        return isinstance(item, _Row)

    _walk(value, note, is_ref)
    rows = {
        (model, row.id): row
        for model, ids in wanted.items()
        for row in db.session.execute(sa.select(model).where(model.id.in_(ids))).scalars()
    }
    return _walk(value, lambda ref: rows[(ref.model, ref.id)], is_ref)


@contextmanager
def rolled_back_app(database_url: str, uploads: Path) -> Iterator[Flask]:
    """The process's app on ``database_url`` (built once), as it was built, with its uploads
    in ``uploads``: inside its app context, everything written rolled back at the end."""
    if database_url not in _SHARED_APPS:
        _SHARED_APPS[database_url] = SharedApp(database_url)
    shared = _SHARED_APPS[database_url].reset(uploads)
    with shared.app_context(), rolled_back():
        yield shared


@pytest.fixture
def postgres_app(postgres_url: str) -> Iterator[Flask]:
    """An app on this process's PostgreSQL cluster alone, for tests of concurrency (row and
    advisory locks, ``SKIP LOCKED``) that run once, on the backend whose locking they prove.
    A connection for each of up to 40 threads, so that every one of them really waits.
    Its writes are really committed, and every table is emptied afterwards."""
    app = make_test_app(
        postgres_url, SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 40, "max_overflow": 0}
    )
    with one_test(app):
        upgrade()  # a no-op once another test has migrated this database
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


#: Set on a test whose ``app`` is on the database that has the catalogue already.
CATALOGUE_LOADED = pytest.StashKey[bool]()


@pytest.fixture
def catalogue(request: pytest.FixtureRequest, app: Flask) -> None:
    """The framework catalogue and levels, as ``flask catalogue seed`` loads them: already
    there in a rolled-back test (its database was seeded once), loaded for the others."""
    if request.node.stash.get(CATALOGUE_LOADED, False):
        return
    seed_catalogue()
    db.session.commit()


@pytest.fixture
def count_queries(app: Flask) -> Iterator[QueryCounter]:
    """Counts SQL statements sent by the app (for O(1)-queries assertions), less the
    SAVEPOINTs that the test's transaction adds around each session's work."""
    counter = QueryCounter()

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not re.match(r"\s*(SAVEPOINT|RELEASE|ROLLBACK)", statement):
            counter.statements.append(statement)

    bind = db.engine  # the test's connection (or, for real_commits, the engine)
    sa.event.listen(bind, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        sa.event.remove(bind, "before_cursor_execute", before)
