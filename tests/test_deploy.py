"""``deploy/`` for real: Debian's nginx, configured from ``deploy/nginx/trainhub.conf``, in
front of the app over HTTPS; and the systemd units in ``deploy/systemd/``.

* nginx runs as a foreground process with a prefix, a main configuration and a self-signed
  certificate of the test's own, on free ports. The site file is the example itself with only
  its placeholders replaced (name, ports, certificate, install folder), each replacement
  checked, so a change to the example is a change to what is tested.
* The app runs in production mode (Secure cookies, CSRF with its strict referrer check, HSTS)
  on a migrated SQLite file, served by werkzeug in a thread, with
  ``TRAINHUB_PROXY_FIX_X_FOR`` taken from ``deploy/trainhub.env.example``.
* The client is the standard library's, trusting only the test's certificate: its cookie jar
  returns a Secure cookie over HTTPS only, as a browser does.
* The units are parsed; each ``ExecStart`` is checked against the app's own command line
  (Flask's CLI, gunicorn's option parser), and ``systemd-analyze verify`` checks them as
  systemd reads them.
"""

from __future__ import annotations

import configparser
import datetime as dt
import html
import http.client
import json
import os
import re
import shlex
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import click
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from flask import Flask, request, url_for
from flask_migrate import upgrade
from gunicorn.config import Config as GunicornConfig
from sqlalchemy import select
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from tests.factories import PASSWORD, make_user
from tests.sample_files import pdf_bytes
from trainhub import create_app
from trainhub.accreditation.models import ExternalActivity
from trainhub.config import Config
from trainhub.extensions import db
from trainhub.mail.models import OutboxMessage

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEPLOY = PROJECT_ROOT / "deploy"
NGINX_SITE = DEPLOY / "nginx" / "trainhub.conf"
UNITS = DEPLOY / "systemd"
ENV_EXAMPLE = DEPLOY / "trainhub.env.example"
#: The one environment file every unit reads.
ENV_FILE = "/etc/trainhub/trainhub.env"
#: Where the units and the nginx example expect trainhub to be installed.
INSTALLED = "/srv/trainhub"
#: Every unit in deploy/systemd (deploy/restore.sh stops them by these names).
EXPECTED_UNITS = {
    "trainhub-web.service",
    "trainhub-mail.service",
    "trainhub-sweep.service",
    "trainhub-sweep.timer",
    "trainhub-accreditation-remind.service",
    "trainhub-accreditation-remind.timer",
    "trainhub-feedback-remind.service",
    "trainhub-feedback-remind.timer",
    "trainhub-backup.service",
    "trainhub-backup.timer",
    "trainhub-retention-purge.service",
    "trainhub-retention-purge.timer",
    "trainhub-cohorts-remind.service",
    "trainhub-cohorts-remind.timer",
}
#: One nginx and one live app per module: keep its tests on one xdist worker.
pytestmark = pytest.mark.xdist_group("deploy")

PERSON_EMAIL = "rhiannon.pritchard@example.org"
PERSON_NAME = "Rhiannon Pritchard"


def _env_example() -> dict[str, str]:
    """The settings deploy/trainhub.env.example sets (its uncommented lines)."""
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value.strip().strip('"')
    return values


# nginx -----------------------------------------------------------------------------------------


def _nginx() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None
    )
    if found is None:
        pytest.fail(
            "nginx is missing: the deployment tests run deploy/nginx/trainhub.conf in Debian's "
            "nginx. Install it with `make install-test-system` (or `apt-get install -y nginx`).",
            pytrace=False,
        )
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


#: The example's public name. Production refuses a BASE_URL of this computer's own address,
#: so the tests reach nginx by this name, which only this test process resolves (to
#: 127.0.0.1; see ``public_name``): nginx and the app resolve nothing.
PUBLIC_NAME = "training.example.gov.wales"


