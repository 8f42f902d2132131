"""Configuration: defaults, then ``TRAINHUB_*`` environment variables, then the caller's mapping.

Nothing secret lives in git: ``SECRET_KEY`` comes from the environment (or, in
development only, a random key generated once into the instance folder). Production refuses
to start while a setting is unsafe (trainhub/settings_check.py: a development BASE_URL or
MAIL_FROM, a short SECRET_KEY, …); ``flask config check`` shows every setting and its source.
"""

from __future__ import annotations

from typing import Any


class Config:
    #: "production" (the default: secure cookies, a real SECRET_KEY required, outbox bodies
    #: hidden) or "development" (what `make serve` sets).
    ENV = "production"
    SECRET_KEY: str | None = None
    #: Overrides the embedded SQLite database, e.g. postgresql+psycopg://user@host/trainhub
    DATABASE_URL: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}

    #: Largest request body accepted (workbook uploads included); larger ones get a 413 page.
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024
    #: Largest workbook or evidence file, in bytes (keep MAX_CONTENT_LENGTH above it).
    UPLOAD_MAX_BYTES = 20 * 1024 * 1024
    #: Everything inside one Word or OpenDocument file together, once unpacked: a file that
    #: would unpack to more is refused as a possible "zip bomb".
    UPLOAD_MAX_UNPACKED_BYTES = 100 * 1024 * 1024
    #: Largest picture (CPD evidence) in pixels; 50 million is a 8,660 by 5,773 photo.
    UPLOAD_MAX_IMAGE_PIXELS = 50_000_000
    #: Where uploaded files are kept (default: uploads/ in the instance folder, outside the
    #: web root). Back it up with the database.
    UPLOAD_FOLDER: str | None = None
    #: Where uploaded files are kept: "local" (UPLOAD_FOLDER) or "s3", a private bucket in
    #: S3-compatible object storage (trainhub/storage.py, docs/deployment.md section 3).
    STORAGE_BACKEND = "local"
    S3_BUCKET: str | None = None
    S3_ENDPOINT_URL: str | None = None  # MinIO, Ceph and the like; unset for Amazon S3
    S3_REGION: str | None = None
    S3_PREFIX: str | None = None
    S3_SSE = "AES256"  # or "aws:kms", with S3_KMS_KEY_ID or the bucket's default key
    S3_KMS_KEY_ID: str | None = None
    #: Scan every workbook and evidence file with a ClamAV daemon (clamd) before it is stored:
    #: its Unix socket (e.g. /run/clamav/clamd.ctl), or CLAMD_HOST and CLAMD_PORT for TCP
    #: (one or the other). Unset: files are not scanned. While clamd is down or too slow,
    #: uploads are refused with a 503 page, never stored unscanned.
    CLAMD_SOCKET: str | None = None
    CLAMD_HOST: str | None = None
    CLAMD_PORT = 3310
    #: Seconds to wait for clamd at each step (connecting, each chunk sent, the answer) before
    #: refusing the upload. Keep gunicorn's --timeout (60 in the README) well above it.
    CLAMD_TIMEOUT = 10
    #: Files one person may upload (workbook versions and CPD evidence together) in a day,
    #: midnight to midnight in Wales, and their total size in bytes; 0 for no limit.
    UPLOAD_DAILY_FILES = 30
    UPLOAD_DAILY_BYTES = 200 * 1024 * 1024
    #: A supervisor is e-mailed about a learner's new CPD activity only when none of that
    #: learner's other activities still waiting was logged in this many minutes before it,
    #: so a burst of uploads sends one message (0: one message for each activity).
    CPD_NOTICE_WINDOW_MINUTES = 60
    #: Printed on certificates and in Open Badges credentials as the issuer, in each language
    #: (TRAINHUB_CERTIFICATE_ISSUER__en, TRAINHUB_CERTIFICATE_ISSUER__cy; a single string,
    #: TRAINHUB_CERTIFICATE_ISSUER, is used for both). Each certificate keeps the names it was
    #: issued with.
    CERTIFICATE_ISSUER: dict[str, str] | str = {
        "en": "Integrated Family Support Service training",
        "cy": "Hyfforddiant y Gwasanaeth Integredig Cymorth i Deuluoedd",
    }
    #: The languages a certificate PDF carries, in order, comma-separated: "cy,en" (Welsh
    #: first, the default), "en,cy", or one language alone ("cy" or "en").
    CERTIFICATE_LANGUAGES = "cy,en"
    #: The issuer's contact address in its Open Badges profile (optional).
    CERTIFICATE_ISSUER_EMAIL: str | None = None
    #: The folder of the keys that sign Open Badges (`flask credentials keygen` makes one):
    #: outside the web root and the database, readable by trainhub's user only; back it up.
    #: Default in development: credential-keys/ in the instance folder. Unset in production,
    #: badges cannot be downloaded (a 503 page) and `flask config check` warns.
    CREDENTIALS_KEY_DIR: str | None = None
    #: Feedback breakdowns with fewer responses than this are not shown (anonymity floor).
    FEEDBACK_MIN_RESPONSES = 5
    #: The follow-up impact survey (R34) is sent this many days after a course is completed
    #: (by `flask feedback remind`); completions more than 28 days past that are not asked.
    IMPACT_SURVEY_AFTER_DAYS = 91
    #: Feedback figures kept in memory per process, one entry a reporting period (0: none).
    #: trainhub/feedback/services/cache.py falls back to the same 32 when unset.
    STATISTICS_CACHE_SIZE = 32
    #: Versions of the catalogue page's contents kept per process (0: none); see
    #: trainhub/courses/views/catalogue.py.
    CATALOGUE_CACHE_SIZE = 64
    #: CPD hours a catalogue course is seeded with for each of its days (``flask catalogue
    #: seed`` gives them to a course without hours; hours entered are kept).
    CPD_HOURS_PER_DAY = 6
    #: When the annual report is due, as MM-DD in the calendar year the financial year ends
    #: (R41): "06-30" is 30 June after the year's end. Until then (or its publication) the
    #: managers' dashboard shows that year's checklist first.
    REPORT_DEADLINE = "06-30"
    #: The managers' dashboard warns about missing data this many days before the deadline.
    REPORT_WARNING_DAYS = 42
    WTF_CSRF_TIME_LIMIT: int | None = None  # the token lives as long as the session

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "Europe/London"
    LANGUAGES = ("en", "cy")
    #: The acronyms the interface names the teams and the service by, in each language (a
    #: language not listed uses "en"; a single string is used for every language). The Welsh
    #: keeps IFST and IFSS by default; the Welsh regulations call both ICiD, which a
    #: partnership may choose with TRAINHUB_TEAM_ACRONYM__cy=ICiD and
    #: TRAINHUB_SERVICE_ACRONYM__cy=ICiD.
    TEAM_ACRONYM: dict[str, str] = {"en": "IFST", "cy": "IFST"}
    SERVICE_ACRONYM: dict[str, str] = {"en": "IFSS", "cy": "IFSS"}
    #: The service's name in the header and in every page's title, in each language
    #: (TRAINHUB_SERVICE_NAME__en, TRAINHUB_SERVICE_NAME__cy; one string for both).
    SERVICE_NAME: dict[str, str] = {"en": "IFSS training", "cy": "Hyfforddiant IFSS"}

    #: Learners may create their own accounts.
    SELF_REGISTRATION = True
    #: Wrong passwords in a row before an account is locked, and for how long (seconds).
    LOGIN_MAX_FAILURES = 10
    LOGIN_LOCKOUT_SECONDS = 15 * 60
    #: How long a password-reset link stays valid, in seconds.
    PASSWORD_RESET_MAX_AGE = 60 * 60
    #: How long the link in a new account's invitation stays valid, in seconds.
    INVITATION_MAX_AGE = 7 * 24 * 60 * 60
    #: How many days the link e-mailed to a line manager without an account (to approve a
    #: booking) stays valid.
    LINE_MANAGER_LINK_DAYS = 14
    #: A sign-in ends after this many seconds without a request. An hour, not the 20 to 30
    #: minutes of many public services: trainers keep a register open through a teaching
    #: block, and people write long workbook and feedback answers, which a shorter limit
    #: would throw away; staff work on managed devices that lock themselves when left.
    SESSION_IDLE_TIMEOUT = 60 * 60
    #: A sign-in ends this many seconds after it began, however busy: one working day (a long
    #: training day included), so nobody stays signed in overnight on a forgotten device.
    SESSION_MAX_AGE = 12 * 60 * 60
    #: A sign-in's "last active" time is written at most once in this many seconds (keep it
    #: well below SESSION_IDLE_TIMEOUT): one small write a minute per person, not per page.
    SESSION_TOUCH_INTERVAL = 60
    #: How long before the idle timeout a signed-in page warns and offers "Stay signed in"
    #: (WCAG 2.2.1 Timing Adjustable asks for at least 20 seconds to answer).
    SESSION_TIMEOUT_WARNING = 2 * 60
    #: Ended sign-ins (with their browser and IP address) are deleted this many days after
    #: they began, when their owner next signs in.
    SESSION_RETENTION_DAYS = 90
    PAGE_SIZE = 25
    #: trainhub's own log lines (bookings, sign-ins, mail sent, jobs) from this level up, on
    #: standard error (Flask's handler: gunicorn, systemd and containers collect it).
    LOG_LEVEL = "INFO"

    #: Per-IP rate limits (Flask-Limiter), a second guard beside the per-account lockout;
    #: False turns them all off. Each limit below is "N per second|minute|hour|day", several
    #: separated by ";"; an empty one is no limit.
    RATELIMIT_ENABLED = True
    #: Where the counts are kept. "memory://" is per process: each gunicorn worker and each
    #: instance counts separately (N workers let N times the limit through). For several,
    #: share one store: "redis://host:6379" or "memcached://host:11211".
    RATELIMIT_STORAGE_URI = "memory://"
    #: Sign-in attempts (POST) from one address. Councils and health boards put thousands
    #: of staff behind a few public addresses, so this is set for a busy office's Monday
    #: morning; the per-account lockout stops guessing at any one account.
    RATELIMIT_SIGN_IN = "60 per minute;1000 per hour"
    #: Self-registrations (POST) from one address.
    RATELIMIT_REGISTER = "20 per minute;200 per hour"
    #: "Forgotten your password?" requests (POST; each may send an e-mail) from one address.
    RATELIMIT_PASSWORD_FORGOTTEN = "10 per minute;100 per hour"  # noqa: S105  (a rate)
    #: New passwords set through a reset link (POST) from one address.
    RATELIMIT_PASSWORD_RESET = "20 per minute;200 per hour"  # noqa: S105  (a rate)
    #: Public certificate look-ups from one address: the /verify pages and the status and
    #: badge JSON share this one count, so switching between them gives no more tries.
    RATELIMIT_CERTIFICATE_VERIFY = "60 per minute"
    #: Private calendar-feed fetches from one address.
    RATELIMIT_CALENDAR_FEED = "60 per minute"
    #: Workbook and CPD evidence uploads (POST) from one address, counted for each form.
    RATELIMIT_UPLOAD = "30 per minute;300 per hour"
    #: Reverse proxies in front of the app (0: none). Above 0, the client's address and
    #: scheme come from the X-Forwarded-For/-Proto/-Host headers the proxies set; at 0
    #: those headers are ignored, as anyone on the internet can send them.
    PROXY_FIX_X_FOR = 0

    #: Public address used in e-mailed links, e.g. https://training.example.gov.wales.
    #: Development's default: production refuses to start until it is an https:// address.
    BASE_URL = "http://127.0.0.1:5000"
    #: Development's default: production refuses to start with it (or any .invalid address).
    MAIL_FROM = "trainhub <no-reply@trainhub.invalid>"
    SMTP_HOST = "localhost"
    SMTP_PORT = 25
    SMTP_USERNAME: str | None = None
    SMTP_PASSWORD: str | None = None
    SMTP_STARTTLS = False
    #: Connect with TLS from the start (port 465) instead of upgrading with STARTTLS.
    SMTP_SSL = False
    SMTP_TIMEOUT = 30
    #: Show message bodies on the admin outbox page (they hold password-reset links).
    OUTBOX_SHOW_BODIES: bool | None = None
    #: ORGANIZER of calendar invitations, e.g. "IFSS training <training@example.gov.wales>":
    #: a monitored mailbox, where a learner's reply or "decline" goes (invitations ask for no
    #: reply, and trainhub reads none: places are cancelled in trainhub). Unset: each cohort's
    #: lead facilitator, or MAIL_FROM for a cohort without one.
    CALENDAR_ORGANIZER: str | None = None

    #: How long trainhub waits for the database before it gives up, in seconds, so that a
    #: database that accepts connections and never answers (a frozen server, a lock held
    #: for ever) costs a visitor a "service unavailable" page, not a request held until
    #: gunicorn kills the worker. Keep them well below gunicorn's --timeout.
    #: Connecting (PostgreSQL's connect_timeout, whole seconds, at least 2).
    DATABASE_CONNECT_TIMEOUT = 5
    #: Any one SQL statement, waiting for locks included (PostgreSQL's statement_timeout; on
    #: SQLite, how long to wait for another connection's lock); 0 for no limit.
    DATABASE_STATEMENT_TIMEOUT = 30
    #: A free connection from the pool, when every one is in use.
    DATABASE_POOL_TIMEOUT = 10
    #: /healthz answers "timeout" (503) when the database has not answered in this long.
    HEALTH_CHECK_TIMEOUT = 1

    #: Roles that must use two-step verification (an authenticator app's code after the
    #: password), comma-separated: such an account that has not set it up is sent to do so
    #: right after its password, before any other page. Everyone else may turn it on. Empty:
    #: required of nobody (the tests and `make serve`'s demo; never on a real server).
    TWO_FACTOR_REQUIRED_ROLES = "admin,manager,assessor"
    #: Seconds between a correct password and the code that must follow it: after that the
    #: password must be entered again.
    TWO_FACTOR_PENDING_SECONDS = 5 * 60
    #: The name authenticator apps show beside the account's email address.
    TWO_FACTOR_ISSUER = "trainhub"
    #: The retention schedule (UK GDPR storage limitation), applied daily by
    #: ``flask retention purge`` and shown to administrators at /admin/retention; 0 keeps for
    #: ever. Workbooks and CPD evidence: months after the application was decided (achieved
    #: or withdrawn) or the CPD activity approved or rejected; the records stay, the files go.
    RETENTION_EVIDENCE_MONTHS = 24
    #: Accounts nobody has signed in to for this many years (or never, counted from their
    #: creation) are erased, as an administrator's erasure would.
    RETENTION_INACTIVE_ACCOUNT_YEARS = 6
    #: Sent messages' bodies and attachments are cleared this many days after sending.
    RETENTION_OUTBOX_DAYS = 30
    #: Audit entries are deleted this many years after they were written.
    RETENTION_AUDIT_YEARS = 7
    #: Learners are reminded this many days before a cohort's first day (and again the day
    #: before), unless the cohort sets its own number; 0: only the day-before reminder.
    COHORT_REMINDER_DAYS = 7
    #: Online and hybrid cohort days: learners booked on the cohort see its meeting link on
    #: the cohort page from this many hours before each day starts (the default for a new
    #: cohort; each cohort may change it). Facilitators and staff see it at any time.
    ONLINE_LINK_SHOWN_HOURS_BEFORE = 24
    #: The platform a new online day is on unless the trainer names another.
    ONLINE_DEFAULT_PLATFORM = "Microsoft Teams"
    #: Learners' access and dietary needs (special category data) are deleted this many days
    #: after the cohort's last day (or after the cohort was cancelled); a cancelled booking's
    #: at once.
    ACCESS_NEEDS_RETENTION_DAYS = 30
