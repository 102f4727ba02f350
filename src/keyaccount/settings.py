"""Keyaccount settings.

Every setting a deployment may change is read here, from a ``KAM_*`` environment variable with a
safe default; the README lists them. Nothing else in the code reads the environment.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
import platformdirs
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("KAM_DATA_DIR") or platformdirs.user_data_dir("keyaccount")).expanduser()


def ensure_data_dir() -> Path:
    """Create the data directory on first use (settings never write anywhere else)."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return DATA_DIR


def _secret_key() -> str:
    """KAM_SECRET_KEY, else a key generated on first run and kept (0600) in the data directory."""
    if os.environ.get("KAM_SECRET_KEY"):
        return os.environ["KAM_SECRET_KEY"]
    path = ensure_data_dir() / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("KAM_DEBUG")
ALLOWED_HOSTS = _env_list("KAM_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = _env_list("KAM_CSRF_TRUSTED_ORIGINS", "")

DEFAULT_SQLITE_PATH = DATA_DIR / "keyaccount.sqlite3"
DATABASE_URL = os.environ.get("KAM_DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes; IMMEDIATE transactions make a writer wait
    # for the lock up front instead of failing half-way ("database is locked").
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False


def as_replica(database: dict, *, primary: dict) -> dict:
    """``database`` made the ``replica`` alias of ``primary``: the same engine, every connection
    read-only (a write the router sent there by mistake fails loudly instead of going to a copy
    that replication overwrites), and in tests a mirror of the primary's test database."""
    if database["ENGINE"] != primary["ENGINE"]:
        raise ImproperlyConfigured("KAM_DATABASE_REPLICA_URL must name the same kind of database as "
                                   "KAM_DATABASE_URL (a PostgreSQL replica of a PostgreSQL primary).")
    replica = {**database, "TEST": {**database.get("TEST", {}), "MIRROR": "default"}}
    if replica["ENGINE"] == "django.db.backends.sqlite3":
        replica["OPTIONS"] = {"timeout": 20, "init_command": "PRAGMA query_only=ON;"}
    else:
        options = {**replica.get("OPTIONS", {})}
        options["options"] = f"{options.get('options', '')} -c default_transaction_read_only=on".strip()
        replica["OPTIONS"] = options
    return replica


# Reads of pages marked read-only (core.routers explains the rule) go to a PostgreSQL read replica
# when one is configured; every write, and every read that must see one, goes to the primary.
DATABASE_REPLICA_URL = os.environ.get("KAM_DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = as_replica(
        dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60, conn_health_checks=True),
        primary=DATABASES["default"])
    DATABASE_ROUTERS = ["keyaccount.core.routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for FORM_RENDERER
    "axes",
    "csp",
    "huey.contrib.djhuey",
    "keyaccount.core",
    "keyaccount.catalog",
    "keyaccount.accounts",
    "keyaccount.orders",
    "keyaccount.timeline",
    "keyaccount.deals",
    "keyaccount.contracts",
    "keyaccount.planning",
    "keyaccount.loyalty",
    "keyaccount.feedback",
    "keyaccount.insights",
    "keyaccount.search",
    "keyaccount.workspace",
    "keyaccount.api",
    "keyaccount.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before anything reads a request's body (the CSRF check reads the form).
    "keyaccount.core.uploads.UploadLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "keyaccount.core.middleware.UserPreferencesMiddleware",
    "keyaccount.search.middleware.RecentItemsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "keyaccount.urls"
WSGI_APPLICATION = "keyaccount.wsgi.application"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "core:login"
# The site's root, which sends each user to their start page (core.views.home).
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

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
                "django.template.context_processors.i18n",
                "keyaccount.core.context_processors.workspace",
            ],
        },
    }
]