@pytest.fixture(scope="module", autouse=True)
def public_name() -> Iterator[None]:
    """``PUBLIC_NAME`` resolves to 127.0.0.1 in this process, as DNS would on a real server."""
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        return real("127.0.0.1" if host == PUBLIC_NAME else host, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket, "getaddrinfo", getaddrinfo)
        yield


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for ``PUBLIC_NAME`` and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, PUBLIC_NAME)])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName(PUBLIC_NAME)]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "fullchain.pem", folder / "privkey.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_file.chmod(0o600)
    return cert_file, key_file


def _replace(text: str, old: str, new: str, times: int) -> str:
    assert text.count(old) == times, f"{NGINX_SITE} should contain {old!r} {times} time(s)"
    return text.replace(old, new)


def nginx_site(https_port: int, http_port: int, app_port: int, cert: Path, key: Path) -> str:
    """deploy/nginx/trainhub.conf with its placeholders filled in for this machine."""
    # The directives only: the comments name the same placeholders.
    text = re.sub(r"#[^\n]*", "", NGINX_SITE.read_text())
    # IPv6 may be missing where the tests run: the IPv4 listen lines stand for both.
    text, ipv6 = re.subn(r"^[ \t]*listen \[::\]:\d+[^\n]*\n", "", text, flags=re.MULTILINE)
    assert ipv6 == 2
    text = _replace(text, "listen 80;", f"listen 127.0.0.1:{http_port};", 1)
    text = _replace(text, "listen 443 ssl", f"listen 127.0.0.1:{https_port} ssl", 1)
    assert text.count(f"server_name {PUBLIC_NAME};") == 2  # kept: the tests use the name
    text = _replace(text, "server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};", 1)
    text = _replace(text, "/etc/ssl/trainhub/fullchain.pem", str(cert), 1)
    text = _replace(text, "/etc/ssl/trainhub/privkey.pem", str(key), 1)
    text = _replace(text, f"{INSTALLED}/", f"{PROJECT_ROOT}/", 2)
    # Real servers listen on 443, which a redirect leaves out; here the port must be said.
    return _replace(text, "https://$host$request_uri", f"https://$host:{https_port}$request_uri", 1)


def nginx_main(folder: Path, site: Path) -> str:
    """What Debian's /etc/nginx/nginx.conf gives a site, with every path in ``folder``."""
    mime_types = Path("/etc/nginx/mime.types")
    types = f"include {mime_types};" if mime_types.exists() else "types { text/css css; }"
    # As root, nginx's workers would otherwise become "nobody", who cannot read the test's
    # private temporary folders.
    user = "user root;" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"  {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""
{user}
worker_processes 1;
daemon off;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 64; }}
http {{
  {types}
  default_type application/octet-stream;
  access_log off;
{temp}
  include {site};
}}
"""


@dataclass
class Proxy:
    https: str  # https://training.example.gov.wales:<port>
    http: str  # http://training.example.gov.wales:<port>
    app: Flask
    cafile: Path


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if str(code).startswith("5"):
            super().log_request(code, size)


def _serve(app: Flask) -> BaseWSGIServer:
    return make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"nginx stopped ({process.returncode}): {log.read_text()}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    pytest.fail(f"nginx did not listen on {port} within a minute: {log.read_text()}")


def _where() -> dict[str, Any]:
    """What the app makes of the request (a route of this test's only)."""
    return {
        "scheme": request.scheme,
        "is_secure": request.is_secure,
        "host": request.host,
        "remote_addr": request.remote_addr,
        "external": url_for("auth.login", _external=True),
    }


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    """trainhub in production mode behind a real nginx built from the example."""
    nginx = _nginx()
    folder = tmp_path_factory.mktemp("deploy")
    https_port, http_port = _free_port(), _free_port()
    settings = _env_example()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("TRAINHUB_PROXY_FIX_X_FOR", settings["TRAINHUB_PROXY_FIX_X_FOR"])
        env.delenv("TRAINHUB_ENV", raising=False)  # production, as on a real server
        app = create_app(
            {
                "SECRET_KEY": "deploy-tests-secret-key-not-for-production-use",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'trainhub.sqlite'}",
                "UPLOAD_FOLDER": str(folder / "uploads"),
                "BASE_URL": f"https://{PUBLIC_NAME}:{https_port}",
                "MAIL_FROM": "IFSS training <no-reply@training.example.org>",
            }
        )
    assert app.config["ENV"] == "production" and app.config["SESSION_COOKIE_SECURE"]
    assert app.config["PROXY_FIX_X_FOR"] == 1
    app.add_url_rule("/_deploy-test/where", view_func=_where)
    with app.app_context():
        upgrade()
        make_user(email=PERSON_EMAIL, full_name=PERSON_NAME)
        db.session.commit()
        db.session.remove()

    server = _serve(app)
    thread = threading.Thread(target=server.serve_forever, name="trainhub-deploy", daemon=True)
    thread.start()

    cert, key = _certificate(folder)
    site = folder / "trainhub.conf"
    site.write_text(nginx_site(https_port, http_port, server.server_port, cert, key))
    main = folder / "nginx.conf"
    main.write_text(nginx_main(folder, site))
    log = folder / "error.log"
    command = [nginx, "-p", str(folder), "-c", str(main), "-e", str(log)]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_port(https_port, process, log)
        _wait_for_port(http_port, process, log)
        yield Proxy(
            f"https://{PUBLIC_NAME}:{https_port}", f"http://{PUBLIC_NAME}:{http_port}", app, cert
        )
    finally:
        process.terminate()
        process.wait(timeout=30)
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        with app.app_context():
            db.engine.dispose()


