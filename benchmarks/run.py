"""Measure trainhub on Wales-scale synthetic data, on PostgreSQL and SQLite.

For each backend: a fresh database (PostgreSQL: a throwaway cluster started from the
machine's server binaries, as in the tests), the migrations, ``benchmarks.synth`` data, then

* SQL statements per request of each main page (in-process, counted on the engine);
* each page under gunicorn with concurrent clients on loopback (wrk): median and p95
  latency, throughput, and the ratio to a hello-world Flask app served by the same
  gunicorn settings in the same run; plus the median of single requests on a quiet server;
  and, for reference, trainhub's layout with nothing in it (the ceiling for any page);
* full financial-year statistics, the annual-report PDF, a certificate PDF and a CPD
  statement PDF (in-process, median of a few runs);
* the last-seat race: many learners press "Book" at once over HTTP on a 20-seat cohort;
* the peak resident memory of a gunicorn worker.

Results go to ``benchmarks/results/<label>.json`` and ``<label>.md``.
"""

from __future__ import annotations

import argparse
import contextvars
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade
from itsdangerous import URLSafeTimedSerializer

from benchmarks.pages import EMPTY_PAGE, MAX_QUERIES, add_empty_page, main_pages, synth_people
from tests.postgres import throwaway_cluster
from trainhub import create_app
from trainhub.extensions import db

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
BIN = Path(sys.executable).parent

#: The targets of issue 6 (and MAX_QUERIES from benchmarks.pages).
MIN_HELLO_RATIO = 0.30
TARGET_SECONDS = {
    "register": 0.5,
    "overview": 0.5,
    "year statistics": 1.0,
    "annual-report PDF": 5.0,
    "certificate PDF": 0.3,
    # Issue 17: the Word file, and the five-year view the statistics page adds.
    "Training section (Word)": 3.0,
    "five-year view": 0.3,
}
RACE_SEATS = 20
#: The targets of issue 22: the share of hello world's throughput that trainhub's empty
#: layout and the catalogue reach, and the statistics' p95 under load (seconds).
MIN_EMPTY_RATIO = 0.35
MIN_CATALOGUE_RATIO = 0.20
TARGET_P95_SECONDS = {"manager statistics": 0.2, "manager statistics (open year)": 1.0}
#: Requests per in-process CPU measurement.
CPU_REQUESTS = 1000


@dataclass
class Page:
    name: str
    path: str
    who: str | None  # a SYNTH_ACCOUNTS label, or None for an anonymous visitor
    queries: int = 0
    status: int = 0
    single_ms: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    per_second: float = 0.0
    ratio: float = 0.0
    errors: int = 0


@dataclass
class Result:
    backend: str
    scale: float
    seed: int
    started: str
    machine: dict[str, Any]
    load_seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)
    hello: dict[str, float] = field(default_factory=dict)
    empty_page: dict[str, float] = field(default_factory=dict)
    #: CPU time per request in-process (Flask test client), ms: hello, empty page, catalogue.
    cpu_ms: dict[str, float] = field(default_factory=dict)
    pages: list[Page] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    race: dict[str, Any] = field(default_factory=dict)
    peak_worker_mb: float = 0.0
    targets: list[dict[str, Any]] = field(default_factory=list)


# -- databases --------------------------------------------------------------------------
@contextmanager
def database(backend: str) -> Iterator[str]:
    if backend == "postgresql":
        with throwaway_cluster() as url:
            yield url
        return
    folder = tempfile.mkdtemp(prefix="trainhub-bench-")
    try:
        yield f"sqlite:///{folder}/bench.sqlite"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- sessions ---------------------------------------------------------------------------