# Widgets render through the templates above, so templates/django/forms/ can override one of Django's.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Five failures lock the username+address pair for 15 minutes; a success resets the count.
AXES_FAILURE_LIMIT = int(os.environ.get("KAM_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "keyaccount.core.views.locked_out"
AXES_VERBOSE = False
# Failed attempts are rows in the database, which every app process shares.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_CLIENT_IP_CALLABLE = "keyaccount.core.throttle.client_address"

LANGUAGE_CODE = os.environ.get("KAM_LANGUAGE", "ru")
LANGUAGES = [("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("KAM_TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True
KAM_DEFAULT_REGION = os.environ.get("KAM_DEFAULT_REGION", "RU").upper()
# The time zone the phone system writes its call log in (Asterisk writes local time).
KAM_CDR_TIME_ZONE = os.environ.get("KAM_CDR_TIME_ZONE", TIME_ZONE)
KAM_DEFAULT_CURRENCY = os.environ.get("KAM_DEFAULT_CURRENCY", "RUB").upper()
# Our side of proposals and contracts: the legal name and the lines under it (INN, address, bank).
KAM_COMPANY_NAME = os.environ.get("KAM_COMPANY_NAME", "Keyaccount")
KAM_COMPANY_DETAILS = os.environ.get("KAM_COMPANY_DETAILS", "")
# A decision maker, payer or champion not contacted for longer than this is a gap in an account plan.
KAM_COVERAGE_STALE_DAYS = int(os.environ.get("KAM_COVERAGE_STALE_DAYS", "90"))
# Weights of the parts of an account's health score, "part=weight,..."; a part left out weighs 0.
KAM_HEALTH_WEIGHTS = os.environ.get(
    "KAM_HEALTH_WEIGHTS", "rhythm=3,trend=2,p_alive=2,payment=2,contacts=1,last_contact=1,obligations=1,complaints=1")
KAM_REDIS_URL = os.environ.get("KAM_REDIS_URL", "")

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Only needed to collect files for a CDN (`kam collectstatic`); the app serves them without it.
STATIC_ROOT = os.environ.get("KAM_STATIC_ROOT") or None

_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
# What a storage address may say after "?", and the S3 backend's option each sets.
STORAGE_URL_PARAMETERS = {"endpoint_url": "endpoint_url", "region": "region_name",
                          "addressing_style": "addressing_style"}
# A signed address to a stored file (the admin site's link to the company logo; the app itself
# streams files through its own access checks) is good for this long.
STORAGE_SIGNED_URL_SECONDS = 300
STORAGE_MEMORY_BYTES = 5 * 1024 * 1024


def storage_from_url(url: str) -> dict:
    """``STORAGES["default"]`` for ``KAM_STORAGE_URL``: an S3-compatible object store, given as
    ``s3://[KEY:SECRET@]bucket[/prefix][?endpoint_url=https://...&region=...&addressing_style=path]``.

    Without KEY:SECRET the credentials come from the usual AWS variables (``AWS_ACCESS_KEY_ID``,
    ``AWS_SECRET_ACCESS_KEY``) or the machine's role; a secret holding ``/`` is written ``%2F``.
    Files are private (no ACL is set, so the bucket's own policy applies), a name already taken gets a
    suffix rather than replacing a file, and signed addresses expire after five minutes. Raises
    ``ImproperlyConfigured`` naming what is wrong (never echoing the secret)."""
    expected = "expected s3://bucket/prefix?endpoint_url=https://host:port&region=name"
    parts = urlsplit(url.strip())
    if parts.scheme != "s3":
        raise ImproperlyConfigured(f"KAM_STORAGE_URL must start with s3:// ({expected}).")
    try:
        port = parts.port
    except ValueError:
        port = -1
    bucket = parts.hostname or ""
    if port is not None or not _BUCKET_NAME.match(bucket) or ".." in bucket:
        raise ImproperlyConfigured(f"KAM_STORAGE_URL names no valid bucket: 3 to 63 lower-case letters, digits, "
                                   f"dots and hyphens after s3:// ({expected}).")
    prefix = parts.path.strip("/")
    if prefix and any(part in ("", ".", "..") or "\\" in part for part in prefix.split("/")):
        raise ImproperlyConfigured("KAM_STORAGE_URL's prefix (the path after the bucket) must be plain folder "
                                   "names, without “.”, “..” or empty parts.")
    if parts.fragment:
        raise ImproperlyConfigured(f"KAM_STORAGE_URL must not have a #fragment ({expected}).")
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(query) - set(STORAGE_URL_PARAMETERS))
    if unknown:
        raise ImproperlyConfigured(f"KAM_STORAGE_URL has unknown parameters: {', '.join(unknown)} (known: "
                                   f"{', '.join(STORAGE_URL_PARAMETERS)}).")
    options = {"bucket_name": bucket, "location": prefix, "default_acl": None, "file_overwrite": False,
               "querystring_auth": True, "querystring_expire": STORAGE_SIGNED_URL_SECONDS,
               # AWS, MinIO and the other stores all take version 4 signatures; version 2 is retired.
               "signature_version": "s3v4",
               # A file read back (a download, a call log being imported) is held in memory up to this
               # size and spooled to a temporary file beyond it (the backend's default keeps it all in memory).
               "max_memory_size": STORAGE_MEMORY_BYTES}
    for name, values in query.items():
        if len(values) != 1 or not values[0]:
            raise ImproperlyConfigured(f"KAM_STORAGE_URL must give {name} one value.")
        options[STORAGE_URL_PARAMETERS[name]] = values[0]
    if options.get("addressing_style", "path") not in ("path", "virtual", "auto"):
        raise ImproperlyConfigured("KAM_STORAGE_URL's addressing_style must be path, virtual or auto.")
    if "endpoint_url" in options:
        endpoint = urlsplit(options["endpoint_url"])
        if endpoint.scheme not in ("http", "https") or not endpoint.hostname:
            raise ImproperlyConfigured("KAM_STORAGE_URL's endpoint_url must be an http:// or https:// address.")
        # MinIO and most self-hosted stores answer at one host name, not at a name per bucket.
        options.setdefault("addressing_style", "path")
    if parts.username is not None or parts.password is not None:
        if not parts.username or not parts.password:
            raise ImproperlyConfigured("KAM_STORAGE_URL must give both the access key and the secret "
                                       "(s3://KEY:SECRET@bucket), or neither.")
        options.update(access_key=unquote(parts.username), secret_key=unquote(parts.password))
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


# Uploaded and stored files: a folder in the data directory, or an S3-compatible object store that
# every app host shares when KAM_STORAGE_URL is set (docs/deployment.md).
KAM_STORAGE_URL = os.environ.get("KAM_STORAGE_URL", "")
STORAGES = {
    "default": storage_from_url(KAM_STORAGE_URL) if KAM_STORAGE_URL else {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": DATA_DIR / "media"}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Static files are served by the app itself (whitenoise) straight from the installed package, so a
# fresh install needs no collectstatic step; production may still collect them for a CDN.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Uploads: a request body larger than this is refused with 413 before it is read (its declared
# length by core.uploads.UploadLimitMiddleware, what actually arrives by UploadLimitHandler as it
# streams); Django's own limit below only counts the form fields, never the files.
KAM_UPLOAD_MAX_BYTES = int(os.environ.get("KAM_UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = KAM_UPLOAD_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
FILE_UPLOAD_HANDLERS = [
    "keyaccount.core.uploads.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# A spreadsheet or Word file (a ZIP inside) is opened only if its parts unpack to no more than this
# in all (and none is compressed more than 100 to 1: core.uploads.check_zip).
KAM_UPLOAD_MAX_UNPACKED_BYTES = int(os.environ.get("KAM_UPLOAD_MAX_UNPACKED_BYTES", str(1024 * 1024 * 1024)))
# The most rows one import takes (a call log); a larger file is refused before anything is written.
KAM_IMPORT_MAX_ROWS = int(os.environ.get("KAM_IMPORT_MAX_ROWS", "5000000"))
# An import through the web of a file up to this size runs in the request; a larger one in the worker,
# with a progress bar (core.import_jobs). 2 MB is about 20,000 calls, a few seconds.
KAM_IMPORT_INLINE_BYTES = int(os.environ.get("KAM_IMPORT_INLINE_BYTES", str(2 * 1024 * 1024)))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every response (django-csp): scripts and styles only from our own
# files, no inline script or handler, no eval (HTMX runs with allowEval off, see base.html), no
# style attribute. The one inline <style> (an account plan's printable page) carries the
# request's nonce. Pico's form icons are data: SVGs in its stylesheet.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = _env_bool("KAM_SECURE_SSL_REDIRECT", not DEBUG and _env_bool("KAM_HTTPS"))
SESSION_COOKIE_SECURE = _env_bool("KAM_HTTPS")
CSRF_COOKIE_SECURE = _env_bool("KAM_HTTPS")
SECURE_HSTS_SECONDS = int(os.environ.get("KAM_HSTS_SECONDS", "31536000" if _env_bool("KAM_HTTPS") else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _env_bool("KAM_BEHIND_PROXY") else None

# Reminders and other mail go over SMTP once KAM_SMTP_HOST is set; until then (the demo, a first
# try) each message is written as a file to DATA_DIR/outbox, where it can be read.
if os.environ.get("KAM_SMTP_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "outbox")
EMAIL_HOST = os.environ.get("KAM_SMTP_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("KAM_SMTP_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("KAM_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("KAM_SMTP_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("KAM_SMTP_STARTTLS")
EMAIL_USE_SSL = _env_bool("KAM_SMTP_SSL")
EMAIL_TIMEOUT = 30
# The support desk's mailbox: fetched over IMAP when a host is set (else mail comes through
# ``kam support smtpd`` behind a forwarding address, or the inbound API).
KAM_SUPPORT_EMAIL = os.environ.get("KAM_SUPPORT_EMAIL", "")
KAM_SUPPORT_IMAP_HOST = os.environ.get("KAM_SUPPORT_IMAP_HOST", "")
KAM_SUPPORT_IMAP_PORT = int(os.environ.get("KAM_SUPPORT_IMAP_PORT", "993"))
KAM_SUPPORT_IMAP_USER = os.environ.get("KAM_SUPPORT_IMAP_USER", "")
KAM_SUPPORT_IMAP_PASSWORD = os.environ.get("KAM_SUPPORT_IMAP_PASSWORD", "")
KAM_SUPPORT_IMAP_SSL = _env_bool("KAM_SUPPORT_IMAP_SSL", default=True)
KAM_SUPPORT_IMAP_FOLDER = os.environ.get("KAM_SUPPORT_IMAP_FOLDER", "INBOX")
# A provider that posts raw messages to /api/v1/tickets/inbound sends this in X-Keyaccount-Secret.
KAM_SUPPORT_INBOUND_SECRET = os.environ.get("KAM_SUPPORT_INBOUND_SECRET", "")
# A support e-mail larger than this is refused (SMTP intake, inbound API) or skipped (IMAP) unread.
KAM_SUPPORT_MAX_MESSAGE_BYTES = int(os.environ.get("KAM_SUPPORT_MAX_MESSAGE_BYTES", str(10 * 1024 * 1024)))
DEFAULT_FROM_EMAIL = os.environ.get("KAM_FROM_EMAIL", "keyaccount@localhost")
# Where users reach Keyaccount: links in e-mails and the calendar feed start with it.
KAM_BASE_URL = os.environ.get("KAM_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Background jobs (reminders): huey, with its queue in a SQLite file in the data directory by
# default (no extra service) and in Redis when KAM_REDIS_URL is set. ``kam worker`` runs them.
# KAM_JOB_QUEUE=memory keeps the queue in the process (the test suite).
KAM_JOB_QUEUE = os.environ.get("KAM_JOB_QUEUE") or ("redis" if KAM_REDIS_URL else "sqlite")
# huey's classes with one change (core.job_queue): of all the workers running, one queues each periodic
# job at its minute, so any number of them may run, on any number of hosts.
_HUEY_STORAGE = {
    "redis": ("keyaccount.core.job_queue.RedisHuey", {"url": KAM_REDIS_URL}),
    "sqlite": ("keyaccount.core.job_queue.SqliteHuey", {"filename": str(DATA_DIR / "jobs.sqlite3")}),
    "memory": ("keyaccount.core.job_queue.MemoryHuey", {}),
}
if KAM_JOB_QUEUE not in _HUEY_STORAGE or (KAM_JOB_QUEUE == "redis" and not KAM_REDIS_URL):
    raise ImproperlyConfigured("KAM_JOB_QUEUE must be sqlite, memory or redis (with KAM_REDIS_URL set).")
if KAM_JOB_QUEUE == "sqlite":
    ensure_data_dir()
HUEY = {
    "name": "keyaccount",
    "immediate": False,
    "utc": True,
    "huey_class": _HUEY_STORAGE[KAM_JOB_QUEUE][0],
    "connection": _HUEY_STORAGE[KAM_JOB_QUEUE][1],
    # SIGTERM (what systemd and Docker send to stop a service) lets running jobs finish: a job killed
    # half-way would leave its lock_task lock behind, and no worker would run that job again.
    "consumer": {"workers": 1, "worker_type": "thread", "periodic": True, "check_worker_health": True,
                 "graceful_signal": "TERM"},
}

# The cache holds the rate limits' counts, so it must be one store that every app process shares:
# Redis when KAM_REDIS_URL is set, else a table in the database (created by a migration). Never
# process memory, where each process would count on its own.
if KAM_REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": KAM_REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "keyaccount.core.cache.DatabaseCache", "LOCATION": "kam_cache",
                          # Expired rows are swept only once the table holds this many.
                          "OPTIONS": {"MAX_ENTRIES": 20_000}}}

# Rate limits ("count/period": 120/min, 5/10min, 1000/h, 20/day), counted per window in the cache.
# Over a limit the answer is 429 with Retry-After. core/throttle.py applies them.
KAM_API_RATE = os.environ.get("KAM_API_RATE", "600/min")  # REST API calls of one user, any token or session
KAM_API_ADDRESS_RATE = os.environ.get("KAM_API_ADDRESS_RATE", "1200/min")  # REST API calls from one address
KAM_PUBLIC_FORM_RATE = os.environ.get("KAM_PUBLIC_FORM_RATE", "5/10min")  # public form posts from one address
KAM_PUBLIC_LINK_RATE = os.environ.get("KAM_PUBLIC_LINK_RATE", "20/10min")  # posts through one link or survey
KAM_INBOUND_RATE = os.environ.get("KAM_INBOUND_RATE", "120/min")  # inbound-mail posts from one address
KAM_LOGIN_ADDRESS_RATE = os.environ.get("KAM_LOGIN_ADDRESS_RATE", "50/h")  # failed sign-ins from one address
# How many proxies of ours stand in front of the app; the client's address is the one the
# outermost of them saw (the n-th X-Forwarded-For entry from the right). 0: the connection's peer.
KAM_PROXY_COUNT = int(os.environ.get("KAM_PROXY_COUNT") or ("1" if _env_bool("KAM_BEHIND_PROXY") else "0"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KAM_LOG_LEVEL", "WARNING")},
    # ``kam worker`` gives huey's logger a handler of its own.
    "loggers": {"huey": {"propagate": False}},
}

KAM_PAGE_SIZE = 25