# A client that trusts the test's certificate and keeps cookies, as a browser does -------------


@dataclass
class Answer:
    status: int
    headers: Message
    text: str

    def set_cookies(self) -> list[str]:
        return self.headers.get_all("Set-Cookie") or []


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the test reads each redirect itself


class Browser:
    def __init__(self, proxy: Proxy) -> None:
        self.base = proxy.https
        self.jar = CookieJar()
        context = ssl.create_default_context(cafile=str(proxy.cafile))
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=context),
            urllib.request.HTTPCookieProcessor(self.jar),
            _NoRedirects(),
        )
        self.page = self.base + "/"

    def go(
        self,
        path: str,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        url = path if path.startswith("https://") else self.base + path
        # Browsers send the page a form was on as the referrer; on HTTPS, Flask-WTF's CSRF
        # check requires it to be this site.
        sent = {"Referer": self.page, **(headers or {})}
        req = urllib.request.Request(url, data=data, headers=sent)
        try:
            with self.opener.open(req, timeout=120) as response:
                answer = Answer(response.status, response.headers, response.read().decode())
        except urllib.error.HTTPError as error:
            answer = Answer(error.code, error.headers, error.read().decode(errors="replace"))
        self.page = url
        return answer

    def post_form(self, path: str, fields: dict[str, str]) -> Answer:
        body = urllib.parse.urlencode(fields).encode()
        kind = {"Content-Type": "application/x-www-form-urlencoded"}
        return self.go(path, body, kind)

    def post_multipart(
        self, path: str, fields: list[tuple[str, str]], file: tuple[str, str, bytes]
    ) -> Answer:
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            for name, value in fields
        ]
        field, filename, content = file
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
            f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        kind = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        return self.go(path, b"".join(parts), kind)

    def csrf_token(self, path: str) -> str:
        answer = self.go(path)
        assert answer.status == 200, answer.text
        found = re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', answer.text)
        assert found, f"no CSRF token on {path}"
        return html.unescape(found.group(1))

    def sign_in(self) -> Answer:
        token = self.csrf_token("/sign-in")
        fields = {"email": PERSON_EMAIL, "password": PASSWORD, "csrf_token": token}
        return self.post_form("/sign-in", fields)


# Over HTTPS through nginx ----------------------------------------------------------------------