class Sessions:
    """Signed session cookies for any user, as the app itself would write them."""

    def __init__(self, app: Flask) -> None:
        self.serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
        self.csrf = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="wtf-csrf-token")

    def cookie(self, user_id: str | None, csrf: str | None = None) -> str:
        """``user_id`` is what ``session_id`` gives (Flask-Login's id and a sign-in's token)."""
        data: dict[str, Any] = {}
        if user_id is not None:
            from trainhub.auth.views import SIGN_IN_KEY

            login_id, _sep, token = user_id.partition("\n")
            data |= {"_user_id": login_id, "_fresh": True, SIGN_IN_KEY: token}
        if csrf:
            data["csrf_token"] = csrf
        return f"session={self.serializer.dumps(data)}" if data else ""

    def form_token(self, raw: str) -> str:
        return str(self.csrf.dumps(raw))


def with_second_step(users: Iterable[Any]) -> None:
    """Give those of ``users`` whose role must use two-step verification a confirmed
    authenticator, as a real manager, assessor or administrator has (the caller commits):
    without it their pages send them to set it up."""
    import pyotp

    from trainhub.auth.models import TwoFactorAuthenticator
    from trainhub.auth.services import two_factor
    from trainhub.extensions import utcnow

    for user in users:
        if two_factor.is_required(user) and not two_factor.is_enabled(user):
            db.session.add(
                TwoFactorAuthenticator(
                    user_id=user.id, secret=pyotp.random_base32(), confirmed_at=utcnow()
                )
            )
    db.session.flush()


def session_id(user: Any) -> str:
    """A new sign-in of ``user`` (the caller commits): Flask-Login's id and the sign-in's
    token, for ``Sessions.cookie``."""
    from trainhub.auth.sign_ins import start_session

    return f"{user.get_id()}\n{start_session(user, 'benchmark', '127.0.0.1')}"


# -- in-process measurements -------------------------------------------------------------
@contextmanager
def counting(app: Flask) -> Iterator[list[str]]:
    statements: list[str] = []

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not re.match(r"\s*(SAVEPOINT|RELEASE|ROLLBACK)", statement):
            statements.append(statement)

    engine = db.engines[None]
    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)


