"""Tide settings, read from the environment. Every variable is listed in .env.example."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def default_var_dir() -> Path:
    """``var/`` beside the code in a source checkout; installed as a package (a wheel, the image), ``var/``
    under the directory Tide is started from, never inside site-packages. TIDE_VAR_DIR overrides both."""
    if (BASE_DIR / "manage.py").is_file() and (BASE_DIR / "pyproject.toml").is_file():
        return BASE_DIR / "var"
    return Path.cwd() / "var"


VAR_DIR = Path(os.environ.get("TIDE_VAR_DIR") or default_var_dir()).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("TIDE_DEBUG")
SECRET_KEY = os.environ.get("TIDE_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not env_bool("TIDE_LOCAL"):
        raise ImproperlyConfigured("TIDE_SECRET_KEY is required unless TIDE_DEBUG or TIDE_LOCAL is set.")
    SECRET_KEY = "local-only-insecure-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("TIDE_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("TIDE_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "tide.core.apps.TideAdminConfig",  # django.contrib.admin behind Tide's sign-in
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.forms",
    "tide.core",
    "tide.areas",
    "tide.people",
    "tide.messages.apps.MessagesConfig",
    "tide.intake",
    "tide.linkage",
    "tide.service_use",
    "tide.identification",
    "tide.coordination",
    "tide.outcomes",
    "tide.finance",
    "tide.accountability",
    "tide.national",
    "tide.simulate",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tide.core.middleware.NulRefusalMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tide.core.metrics.MetricsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tide.core.middleware.SessionTimeoutMiddleware",
    "tide.core.middleware.RequestContextMiddleware",
    "tide.core.middleware.SecurityHeadersMiddleware",
    "tide.accountability.middleware.NeedToKnowMiddleware",
    "tide.core.middleware.RoutinesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tide.core.context_processors.navigation",
            ],
        },
    },
]
FORM_RENDERER = "tide.core.forms.GovukFormRenderer"


def database_from_url(url: str) -> dict[str, object]:
    """PostgreSQL settings from a DSN, parsed by dj-database-url: every query option is kept as a
    connection option (``?sslmode=verify-full&sslrootcert=/etc/ssl/db-ca.pem&connect_timeout=5``)."""
    scheme = urlsplit(url).scheme
    if scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(f"DATABASE_URL scheme {scheme!r} is not supported; use postgres://.")
    try:
        config = dict(
            dj_database_url.parse(
                url, conn_max_age=int(os.environ.get("TIDE_DB_CONN_MAX_AGE", "60")), conn_health_checks=True
            )
        )
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL cannot be read: {error}") from None
    config["NAME"] = config.get("NAME") or "tide"
    config["TEST"] = {"NAME": os.environ.get("TIDE_TEST_DB_NAME") or None}
    return config


if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("TIDE_SQLITE_PATH", str(VAR_DIR / "tide.sqlite3")),
            "OPTIONS": {
                # A 128 MB page cache (SQLite's default is 2 MB): a whole area's first load writes a
                # million rows into tables with several indexes, and a small cache rereads their pages.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                    "PRAGMA cache_size=-131072; PRAGMA temp_store=MEMORY;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "areas.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if env_bool("TIDE_FAST_PASSWORD_HASHER"):
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en-gb"
FORMAT_MODULE_PATH = ["config.formats"]  # dates written one way, "8 January 2027" (ADR 0036)
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Production (neither TIDE_DEBUG nor TIDE_LOCAL): `tide collectstatic` writes each file under a name that
# carries its content hash, gzip and Brotli copies beside it, and WhiteNoise serves them with a year's
# cache lifetime. Development and tests serve the files as they are, straight from the apps (no
# collectstatic needed). TIDE_STATIC_MANIFEST=1/0 overrides the choice.
TIDE_STATIC_MANIFEST = env_bool("TIDE_STATIC_MANIFEST", not DEBUG and not env_bool("TIDE_LOCAL"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if TIDE_STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not TIDE_STATIC_MANIFEST
MEDIA_ROOT = Path(os.environ.get("TIDE_MEDIA_ROOT", str(VAR_DIR / "media")))

# Sessions and cookies: short idle time-out, secure cookies off only for local http.
SECURE = not DEBUG and not env_bool("TIDE_LOCAL")
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Absolute limit: a session ends this long after sign-in whatever its activity; idle limit: after this
# long without a request (both enforced by tide.core.middleware.SessionTimeoutMiddleware).
TIDE_SESSION_ABSOLUTE_SECONDS = int(os.environ.get("TIDE_SESSION_ABSOLUTE_SECONDS", str(10 * 60 * 60)))
TIDE_SESSION_IDLE_SECONDS = int(os.environ.get("TIDE_SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_COOKIE_AGE = TIDE_SESSION_ABSOLUTE_SECONDS
# Fernet keys for fields encrypted at rest (authenticator secrets), comma-separated: the first encrypts,
# all decrypt (add a new key first to rotate). A key derived from SECRET_KEY is always tried last.
TIDE_FIELD_KEYS = os.environ.get("TIDE_FIELD_KEYS", "")
# Demo only: show the current authenticator code on the sign-in code pages, so the demo personas can
# sign in without an app. On by default only with TIDE_LOCAL; `check --deploy` fails if it is on.
TIDE_SHOW_SIGN_IN_CODES = env_bool("TIDE_SHOW_SIGN_IN_CODES", env_bool("TIDE_LOCAL"))
# The Django admin at /admin/ (behind the same sign-in, code and throttle as the rest); 0 removes it.
TIDE_ADMIN_ENABLED = env_bool("TIDE_ADMIN_ENABLED", True)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = SECURE and not env_bool("TIDE_BEHIND_TLS_PROXY_WITHOUT_REDIRECT")
# Probes inside the private network (the container healthcheck, Prometheus) ask over plain http.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
if env_bool("TIDE_TRUST_X_FORWARDED_PROTO"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Proxies whose X-Forwarded-For Tide believes (addresses or networks, comma-separated), or a single number
# of proxy hops. Unset: the client address is the peer's (REMOTE_ADDR). See tide.core.request_context.
TIDE_TRUSTED_PROXIES = env_list("TIDE_TRUSTED_PROXIES")

# Need-to-know on person records: "strict" refuses staff without a relationship or break-glass;
# "audit" (roll-out only) allows, records the view as unrelated and lists it for the privacy officer.
TIDE_NEED_TO_KNOW = os.environ.get("TIDE_NEED_TO_KNOW", "strict")
if TIDE_NEED_TO_KNOW not in {"strict", "audit"}:
    raise ImproperlyConfigured("TIDE_NEED_TO_KNOW must be 'strict' or 'audit'.")

# Accountability: break-glass lasts this long; inquiries are due this many working days after receipt;
# published figures pass this disclosure policy ("suppress=1-7,round=5,symbol=*,secondary=yes" by default).
TIDE_BREAK_GLASS_MINUTES = int(os.environ.get("TIDE_BREAK_GLASS_MINUTES", "60"))
TIDE_INQUIRY_WORKING_DAYS = int(os.environ.get("TIDE_INQUIRY_WORKING_DAYS", "20"))
TIDE_INQUIRIES_PER_ADDRESS_PER_HOUR = int(os.environ.get("TIDE_INQUIRIES_PER_ADDRESS_PER_HOUR", "5"))
TIDE_DISCLOSURE_POLICY = os.environ.get("TIDE_DISCLOSURE_POLICY", "")

# Background jobs: "thread" runs each job in a thread after commit (one-machine use), "eager" runs it
# inline (tests), "worker" leaves it for `tide worker`.
TIDE_JOBS_MODE = os.environ.get("TIDE_JOBS_MODE", "thread")
# Jobs that survive (ADR 0067): a running job beats every HEARTBEAT seconds; one unheard for STALE
# seconds has lost its worker and is failed (or queued again). On SIGTERM `tide worker` gives its job
# GRACE seconds, then hands it back: keep the process manager's stop timeout above it. /healthz answers
# 503 when the oldest queued job has waited QUEUE_STUCK seconds. Finished jobs are kept KEEP_DAYS.
TIDE_JOBS_HEARTBEAT_SECONDS = float(os.environ.get("TIDE_JOBS_HEARTBEAT_SECONDS", "5"))
TIDE_JOBS_STALE_SECONDS = float(os.environ.get("TIDE_JOBS_STALE_SECONDS", "60"))
TIDE_WORKER_GRACE_SECONDS = float(os.environ.get("TIDE_WORKER_GRACE_SECONDS", "20"))
TIDE_JOBS_QUEUE_STUCK_SECONDS = float(os.environ.get("TIDE_JOBS_QUEUE_STUCK_SECONDS", "900"))
TIDE_JOBS_KEEP_DAYS = int(os.environ.get("TIDE_JOBS_KEEP_DAYS", "90"))
# Sign-in attempts hold IP addresses: kept this long (longer than the throttle's look-back), then deleted.
TIDE_SIGN_IN_ATTEMPTS_KEEP_DAYS = int(os.environ.get("TIDE_SIGN_IN_ATTEMPTS_KEEP_DAYS", "30"))
TIDE_DATA_DIR = Path(os.environ.get("TIDE_DATA_DIR", str(VAR_DIR / "data")))
# Outcomes: a cohort of up to this many people is computed inside the web request; a larger one needs
# its snapshot computed by a job first. Gunicorn's timeout (config/gunicorn.conf.py) is sized for it.
TIDE_OUTCOMES_INLINE_LIMIT = int(os.environ.get("TIDE_OUTCOMES_INLINE_LIMIT", "1000"))

# The daily routine core.audit_head appends the audit log's head (row count, latest hash) to this file,
# which should be append-only and out of the database owner's reach (ADR 0066). Unset: the log only.
TIDE_AUDIT_HEAD_FILE = os.environ.get("TIDE_AUDIT_HEAD_FILE", "")
# Agency API: the largest request body taken (streamed to disk, so not bound by
# DATA_UPLOAD_MAX_MEMORY_SIZE); larger gets 413. The demo's largest extract is 5.7 MB. See ADR 0068.
TIDE_API_MAX_BYTES = int(os.environ.get("TIDE_API_MAX_BYTES", str(200 * 1024 * 1024)))

# Messages (ADR 0070): where email and text messages go. "console" writes them to the log (development),
# "smtp" sends email through the relay below, "notify" sends email and text through GOV.UK Notify.
TIDE_MESSAGES_BACKEND = os.environ.get("TIDE_MESSAGES_BACKEND", "console")
if TIDE_MESSAGES_BACKEND not in {"console", "smtp", "notify"}:
    raise ImproperlyConfigured("TIDE_MESSAGES_BACKEND must be 'console', 'smtp' or 'notify'.")
# The address links in messages start with (no trailing slash), e.g. https://tide.example.gov.uk
TIDE_SITE_URL = os.environ.get("TIDE_SITE_URL", "http://localhost:8000").rstrip("/")
# A message that fails in a way that may pass is tried again after this many seconds, doubled each time,
# up to this many tries in all; then it shows as failed on the outbox page.
TIDE_MESSAGES_MAX_ATTEMPTS = int(os.environ.get("TIDE_MESSAGES_MAX_ATTEMPTS", "4"))
TIDE_MESSAGES_RETRY_SECONDS = float(os.environ.get("TIDE_MESSAGES_RETRY_SECONDS", "15"))
TIDE_MESSAGES_TIMEOUT = float(os.environ.get("TIDE_MESSAGES_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Tide <tide@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
# GOV.UK Notify: the API key (a "team and guest list" key while testing, "live" in production), the
# API's address (change only for a test server), and the templates: a general email template whose
# subject is ((subject)) and body ((body)), a general text template whose body is ((body)), and
# optionally one per kind and channel ("inquiry_published.email=<template id>,...").
TIDE_NOTIFY_API_KEY = os.environ.get("TIDE_NOTIFY_API_KEY", "")
TIDE_NOTIFY_BASE_URL = os.environ.get("TIDE_NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
TIDE_NOTIFY_TEMPLATE_EMAIL = os.environ.get("TIDE_NOTIFY_TEMPLATE_EMAIL", "")
TIDE_NOTIFY_TEMPLATE_SMS = os.environ.get("TIDE_NOTIFY_TEMPLATE_SMS", "")
TIDE_NOTIFY_TEMPLATES = dict(item.split("=", 1) for item in env_list("TIDE_NOTIFY_TEMPLATES") if "=" in item)
if TIDE_MESSAGES_BACKEND == "notify" and not TIDE_NOTIFY_API_KEY:
    raise ImproperlyConfigured("TIDE_MESSAGES_BACKEND=notify needs TIDE_NOTIFY_API_KEY.")

# Logs (ADR 0081): JSON lines (time, level, logger, message, request_id, user_id) on standard error,
# for the service manager or container engine to collect; "text" is plain lines for a terminal. Default:
# json, or text with TIDE_LOCAL/TIDE_DEBUG.
TIDE_LOG_FORMAT = os.environ.get("TIDE_LOG_FORMAT") or ("text" if DEBUG or env_bool("TIDE_LOCAL") else "json")
if TIDE_LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured("TIDE_LOG_FORMAT must be 'json' or 'text'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "tide.core.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": TIDE_LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("TIDE_LOG_LEVEL", "INFO")},
    # The audit head goes to the log stream whatever TIDE_LOG_LEVEL is (ADR 0066).
    "loggers": {"tide.audit": {"level": "INFO"}},
}

# Metrics for Prometheus at /metrics (ADR 0082): a scrape sends "Authorization: Bearer <TIDE_METRICS_TOKEN>",
# or comes from one of TIDE_METRICS_NETWORKS (addresses or networks, comma-separated; the client address
# as TIDE_TRUSTED_PROXIES decides it). Neither set: /metrics answers 404.
TIDE_METRICS_TOKEN = os.environ.get("TIDE_METRICS_TOKEN", "")
try:
    TIDE_METRICS_NETWORKS = [ipaddress.ip_network(n, strict=False) for n in env_list("TIDE_METRICS_NETWORKS")]
except ValueError as error:
    raise ImproperlyConfigured(f"TIDE_METRICS_NETWORKS: {error}") from None