def test_signing_in_over_https_through_nginx_works(proxy: Proxy) -> None:
    browser = Browser(proxy)
    first = browser.go("/sign-in")
    assert first.status == 200
    # HSTS: the app knows the request came over HTTPS.
    assert first.headers["Strict-Transport-Security"] == "max-age=31536000"
    session_cookies = [c for c in first.set_cookies() if c.startswith("session=")]
    assert session_cookies and all("; Secure" in c for c in session_cookies)

    signed_in = browser.sign_in()

    assert signed_in.status == 302, signed_in.text  # not the CSRF check's 400
    assert all("; Secure" in c for c in signed_in.set_cookies())
    account = browser.go("/account")
    assert account.status == 200
    assert PERSON_NAME in html.unescape(account.text)


def test_the_app_sees_https_the_public_host_and_the_real_client(proxy: Proxy) -> None:
    browser = Browser(proxy)
    # A forged X-Forwarded-For is kept by nginx but not believed: the app takes the address
    # nginx added after it.
    answer = browser.go("/_deploy-test/where", headers={"X-Forwarded-For": "203.0.113.9"})

    assert answer.status == 200
    assert json.loads(answer.text) == {
        "scheme": "https",
        "is_secure": True,
        "host": proxy.https.removeprefix("https://"),
        "remote_addr": "127.0.0.1",
        "external": proxy.https + "/sign-in",
    }


def test_links_in_e_mails_are_https_and_open_through_nginx(proxy: Proxy) -> None:
    browser = Browser(proxy)
    token = browser.csrf_token("/password/forgotten")

    sent = browser.post_form("/password/forgotten", {"email": PERSON_EMAIL, "csrf_token": token})

    assert sent.status == 302, sent.text
    with proxy.app.app_context():
        body = db.session.execute(
            select(OutboxMessage.body).order_by(OutboxMessage.id.desc()).limit(1)
        ).scalar_one()
        db.session.remove()
    link = re.search(r"https://\S+/password/reset/\S+", body)
    assert link and link.group(0).startswith(proxy.https + "/password/reset/")
    assert Browser(proxy).go(link.group(0)).status == 200


def test_an_upload_of_19_mb_reaches_the_app(proxy: Proxy) -> None:
    browser = Browser(proxy)
    assert browser.sign_in().status == 302
    token = browser.csrf_token("/my/cpd/activities/new")
    evidence = pdf_bytes(b"x" * 19_000_000)
    assert 19_000_000 < len(evidence) < Config.UPLOAD_MAX_BYTES
    yesterday = dt.date.today() - dt.timedelta(days=1)
    fields = [
        ("csrf_token", token),
        ("title", "Safeguarding refresher"),
        ("occurred_on", str(yesterday.day)),
        ("occurred_on", str(yesterday.month)),
        ("occurred_on", str(yesterday.year)),
        ("hours", "3.5"),
        ("credits", ""),
    ]

    answer = browser.post_multipart(
        "/my/cpd/activities/new", fields, ("evidence", "certificate.pdf", evidence)
    )

    assert answer.status == 302, answer.text[:2000]  # stored: not nginx's 413 (1 MB default)
    assert answer.headers["Location"].endswith("/my/cpd")
    with proxy.app.app_context():
        activity = db.session.execute(select(ExternalActivity)).scalar_one()
        assert activity.evidence_filename == "certificate.pdf"
        assert activity.evidence_size == len(evidence)
        assert activity.user.email == PERSON_EMAIL
        db.session.remove()


