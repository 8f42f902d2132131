"""Set-up that works the first time: production refuses unsafe settings (all named at once),
``flask config check`` shows every setting, its source and what is unsafe, and a form sent
over plain http says why it failed."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from tests.conftest import base_config, make_test_app
from trainhub import create_app, settings_check
from trainhub.extensions import db
from trainhub.settings_check import UnsafeSettings

SAFE: dict[str, Any] = {
    "ENV": "production",
    "SECRET_KEY": "a-long-random-value-for-the-tests-" + "x" * 20,
    "SQLALCHEMY_DATABASE_URI": "sqlite://",
    "BASE_URL": "https://training.example.gov.wales",
    "MAIL_FROM": "IFSS training <no-reply@training.example.gov.wales>",
}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No TRAINHUB_* variable of the machine's leaks in; argv is not `flask config check`."""
    for name in list(os.environ):
        if name.startswith("TRAINHUB_") or name == "SECRET_KEY":
            monkeypatch.delenv(name)
    monkeypatch.setattr("sys.argv", ["pytest"])
    yield


def refusal(**overrides: Any) -> UnsafeSettings:
    with pytest.raises(UnsafeSettings) as refused:
        create_app({**SAFE, **overrides})
    return refused.value


def settings_named(refused: UnsafeSettings) -> list[str]:
    return [finding.setting for finding in refused.found]


# Production refuses to start -------------------------------------------------------------------


def test_production_starts_with_real_values() -> None:
    app = create_app(SAFE)
    assert app.config["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize(
    "base_url",
    [
        "http://127.0.0.1:5000",  # the default
        "http://training.example.gov.wales",
        "https://127.0.0.1",
        "https://localhost:8443",
        "https://0.0.0.0",
        "training.example.gov.wales",
        "",
    ],
)
def test_production_refuses_a_development_or_plain_http_base_url(base_url: str) -> None:
    refused = refusal(BASE_URL=base_url)
    assert settings_named(refused) == ["BASE_URL"]
    assert "TRAINHUB_BASE_URL" in str(refused) and "https://" in str(refused)


@pytest.mark.parametrize(
    "mail_from",
    [
        "trainhub <no-reply@trainhub.invalid>",  # the default
        "no-reply@training.invalid",
        "Training <someone@example.test>",
        "no-reply",
        "",
    ],
)
def test_production_refuses_an_undeliverable_mail_from(mail_from: str) -> None:
    refused = refusal(MAIL_FROM=mail_from)
    assert settings_named(refused) == ["MAIL_FROM"]
    assert "TRAINHUB_MAIL_FROM" in str(refused)


def test_production_refuses_a_short_secret_key() -> None:
    refused = refusal(SECRET_KEY="short")
    assert settings_named(refused) == ["SECRET_KEY"]
    assert "32 characters" in str(refused) and "TRAINHUB_SECRET_KEY" in str(refused)


def test_production_refuses_an_smtp_username_without_tls() -> None:
    refused = refusal(SMTP_USERNAME="trainhub", SMTP_PASSWORD="pw", SMTP_HOST="smtp.example.org")
    assert settings_named(refused) == ["SMTP_USERNAME"]
    assert "TRAINHUB_SMTP_STARTTLS=true" in str(refused)
    create_app({**SAFE, "SMTP_USERNAME": "trainhub", "SMTP_STARTTLS": True})


def test_production_refuses_forms_without_csrf_protection() -> None:
    refused = refusal(WTF_CSRF_ENABLED=False)
    assert settings_named(refused) == ["WTF_CSRF_ENABLED"]


def test_every_problem_is_named_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # What a first start with nothing but a database looks like.
    monkeypatch.setenv("TRAINHUB_DATABASE_URL", "sqlite://")
    with pytest.raises(UnsafeSettings) as refused:
        create_app()
    assert settings_named(refused.value) == ["SECRET_KEY", "BASE_URL", "MAIL_FROM"]
    message = str(refused.value)
    assert message.startswith("trainhub refuses to start in production")
    for variable in ("TRAINHUB_SECRET_KEY", "TRAINHUB_BASE_URL", "TRAINHUB_MAIL_FROM"):
        assert variable in message
    assert "flask config check" in message
    assert isinstance(refused.value, RuntimeError)  # as the secret key's refusal always was


def test_real_values_from_the_environment_are_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRAINHUB_SECRET_KEY", SAFE["SECRET_KEY"])
    monkeypatch.setenv("TRAINHUB_BASE_URL", SAFE["BASE_URL"])
    monkeypatch.setenv("TRAINHUB_MAIL_FROM", SAFE["MAIL_FROM"])
    monkeypatch.setenv("TRAINHUB_DATABASE_URL", "sqlite://")
    assert create_app().config["BASE_URL"] == SAFE["BASE_URL"]


def test_development_and_tests_start_as_before() -> None:
    app = create_app(base_config("sqlite://"))  # ENV development
    assert app.config["BASE_URL"] == "https://trainhub.example.org"
    create_app({**base_config("sqlite://"), "BASE_URL": "http://127.0.0.1:5000"})


