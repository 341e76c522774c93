"""Settings, read from environment variables.

Every variable has a default that makes the embedded mode (SQLite, in-memory channel layer,
the built-in simulator) work with nothing set. A bad value stops the process at start with a
message naming the variable: a typo must not become a silent default in production.
"""

import base64
import binascii
import ipaddress
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from servestatic.compress import Compressor

from dashboard.observability.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SWITCHBOARD_VAR_DIR", BASE_DIR / "var"))

# The simulator's fixed demo key pair: public, so only ever a default in debug mode.
DEMO_TELNYX_PUBLIC_KEY = "m7KRjthkirnHltiYx5sSgljWqkGcBTNGzXjRPNdVuL4="
DEMO_TELNYX_API_KEY = "KEYSWITCHBOARDDEMO"
DEMO_TELNYX_CONNECTION_ID = "1494404757140276705"


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ImproperlyConfigured(f"{name} must be set")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {value!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {number}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_public_keys(name: str, default: list[str]) -> list[bytes]:
    """One or two base64 Ed25519 public keys (two while a key is being rotated)."""
    keys = []
    for item in env_list(name, default):
        try:
            raw = base64.b64decode(item, validate=True)
        except (binascii.Error, ValueError):
            raise ImproperlyConfigured(f"{name} holds a value that is not base64") from None
        if len(raw) != 32:
            raise ImproperlyConfigured(f"{name} holds a key of {len(raw)} bytes; Ed25519 keys are 32")
        keys.append(raw)
    if not keys:
        raise ImproperlyConfigured(f"{name} must hold at least one public key")
    return keys


def env_networks(name: str) -> list[str]:
    """Comma-separated IP addresses or networks (10.0.0.0/8), empty by default."""
    entries = env_list(name, [])
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must hold IP addresses or networks, got {entry!r}") from None
    return entries


def env_url(name: str, default: str) -> str:
    value = env_str(name, default)
    parsed = urlparse(value)
    if parsed.scheme not in {"http", "https"} or not parsed.netloc:
        raise ImproperlyConfigured(f"{name} must be an http(s) URL, got {value!r}")
    return value.rstrip("/")


DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "insecure-embedded-mode-only" if DEBUG else None)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

TELNYX_API_KEY = env_str("TELNYX_API_KEY", DEMO_TELNYX_API_KEY if DEBUG else None)
TELNYX_PUBLIC_KEYS = env_public_keys("TELNYX_PUBLIC_KEY", [DEMO_TELNYX_PUBLIC_KEY] if DEBUG else [])
# Demo identifiers only in debug: in production a silent fallback would dial from the wrong application.
TELNYX_CONNECTION_ID = env_str("TELNYX_CONNECTION_ID", DEMO_TELNYX_CONNECTION_ID if DEBUG else None)
TELNYX_API_BASE = env_url(
    "TELNYX_API_BASE", "http://127.0.0.1:8001/v2" if DEBUG else "https://api.telnyx.com/v2"
)
TELNYX_TIMEOUT_SECS = env_int("TELNYX_TIMEOUT_SECS", 5, minimum=1)
TELNYX_TEXML_ACCOUNT_SID = env_str("TELNYX_TEXML_ACCOUNT_SID", "AC-switchboard-demo" if DEBUG else None)