def test_static_files_are_served_by_nginx_and_versioned_ones_by_the_app(proxy: Proxy) -> None:
    browser = Browser(proxy)
    page = browser.go("/sign-in").text
    for path, file, kind in (
        ("/static/build/app.css", "trainhub/static/build/app.css", "text/css"),
        ("/static/js/init.js", "trainhub/static/js/init.js", "javascript"),
        (
            "/assets/govuk-frontend.min.js",
            "trainhub/static/govuk/govuk-frontend.min.js",
            "javascript",
        ),
    ):
        content = (PROJECT_ROOT / file).read_text()
        # The plain address: nginx's, revalidated each time.
        answer = browser.go(path)
        assert answer.status == 200
        assert answer.text == content
        assert kind in answer.headers["Content-Type"]  # a module script's type, too
        assert "Content-Security-Policy" not in answer.headers  # nginx's, not the app's
        assert answer.headers["Cache-Control"] == "no-cache"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        # The page names it by its versioned address (a link, the script, the import map):
        # the app's answer, kept for a year; an outdated version is revalidated.
        match = re.search(re.escape(path) + r"\?v=([0-9a-f]{12})", page)
        assert match is not None, path
        for address, caching in (
            (match.group(0), "public, max-age=31536000, immutable"),
            (f"{path}?v=000000000000", "no-cache"),
        ):
            answer = browser.go(address)
            assert answer.status == 200
            assert answer.text == content
            assert kind in answer.headers["Content-Type"]
            assert "Content-Security-Policy" in answer.headers  # the app's
            assert answer.headers["Cache-Control"] == caching
            assert answer.headers["X-Content-Type-Options"] == "nosniff"
    # A file that is not there is never kept.
    for address in ("/static/nothing.css", "/static/nothing.css?v=000000000000"):
        answer = browser.go(address)
        assert answer.status == 404
        assert "immutable" not in answer.headers.get("Cache-Control", "")


def test_plain_http_only_redirects_to_https(proxy: Proxy) -> None:
    address = urllib.parse.urlsplit(proxy.http)
    for method, body in (("GET", None), ("POST", b"email=x")):
        connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=30)
        try:
            connection.request(method, "/sign-in?next=%2Faccount", body=body)
            answer = connection.getresponse()
            answer.read()
        finally:
            connection.close()

        assert answer.status == 301
        assert answer.getheader("Location") == proxy.https + "/sign-in?next=%2Faccount"
        assert answer.getheader("Set-Cookie") is None  # the app never saw it


# The nginx example agrees with the app and gunicorn ---------------------------------------------


def _nginx_size(value: str) -> int:
    units = {"k": 1024, "m": 1024 * 1024, "g": 1024 * 1024 * 1024}
    return int(value[:-1]) * units[value[-1].lower()] if value[-1].isalpha() else int(value)


def test_the_nginx_example_takes_a_whole_upload_and_outwaits_gunicorn() -> None:
    text = NGINX_SITE.read_text()
    body = re.search(r"client_max_body_size (\w+);", text)
    assert body and _nginx_size(body.group(1)) > Config.MAX_CONTENT_LENGTH > Config.UPLOAD_MAX_BYTES
    gunicorn = _gunicorn_options()
    read = re.search(r"proxy_read_timeout (\d+)s;", text)
    assert read and int(read.group(1)) > gunicorn.timeout
    upstream = re.search(r"upstream trainhub_app \{\s*server ([\d.:]+);", text)
    assert upstream and [upstream.group(1)] == gunicorn.bind


# systemd ---------------------------------------------------------------------------------------


def _unit(name: str) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(
        strict=False, delimiters=("=",), comment_prefixes=("#", ";")
    )
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(UNITS / name)
    return parser


def _services() -> list[str]:
    return sorted(p.name for p in UNITS.glob("*.service"))


def _gunicorn_options() -> Any:
    exec_start = shlex.split(_unit("trainhub-web.service")["Service"]["ExecStart"])
    assert exec_start[0] == f"{INSTALLED}/.venv/bin/gunicorn"
    return GunicornConfig().parser().parse_args(exec_start[1:])


def test_the_units_are_the_ones_named_in_the_docs() -> None:
    assert {p.name for p in UNITS.iterdir()} == EXPECTED_UNITS


def test_every_service_reads_the_one_environment_file_as_trainhub_hardened() -> None:
    upload_folder = _env_example()["TRAINHUB_UPLOAD_FOLDER"]
    for name in _services():
        service = _unit(name)["Service"]
        assert service["EnvironmentFile"] == ENV_FILE, name
        assert (service["User"], service["Group"]) == ("trainhub", "trainhub"), name
        assert service["WorkingDirectory"] == INSTALLED, name
        for option, value in (
            ("NoNewPrivileges", "yes"),
            ("PrivateTmp", "yes"),
            ("ProtectSystem", "strict"),
            ("ProtectHome", "yes"),
        ):
            assert service[option] == value, (name, option)
        assert upload_folder in service["ReadWritePaths"].split(), name


