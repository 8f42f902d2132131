"""Which settings are unsafe for production, in one place.

``create_app`` refuses to start in production while any :func:`problems` remain (every one
listed at once), and ``flask config check`` prints every setting with its source and the same
findings, plus :func:`warnings` that do not stop the app. The messages are for the people
who run the service: English, each naming the setting and the ``TRAINHUB_*`` variable to set.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Flask

from trainhub.config import Config
from trainhub.i18n import language_list

#: The SECRET_KEY's shortest safe length.
SECRET_KEY_MIN_LENGTH = 32
#: What a reverse proxy accepts in a request body unless told otherwise (nginx's
#: client_max_body_size is 1 MB by default).
PROXY_DEFAULT_BODY_BYTES = 1024 * 1024
#: Top-level domains reserved for examples and tests: mail from them is not deliverable.
_RESERVED_DOMAINS = (".invalid", ".test", ".example", ".localhost", ".local")
#: Settings whose value is never shown (names ending so, and these).
_SECRET_ENDINGS = ("_PASSWORD", "_TOKEN", "_SECRET", "_SECRET_KEY", "_API_KEY")
_SECRET_SETTINGS = frozenset({"SECRET_KEY", "SECRET_KEY_FALLBACKS"})
#: Query parameters of a URL that hold credentials.
_SECRET_PARAMETERS = ("password", "passwd", "secret", "token", "key", "sslpassword")
#: Settings trainhub reads besides Config's (Flask's and its extensions', or derived).
_ALSO_READ = ("SQLALCHEMY_DATABASE_URI", "SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE")
#: Prefixes of settings Flask's extensions read (Flask-WTF, Flask-Babel, Flask-SQLAlchemy,
#: Flask-Limiter), so a TRAINHUB_ variable naming one of them is not a misspelling.
_EXTENSION_PREFIXES = ("WTF_", "BABEL_", "SQLALCHEMY_", "RATELIMIT_", "REMEMBER_COOKIE_")

Level = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One setting that is unsafe (``error``: production refuses to start) or doubtful."""

    setting: str
    level: Level
    message: str

    def __str__(self) -> str:
        return f"{self.setting}: {self.message}"


class UnsafeSettings(RuntimeError):
    """Production's settings are not safe to start with; the message lists every problem."""

    def __init__(self, found: Sequence[Finding]) -> None:
        self.found = list(found)
        lines = "\n".join(f"  - {finding}" for finding in self.found)
        super().__init__(
            "trainhub refuses to start in production until these settings are fixed:\n"
            f"{lines}\n"
            "Run `flask config check` to see every setting and where it comes from "
            "(for a trial on your own computer only, set TRAINHUB_ENV=development)."
        )


def _production(config: Mapping[str, Any]) -> bool:
    return config.get("ENV") == "production"


