"""Settings for Tự Quản, read from environment variables.

Defaults give a working embedded set-up (SQLite under ``var/``); production sets
``DATABASE_URL``, ``SECRET_KEY``, ``TUQUAN_FIELD_KEY`` and ``CELERY_BROKER_URL``.
Bad values raise ``ImproperlyConfigured`` at start-up rather than failing later.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("TUQUAN_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable; anything unexpected is an error."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a yes/no value, got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# Under pytest the suite supplies its own keys; production never imports pytest.
TESTING = env_bool("TUQUAN_TESTING") or "pytest" in sys.modules
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not TESTING:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-for-debug-and-tests"

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Key for personal-data encryption (national ID, phone). A Fernet-format key, or a
# comma-separated list of them: the first encrypts, all decrypt (key rotation).
TUQUAN_FIELD_KEY = os.environ.get("TUQUAN_FIELD_KEY", "")
TUQUAN_FIELD_KEY_FILE = os.environ.get("TUQUAN_FIELD_KEY_FILE", "")
if not TUQUAN_FIELD_KEY and TUQUAN_FIELD_KEY_FILE:
    try:
        TUQUAN_FIELD_KEY = Path(TUQUAN_FIELD_KEY_FILE).read_text().strip()
    except OSError as exc:
        raise ImproperlyConfigured(f"cannot read TUQUAN_FIELD_KEY_FILE: {exc}") from exc
if not TUQUAN_FIELD_KEY:
    if not DEBUG and not TESTING:
        raise ImproperlyConfigured("TUQUAN_FIELD_KEY must be set when DEBUG is off")
    # A fixed key for development and tests only; production must set its own.
    TUQUAN_FIELD_KEY = "dGVzdC1rZXktdHVxdWFuLWRldmVsb3BtZW50LW9ubHk="

INSTALLED_APPS = [
    "tuquan.accounts",
    "tuquan.core",
    "tuquan.organisations",
    "tuquan.people",
    "tuquan.gates",
    "tuquan.health",
    "tuquan.screening",
    "tuquan.surveillance",
    "tuquan.riskassess",
    "tuquan.levels",
    "tuquan.security",
    "tuquan.patrols",
    "tuquan.tips",
    "tuquan.violations",
    "tuquan.recognition",
    "tuquan.outreach",
    "tuquan.directives",
    "tuquan.reports",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tuquan.core.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "tuquan.urls"
WSGI_APPLICATION = "tuquan.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["tuquan.accounts.backends.LockoutBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tuquan.core.context_processors.navigation",
            ],
        },
    },
]

# Database: DATABASE_URL, or DB=postgres with the usual PG* parts, else SQLite.
VAR_DIR.mkdir(parents=True, exist_ok=True)
_database_url = os.environ.get("DATABASE_URL", "")
if not _database_url and os.environ.get("DB", "").lower() in {"postgres", "postgresql"}:
    _database_url = "postgres://{user}:{password}@{host}:{port}/{name}".format(
        user=os.environ.get("PGUSER", "postgres"),
        password=os.environ.get("PGPASSWORD", ""),
        host=os.environ.get("PGHOST", "127.0.0.1"),
        port=os.environ.get("PGPORT", "5432"),
        name=os.environ.get("PGDATABASE", "tuquan"),
    )
if _database_url:
    try:
        DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not valid: {exc}") from exc
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "tuquan.sqlite3",
            "OPTIONS": {
                # WAL lets readers run beside a writer; IMMEDIATE avoids the
                # "database is locked" upgrade failure under concurrent writes.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["tuquan.formats"]
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = DEBUG or TESTING
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024

# Security: sensible for production, switched off only for the local demo.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 12 * 3600
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG and not TESTING:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Probes come from the balancer over plain HTTP on the private network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Login lock-out: this many failures within the window lock the account.
TUQUAN_LOGIN_MAX_FAILURES = env_int("TUQUAN_LOGIN_MAX_FAILURES", 5)
TUQUAN_LOGIN_LOCK_MINUTES = env_int("TUQUAN_LOGIN_LOCK_MINUTES", 15)
# Gates: how far ahead of the server a device clock may run, how old a queued
# passage may be, and how long an entry without an exit counts as "inside".
TUQUAN_GATE_CLOCK_SKEW_SECONDS = env_int("TUQUAN_GATE_CLOCK_SKEW_SECONDS", 300)
TUQUAN_GATE_RETENTION_DAYS = env_int("TUQUAN_GATE_RETENTION_DAYS", 30)
TUQUAN_PRESENCE_MAX_HOURS = env_int("TUQUAN_PRESENCE_MAX_HOURS", 16)

# Contact tracing: two passages at the same gate this close count as a contact.
TUQUAN_TRACE_GATE_MINUTES = env_int("TUQUAN_TRACE_GATE_MINUTES", 2)

# Celery: without a broker, tasks run eagerly in the calling process.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Scheduled work (run `celery -A tuquan beat` next to a worker). Times are local.
CELERY_BEAT_SCHEDULE = {
    # Police hand-overs past their 24/48-hour deadline go up to the province.
    "escalate-overdue-handovers": {
        "task": "tuquan.security.escalate_overdue_handovers",
        "schedule": crontab(minute="*/5"),
    },
    # Enterprises that have not sent their movement grading, as the day nears.
    "grading-reminders": {
        "task": "tuquan.recognition.grading_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    # Outbreak detection judges yesterday (a day under way looks undeclared).
    "detect-outbreaks": {
        "task": "tuquan.surveillance.detect_outbreaks",
        "schedule": crontab(hour=0, minute=30),
    },
    # Last week's epidemic levels, final, early on Monday; this week's so far,
    # every morning.
    "epidemic-levels-last-week": {
        "task": "tuquan.levels.compute_weekly_levels",
        "schedule": crontab(minute=30, hour=0, day_of_week="mon"),
    },
    # Deadline reminders of directive tasks (3 days before; the day after a miss).
    "directive-reminders": {
        "task": "tuquan.directives.send_reminders",
        "schedule": crontab(hour=6, minute=30),
    },
    # Messages to workers waiting in the outbox (retries wait their back-off).
    "outreach-deliver-due": {
        "task": "tuquan.outreach.deliver_due",
        "schedule": crontab(minute="*"),
    },
    # Dashboard rollups of today and yesterday.
    "reports-refresh-rollups": {
        "task": "tuquan.reports.refresh_rollups",
        "schedule": crontab(minute="*/15"),
    },
    "epidemic-levels-this-week": {
        "task": "tuquan.levels.compute_weekly_levels",
        "schedule": crontab(minute=0, hour=6),
        "kwargs": {"current": True},
    },
}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        # The anonymous tip channel: no client address in any log record.
        "drop_tip_client": {"()": "tuquan.tips.logging.DropTipClientAddress"},
    },
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": ["drop_tip_client"]},
        "django.security.csrf": {"filters": ["drop_tip_client"]},
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["drop_tip_client"],
        },
    },
}

# Anonymous tips (docs/tips.md). The custodians' X25519 public key (PEM, from
# `tuquan tip_custodian_key`): without it the form asks for no contact details.
TUQUAN_TIP_CUSTODIAN_PUBLIC_KEY = os.environ.get("TUQUAN_TIP_CUSTODIAN_PUBLIC_KEY", "")
TUQUAN_TIP_LOOKUP_KEY = os.environ.get("TUQUAN_TIP_LOOKUP_KEY", "")  # empty: SECRET_KEY
TUQUAN_TIP_SCRYPT_N = env_int("TUQUAN_TIP_SCRYPT_N", 2048)
TUQUAN_TIP_POW_BITS = env_int("TUQUAN_TIP_POW_BITS", 14)
TUQUAN_TIP_CHALLENGE_SECONDS = env_int("TUQUAN_TIP_CHALLENGE_SECONDS", 7200)
TUQUAN_TIP_SUBMIT_PER_MINUTE = env_int("TUQUAN_TIP_SUBMIT_PER_MINUTE", 600)
TUQUAN_TIP_CHECKS_PER_MINUTE = env_int("TUQUAN_TIP_CHECKS_PER_MINUTE", 300)
TUQUAN_TIP_CODE_FAILURES = env_int("TUQUAN_TIP_CODE_FAILURES", 5)
TUQUAN_TIP_RECEIPT_DAYS = env_int("TUQUAN_TIP_RECEIPT_DAYS", 180)

if TESTING:
    # Fast hashing in tests only: the fixture creates a user per persona.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