@pytest.mark.once
def test_every_flask_command_in_the_units_is_one_the_app_has(app: Flask) -> None:
    commands = []
    for name in _services():
        argv = shlex.split(_unit(name)["Service"]["ExecStart"])
        if Path(argv[0]).name == "backup.sh":  # the nightly backup: a script of flask commands
            assert argv == [f"{INSTALLED}/deploy/backup.sh", "/var/backups/trainhub"], name
            continue
        if Path(argv[0]).name != "flask":
            continue
        assert argv[0] == f"{INSTALLED}/.venv/bin/flask"
        assert argv[1:3] == ["--app", "trainhub"], name
        args = argv[3:]
        command: click.Command = app.cli
        path: list[str] = []
        while isinstance(command, click.Group) and args:
            found = command.get_command(click.Context(command), args[0])
            assert found is not None, f"{name}: no command {[*path, args[0]]}"
            command = found
            path.append(args.pop(0))
        assert not isinstance(command, click.Group), f"{name}: {path} is a group"
        command.make_context(" ".join(path), list(args))  # its options are the command's
        help_text = app.test_cli_runner().invoke(args=[*path, "--help"])
        assert help_text.exit_code == 0, help_text.output
        commands.append(" ".join([*path, *args]))
    assert sorted(commands) == [
        "accreditation remind",
        "cohorts remind",
        "cohorts sweep",
        "feedback remind",
        "mail worker --interval 30",
        "retention purge",
    ]


def test_the_web_unit_runs_gunicorn_as_the_readme_says() -> None:
    options = _gunicorn_options()
    assert options.bind == ["127.0.0.1:8000"]
    assert options.timeout == 60
    assert options.workers == 5  # 2 × cores + 1 on a 2-core machine, as the README says
    module, _, attribute = options.args[0].partition(":")
    assert re.search(
        rf"^{attribute} = create_app\(\)$", (PROJECT_ROOT / f"{module}.py").read_text(), re.M
    )


def test_every_job_has_a_timer_and_every_timer_a_job() -> None:
    jobs = {n for n in _services() if _unit(n)["Service"].get("Type") == "oneshot"}
    timers = {p.name for p in UNITS.glob("*.timer")}
    assert {t.removesuffix(".timer") + ".service" for t in timers} == jobs
    for timer in timers:
        section = _unit(timer)["Timer"]
        assert section["Unit"] == timer.removesuffix(".timer") + ".service"
        assert section["OnCalendar"]
        assert _unit(timer)["Install"]["WantedBy"] == "timers.target"


def test_systemd_reads_the_units_without_a_complaint(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.fail(
            "systemd-analyze is missing (Debian's systemd package): install it with "
            "`make install-test-system` (or `apt-get install -y systemd`)",
            pytrace=False,
        )
    # systemd checks that each program exists: point at this interpreter's flask and gunicorn.
    bin_folder = Path(sys.executable).parent
    for unit in UNITS.iterdir():
        text = unit.read_text().replace(f"{INSTALLED}/.venv/bin/", f"{bin_folder}/")
        text = text.replace(f"{INSTALLED}/deploy/", f"{PROJECT_ROOT}/deploy/")
        (tmp_path / unit.name).write_text(text)
    names = sorted(str(tmp_path / name) for name in EXPECTED_UNITS)
    result = subprocess.run(
        [analyze, "verify", "--man=no", *names],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    complaints = [line for line in result.stderr.splitlines() if str(tmp_path) in line]
    assert complaints == []


def test_the_environment_example_lists_every_setting() -> None:
    text = ENV_EXAMPLE.read_text()
    settings = [name for name in vars(Config) if name.isupper()]
    missing = [name for name in settings if not re.search(rf"^#?TRAINHUB_{name}(=|__)", text, re.M)]
    assert missing == []
    for line in text.splitlines():  # systemd's EnvironmentFile: NAME=value or a comment
        assert not line or line.startswith("#") or re.match(r"^TRAINHUB_[A-Z0-9_]+=", line), line