def test_only_flask_config_check_is_let_through() -> None:
    check = settings_check.running_config_check
    assert check(["/srv/trainhub/.venv/bin/flask", "config", "check"])
    assert check(["flask", "--app", "trainhub", "config", "check"])
    assert check(["/usr/lib/python3/site-packages/flask/__main__.py", "config", "check"])
    assert not check(["flask", "db", "upgrade"])
    assert not check(["flask", "config"])
    assert not check(["flask", "config", "check", "--help"])
    assert not check(["gunicorn", "config", "check"])
    assert not check([])


# flask config check ----------------------------------------------------------------------------


def run_check(app: Flask) -> tuple[int, str, dict[str, tuple[str, str]]]:
    """The exit status, the output, and each listed setting's (value, source)."""
    result = app.test_cli_runner().invoke(args=["config", "check"])
    table: dict[str, tuple[str, str]] = {}
    for line in result.output.splitlines():
        match = re.match(r"^([A-Z][A-Z0-9_]+)  +(.*?)  +(\S.*)$", line)
        if match and not line.startswith(("ERROR", "WARNING", "SETTING")):
            table[match[1]] = (match[2].strip(), match[3])
    return result.exit_code, result.output, table


def test_a_safe_production_passes_with_exit_status_0(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRAINHUB_BASE_URL", SAFE["BASE_URL"])
    monkeypatch.setenv("TRAINHUB_PROXY_FIX_X_FOR", "1")
    app = create_app({k: v for k, v in SAFE.items() if k != "BASE_URL"})

    status, output, table = run_check(app)

    assert status == 0, output
    assert "No setting is unsafe for production" in output
    assert table["BASE_URL"] == (repr(SAFE["BASE_URL"]), "environment (TRAINHUB_BASE_URL)")
    assert table["PROXY_FIX_X_FOR"] == ("1", "environment (TRAINHUB_PROXY_FIX_X_FOR)")
    assert table["PAGE_SIZE"] == ("25", "default")
    assert table["MAIL_FROM"][1] == "set by the application (create_app)"
    assert table["SESSION_COOKIE_SECURE"] == ("True", "production (TRAINHUB_ENV) turns it on")
    # Every Config setting is listed.
    assert set(settings_check._config_defaults()) <= set(table)
    # The proxy's 1 MB default is named beside the upload limit.
    assert "client_max_body_size 25m" in output


def test_secrets_are_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", SAFE["SECRET_KEY"])  # the plain name works too
    app = create_app(
        {
            **{k: v for k, v in SAFE.items() if k != "SECRET_KEY"},
            "DATABASE_URL": "postgresql+psycopg://trainhub:db-pass-word@db.example.org/trainhub",
            "SQLALCHEMY_DATABASE_URI": (
                "postgresql+psycopg://trainhub:db-pass-word@db.example.org/trainhub"
            ),
            "SMTP_HOST": "smtp.example.org",
            "SMTP_USERNAME": "trainhub",
            "SMTP_PASSWORD": "smtp-pass-word",
            "SMTP_STARTTLS": True,
            "S3_ENDPOINT_URL": "https://objects.example.org/?token=s3-pass-word",
        }
    )

    _status, output, table = run_check(app)

    assert "pass-word" not in output
    assert SAFE["SECRET_KEY"] not in output
    assert table["SECRET_KEY"] == (
        f"(hidden, {len(SAFE['SECRET_KEY'])} characters)",
        "environment (SECRET_KEY)",
    )
    assert table["SMTP_PASSWORD"][0] == "(hidden, 14 characters)"
    assert table["SMTP_USERNAME"][0] == "'trainhub'"  # not a secret
    assert table["DATABASE_URL"][0] == (
        "'postgresql+psycopg://trainhub:***@db.example.org/trainhub'"
    )
    assert table["SQLALCHEMY_DATABASE_URI"][1] == "from DATABASE_URL"
    assert table["S3_ENDPOINT_URL"][0] == "'https://objects.example.org/?token=***'"
    # Rates named after passwords are not secrets.
    assert table["RATELIMIT_PASSWORD_RESET"][0] == "'20 per minute;200 per hour'"


def test_passwords_are_taken_out_of_any_url() -> None:
    mask = settings_check.mask
    assert mask("RATELIMIT_STORAGE_URI", "redis://:pw@cache.example.org:6379/0") == (
        "'redis://:***@cache.example.org:6379/0'"
    )
    assert mask("X", "postgresql://u@db/trainhub?password=pw&sslmode=require") == (
        "'postgresql://u@db/trainhub?password=***&sslmode=require'"
    )
    assert mask("RATELIMIT_STORAGE_URI", "memory://") == "'memory://'"
    assert mask("X", "sqlite:////srv/trainhub/instance/trainhub.sqlite") == (
        "'sqlite:////srv/trainhub/instance/trainhub.sqlite'"
    )
    assert mask("SECRET_KEY", "") == "(empty)"
    assert mask("SECRET_KEY_FALLBACKS", ["an-old-key"]).startswith("(hidden")
    assert mask("SMTP_PASSWORD", None) == "(not set)"


def test_unsafe_production_is_listed_with_exit_status_1(monkeypatch: pytest.MonkeyPatch) -> None:
    # `flask config check` is let through the refusal, to show what to fix.
    monkeypatch.setattr("sys.argv", ["/srv/trainhub/.venv/bin/flask", "config", "check"])
    monkeypatch.setenv("TRAINHUB_BASE_URL", "http://training.example.gov.wales")
    monkeypatch.setenv("TRAINHUB_MAIL_FROM", "no-reply@trainhub.invalid")
    monkeypatch.setenv("TRAINHUB_UPLOAD_MAX_BYTE", "10")  # misspelt
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})

    status, output, table = run_check(app)

    assert status == 1
    errors = [line for line in output.splitlines() if line.startswith("ERROR")]
    assert [line.split(":")[1].strip() for line in errors] == [
        "SECRET_KEY",
        "BASE_URL",
        "MAIL_FROM",
    ]
    assert "3 setting(s) unsafe for production" in output
    assert table["SECRET_KEY"] == ("(not set)", "default")
    assert "WARNING: UPLOAD_MAX_BYTE: TRAINHUB_UPLOAD_MAX_BYTE is set but trainhub has no " in (
        output
    )
    assert "WARNING: PROXY_FIX_X_FOR" not in output  # BASE_URL is not https