def fresh(call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """A request in an empty context, as under gunicorn: nothing in ``flask.g`` carries over."""
    return contextvars.Context().run(call, *args, **kwargs)


def cpu_ms(client: Any, path: str, requests: int = CPU_REQUESTS) -> float:
    """CPU time of one request in-process, ms (the least of five rounds, after a warm-up):
    the fairest measure of the work a page does, whatever else the machine is doing."""
    for _ in range(20):
        response = fresh(client.get, path)
        assert response.status_code == 200, (path, response.status_code)
    rounds = []
    for _ in range(5):
        started = time.process_time()
        for _ in range(requests // 5):
            fresh(client.get, path)
        rounds.append((time.process_time() - started) / (requests // 5) * 1000)
    return round(min(rounds), 3)


def median_seconds(action: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


# -- gunicorn and wrk ----------------------------------------------------------------------
@contextmanager
def gunicorn(target: str, env: dict[str, str], workers: int) -> Iterator[tuple[int, int]]:
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
        [
            str(BIN / "gunicorn"),
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--no-control-socket",
            target,
        ],
        cwd=ROOT,
        env={**os.environ, **env},
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _ = get(port, "/healthz" if target == "wsgi:app" else "/", "")
                if status == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn {target} did not start")
            time.sleep(0.2)
        yield port, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def get(port: int, path: str, cookie: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wrk(port: int, path: str, cookie: str, seconds: int, connections: int) -> dict[str, float]:
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s"]
    command += ["-s", str(ROOT / "benchmarks" / "report.lua")]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(f"http://127.0.0.1:{port}{path}")
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    line = next(line for line in output.splitlines() if line.startswith("JSON "))
    data = json.loads(line[5:])
    return {
        "p50_ms": data["p50_us"] / 1000,
        "p95_ms": data["p95_us"] / 1000,
        "per_second": data["requests"] / data["seconds"],
        "errors": data["errors"],
    }


def warm_up(port: int, path: str, cookie: str, args: argparse.Namespace) -> None:
    """Every worker answers the page a few times before it is measured (``--warm-up``
    seconds of the same load): what each keeps per process (the layout, a period's
    statistics) is then kept, as in a server that has been running."""
    if args.warm_up > 0:
        wrk(port, path, cookie, args.warm_up, args.connections)


def single_median_ms(port: int, path: str, cookie: str, runs: int = 15) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        status, _ = get(port, path, cookie)
        times.append(time.perf_counter() - started)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
    return statistics.median(times) * 1000


def peak_worker_mb(master: int) -> float:
    peak = 0
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]))
    return round(peak / 1024, 1)


# -- the race ----------------------------------------------------------------------------
def race(
    port: int, sessions: Sessions, cohort_id: int, learners: list[str]
) -> tuple[dict[int, int], float]:
    """Every learner posts "Book" at the same moment; returns status code counts."""
    requests = []
    for learner in learners:
        raw = secrets.token_hex(20)
        body = f"csrf_token={sessions.form_token(raw)}"
        requests.append((sessions.cookie(learner, raw), body))
    start = threading.Barrier(len(requests))
    codes: dict[int, int] = {}
    lock = threading.Lock()

    def post(cookie: str, body: str) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            start.wait(timeout=60)
            connection.request(
                "POST",
                f"/cohorts/{cohort_id}/book",
                body=body,
                headers={
                    "Cookie": cookie,
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            )
            status = connection.getresponse().status
        except OSError:
            status = 0
        finally:
            connection.close()
        with lock:
            codes[status] = codes.get(status, 0) + 1

    threads = [threading.Thread(target=post, args=request) for request in requests]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return codes, time.perf_counter() - started


def make_race_cohort(today: date) -> tuple[int, int]:
    from trainhub.courses.models import Cohort, CohortDay, Course, Venue

    course = db.session.execute(sa.select(Course).where(Course.code == "SAFETY-PLAN")).scalar_one()
    venue = db.session.execute(sa.select(Venue).limit(1)).scalar_one()
    day = today + timedelta(days=60)
    cohort = Cohort(
        course=course,
        title="Last-seat race",
        status="published",
        capacity=RACE_SEATS,
        delivery_language="en",
        waitlist_policy="offer",
        offer_hours=48,
        cutoff_days=2,
        first_day=day,
        last_day=day,
    )
    cohort.days = [
        CohortDay(
            day_number=1,
            date=day,
            start_time=time_of_day(9, 30),
            end_time=time_of_day(16, 30),
            venue=venue,
        )
    ]
    db.session.add(cohort)
    db.session.commit()
    return int(cohort.id), int(course.id)


# -- one backend ----------------------------------------------------------------------------
def bench(backend: str, args: argparse.Namespace) -> Result:
    from benchmarks.hello import app as hello_app
    from benchmarks.synth import load, synth_email
    from trainhub.auth.models import User
    from trainhub.courses.models import ACTIVE_STATUSES, Booking, Cohort, local_today
    from trainhub.courses.services.booking import booking_problems
    from trainhub.feedback import reporting as stats
    from trainhub.feedback.services import cache
    from trainhub.financial_years import financial_year, financial_year_label

    result = Result(
        backend=backend,
        scale=args.scale,
        seed=args.seed,
        started=datetime.now(UTC).isoformat(timespec="seconds"),
        machine={
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "gunicorn_workers": args.workers,
            "connections": args.connections,
            "seconds_per_page": args.seconds,
        },
    )
    uploads = tempfile.mkdtemp(prefix="trainhub-bench-uploads-")
    with database(backend) as url:
        secret = secrets.token_urlsafe(48)
        config = {
            "ENV": "development",
            "SECRET_KEY": secret,
            "SQLALCHEMY_DATABASE_URI": url,
            "UPLOAD_FOLDER": uploads,
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 10, "max_overflow": 0},
        }
        app = create_app(config)
        add_empty_page(app)
        with app.app_context():
            upgrade()
            print(f"[{backend}] loading scale {args.scale} …", flush=True)
            started = time.perf_counter()
            summary = load(args.seed, args.scale)
            db.session.commit()
            result.load_seconds = round(time.perf_counter() - started, 1)
            result.rows = summary.rows
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(sa.text("VACUUM ANALYZE" if backend == "postgresql" else "ANALYZE"))
            print(f"[{backend}] loaded in {result.load_seconds} s", flush=True)

            today = local_today()
            people = synth_people(args.seed)
            with_second_step(people.values())
            ids = {label: session_id(user) for label, user in people.items()}
            db.session.commit()
            certificate = db.session.execute(
                sa.text("SELECT code FROM certificates WHERE user_id = :u LIMIT 1"),
                {"u": people["learner"].id},
            ).scalar_one()
            result.pages = [Page(p.name, p.path, p.who) for p in main_pages(args.seed, today)]
            fy = result.pages[-1].path.rpartition("fy=")[2]
            open_year = financial_year_label(financial_year(today))
            result.pages.append(
                Page(
                    "manager statistics (open year)",
                    f"/reports/statistics?fy={open_year}",
                    "manager",
                )
            )
            if args.pages:
                wanted = [name.strip() for name in args.pages.split(",")]
                result.pages = [p for p in result.pages if any(w in p.name for w in wanted)]
            sessions = Sessions(app)
            client = app.test_client(use_cookies=False)  # sends the Cookie header as given
            result.cpu_ms = {
                "hello": cpu_ms(hello_app.test_client(), "/"),
                "empty page": cpu_ms(client, EMPTY_PAGE),
                "catalogue": cpu_ms(client, "/courses"),
            }
            db.session.remove()
            print(f"[{backend}] CPU per request in-process (ms): {result.cpu_ms}", flush=True)
            for page in result.pages:
                cookie = sessions.cookie(ids[page.who] if page.who else None)
                headers = {"Cookie": cookie} if cookie else {}
                fresh(client.get, page.path, headers=headers)  # warm caches
                db.session.remove()
                with counting(app) as statements:
                    response = fresh(client.get, page.path, headers=headers)
                db.session.remove()
                page.status, page.queries = response.status_code, len(statements)
                print(f"[{backend}] {page.name}: {page.status}, {page.queries} queries", flush=True)

            def get_ok(path: str, who: str) -> None:
                response = fresh(client.get, path, headers={"Cookie": sessions.cookie(ids[who])})
                assert response.status_code == 200, (path, response.status_code)
                db.session.remove()

            period = stats.parse_period(fy, None)
            cache.figures(period)  # kept for the next read
            result.timings = {
                "year statistics": median_seconds(lambda: stats.compute(period), 3),
                "year statistics, kept": median_seconds(lambda: cache.figures(period), 5),
                "annual-report PDF": median_seconds(
                    lambda: get_ok(f"/reports/training-report.pdf?fy={fy}", "manager"), 3
                ),
                "Training section (Word)": median_seconds(
                    lambda: get_ok(f"/reports/training-report.docx?fy={fy}", "manager"), 3
                ),
                "five-year view": median_seconds(lambda: stats.five_years(period.year), 3),
                "certificate PDF": median_seconds(
                    lambda: get_ok(f"/certificates/{certificate}.pdf", "learner"), 5
                ),
                "CPD statement PDF": median_seconds(
                    lambda: get_ok(f"/people/{people['learner'].id}/cpd/statement.pdf", "learner"),
                    5,
                ),
            }
            db.session.remove()
            racers: list[str] = []
            race_cohort, race_course = make_race_cohort(today) if args.racers else (0, 0)
            # Learners free to book, by the booking rules themselves: no place or waitlist
            # entry on another date of the same course (the service rightly refuses a
            # second one), no booking that overlaps the day, no missing prerequisite.
            busy = (
                sa.select(Booking.id)
                .join(Cohort, Cohort.id == Booking.cohort_id)
                .where(
                    Booking.user_id == User.id,
                    Booking.status.in_(ACTIVE_STATUSES),
                    Cohort.course_id == race_course,
                )
            )
            if args.racers:
                cohort = db.session.get(Cohort, race_cohort)
                assert cohort is not None
                candidates = db.session.execute(
                    sa.select(User)
                    .where(User.email.like(synth_email(args.seed, "learner0%")), ~busy.exists())
                    .order_by(User.id)
                    .limit(args.racers * 2)
                ).scalars()
                free = [user for user in candidates if not booking_problems(cohort, user)][
                    : args.racers
                ]
                racers = [session_id(user) for user in free]
                db.session.commit()
                if len(racers) < args.racers:
                    raise RuntimeError(f"only {len(racers)} learners are free to race")
            db.session.remove()

        env = {
            "TRAINHUB_ENV": "production",
            "TRAINHUB_SECRET_KEY": secret,
            # Production refuses to start with development's BASE_URL and MAIL_FROM.
            "TRAINHUB_BASE_URL": "https://trainhub.example.org",
            "TRAINHUB_MAIL_FROM": "trainhub <no-reply@trainhub.example.org>",
            "TRAINHUB_DATABASE_URL": url,
            "TRAINHUB_UPLOAD_FOLDER": uploads,
        }
        with gunicorn("benchmarks.hello:app", env, args.workers) as (port, _pid):
            warm_up(port, "/", "", args)
            result.hello = wrk(port, "/", "", args.seconds, args.connections)
        print(f"[{backend}] hello world: {result.hello['per_second']:.0f}/s", flush=True)
        with gunicorn("benchmarks.layout:app", env, args.workers) as (port, _pid):
            warm_up(port, EMPTY_PAGE, "", args)
            result.empty_page = wrk(port, EMPTY_PAGE, "", args.seconds, args.connections)
        empty_ratio = result.empty_page["per_second"] / result.hello["per_second"]
        print(
            f"[{backend}] empty trainhub page: {result.empty_page['per_second']:.0f}/s "
            f"({empty_ratio:.0%} of hello)",
            flush=True,
        )
        with gunicorn("wsgi:app", env, args.workers) as (port, master):
            for page in result.pages:
                cookie = sessions.cookie(ids[page.who] if page.who else None)
                warm_up(port, page.path, cookie, args)
                page.single_ms = round(single_median_ms(port, page.path, cookie), 1)
                measured = wrk(port, page.path, cookie, args.seconds, args.connections)
                page.p50_ms, page.p95_ms = measured["p50_ms"], measured["p95_ms"]
                page.per_second = round(measured["per_second"], 1)
                page.errors = int(measured["errors"])
                page.ratio = round(page.per_second / result.hello["per_second"], 3)
                print(
                    f"[{backend}] {page.name}: {page.single_ms} ms alone, "
                    f"{page.per_second}/s ({page.ratio:.0%} of hello)",
                    flush=True,
                )
            result.peak_worker_mb = peak_worker_mb(master)
            if racers:
                codes, seconds = race(port, sessions, race_cohort, racers)
        with app.app_context():
            rows = db.session.execute(
                sa.select(Booking.status, Booking.queue_rank, Booking.id).where(
                    Booking.cohort_id == race_cohort
                )
            ).all()
            db.session.remove()
            db.engine.dispose()
        if racers:
            result.race = race_summary(rows, racers, codes, seconds)
    shutil.rmtree(uploads, ignore_errors=True)
    result.timings = {k: round(v, 4) for k, v in result.timings.items()}
    result.targets = targets(result)
    return result


def race_summary(
    rows: Sequence[Any], racers: list[str], codes: dict[int, int], seconds: float
) -> dict[str, Any]:
    waitlist = sorted((r.queue_rank, r.id) for r in rows if r.status == "waitlisted")
    ranks = [rank for rank, _ in waitlist]
    return {
        "attempts": len(racers),
        "seats": RACE_SEATS,
        "seconds": round(seconds, 2),
        "responses": {str(k): v for k, v in sorted(codes.items())},
        "errors": sum(v for k, v in codes.items() if k not in (302, 303)),
        "booked": sum(1 for r in rows if r.status == "booked"),
        "waitlisted": len(waitlist),
        "ranks_1_to_n": ranks == list(range(1, len(ranks) + 1)),
        "ranks_follow_arrival": [i for _, i in waitlist] == sorted(i for _, i in waitlist),
    }


def targets(result: Result) -> list[dict[str, Any]]:
    checks: list[dict[str, Any]] = []
    for page in result.pages:
        checks.append(
            {
                "what": f"{page.name}: SQL queries",
                "target": f"<= {MAX_QUERIES}",
                "value": page.queries,
                "met": page.queries <= MAX_QUERIES and page.status == 200,
            }
        )
        checks.append(
            {
                "what": f"{page.name}: throughput vs hello world",
                "target": f">= {MIN_HELLO_RATIO:.0%}",
                "value": f"{page.ratio:.0%}",
                "met": page.ratio >= MIN_HELLO_RATIO and page.errors == 0,
            }
        )
    for page in result.pages:
        key = page.name.split(" (")[0]
        if key in TARGET_SECONDS:
            checks.append(
                {
                    "what": f"{page.name}: single request",
                    "target": f"<= {TARGET_SECONDS[key]} s",
                    "value": f"{page.single_ms / 1000:.3f} s",
                    "met": page.single_ms / 1000 <= TARGET_SECONDS[key],
                }
            )
    for name, seconds in result.timings.items():
        if name in TARGET_SECONDS:
            checks.append(
                {
                    "what": name,
                    "target": f"<= {TARGET_SECONDS[name]} s",
                    "value": f"{seconds:.3f} s",
                    "met": seconds <= TARGET_SECONDS[name],
                }
            )
    empty_ratio = result.empty_page["per_second"] / result.hello["per_second"]
    checks.append(
        {
            "what": "empty page (the layout): throughput vs hello world",
            "target": f">= {MIN_EMPTY_RATIO:.0%}",
            "value": f"{empty_ratio:.0%}",
            "met": empty_ratio >= MIN_EMPTY_RATIO,
        }
    )
    for page in result.pages:
        if page.name == "catalogue":
            checks.append(
                {
                    "what": "catalogue: throughput vs hello world (issue 22)",
                    "target": f">= {MIN_CATALOGUE_RATIO:.0%}",
                    "value": f"{page.ratio:.0%}",
                    "met": page.ratio >= MIN_CATALOGUE_RATIO and page.errors == 0,
                }
            )
        if page.name in TARGET_P95_SECONDS:
            wanted = TARGET_P95_SECONDS[page.name]
            checks.append(
                {
                    "what": f"{page.name}: p95 under load",
                    "target": f"<= {wanted} s",
                    "value": f"{page.p95_ms / 1000:.3f} s",
                    "met": page.p95_ms / 1000 <= wanted and page.errors == 0,
                }
            )
    race_result = result.race
    if not race_result:
        return checks
    checks.append(
        {
            "what": "last-seat race",
            "target": f"{RACE_SEATS} booked, the rest waitlisted in order, 0 errors",
            "value": f"{race_result['booked']} booked, {race_result['waitlisted']} waitlisted, "
            f"{race_result['errors']} errors",
            "met": race_result["booked"] == RACE_SEATS
            and race_result["waitlisted"] == race_result["attempts"] - RACE_SEATS
            and race_result["errors"] == 0
            and race_result["ranks_1_to_n"]
            and race_result["ranks_follow_arrival"],
        }
    )
    return checks


# -- writing results -----------------------------------------------------------------------
def markdown(results: list[Result], label: str) -> str:
    lines = [f"# Benchmark results: {label}", ""]
    for r in results:
        lines += [
            f"## {r.backend} (scale {r.scale}, seed {r.seed}, {r.started})",
            "",
            f"{r.machine['cpus']} CPUs, Python {r.machine['python']}, gunicorn "
            f"{r.machine['gunicorn_workers']} sync workers, wrk {r.machine['connections']} "
            f"connections x {r.machine['seconds_per_page']} s per page. "
            f"Data loaded in {r.load_seconds} s ({sum(r.rows.values()):,} rows). "
            f"Hello world: {r.hello['per_second']:.0f} requests/s. "
            f"An empty trainhub page (the layout alone, no query; the ceiling for any page): "
            f"{r.empty_page['per_second']:.0f} requests/s "
            f"({r.empty_page['per_second'] / r.hello['per_second']:.0%} of hello). "
            f"Peak worker memory: {r.peak_worker_mb} MB."
            + (
                " CPU per request in-process (Flask test client): "
                + ", ".join(f"{name} {ms:.2f} ms" for name, ms in r.cpu_ms.items())
                + "."
                if r.cpu_ms
                else ""
            ),
            "",
            "| Page | SQL | Alone (ms) | Median under load (ms) | p95 (ms) | Requests/s "
            "| vs hello | Errors |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for p in r.pages:
            lines.append(
                f"| {p.name} | {p.queries} | {p.single_ms} | {p.p50_ms:.1f} | {p.p95_ms:.1f} "
                f"| {p.per_second} | {p.ratio:.0%} | {p.errors} |"
            )
        lines += ["", "| Task | Seconds (median) |", "|---|---:|"]
        lines += [f"| {name} | {seconds} |" for name, seconds in r.timings.items()]
        race_result = r.race
        if race_result:
            lines += [
                "",
                f"Last-seat race: {race_result['attempts']} attempts on {race_result['seats']} "
                f"seats in {race_result['seconds']} s → {race_result['booked']} booked, "
                f"{race_result['waitlisted']} waitlisted (ranks 1…n: "
                f"{race_result['ranks_1_to_n']}, in arrival order: "
                f"{race_result['ranks_follow_arrival']}), responses {race_result['responses']}.",
            ]
        lines += ["", "| Target | Wanted | Measured | Met |", "|---|---|---|---|"]
        lines += [
            f"| {t['what']} | {t['target']} | {t['value']} | {'yes' if t['met'] else '**no**'} |"
            for t in r.targets
        ]
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--backend", choices=("postgresql", "sqlite", "both"), default="both")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--warm-up", type=int, default=3, help="seconds of load before each page is measured"
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument(
        "--racers", type=int, default=500, help="learners in the last-seat race (0: no race)"
    )
    parser.add_argument(
        "--pages",
        default="",
        help="only the pages whose names contain one of these, comma-separated "
        '(e.g. "statistics"); hello world and the empty page are always measured',
    )
    parser.add_argument("--label", default="latest")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        parser.error("wrk is missing: `make bench` installs it (apt-get install -y wrk)")
    backends = ["postgresql", "sqlite"] if args.backend == "both" else [args.backend]
    results = [bench(backend, args) for backend in backends]
    RESULTS.mkdir(parents=True, exist_ok=True)
    data = [asdict(r) for r in results]
    (RESULTS / f"{args.label}.json").write_text(json.dumps(data, indent=2) + "\n")
    (RESULTS / f"{args.label}.md").write_text(markdown(results, args.label))
    missed = [t["what"] for r in results for t in r.targets if not t["met"]]
    print(f"Results: {RESULTS / (args.label + '.md')}")
    if missed:
        print(f"{len(missed)} target(s) missed: " + "; ".join(missed))
    return 0
