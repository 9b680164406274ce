"""Settings for Idlib Tracker: one module, every value from the environment (see .env.example).

With nothing set the site runs on an embedded default (SQLite in the project folder, Celery tasks run eagerly);
with DATABASE_URL / REDIS_URL set it uses PostgreSQL and Redis.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from idlib_tracker import env

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env.get_bool("DJANGO_DEBUG", False)

SECRET_KEY = env.get_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random value (python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'), or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "django-insecure-local-development-only-not-for-deployment"  # noqa: S105
elif not DEBUG and (len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure")):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY is too weak for DJANGO_DEBUG=0: use at least 50 random characters.")

ALLOWED_HOSTS = env.get_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.get_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.syndication",
    "django.contrib.postgres",
    "simple_history",
    "axes",
    "csp",
    "idlib_tracker",
    "actors",
    "events",
]

MIDDLEWARE = [
    # Health probes first: answered for any Host, over plain HTTP, and kept out of the access log (one every few
    # seconds per container would drown it).
    "idlib_tracker.middleware.HealthCheckMiddleware",
    # Next, so the access log line times and records every other response, redirects and errors included.
    "idlib_tracker.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous public pages from the cache until the record changes, ETag/Last-Modified and 304s: before
    # sessions, CSRF and auth, which a cached page does not need (events/page_cache.py).
    "events.page_cache.PublicCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "idlib_tracker.middleware.LoginRequiredSwitchMiddleware",
    # Axes last, as its documentation asks, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "idlib_tracker.urls"

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
                "idlib_tracker.context_processors.site",
            ],
        },
    },
    # The hot fragment the pages repeat by the fifty (an event in a list) is Jinja2: see events/public/jinja.py.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "events.public.jinja.environment", "autoescape": True},
    },
]

WSGI_APPLICATION = "idlib_tracker.wsgi.application"

# --- Database -----------------------------------------------------------------------------------------------
DATABASE_URL = env.get_url("DATABASE_URL", ("postgres", "postgresql", "sqlite"))
if DATABASE_URL:
    # Persistent connections with health checks: after a PostgreSQL restart the next request reconnects
    # instead of failing on a dead socket.
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env.get_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
            conn_health_checks=True,
        )
    }
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # An unreachable database must fail a request (and /healthz) within seconds, not hang a worker.
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "db.sqlite3",
            "OPTIONS": {"timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker and shared cache (locks) ---------------------------------------------------------
REDIS_URL = env.get_url("REDIS_URL", ("redis", "rediss"))

if REDIS_URL:
    # Django's backend, keeping one redis-py client per pool (idlib_tracker/redis_cache.py).
    CACHES = {"default": {"BACKEND": "idlib_tracker.redis_cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    # The embedded default is one process (runserver, eager Celery), so local memory is shared by everything that
    # writes and reads; room for a few hundred cached pages next to the locks.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                          "OPTIONS": {"MAX_ENTRIES": 1000}}}
# Anonymous public pages are served from the cache until the record changes (events/page_cache.py); entries also
# expire after this many seconds, which bounds the cache's size. 0 renders every page.
PUBLIC_CACHE_SECONDS = env.get_int("PUBLIC_CACHE_SECONDS", 600, minimum=0)
# Full-record exports (CSV, JSON, GeoJSON) are written here by a worker, once per version of the record, and served
# from here by the web processes: in docker-compose.yml a volume both services mount (events/exports.py).
EXPORTS_ROOT = Path(env.get_str("EXPORTS_ROOT") or BASE_DIR / "artifacts" / "exports")

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
# Reliability: a task is acknowledged only when it has finished, so a worker killed mid-task leaves it on the
# broker to be delivered again; one message at a time per process, since feed fetches are long.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Workers and beat log through LOGGING below (one JSON object a line), like the web processes, instead of
# Celery replacing the root logger's handlers with its own plain-text format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_SOFT_TIME_LIMIT = env.get_int("CELERY_TASK_SOFT_TIME_LIMIT", 120, minimum=5)
CELERY_TASK_TIME_LIMIT = env.get_int("CELERY_TASK_TIME_LIMIT", 150, minimum=10)
# Unacknowledged messages come back after this many seconds (default one hour is far too long to wait after a
# worker dies). It must stay longer than the longest task and any ETA/countdown we schedule.
CELERY_BROKER_VISIBILITY_TIMEOUT = env.get_int("CELERY_BROKER_VISIBILITY_TIMEOUT", 300, minimum=30)
if CELERY_BROKER_VISIBILITY_TIMEOUT <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured("CELERY_BROKER_VISIBILITY_TIMEOUT must be longer than CELERY_TASK_TIME_LIMIT.")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_BROKER_VISIBILITY_TIMEOUT,
    # kombu looks for expired unacknowledged messages every interval*throttle seconds, 10*10 by default: a task of
    # a killed worker would wait up to 100 s past the visibility timeout. Every 10 s instead (one cheap ZRANGE).
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BEAT_SCHEDULE = {
    "fetch-due-feeds": {
        "task": "events.tasks.fetch_due_feeds",
        "schedule": env.get_int("FEEDS_POLL_SECONDS", 300, minimum=30),
    },
    "build-weekly-summary": {
        "task": "events.tasks.build_weekly_summary",
        # Monday morning, deployment time zone (CELERY_TIMEZONE follows TIME_ZONE below).
        "schedule": crontab(minute=0, hour=6, day_of_week="mon"),
    },
    "send-alert-digests": {
        "task": "events.tasks.send_alert_digests",
        # Every morning, deployment time zone: yesterday's publications are in; each alert is claimed per day.
        "schedule": crontab(minute=30, hour=6),
    },
}

# --- Feeds --------------------------------------------------------------------------------------------------
FEEDS_ALLOW_PRIVATE_HOSTS = env.get_bool("FEEDS_ALLOW_PRIVATE_HOSTS", False)
FEEDS_USER_AGENT = env.get_str(
    "FEEDS_USER_AGENT", "IdlibTracker/1.0 (+https://github.com/idlib-tracker; conflict news monitor)"
)
FEEDS_MAX_BYTES = env.get_int("FEEDS_MAX_BYTES", 15 * 1024 * 1024, minimum=1024)
FEEDS_CONNECT_TIMEOUT = env.get_int("FEEDS_CONNECT_TIMEOUT", 10, minimum=1)
FEEDS_TOTAL_TIMEOUT = env.get_int("FEEDS_TOTAL_TIMEOUT", 20, minimum=1)

# --- Auth, i18n, static ---------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "admin:login"
# Deployments that must not be public switch this on: every page then needs a login.
SITE_LOGIN_REQUIRED = env.get_bool("SITE_LOGIN_REQUIRED", False)
ADMIN_URL = env.get_str("DJANGO_ADMIN_URL", "admin/").strip("/") + "/"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.get_timezone("TIME_ZONE", "UTC")
CELERY_TIMEZONE = TIME_ZONE
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# collectstatic writes here at image build; WhiteNoise serves from it. Tests collect into a folder of their own.
STATIC_ROOT = Path(env.get_str("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Email ----------------------------------------------------------------------------------------------------
EMAIL_BACKEND = env.get_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.get_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env.get_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env.get_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env.get_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env.get_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env.get_str("DEFAULT_FROM_EMAIL", "Idlib Tracker <tracker@localhost>")
# A hung SMTP server must not hold a mailing task until its hard time limit.
EMAIL_TIMEOUT = env.get_int("EMAIL_TIMEOUT", 20, minimum=1)
# Where EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend writes messages instead of sending them
# (staging, and the tests that count what a real Celery worker sent).
EMAIL_FILE_PATH = env.get_str("EMAIL_FILE_PATH") or str(BASE_DIR / "artifacts" / "mail")
SITE_URL = env.get_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Security -------------------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.get_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.get_int("DJANGO_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# The pages load Chart.js and Leaflet from this CDN only (pinned, with SRI); map tiles from the OSM tile server.
CDN_ORIGIN = "https://cdn.jsdelivr.net"
MAP_TILES_URL = env.get_str("MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
# The CSP allows the tile server MAP_TILES_URL names, so changing provider does not blank the map; Leaflet's
# {s} subdomain placeholder becomes a wildcard.
_tiles = urlparse(MAP_TILES_URL)
MAP_TILES_ORIGIN = f"{_tiles.scheme}://" + _tiles.netloc.replace("{s}", "*")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", CDN_ORIGIN],
        "style-src": ["'self'", CDN_ORIGIN],
        # Leaflet's stylesheets load their marker and toolbar images from beside themselves on the CDN.
        "img-src": ["'self'", "data:", MAP_TILES_ORIGIN, CDN_ORIGIN],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Brute-force protection for the admin login: lock (user, IP) for an hour after 5 failures. The client IP is
# read from X-Forwarded-For only as far as our own proxies wrote it (DJANGO_PROXY_COUNT hops from the right), so
# a client cannot forge it. axes 8 reads proxies only through the optional django-ipware (not installed; its
# AXES_IPWARE_* settings would be ignored), hence AXES_CLIENT_IP_CALLABLE.
PROXY_COUNT = env.get_int("DJANGO_PROXY_COUNT", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "idlib_tracker.client_ip.client_ip"
AXES_FAILURE_LIMIT = env.get_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env.get_int("AXES_COOLOFF_MINUTES", 60, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# No banner on every start-up: each management command would log it.
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "idlib_tracker.lockout.lockout_response"

# Structured logs (one JSON object a line) to stdout, for docker logs and log shippers.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "idlib_tracker.logging.JsonFormatter"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "json"}},
    "root": {"handlers": ["stdout"], "level": env.get_str("LOG_LEVEL", "INFO").upper()},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Tests that need PostgreSQL, Redis or a browser fail instead of skipping when this is set (CI sets it).
REQUIRE_SERVICES = env.get_bool("REQUIRE_SERVICES", False)