def test_development_is_unsafe_for_production(app: Flask) -> None:
    status, output, table = run_check(app)
    assert status == 1
    assert "ERROR: ENV: is 'development'" in output
    assert "WARNING: SESSION_COOKIE_SECURE: is off" in output
    assert "WARNING: PROXY_FIX_X_FOR: is 0 while BASE_URL is https" in output
    assert table["ENV"][0] == "'development'"


def test_the_warnings_of_doubtful_settings() -> None:
    config = {
        **SAFE,
        "SESSION_COOKIE_SECURE": True,
        "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
        "UPLOAD_MAX_BYTES": 20 * 1024 * 1024,
        "PROXY_FIX_X_FOR": 1,
        "OUTBOX_SHOW_BODIES": True,
        "LOG_LEVEL": "debug",
        "RATELIMIT_ENABLED": False,
        "SMTP_HOST": "smtp.example.org",
        "DATABASE_URL": None,
    }
    warned = {finding.setting for finding in settings_check.warnings(config, {})}
    assert warned == {
        "MAX_CONTENT_LENGTH",
        "OUTBOX_SHOW_BODIES",
        "LOG_LEVEL",
        "RATELIMIT_ENABLED",
        "SMTP_HOST",
        "DATABASE_URL",
        "CLAMD_SOCKET",
        "CREDENTIALS_KEY_DIR",
    }
    assert settings_check.problems(config) == []


# The form that failed over plain http -----------------------------------------------------------


def test_a_form_over_plain_http_says_https_is_needed(app: Flask) -> None:
    app.config.update(WTF_CSRF_ENABLED=True, SESSION_COOKIE_SECURE=True)
    client = app.test_client()

    response = client.post("/sign-in", data={"email": "alys@example.org", "password": "x"})

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "This service must be reached over HTTPS" in page
    assert "TRAINHUB_PROXY_FIX_X_FOR=1" in page
    assert 'href="https://trainhub.example.org"' in page
    assert "The form had expired" not in page


def test_over_https_the_failed_form_says_it_expired(app: Flask) -> None:
    app.config.update(WTF_CSRF_ENABLED=True, SESSION_COOKIE_SECURE=True)
    client = app.test_client()

    response = client.post(
        "/sign-in", data={"email": "alys@example.org"}, base_url="https://localhost"
    )

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The form had expired" in page
    assert "must be reached over HTTPS" not in page


def test_without_secure_cookies_the_failed_form_says_it_expired(app: Flask) -> None:
    app.config.update(WTF_CSRF_ENABLED=True)  # development: cookies also travel over http
    response = app.test_client().post("/sign-in", data={"email": "alys@example.org"})
    assert response.status_code == 400
    assert "The form had expired" in response.get_data(as_text=True)


def test_behind_a_proxy_that_says_https_the_failed_form_says_it_expired(
    app: Flask, database_url: str
) -> None:
    proxied = make_test_app(
        database_url, PROXY_FIX_X_FOR=1, WTF_CSRF_ENABLED=True, SESSION_COOKIE_SECURE=True
    )
    try:
        response = proxied.test_client().post(
            "/sign-in",
            data={"email": "alys@example.org"},
            headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"},
        )
        assert response.status_code == 400
        assert "The form had expired" in response.get_data(as_text=True)
    finally:
        with proxied.app_context():
            db.engine.dispose()