def _host_is_local(host: str) -> bool:
    if host in ("localhost", "") or host.endswith((".localhost", ".local")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified or address.is_link_local


def _mail_domain(mail_from: str) -> str:
    """The domain of ``Name <user@domain>`` or ``user@domain`` (empty when there is none)."""
    address = mail_from.rsplit("<", 1)[-1].rstrip("> ").strip()
    return address.rpartition("@")[2].lower() if "@" in address else ""


def _report_deadline(value: Any) -> dt.date | None:
    """REPORT_DEADLINE (MM-DD) as a day of 2001, a year with no 29 February (the deadline
    must fall in every year); None when it is not a month and day."""
    try:
        month, day = (int(part) for part in str(value).split("-"))
        return dt.date(2001, month, day)
    except ValueError:
        return None


#: The roles TWO_FACTOR_REQUIRED_ROLES may name (``trainhub.auth.roles.Role``).
_ROLES = ("learner", "trainer", "assessor", "manager", "admin")


def _two_factor_roles(config: Mapping[str, Any]) -> list[str]:
    setting = config.get("TWO_FACTOR_REQUIRED_ROLES", Config.TWO_FACTOR_REQUIRED_ROLES) or ""
    names = setting.split(",") if isinstance(setting, str) else list(setting)
    return [str(name).strip().lower() for name in names if str(name).strip()]


def problems(config: Mapping[str, Any]) -> list[Finding]:
    """What production must not start with; outside production, ENV itself is one."""
    found: list[Finding] = []

    def error(setting: str, message: str) -> None:
        found.append(Finding(setting, "error", message))

    if not _production(config):
        error(
            "ENV",
            f"is {config.get('ENV')!r}: cookies are not Secure, HSTS is off and `flask demo` "
            "may add accounts with published passwords. For a real service unset "
            "TRAINHUB_ENV (production is the default).",
        )

    if len(config.get("SECRET_KEY") or "") < SECRET_KEY_MIN_LENGTH:
        error(
            "SECRET_KEY",
            f"missing or shorter than {SECRET_KEY_MIN_LENGTH} characters: set "
            "TRAINHUB_SECRET_KEY to a long random value, e.g. the output of "
            "`python3 -c 'import secrets; print(secrets.token_urlsafe(48))'`.",
        )

    base_url = str(config.get("BASE_URL") or "")
    parts = urlsplit(base_url)
    if not base_url or base_url == Config.BASE_URL:
        error(
            "BASE_URL",
            f"is {base_url or 'not set'}, the development default: set TRAINHUB_BASE_URL to "
            "the https:// address people use, e.g. https://training.example.gov.wales "
            "(it is the address in every e-mailed link).",
        )
    elif parts.scheme != "https" or not parts.hostname:
        error(
            "BASE_URL",
            f"is {base_url}, not an https:// address: set TRAINHUB_BASE_URL to the https:// "
            "address people use. Sign-in cookies travel only over HTTPS in production, so "
            "over plain http nobody can sign in.",
        )
    elif _host_is_local(parts.hostname):
        error(
            "BASE_URL",
            f"is {base_url}, this computer's own address, which nobody else can open from an "
            "e-mailed link: set TRAINHUB_BASE_URL to the public https:// address.",
        )

    mail_from = str(config.get("MAIL_FROM") or "")
    domain = _mail_domain(mail_from)
    if mail_from == Config.MAIL_FROM or not domain or domain.endswith(_RESERVED_DOMAINS):
        error(
            "MAIL_FROM",
            f"is {mail_from or 'not set'}, which no mail server will accept or deliver: set "
            "TRAINHUB_MAIL_FROM to an address of your organisation that may send mail, e.g. "
            "'IFSS training <no-reply@training.example.gov.wales>'.",
        )

    if config.get("SMTP_USERNAME") and not (config.get("SMTP_STARTTLS") or config.get("SMTP_SSL")):
        error(
            "SMTP_USERNAME",
            "is set without TLS, and trainhub never sends a password unencrypted, so no mail "
            "would go out: set TRAINHUB_SMTP_STARTTLS=true (port 587) or TRAINHUB_SMTP_SSL=true "
            "(port 465).",
        )

    deadline = config.get("REPORT_DEADLINE", Config.REPORT_DEADLINE)
    if _report_deadline(deadline) is None:
        error(
            "REPORT_DEADLINE",
            f"is {deadline!r}, not a month and day like 06-30: set TRAINHUB_REPORT_DEADLINE to "
            "the day the annual report is due after the year ends, e.g. 06-30 for 30 June.",
        )

    unknown = [role for role in _two_factor_roles(config) if role not in _ROLES]
    if unknown:
        error(
            "TWO_FACTOR_REQUIRED_ROLES",
            f"names {', '.join(unknown)}, which is no role, so nobody in it would need two-step "
            f"verification: write roles from {', '.join(_ROLES)}, comma-separated.",
        )

    languages, unknown = language_list(
        config.get("CERTIFICATE_LANGUAGES", Config.CERTIFICATE_LANGUAGES)
    )
    if unknown or not languages:
        error(
            "CERTIFICATE_LANGUAGES",
            f"is {config.get('CERTIFICATE_LANGUAGES')!r}: write the languages a certificate "
            "carries as cy and en, comma-separated, in the order they are printed (cy,en: "
            "Welsh first; en,cy; or one alone).",
        )

    if config.get("WTF_CSRF_ENABLED", True) is False:
        error(
            "WTF_CSRF_ENABLED",
            "is false, so any web site could send forms in a signed-in person's name: remove "
            "TRAINHUB_WTF_CSRF_ENABLED.",
        )
    return found


def warnings(config: Mapping[str, Any], environ: Mapping[str, str]) -> list[Finding]:
    """Settings that may be right for this site but usually are not in production."""
    found: list[Finding] = []

    def warn(setting: str, message: str) -> None:
        found.append(Finding(setting, "warning", message))

    if config.get("SESSION_COOKIE_SECURE") is not True:
        warn(
            "SESSION_COOKIE_SECURE",
            "is off: the sign-in cookie would also travel over plain http. Production turns "
            "it on by itself (TRAINHUB_ENV=production).",
        )
    https = urlsplit(str(config.get("BASE_URL") or "")).scheme == "https"
    if https and not int(config.get("PROXY_FIX_X_FOR") or 0):
        warn(
            "PROXY_FIX_X_FOR",
            "is 0 while BASE_URL is https: behind a reverse proxy that terminates HTTPS, set "
            "TRAINHUB_PROXY_FIX_X_FOR=1 (one proxy), or trainhub sees every visitor at the "
            "proxy's address (one rate limit shared by everybody) and, with the proxy on "
            "another machine, every request as plain http (forms fail). Leave it at 0 only if "
            "nothing stands between the visitors and gunicorn.",
        )
    max_content = int(config.get("MAX_CONTENT_LENGTH") or 0)
    upload_max = int(config.get("UPLOAD_MAX_BYTES") or 0)
    if max_content and upload_max and max_content <= upload_max:
        warn(
            "MAX_CONTENT_LENGTH",
            f"({_megabytes(max_content)}) is not above UPLOAD_MAX_BYTES "
            f"({_megabytes(upload_max)}): a file near the limit gets a bare 413 instead of the "
            "form's message. Set TRAINHUB_MAX_CONTENT_LENGTH a few MB above it.",
        )
    if max_content > PROXY_DEFAULT_BODY_BYTES:
        warn(
            "MAX_CONTENT_LENGTH",
            f"is {_megabytes(max_content)}: make the reverse proxy accept requests that large "
            f"(nginx: client_max_body_size {-(-max_content // (1024 * 1024))}m; its default "
            "of 1 MB refuses every workbook bigger than that before trainhub sees it).",
        )
    if str(config.get("SQLALCHEMY_DATABASE_URI") or "").startswith("sqlite"):
        warn(
            "DATABASE_URL",
            "is not a PostgreSQL database: the data is in a SQLite file, for trying trainhub "
            "out. Set TRAINHUB_DATABASE_URL to a PostgreSQL database for a real service.",
        )
    if str(config.get("RATELIMIT_STORAGE_URI") or "").startswith("memory://") and config.get(
        "RATELIMIT_ENABLED", True
    ):
        warn(
            "RATELIMIT_STORAGE_URI",
            "is memory://: each gunicorn worker counts separately (N workers let through N "
            "times each limit). Point TRAINHUB_RATELIMIT_STORAGE_URI at a Redis or memcached "
            "that every worker shares.",
        )
    if config.get("RATELIMIT_ENABLED") is False:
        warn("RATELIMIT_ENABLED", "is false: no per-address limits on guessing passwords.")
    if not (config.get("CLAMD_SOCKET") or config.get("CLAMD_HOST")):
        warn(
            "CLAMD_SOCKET",
            "and CLAMD_HOST are not set: uploaded files are not scanned for viruses. Set "
            "TRAINHUB_CLAMD_SOCKET (or TRAINHUB_CLAMD_HOST) to a ClamAV daemon.",
        )
    if _production(config) and config.get("OUTBOX_SHOW_BODIES") is True:
        warn(
            "OUTBOX_SHOW_BODIES",
            "is true in production: administrators can read password-reset links in the "
            "outbox. Remove TRAINHUB_OUTBOX_SHOW_BODIES.",
        )
    deadline = _report_deadline(config.get("REPORT_DEADLINE", Config.REPORT_DEADLINE))
    if deadline is not None and deadline <= dt.date(2001, 3, 31):
        warn(
            "REPORT_DEADLINE",
            f"is {config.get('REPORT_DEADLINE')}, on or before the financial year's last day "
            "(31 March): the report would be due before it can be written and the dashboard "
            "drops a year's checklist as the year ends. Set TRAINHUB_REPORT_DEADLINE to a day "
            "from 04-01 on, e.g. 06-30 for 30 June.",
        )
    if str(config.get("LOG_LEVEL") or "").upper() == "DEBUG":
        warn("LOG_LEVEL", "is DEBUG: the log may hold personal data. Use INFO or WARNING.")
    host = str(config.get("SMTP_HOST") or "")
    if config.get("SMTP_PASSWORD") and not config.get("SMTP_USERNAME"):
        warn("SMTP_PASSWORD", "is set without TRAINHUB_SMTP_USERNAME, so it is never used.")
    if (
        host
        and not _host_is_local(host)
        and not (config.get("SMTP_STARTTLS") or config.get("SMTP_SSL"))
    ):
        warn(
            "SMTP_HOST",
            f"is {host}, reached without TLS: the messages (password-reset links among them) "
            "cross the network unencrypted. Set TRAINHUB_SMTP_STARTTLS=true or "
            "TRAINHUB_SMTP_SSL=true if the server offers it.",
        )
    if _production(config) and not _two_factor_roles(config):
        warn(
            "TWO_FACTOR_REQUIRED_ROLES",
            "is empty: administrators, managers and assessors sign in with a password alone. "
            "Remove TRAINHUB_TWO_FACTOR_REQUIRED_ROLES (the default is admin,manager,assessor).",
        )
    key_dir = config.get("CREDENTIALS_KEY_DIR")
    if _production(config) and not key_dir:
        warn(
            "CREDENTIALS_KEY_DIR",
            "is not set: learners cannot download their Open Badges. Set "
            "TRAINHUB_CREDENTIALS_KEY_DIR to a folder only trainhub's user can read and run "
            "`flask credentials keygen`.",
        )
    elif key_dir and not any(Path(str(key_dir)).glob("*.private.jwk")):
        warn(
            "CREDENTIALS_KEY_DIR",
            f"({key_dir}) holds no signing key: learners cannot download their Open Badges. "
            "Run `flask credentials keygen`.",
        )
    for name in unknown_variables(environ):
        warn(
            name.removeprefix("TRAINHUB_"),
            f"{name} is set but trainhub has no such setting: check its spelling.",
        )
    return found


def check(config: Mapping[str, Any], environ: Mapping[str, str]) -> list[Finding]:
    """Everything ``flask config check`` reports: problems first, then warnings."""
    return problems(config) + warnings(config, environ)


def refuse_unsafe_production(config: Mapping[str, Any]) -> None:
    """Stop ``create_app`` in production while any problem remains (all listed at once).

    ``flask config check`` itself is let through, so that it can show what to fix.
    """
    if not _production(config) or running_config_check(sys.argv):
        return
    found = problems(config)
    if found:
        raise UnsafeSettings(found)


def running_config_check(argv: Sequence[str]) -> bool:
    """Whether this process is ``flask [options] config check`` (or ``python -m flask …``).

    Nothing else is let through: gunicorn, the jobs and every other command still refuse.
    """
    if len(argv) < 3:
        return False
    program = Path(argv[0])
    if program.name != "flask" and program.parts[-2:] != ("flask", "__main__.py"):
        return False
    return list(argv[-2:]) == ["config", "check"]


# What `flask config check` lists ---------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    setting: str
    value: str
    source: str


def _known(name: str) -> bool:
    return (
        name in _config_defaults()
        or name in Flask.default_config
        or name in _ALSO_READ
        or name.startswith(_EXTENSION_PREFIXES)
    )


def unknown_variables(environ: Mapping[str, str]) -> list[str]:
    """``TRAINHUB_*`` variables that name no setting (a misspelling, usually)."""
    return sorted(
        name
        for name in environ
        if name.startswith("TRAINHUB_")
        and not _known(name.removeprefix("TRAINHUB_").split("__", 1)[0])
    )


def _config_defaults() -> dict[str, Any]:
    return {name: getattr(Config, name) for name in dir(Config) if name.isupper()}


def mask(setting: str, value: Any) -> str:
    """The value as shown: secrets hidden, passwords taken out of URLs."""
    if value is None:
        return "(not set)"
    if setting in _SECRET_SETTINGS or setting.endswith(_SECRET_ENDINGS):
        return f"(hidden, {len(str(value))} characters)" if value else "(empty)"
    if isinstance(value, str) and "://" in value:
        return repr(_mask_url(value))
    return repr(value) if isinstance(value, str) else str(value)


def _mask_url(url: str) -> str:
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return "(hidden: not a readable URL)"
    query = parse_qsl(parts.query, keep_blank_values=True)
    secret_query = any(key.lower() in _SECRET_PARAMETERS for key, _ in query)
    if password is None and not secret_query:
        return url  # as it was written (urlunsplit would turn sqlite://// into sqlite://)
    if password is not None:
        credentials, _, host = parts.netloc.rpartition("@")
        user = credentials.partition(":")[0]
        parts = parts._replace(netloc=f"{user}:***@{host}")
    if secret_query:
        shown = [(k, "***" if k.lower() in _SECRET_PARAMETERS else v) for k, v in query]
        parts = parts._replace(query=urlencode(shown, safe="*"))
    return urlunsplit(parts)


def _source(
    name: str, config: Mapping[str, Any], environ: Mapping[str, str], instance: Path
) -> str:
    variable = f"TRAINHUB_{name}"
    if variable in environ:
        return f"environment ({variable})"
    nested = sorted(key for key in environ if key.startswith(f"{variable}__"))
    if nested:
        return f"environment ({', '.join(nested)})"
    value = config.get(name)
    if name == "SECRET_KEY":
        if environ.get("SECRET_KEY") and value == environ["SECRET_KEY"]:
            return "environment (SECRET_KEY)"
        key_file = instance / "secret_key"
        if value and key_file.is_file() and key_file.read_text().strip() == value:
            return f"instance file ({key_file}), generated in development"
    if name in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE") and _production(config):
        return "production (TRAINHUB_ENV) turns it on"
    if name == "OUTBOX_SHOW_BODIES" and Config.OUTBOX_SHOW_BODIES is None:
        return "default: follows ENV (hidden in production)"
    if name == "SQLALCHEMY_DATABASE_URI":
        if config.get("DATABASE_URL") and value == config.get("DATABASE_URL"):
            return "from DATABASE_URL"
        if str(value).startswith(f"sqlite:///{instance}"):
            return "default: SQLite in the instance folder"
    defaults = _config_defaults()
    default = defaults[name] if name in defaults else Flask.default_config.get(name)
    if value == default:
        return "default"
    return "set by the application (create_app)"


def rows(app: Flask, environ: Mapping[str, str] | None = None) -> list[Row]:
    """Every setting trainhub reads, its value as shown and where it came from."""
    environ = os.environ if environ is None else environ
    config = app.config
    names = set(_config_defaults()) | {name for name in _ALSO_READ if name in config}
    names |= {
        key
        for variable in environ
        if variable.startswith("TRAINHUB_")
        and (key := variable.removeprefix("TRAINHUB_").split("__", 1)[0]) in config
    }
    instance = Path(app.instance_path)
    return [
        Row(name, mask(name, config.get(name)), _source(name, config, environ, instance))
        for name in sorted(names)
    ]


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"