WEBHOOK_TOLERANCE_SECS = env_int("WEBHOOK_TOLERANCE_SECS", 300, minimum=1)
WEBHOOK_MAX_BODY_BYTES = env_int("WEBHOOK_MAX_BODY_BYTES", 256 * 1024, minimum=1024)
# The whole webhook body must arrive within this (Telnyx sends a few kilobytes at once): 408 after.
WEBHOOK_READ_TIMEOUT_SECS = env_int("WEBHOOK_READ_TIMEOUT_SECS", 10, minimum=1)
# Thresholds (seconds in state) past which a live row is coloured as needing attention.
ALERT_RINGING_SECS = env_int("ALERT_RINGING_SECS", 30, minimum=1)
ALERT_HOLD_SECS = env_int("ALERT_HOLD_SECS", 60, minimum=1)
ALERT_QUEUED_SECS = env_int("ALERT_QUEUED_SECS", 120, minimum=1)
# How often each server process checks the thresholds above for alerts (0: never, e.g. in tests).
ALERT_EVALUATE_EVERY_SECS = env_int("ALERT_EVALUATE_EVERY_SECS", 2, minimum=0)
# History: events, actions and rejected deliveries older than this are pruned (prune_history).
HISTORY_RETENTION_DAYS = env_int("HISTORY_RETENTION_DAYS", 90, minimum=1)
# Seconds without any webhook, while calls are live, before every page shows a warning banner.
WEBHOOK_SILENCE_WARNING_SECS = env_int("WEBHOOK_SILENCE_WARNING_SECS", 300, minimum=10)
# Seconds an ended call or a departed participant stays on a live page before it is removed.
LIVE_GRACE_SECS = env_int("LIVE_GRACE_SECS", 5, minimum=0)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "axes",  # login lockout, shared by every way to authenticate (see AUTHENTICATION_BACKENDS)
    "csp",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "servestatic",  # before staticfiles: its runserver leaves static files to the middleware
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",  # API tokens: named, role-scoped, expiring, stored hashed (dashboard/accounts/api_tokens.py)
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc as static files, served from here
    "channels",
    "dashboard",
    "calls",
    "conferences",
    "operations",
    "simulator",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every page (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    # Async: answers static files itself (streamed, no thread hop) and passes the rest down the async chain.
    "servestatic.middleware.ServeStaticMiddleware",
    # Pages and API answers gzipped for clients that accept it (static files come pre-compressed, gzip and
    # brotli, from the line above). Django's gzip pads against BREACH; CSRF tokens are masked per response.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Log lines learn the user once something loaded it; answers are counted by route (/metrics).
    "dashboard.observability.requests.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The person's time zone while their request runs, and their theme for the page (their profile).
    "dashboard.accounts.preferences.UserPreferencesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as axes asks: turns a login refused for lockout into the lockout page (429).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "switchboard.urls"
ASGI_APPLICATION = "switchboard.asgi.application"
WSGI_APPLICATION = None

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
                "dashboard.web.context_processors.switchboard",
                "operations.history.context.delivery_warning",
            ],
        },
    },
]


def sqlite_synchronous() -> str:
    # FULL: a webhook answered 200 survives a power loss (Telnyx never redelivers it); with group
    # commit that is one fsync per batch. NORMAL only for a benchmark's comparison.
    value = env_str("SQLITE_SYNCHRONOUS", "FULL").strip().upper()
    if value not in {"NORMAL", "FULL", "EXTRA"}:
        raise ImproperlyConfigured(f"SQLITE_SYNCHRONOUS must be FULL, EXTRA or NORMAL, got {value!r}")
    return value


def sqlite_database(name: str | Path) -> dict:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": name,
        # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of one failing
        # on lock upgrade; WAL lets readers run beside the writer.
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": env_int("SQLITE_BUSY_TIMEOUT_SECS", 20, minimum=1),
            "init_command": f"PRAGMA journal_mode=WAL; PRAGMA synchronous={sqlite_synchronous()};",
        },
        "CONN_MAX_AGE": 600,
        # One file per test run: parallel runs (and xdist workers) never share a test database.
        "TEST": {"NAME": str(VAR_DIR / f"test_switchboard_{os.getpid()}.sqlite3")},
    }


def database_from_env() -> dict:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        return sqlite_database(VAR_DIR / "switchboard.sqlite3")
    try:
        config = dj_database_url.parse(url)
    except Exception as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        return sqlite_database(config["NAME"])
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must be a sqlite:// or postgres:// URL")
    # A pooled connection killed by a database restart is noticed at checkout, not at first use.
    config["CONN_HEALTH_CHECKS"] = True
    # One test database per run: parallel runs never drop each other's.
    config["TEST"] = {"NAME": f"test_{config['NAME']}_{os.getpid()}"}
    if env_bool("DATABASE_POOL", True):
        # Django's psycopg pool: no TCP handshake per request under ASGI's thread-per-request.
        config.setdefault("OPTIONS", {})["pool"] = {"min_size": 2, "max_size": 20, "timeout": 10}
        config["CONN_MAX_AGE"] = 0
    else:
        config["CONN_MAX_AGE"] = 600
    return config


DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    if urlparse(REDIS_URL).scheme not in {"redis", "rediss", "unix"}:
        raise ImproperlyConfigured(f"REDIS_URL must be a redis:// URL, got {REDIS_URL!r}")
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py 8 times sockets out after 5 s, exactly channels-redis's blocking pop: consumers
            # then die and pages drop (django/channels_redis#422). A longer socket timeout avoids it.
            # A connection idle for health_check_interval seconds is PINGed before use, and a command
            # that fails on a dead connection (Redis restarted) reconnects and runs again once: pages
            # connecting after a Redis restart do not meet the pool's stale sockets.
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": 10,
                        "socket_connect_timeout": 2,
                        "health_check_interval": 5,
                        "retry": Retry(NoBackoff(), 1),
                        "retry_on_error": [RedisConnectionError],
                    }
                ],
                "capacity": 1000,
                "expiry": 30,
            },
        }
    }
    # Shared by every worker: API throttles and each user's running exports count across them all.
    CACHES = {
        "default": {
            "BACKEND": "dashboard.web.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_timeout": 2, "socket_connect_timeout": 2},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Pages run only their own static scripts and styles: no inline script, handler or style attribute,
# nothing from another host (json_script data blocks are not scripts). Sockets go to this origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
# Login lockout (django-axes). Axes' backend comes first, so every authenticate() call, whether from
# the login page, the admin login, DRF or anything added later, is checked and counted in one place.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_MAX_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(seconds=env_int("LOGIN_LOCKOUT_SECS", 900, minimum=1))
# Failures count per (normalised) username, whichever address they come from: a guesser spread over
# many addresses still gets LOGIN_MAX_FAILURES guesses per account per cool-off. Not per address:
# axes has one limit for every parameter group, so a per-address lock would shut a whole call centre
# behind one NAT out after a few typos; and a success resets every group the request matches, so a
# per-address group would let a viewer, logging in as themselves, wipe the failures an attacker built
# up against the admin from the same address. (An ["ip_address", "username"] group would add nothing:
# it only ever counts a subset of the username group's failures, against the same limit.) The price:
# anyone can lock a known username out for LOGIN_LOCKOUT_SECS; an admin can unlock it under
# "Access attempts" in the admin.
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for ip_address in a group because user-agent or cookie keys can be rotated to dodge
# the limit. A username key cannot be: changing it changes the account being attacked.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# A success clears that username's failures only (it is the only group; see above).
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "dashboard.accounts.forms.lockout_username"
AXES_CLIENT_IP_CALLABLE = "dashboard.accounts.views.client_ip"
AXES_LOCKOUT_CALLABLE = "dashboard.accounts.views.lockout_response"
# Proxies whose X-Forwarded-For is believed (IPs or networks); any other client's address is its own.
TRUSTED_PROXIES = env_networks("DJANGO_TRUSTED_PROXIES")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "calls:live"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "UTC")
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # collectstatic writes hashed names (cached for years) with gzip and brotli beside them. In DEBUG,
    # pages link the plain names and the middleware finds files in place: no collectstatic needed.
    "staticfiles": {"BACKEND": "servestatic.storage.CompressedManifestStaticFilesStorage"},
}
# Source maps (megabytes, in the API docs' bundles) are for developer tools: not worth brotli's time.
SERVESTATIC_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")

REST_FRAMEWORK = {
    # The token first: a request with neither answers 401 with `WWW-Authenticate: Token`.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "dashboard.web.pagination.KeysetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["dashboard.web.api_filters.StrictFilterBackend"],
    "EXCEPTION_HANDLER": "dashboard.web.api_errors.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "dashboard.web.api_throttles.PerTokenThrottle",
        "dashboard.web.api_throttles.PerAddressThrottle",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}


def _api_rate(name: str, default: str) -> str | None:
    value = env_str(name, default).strip()
    return None if value.lower() == "none" else value


