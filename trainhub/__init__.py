"""trainhub: training, booking and accreditation for the IFSS Training Framework."""

from __future__ import annotations

import copy
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from trainhub import settings_check
from trainhub.config import Config
from trainhub.extensions import babel, csrf, db, login_manager, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, CLI.

    The schema is never created here: ``flask db upgrade`` owns it.
    """
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    app.config.from_object(Config)
    # Config's dictionaries belong to the class, shared by every app in the process, and
    # from_prefixed_env writes TRAINHUB_<NAME>__<key> into them: give this app its own.
    app.config.update({k: copy.deepcopy(v) for k, v in app.config.items() if isinstance(v, dict)})
    app.config.from_prefixed_env("TRAINHUB")
    if config:
        app.config.update(config)
    _configure_secrets_and_database(app)
    _trust_proxies(app)
    from trainhub import database, logs

    logs.init_app(app)
    database.init_app(app)  # the engine's timeouts, before the engine is made
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)

    from trainhub import i18n

    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.install_template_gettext(app)

    from trainhub import (
        antivirus,
        asset_urls,
        bilingual,
        errors,
        ratelimit,
        security,
        storage,
        templating,
    )

    storage.init_app(app)
    antivirus.init_app(app)
    ratelimit.init_app(app)

    errors.register_error_handlers(app)
    templating.init_app(app)
    asset_urls.init_app(app)
    bilingual.init_app(app)
    security.init_app(app)

    _register_blueprints(app)

    from trainhub import cli

    cli.init_app(app)
    return app


def _configure_secrets_and_database(app: Flask) -> None:
    production = app.config["ENV"] == "production"
    if not app.config.get("SECRET_KEY") and os.environ.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    # Production refuses to start while any setting is unsafe (all of them named at once).
    settings_check.refuse_unsafe_production(app.config)
    if not app.config.get("SECRET_KEY") and not production:
        app.config["SECRET_KEY"] = _development_secret(Path(app.instance_path))
    if production:  # cookies travel only over HTTPS
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    if app.config.get("OUTBOX_SHOW_BODIES") is None:
        app.config["OUTBOX_SHOW_BODIES"] = not production

    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        url = app.config.get("DATABASE_URL")
        if not url:
            Path(app.instance_path).mkdir(parents=True, exist_ok=True)
            url = f"sqlite:///{Path(app.instance_path) / 'trainhub.sqlite'}"
        app.config["SQLALCHEMY_DATABASE_URI"] = url


def _trust_proxies(app: Flask) -> None:
    """Behind PROXY_FIX_X_FOR proxies, take the client's IP and scheme from their headers."""
    proxies = int(app.config["PROXY_FIX_X_FOR"])
    if proxies > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )


def _development_secret(instance: Path) -> str:
    """A random key generated once into the instance folder (development only)."""
    instance.mkdir(parents=True, exist_ok=True)
    key_file = instance / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _register_blueprints(app: Flask) -> None:
    from trainhub.accreditation import bp as accreditation_bp
    from trainhub.auth import bp as auth_bp
    from trainhub.courses import bp as courses_bp
    from trainhub.feedback import bp as feedback_bp
    from trainhub.history import bp as history_bp
    from trainhub.home import bp as home_bp
    from trainhub.mail import bp as mail_bp
    from trainhub.privacy import bp as privacy_bp
    from trainhub.site import bp as site_bp

    # GOV.UK Frontend's compiled assets (installed by npm, copied by `npm run build`);
    # its stylesheet expects fonts and images under /assets.
    assets = Blueprint(
        "assets",
        __name__,
        static_folder=str(Path(__file__).parent / "static" / "govuk"),
        static_url_path="/assets",
    )
    app.register_blueprint(assets)
    for bp in (
        home_bp,
        auth_bp,
        courses_bp,
        accreditation_bp,
        feedback_bp,
        history_bp,
        mail_bp,
        site_bp,
        privacy_bp,
    ):
        app.register_blueprint(bp)
