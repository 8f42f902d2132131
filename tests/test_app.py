"""Configuration, error pages, language and the schema's migrations."""

from __future__ import annotations

import io

import pytest
from alembic import command
from flask import Flask
from flask_migrate import downgrade, upgrade

from tests.conftest import base_config
from tests.factories import make_user
from tests.helpers import login
from trainhub import create_app
from trainhub.extensions import db


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("TRAINHUB_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})  # production is the default
    with pytest.raises(RuntimeError, match="32 characters"):
        create_app({"SECRET_KEY": "short", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    app = create_app(
        {
            "ENV": "production",
            "SECRET_KEY": "x" * 40,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "BASE_URL": "https://training.example.gov.wales",
            "MAIL_FROM": "IFSS training <no-reply@training.example.gov.wales>",
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["OUTBOX_SHOW_BODIES"] is False


def test_development_generates_a_secret_key_once(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("TRAINHUB_SECRET_KEY", raising=False)
    import trainhub

    monkeypatch.setattr(trainhub, "PROJECT_ROOT", tmp_path)
    dev = {"ENV": "development", "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    first = create_app(dev).config["SECRET_KEY"]
    second = create_app(dev).config["SECRET_KEY"]
    assert first == second and len(first) > 40
    assert (tmp_path / "instance" / "secret_key").stat().st_mode & 0o077 == 0


def test_database_url_from_the_environment(monkeypatch):
    monkeypatch.setenv("TRAINHUB_DATABASE_URL", "postgresql+psycopg://u@db.example.org/trainhub")
    app = create_app({"ENV": "development", "SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example.org/trainhub"


def test_default_database_is_sqlite_in_the_instance_folder(monkeypatch):
    monkeypatch.delenv("TRAINHUB_DATABASE_URL", raising=False)
    app = create_app({"ENV": "development", "SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/trainhub.sqlite")


@pytest.mark.once
def test_unknown_page_gets_the_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


@pytest.mark.once
def test_a_form_without_its_csrf_token_gets_the_400_page(app: Flask, client):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/sign-in", data={"email": "a@example.org", "password": "x"})
    assert response.status_code == 400
    assert "The form had expired" in response.get_data(as_text=True)


def test_an_oversize_request_gets_the_413_page(app: Flask, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    admin = make_user(roles=["admin"])
    db.session.commit()
    login(client, admin)
    response = client.post(
        "/admin/users/import",
        data={"file": (io.BytesIO(b"x" * 4096), "big.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


@pytest.mark.own_app
def test_an_unexpected_error_gets_the_500_page_and_rolls_back(app: Flask, client):
    @app.get("/boom")
    def boom():
        db.session.add(make_user(email="half@example.org"))
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/boom")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.get_data(as_text=True)


@pytest.mark.once
def test_switching_to_welsh_and_back(client):
    response = client.get("/language/cy?next=/courses", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert '<html lang="cy"' in page
    assert "Cyrsiau" in page
    page = client.get("/language/en?next=/", follow_redirects=True).get_data(as_text=True)
    assert '<html lang="en"' in page


@pytest.mark.once
def test_language_switch_never_leaves_the_site(client):
    for target in ("https://evil.example.com/", "//evil.example.com/", "/\\evil.example.com"):
        response = client.get(f"/language/cy?next={target}")
        assert response.headers["Location"] == "/"


@pytest.mark.once
def test_browser_language_and_account_preference(client):
    page = client.get("/", headers={"Accept-Language": "cy-GB,cy;q=0.9"}).get_data(as_text=True)
    assert '<html lang="cy"' in page
    login(client, make_user(preferred_language="cy"))
    db.session.commit()
    assert '<html lang="cy"' in client.get("/account").get_data(as_text=True)


@pytest.mark.once
def test_welsh_dates(app: Flask):
    from datetime import date

    from flask_babel import force_locale

    with app.test_request_context(), force_locale("cy"):
        assert app.jinja_env.filters["date"](date(2026, 3, 1)) == "1 Mawrth 2026"


@pytest.mark.once
def test_translations_follow_force_locale_within_a_request(app: Flask):
    """The catalogue kept for a request (``trainhub.i18n.Domain``) never outlives its locale:
    mail in the recipient's language is rendered inside another person's request."""
    from flask import render_template_string, session
    from flask_babel import force_locale, gettext, refresh

    page = "{{ _('Courses') }}"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert (gettext("Courses"), render_template_string(page)) == ("Courses", "Courses")
        with force_locale("cy"):
            assert (gettext("Courses"), render_template_string(page)) == ("Cyrsiau", "Cyrsiau")
        assert (gettext("Courses"), render_template_string(page)) == ("Courses", "Courses")
        session["lang"] = "cy"
        refresh()
        assert (gettext("Courses"), render_template_string(page)) == ("Cyrsiau", "Cyrsiau")


@pytest.mark.once
def test_nested_settings_from_the_environment_stay_in_their_app(
    monkeypatch: pytest.MonkeyPatch, app: Flask
) -> None:
    from trainhub import create_app
    from trainhub.config import Config

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    monkeypatch.setenv("TRAINHUB_SQLALCHEMY_ENGINE_OPTIONS__pool_size", "7")
    tuned = create_app(base_config(url))
    monkeypatch.delenv("TRAINHUB_SQLALCHEMY_ENGINE_OPTIONS__pool_size")
    plain = create_app(base_config(url))

    assert tuned.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_size"] == 7
    assert "pool_size" not in plain.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert Config.SQLALCHEMY_ENGINE_OPTIONS == {"pool_pre_ping": True}


@pytest.mark.once
def test_trainhub_logs_at_info_unless_told_otherwise(app: Flask) -> None:
    import logging

    from trainhub import create_app

    assert logging.getLogger("trainhub.courses.services.booking").isEnabledFor(logging.INFO)
    quiet = create_app(
        {**base_config(app.config["SQLALCHEMY_DATABASE_URI"]), "LOG_LEVEL": "warning"}
    )
    assert not logging.getLogger("trainhub.mail.worker").isEnabledFor(logging.INFO)
    quiet.logger.setLevel(logging.INFO)  # the logger is the process's, not the app's


def test_health_check(client):
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}


@pytest.mark.real_commits
def test_migrations_match_the_models_and_go_down_and_up(app: Flask):
    """`flask db check` on this backend, then a full downgrade and upgrade."""
    config = app.extensions["migrate"].migrate.get_config()
    command.check(config)
    db.session.remove()
    downgrade(revision="base")
    upgrade()
    command.check(config)


@pytest.mark.real_commits
def test_flask_db_check_command(app: Flask):
    result = app.test_cli_runner().invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output


def test_create_app_never_touches_the_schema(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    app = create_app(base_config(url))
    with app.app_context():
        assert db.inspect(db.engine).get_table_names() == []


@pytest.mark.once
def test_every_response_carries_the_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.get_data(as_text=True)  # GOV.UK's inline script
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # development


def test_production_asks_browsers_for_https():
    app = create_app(
        {
            "SECRET_KEY": "x" * 40,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "BASE_URL": "https://training.example.gov.wales",
            "MAIL_FROM": "IFSS training <no-reply@training.example.gov.wales>",
        }
    )
    response = app.test_client().get("/static/js/init.js")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


@pytest.mark.once
def test_demo_refuses_to_run_in_production(app):
    app.config["ENV"] = "production"
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 1
    assert "TRAINHUB_ENV=development" in result.output


def test_demo_and_organisation_seed_commands(app):
    from trainhub.auth.models import Organisation, User
    from trainhub.courses.models import Cohort, Completion
    from trainhub.demo import DEMO_PEOPLE

    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "learner@example.org" in result.output and "demo-learner-2026" in result.output
    assert runner.invoke(args=["demo"]).exit_code == 0  # again: nothing doubled
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == len(DEMO_PEOPLE)
    # Cohorts too, once: a split core, approval, full, closed and last term's completed core.
    assert db.session.scalar(db.select(db.func.count()).select_from(Cohort)) == 5
    # The demo learner's core, and the lead trainer's Training the IFSS Trainer (R13).
    assert db.session.scalar(db.select(db.func.count()).select_from(Completion)) == 2
    # The demo learner's core completion banked CPD and a certificate, and her Level 3
    # workbook waits in the assessors' queue.
    from trainhub.accreditation.models import Application, Certificate, CpdEntry

    assert db.session.scalar(db.select(db.func.count()).select_from(Certificate)) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(CpdEntry)) == 1
    application = db.session.execute(db.select(Application)).scalar_one()
    assert (application.status, application.level.number) == ("submitted", 3)
    result = runner.invoke(args=["organisations", "seed"])
    assert "Organisations: 0 added." in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(Organisation)) >= 16


@pytest.mark.own_app
def test_a_write_race_gets_the_409_page_not_a_500(app: Flask, client):
    from trainhub.auth.models import User

    make_user(email="taken@example.org")
    db.session.commit()

    @app.get("/race")
    def race():
        # As if another request had inserted the same address after our check.
        db.session.add(User(email="taken@example.org", full_name="Late"))
        db.session.flush()
        return "unreachable"

    response = client.get("/race")
    assert response.status_code == 409
    assert "Someone else changed this at the same moment" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    ["/courses/%00", "/calendar?course=%00", "/cohorts/new?course=a%00b", "/calendar/feed/%00.ics"],
)
def test_a_nul_character_is_a_bad_request_on_every_backend(client, url):
    # PostgreSQL refuses NUL in text: it must never reach a query as a 500.
    assert client.get(url).status_code == 400


def test_a_nul_character_in_a_form_is_a_bad_request(client):
    response = client.post("/sign-in", data={"email": "a\x00@example.org", "password": "x"})
    assert response.status_code == 400


def test_accreditation_remind_command_queues_each_reminder_once(app):
    import datetime as dt

    from tests.factories import make_user
    from trainhub.accreditation.services import seed_levels
    from trainhub.courses.models import Completion, Course
    from trainhub.courses.services.catalogue import seed_courses
    from trainhub.mail.models import OutboxMessage

    seed_courses()
    seed_levels()
    core = db.session.execute(db.select(Course).filter_by(code="IFSS-CORE")).scalar_one()
    member = make_user(ifst_member=True)
    long_ago = dt.date.today() - dt.timedelta(days=300)
    db.session.add(Completion(user_id=member.id, course_id=core.id, completed_on=long_ago))
    db.session.commit()

    runner = app.test_cli_runner()
    first = runner.invoke(args=["accreditation", "remind"])
    assert first.exit_code == 0, first.output
    assert "1 reminder(s) queued." in first.output
    assert "0 reminder(s) queued." in runner.invoke(args=["accreditation", "remind"]).output
    to_member = db.select(db.func.count()).where(OutboxMessage.to_address == member.email)
    assert db.session.scalar(to_member.select_from(OutboxMessage)) == 1