# Writes (actions) and exports through the API, per token and per client address (see
# dashboard/web/api_throttles.py): "120/min", or "none" for unlimited.
API_THROTTLE_RATES = {
    "writes_per_token": _api_rate("API_WRITES_PER_TOKEN", "120/min"),
    "writes_per_address": _api_rate("API_WRITES_PER_ADDRESS", "600/min"),
    "exports_per_token": _api_rate("API_EXPORTS_PER_TOKEN", "30/min"),
    "exports_per_address": _api_rate("API_EXPORTS_PER_ADDRESS", "120/min"),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Switchboard API",
    "VERSION": "0.1.0",
    "DESCRIPTION": (
        "**Authentication**: your logged-in session, or a token: `Authorization: Token <key>`. "
        "An administrator creates one with `manage.py create_api_token NAME --role viewer|supervisor` "
        "(shown once, stored hashed, expires after 90 days unless `--days` says otherwise) and revokes it with "
        "`manage.py revoke_api_token NAME`.\n\n"
        "**Pages**: lists come newest first, `limit` rows a page (at most 500); follow `next` (a cursor: "
        "rows arriving meanwhile never shift a page). `?after=<seq>` (a page's `tail` link) lists only newer "
        "rows, oldest first: poll it to follow the log. `count=true` adds `count_estimate` (stops at "
        "10,000). A history list with `sort` pages by `offset`, at most 10,000 rows deep (deeper is a 400).\n\n"
        '**Errors**: one shape, `{"error": {"type", "message", "fields"?, "telnyx"?}, "action"?}`; '
        "unknown parameters and fields are a 400 naming them. **Times**: ISO 8601 UTC, `Z`, microseconds; "
        "time filters need an offset or `Z`. **Idempotency**: send `Idempotency-Key` with an action; a "
        "repeat (same user, action and target) answers the first outcome and sends nothing.\n\n"
        "**History**: the same filters as the history pages; `sort` takes a column name, `-name` for "
        "descending; add `export.csv` or `export.json` to a history URL for the whole result, streamed "
        "(every export is audited)."
    ),
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc from drf-spectacular-sidecar's static files, not from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Enum descriptions keep only the lines that explain a value (drf-spectacular's enum hook runs first).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "switchboard.api_docs.drop_redundant_choice_descriptions",
        "switchboard.api_docs.document_errors_and_ids",
    ],
    # No badge fetched from swagger.io's online validator. No deep links: Swagger UI draws each one as a
    # link inside the operation's toggle button, controls nested in a control (Redoc keeps deep links).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "validatorUrl": None},
    # Choice sets several action bodies share, named once.
    "ENUM_NAME_OVERRIDES": {
        "HttpMethodEnum": "dashboard.actions.fields.HTTP_METHODS",
        "RecordingFormatEnum": "dashboard.actions.fields.RECORDING_FORMATS",
        "RecordingChannelsEnum": "dashboard.actions.fields.RECORDING_CHANNELS",
        "RecordingTrimEnum": "dashboard.actions.fields.RECORDING_TRIM",
        "TrackEnum": "calls.forms.RECORDING_TRACKS",
        "MediaTrackEnum": "calls.forms.MEDIA_TRACKS",
        "CallDirectionEnum": "calls.api.CALL_DIRECTIONS",
        "CallStateEnum": "calls.models.CallState",
        "ClientStateEncodingEnum": ["text", "base64"],
        "SupervisorRoleEnum": "calls.forms.SUPERVISOR_ROLES",
        "SupervisionStateEnum": "calls.supervision.models.SUPERVISION_STATES",
    },
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# DJANGO_HTTPS=false: served over plain http with no TLS proxy (loopback, a private network), so no
# redirect to https, no secure-only cookies and no HSTS; each can still be set on its own.
HTTPS = env_bool("DJANGO_HTTPS", True)
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", HTTPS)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", HTTPS)
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000 if HTTPS else 0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOG_FORMAT = env_str("LOG_FORMAT", "plain").strip().lower()
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, got {LOG_FORMAT!r}")
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").strip().upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, got {LOG_LEVEL!r}")
# One handler on the root logger for Django, uvicorn, switchboard, the simulator and libraries alike,
# with the request id, user, call and command_id, and secrets scrubbed (dashboard/observability/logs.py).
LOGGING = logging_config(log_format=LOG_FORMAT, level=LOG_LEVEL, access_log=env_bool("LOG_ACCESS", False))

# Operating: /metrics (Prometheus) for a bearer token or from listed addresses; neither set: 404.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "").strip()
METRICS_ALLOWED_IPS = env_networks("METRICS_ALLOWED_IPS")
# /readyz: how long each check may take, and the ingest backlog past which the worker is not ready.
READY_CHECK_TIMEOUT_SECS = env_int("READY_CHECK_TIMEOUT_SECS", 2, minimum=1)
READY_MAX_WRITER_QUEUE = env_int("READY_MAX_WRITER_QUEUE", 2000, minimum=1)
# Reconciliation with Telnyx inside the server, every this many seconds (0: off; one worker at a time).
RECONCILE_EVERY_SECS = env_int("RECONCILE_EVERY_SECS", 0 if DEBUG else 60)

# Unhandled errors to Sentry: only with SENTRY_DSN set (otherwise sentry-sdk is not even imported).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "").strip()
if SENTRY_DSN:
    from dashboard.observability.errors import init_sentry

    init_sentry(
        SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", "development" if DEBUG else "production"),
        release=env_str("SENTRY_RELEASE", "switchboard@0.1.0"),
    )

# Commit webhooks through one long-lived writer thread in groups (see dashboard/eventlog/writer.py).
# In-process test clients turn it off to share the test's transaction.
INGEST_WRITER_THREAD = True
# Writer threads per process on PostgreSQL (SQLite has one write lock: always one), sharded by call.
# One is the default: on 2 cores it stored 702 webhooks/s against 509/s with three (bench/ingest.py),
# as a batch costs about the same few round trips whatever its size, and one thread's are larger.
INGEST_WRITERS = env_int("INGEST_WRITERS", 1, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = max(WEBHOOK_MAX_BODY_BYTES, 2_621_440)
