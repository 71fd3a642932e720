"""One settings module, driven by environment variables (see README, "Configuration").

SQLite is the embedded default; DATABASE_URL switches to PostgreSQL.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
ROOT_DIR = BASE_DIR.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {value!r}")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and env_bool("JALON_REQUIRE_SECRET_KEY", False):
        raise ImproperlyConfigured("SECRET_KEY must be set in production")
    # A development key; production deployments set SECRET_KEY (README, "Deployment").
    SECRET_KEY = "jalon-insecure-development-key-change-me"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# The largest IATI activity file `jalon import-iati` and the upload read (issue 18), streamed activity by activity.
IATI_IMPORT_MAX_BYTES = int(os.environ.get("IATI_IMPORT_MAX_BYTES", str(2_000_000_000)))
# An IATI file of this many bytes or more is read and checked in a process of its own while the import writes
# (jalon/interop/iati_read_process.py), given two cores; smaller ones, or all when 0 or less, in the importing
# process. 5 MB: at 2 MB the child's start (0.15 s) ate the gain, at 5 MB the import took 15 % less (bench/README.md,
# round 7).
IATI_IMPORT_READER_PROCESS_BYTES = int(os.environ.get("IATI_IMPORT_READER_PROCESS_BYTES", str(5_000_000)))
# An IATI import preview never confirmed is removed with its copy of the file after this many days (the worker).
IATI_PREVIEW_KEEP_DAYS = int(os.environ.get("IATI_PREVIEW_KEEP_DAYS", "7"))

INSTALLED_APPS = [
    # First, so that its registration/ templates (password reset pages and mail) win over the ones
    # django.contrib.admin and django.contrib.auth ship under the same names.
    "jalon.web",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "axes",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "jalon.accounts",
    "jalon.reference",
    "jalon.organisations",
    "jalon.results",
    "jalon.activities",
    "jalon.committees",
    "jalon.support",
    "jalon.twinning",
    "jalon.assessments",
    "jalon.gap",
    "jalon.finance",
    "jalon.knowledge",
    "jalon.reporting",
    "jalon.interop",
    "jalon.jobs",
    "jalon.backup",
    # The standard task API (the django.tasks backport) and its database queue.
    "django_tasks",
    "django_tasks_db",
    "jalon.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "jalon.web.nul_bytes.RefuseNulMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "jalon.web.headers.SecurityHeadersMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one user name from one address,
# that pair is locked out for AXES_COOLOFF_MINUTES; a good password then is refused too. Locking the pair, not
# the account, keeps an attacker elsewhere from locking a person out; the lock ends by itself.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_CLIENT_IP_CALLABLE = "jalon.accounts.addresses.client_address"

ROOT_URLCONF = "jalon.urls"
WSGI_APPLICATION = "jalon.wsgi.application"
ASGI_APPLICATION = "jalon.asgi.application"

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
                "django.template.context_processors.i18n",
                "jalon.web.context_processors.navigation",
            ],
        },
    },
]

DATA_DIR = Path(os.environ.get("JALON_DATA_DIR", ROOT_DIR / "var"))
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'jalon.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once: the demo serves several threads.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    # The worker process writes too: a writer waits this long for the other's transaction (an import's save
    # may take several seconds) before giving up with "database is locked".
    DATABASES["default"]["OPTIONS"]["timeout"] = int(os.environ.get("SQLITE_BUSY_TIMEOUT", "20"))
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# Cached progress pages (jalon/results/progress_cache.py). Per-process memory is correct with any number
# of workers: keys carry each programme's progress stamp, read from the database on every request, so a
# worker's stale entries are never read again. A shared cache would only make them warmer.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "jalon",
        "TIMEOUT": 24 * 60 * 60,
        # A large programme's page and tracking table are 50-200 KB each: this bounds a worker to ~100 MB.
        "OPTIONS": {"MAX_ENTRIES": 500},
    }
}
if os.environ.get("REDIS_URL"):
    # Several workers then share one warm cache (a first request after a change is computed once, not
    # once per worker). Keys and expiry are the same; correctness never depended on sharing.
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        "KEY_PREFIX": os.environ.get("REDIS_KEY_PREFIX", "jalon"),
        "TIMEOUT": 24 * 60 * 60,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English source strings, French first-class; content fields are stored in the six UN languages.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
# English pages read dates day first (21 November 2026, 21/11/2026), as the international organisations
# using jalon write them, not in Django's US month/day order.
FORMAT_MODULE_PATH = ["jalon.formats"]
CONTENT_LANGUAGES = ["en", "fr", "es", "ar", "zh", "ru"]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
# The SQLite database and collected static files live here; WhiteNoise expects STATIC_ROOT to exist.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("JALON_MANIFEST_STATIC", False)
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
# Without collectstatic (tests, the demo's first run) WhiteNoise serves from the app folders.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Mail: the console by default; SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "jalon <noreply@localhost>")

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
SECURE_CONTENT_TYPE_NOSNIFF = True
# Behind TLS, browsers are told to come back only over HTTPS (HSTS), for a year by default. Subdomains and
# the preload list are the operator's decision: off unless set.
SECURE_HSTS_SECONDS = (
    int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600))) if env_bool("BEHIND_TLS_PROXY", False) else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

REST_FRAMEWORK = {
    # Token first: DRF answers an anonymous write with the first class's challenge, so clients get
    # 401 + WWW-Authenticate (session auth has no challenge and would make it a 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "jalon.api.tokens.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["jalon.api.permissions.AccessPolicy"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "jalon.api.filters.ExpressionOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "jalon.api.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "jalon.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "jalon.api.throttles.UserThrottle",
        "jalon.api.throttles.AnonymousThrottle",
        "jalon.api.throttles.AddressThrottle",
    ],
}
# API rate limits (jalon/api/throttles.py), counted in the cache (shared by all workers with REDIS_URL).
JALON_API_RATES = {
    "user": os.environ.get("API_RATE_USER", "600/min"),
    "anonymous": os.environ.get("API_RATE_ANONYMOUS", "120/min"),
    "address": os.environ.get("API_RATE_ADDRESS", "1200/min"),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "jalon API",
    "DESCRIPTION": "Results-based management for capacity-building programmes in international standardization.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Several models have a `status`: name each enum for its model rather than a hash.
    # Choice sets with equal values share one name (a committee's and a twinning meeting's modes).
    "ENUM_NAME_OVERRIDES": {
        "CommitteeMembershipStatusEnum": "jalon.committees.models.CommitteeMembership.Status",
        "AssessmentModeEnum": "jalon.assessments.models.Assessment.Mode",
        "AssessmentStatusEnum": "jalon.assessments.models.Assessment.Status",
        "QuestionBankStatusEnum": "jalon.assessments.models.Framework.Status",
        "BudgetTypeEnum": "jalon.finance.models.BudgetType",
        "FundKindEnum": "jalon.finance.models.Fund.Kind",
        "MeetingModeEnum": "jalon.committees.models.Meeting.Mode",
        "ExpertVisibilityEnum": "jalon.knowledge.models.roster.Expert.Visibility",
        "ThreadVisibilityEnum": "jalon.knowledge.models.forum.Thread.Visibility",
        "ThreadStateEnum": "jalon.knowledge.models.forum.Thread.State",
    },
    # The default hook, then `version` required in the bodies of PUT and PATCH (jalon.api.versions).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "jalon.api.versions.version_required_on_updates",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Public reach figures never show a group smaller than this many people (personal data protection).
JALON_REACH_MIN_GROUP = int(os.environ.get("JALON_REACH_MIN_GROUP", "5"))

# Background work (jalon/jobs): the standard Django task API with a backend chosen here.
# - "database" (default): a queue in jalon's own database, run by `jalon worker` (which `jalon serve` and
#   `jalon demo` start beside the web server). On PostgreSQL, several workers skip each other's locked rows;
#   on SQLite, run one worker.
# - "redis": RQ through Redis (REDIS_URL or TASKS_REDIS_URL), for workers on several machines.
# - "immediate": no worker; each task runs at once, in the request that starts it (tests, debugging).
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database")
TASKS_REDIS_URL = os.environ.get("TASKS_REDIS_URL") or os.environ.get("REDIS_URL", "")
if TASKS_BACKEND == "database":
    TASKS: dict[str, dict] = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
elif TASKS_BACKEND == "redis":
    if not TASKS_REDIS_URL:
        raise ImproperlyConfigured("TASKS_BACKEND=redis needs REDIS_URL (or TASKS_REDIS_URL).")
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": TASKS_REDIS_URL, "DEFAULT_TIMEOUT": 3 * 3600}}
elif TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    raise ImproperlyConfigured(f"TASKS_BACKEND is {TASKS_BACKEND!r}: use database, redis or immediate.")
# A running job silent this long (no progress) counts as interrupted: its worker is taken to have died.
JALON_JOB_STALE_SECONDS = int(os.environ.get("JALON_JOB_STALE_SECONDS", str(30 * 60)))

# Files attached to records (evidence, reports, materials): the largest one accepted (jalon/web/files.py).
JALON_UPLOAD_MAX_BYTES = int(os.environ.get("JALON_UPLOAD_MAX_BYTES", str(25 * 1024 * 1024)))
# Who sends the bytes of a private file once jalon has checked access (jalon/web/files.py): jalon itself
# (empty), nginx ("nginx": X-Accel-Redirect to JALON_FILE_HANDOFF_PREFIX + the file's name, an internal
# location aliased to MEDIA_ROOT) or Apache mod_xsendfile ("apache": X-Sendfile with the file's path).
JALON_FILE_HANDOFF = os.environ.get("JALON_FILE_HANDOFF", "")
JALON_FILE_HANDOFF_PREFIX = os.environ.get("JALON_FILE_HANDOFF_PREFIX", "/protected/")

# Participant imports: limits on what one upload may hold.
JALON_IMPORT_MAX_BYTES = int(os.environ.get("JALON_IMPORT_MAX_BYTES", str(50 * 1024 * 1024)))
JALON_IMPORT_MAX_UNCOMPRESSED_BYTES = int(os.environ.get("JALON_IMPORT_MAX_UNCOMPRESSED_BYTES", str(600 * 1024 * 1024)))
JALON_IMPORT_MAX_ROWS = int(os.environ.get("JALON_IMPORT_MAX_ROWS", "200000"))

# Django 6 will assume https for scheme-less URLs in forms; opt in now.
FORMS_URLFIELD_ASSUME_HTTPS = True

# The Q&A forum (knowledge): an open question with no expert answer after this many days is shown as
# "waiting for an expert" to the programme team and in the forum's filter.
JALON_FORUM_WAITING_DAYS = int(os.environ.get("JALON_FORUM_WAITING_DAYS", "7"))
