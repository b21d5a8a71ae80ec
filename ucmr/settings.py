"""UCMR settings. Every value comes from the environment; the defaults need no external service.

See `.env.example` for the list of variables.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it (any long random string) or set DJANGO_DEBUG=true for development."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105 - only with DEBUG on
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "ucmr.accounts",  # before django.contrib.auth: its changepassword and createsuperuser are audited
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "axes",
    "ucmr",
    "actors",
    "requirements",
    "usecases",
    "sgam",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ucmr.security.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",  # turns a locked-out sign-in into the "try again later" page
    "ucmr.middleware.DatabaseBusyMiddleware",
]

ROOT_URLCONF = "ucmr.urls"
WSGI_APPLICATION = "ucmr.wsgi.application"

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
                "ucmr.context_processors.access",
            ],
            "string_if_invalid": env.str("DJANGO_TEMPLATE_STRING_IF_INVALID", default=""),
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite for several users at once: WAL lets readers read while one writes; a transaction takes the write lock
    # when it begins (IMMEDIATE), so two writers queue instead of one failing half-way; a writer waits up to the
    # busy timeout for the lock, then the request answers 503 with Retry-After (ucmr.middleware).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": env.int("UCMR_SQLITE_BUSY_TIMEOUT", default=15),
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://ucmr")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # A Redis that is down or paused answers within a second, so that what only uses the cache (API throttling)
    # can carry on without it instead of holding the request.
    CACHES["default"].setdefault("OPTIONS", {}).update({"socket_connect_timeout": 1, "socket_timeout": 1})
# How long a use case's serialised API document stays cached; its key changes with every write, so this only bounds
# the space that documents nobody reads again take until they expire.
UCMR_DOCUMENT_CACHE_SECONDS = env.int("UCMR_DOCUMENT_CACHE_SECONDS", default=3600)
# How long the rendered sections of a use case page stay cached (usecases.views.sections); their key changes with
# everything they show, so this too only bounds the space of entries nobody reads again.
UCMR_PAGE_CACHE_SECONDS = env.int("UCMR_PAGE_CACHE_SECONDS", default=3600)

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out sign-in before any password is checked
    "ucmr.backends.ModelBackend",  # Django's, with the permissions of a user read in one query
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row; anonymous access is decided by ucmr.permissions
GUARDIAN_MONKEY_PATCH_USER = False
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "DJANGO_STATICFILES_STORAGE", default="django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Security: secure by default unless DEBUG is on (see SECURITY.md). Behind a proxy that terminates TLS, either keep
# the redirect and name the header the proxy sets (DJANGO_SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto) or let the
# proxy redirect (DJANGO_SECURE_SSL_REDIRECT=false).
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
_proxy_ssl_header = env.str("DJANGO_SECURE_PROXY_SSL_HEADER", default="")
if _proxy_ssl_header:
    # Only when the proxy always sets (or strips) this header: a client could send it otherwise.
    SECURE_PROXY_SSL_HEADER = (f"HTTP_{_proxy_ssl_header.upper().replace('-', '_')}", "https")
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
# Asking browsers to preload HSTS binds the whole domain for months: the operator's choice, not a default to nag about.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Every response without a policy of its own gets this one (ucmr.security.ContentSecurityPolicyMiddleware): no
# inline script or style, nothing from other sites, never framed. Downloads (drawings, diagrams) set stricter ones.
UCMR_CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",  # Bootstrap draws its icons (menu toggler, select arrows) as data: SVG
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

# Sign-in throttling (django-axes): after UCMR_LOGIN_FAILURE_LIMIT wrong passwords for one username from one
# address, that username may not sign in from there for UCMR_LOGIN_COOLOFF_MINUTES (counted from the last failure).
# Every sign-in form is covered (the pages and the admin); the API takes tokens, never passwords. Administrators
# unlock in the admin (Axes > Access attempts: delete the row) or with `python manage.py axes_reset_username NAME`.
AXES_FAILURE_LIMIT = env.int("UCMR_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("UCMR_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "ucmr.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "ucmr.security.client_ip"
AXES_VERBOSE = False  # no banner on every start (it lands in the middle of make run's output); lockouts are logged
# How many proxies in front of UCMR append to X-Forwarded-For: the client's address is the one the outermost of
# them saw. 0 (the default): the address of the connection.
UCMR_TRUSTED_PROXIES = env.int("UCMR_TRUSTED_PROXIES", default=0)

# Background jobs (ucmr/jobs.py). Without CELERY_BROKER_URL the broker is a SQLite file (kombu's SQLAlchemy
# transport, see ucmr/broker.py) and `make run` starts a worker beside the web server. UCMR_JOBS_INLINE=true runs
# jobs inline in the process that starts them (scripts; never for a server).
UCMR_JOBS_INLINE = env.bool("UCMR_JOBS_INLINE", default=False)
UCMR_BROKER_FILE = env.path("UCMR_BROKER_FILE", default=BASE_DIR / "celery-broker.sqlite3")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or f"ucmr-sqla+sqlite:///{UCMR_BROKER_FILE}"
CELERY_TASK_ALWAYS_EAGER = UCMR_JOBS_INLINE
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A dropped broker connection does not stop a running job: its message comes back, and the job's lease makes that
# delivery a no-op while the job runs (ucmr.jobs.job_execute).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True  # results live in ucmr.BackgroundJob rows
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("UCMR_BROKER_TIMEOUT", default=3.0)
# The two queues are "<prefix>.user" (what users start) and "<prefix>.follow_up" (validation and rendering after
# changes); a worker consumes them in that order (`celery -A ucmr worker -Q ucmr.user,ucmr.follow_up`).
UCMR_QUEUE_PREFIX = env.str("UCMR_QUEUE_PREFIX", default="ucmr")
CELERY_TASK_DEFAULT_QUEUE = f"{UCMR_QUEUE_PREFIX}.user"
# A running job's lease: renewed by its worker every quarter of it; a job whose lease expired was lost.
UCMR_JOB_LEASE_SECONDS = env.int("UCMR_JOB_LEASE_SECONDS", default=60)
# The dispatcher and sweep (Celery beat): how often; when an unclaimed message is sent again; how long job files
# (an unconfirmed dry run's upload, an export) are kept.
UCMR_JOB_MAINTAIN_SECONDS = env.int("UCMR_JOB_MAINTAIN_SECONDS", default=30)
UCMR_JOB_REDISPATCH_SECONDS = env.int("UCMR_JOB_REDISPATCH_SECONDS", default=900)
UCMR_JOB_FILE_HOURS = env.int("UCMR_JOB_FILE_HOURS", default=24)
# Finished jobs (and what they report) are deleted after this many days.
UCMR_JOB_KEEP_DAYS = env.int("UCMR_JOB_KEEP_DAYS", default=30)
CELERY_BEAT_SCHEDULE = {
    "maintain-jobs": {
        "task": "ucmr.tasks.maintain_jobs",
        "schedule": float(UCMR_JOB_MAINTAIN_SECONDS),
        "options": {"queue": f"{UCMR_QUEUE_PREFIX}.user", "expires": float(UCMR_JOB_MAINTAIN_SECONDS)},
    }
}
CELERY_BEAT_SCHEDULE_FILENAME = str(env.path("UCMR_BEAT_SCHEDULE_FILE", default=BASE_DIR / "celerybeat-schedule"))
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # Fail fast when Redis is down (the outbox keeps the job); user jobs first; a message whose worker vanished
    # comes back after the visibility timeout, and the job's lease tells a live job from a lost one.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "queue_order_strategy": "priority",
        "visibility_timeout": env.int("UCMR_BROKER_VISIBILITY_TIMEOUT", default=600),
        "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
        "socket_timeout": env.float("UCMR_BROKER_SOCKET_TIMEOUT", default=5.0),
        "max_connections": 20,
    }
elif CELERY_BROKER_URL.startswith("ucmr-sqla+sqlite"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {"polling_interval": 0.5, "connect_args": {"timeout": 30}}

# E-mail of notifications (ucmr/notifications.py), sent by a job after the change commits. With DEBUG the default
# backend prints them on the console; otherwise SMTP to EMAIL_HOST. UCMR_BASE_URL makes the links in e-mails whole.
EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND", default=f"django.core.mail.backends.{'console' if DEBUG else 'smtp'}.EmailBackend"
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="UCMR <ucmr@localhost>")
UCMR_BASE_URL = env.str("UCMR_BASE_URL", default="http://127.0.0.1:8000")

UCMR_PAGE_SIZE = env.int("UCMR_PAGE_SIZE", default=25)
# The language of the full-text search (usecases/search/): a PostgreSQL text search configuration ("english",
# "german", "simple", ...); on SQLite "english" stems words, any other language matches whole words. After a change,
# run `manage.py rebuild_search_index`.
UCMR_SEARCH_LANGUAGE = env.str("UCMR_SEARCH_LANGUAGE", default="english")
# Published use cases (and the libraries) may be read without signing in.
UCMR_PUBLIC_READ = env.bool("UCMR_PUBLIC_READ", default=False)
UCMR_XML_MAX_BYTES = env.int("UCMR_XML_MAX_BYTES", default=20_000_000)
# Variant C files larger than this are imported in batches of UCMR_IMPORT_BATCH use cases, read and written a batch
# at a time: memory then grows with the file's libraries and one batch, not with its number of use cases.
UCMR_IMPORT_STREAM_BYTES = env.int("UCMR_IMPORT_STREAM_BYTES", default=8_000_000)
UCMR_IMPORT_BATCH = env.int("UCMR_IMPORT_BATCH", default=100)
# Excel workbooks (usecases/excel/reader.py): refused when their zip would unpack to more than this many bytes
# (checked from the zip's directory, before anything is decompressed); of a sheet, only so many rows and columns read.
UCMR_EXCEL_MAX_BYTES = env.int("UCMR_EXCEL_MAX_BYTES", default=50_000_000)
UCMR_EXCEL_MAX_ROWS = env.int("UCMR_EXCEL_MAX_ROWS", default=1_000)
UCMR_EXCEL_MAX_COLUMNS = env.int("UCMR_EXCEL_MAX_COLUMNS", default=1_000)
# Exports of more use cases than this (and every "export all") run as a background job that writes a file.
UCMR_EXPORT_SYNC_MAX = env.int("UCMR_EXPORT_SYNC_MAX", default=50)
# The page of Word exports (usecases/word/writer.py): a4 or letter, -landscape (the default) or -portrait.
UCMR_WORD_PAGE = env.str("UCMR_WORD_PAGE", default="a4-landscape")
# The largest image a drawing (section 2) may upload in the pages.
UCMR_DRAWING_MAX_BYTES = env.int("UCMR_DRAWING_MAX_BYTES", default=5_000_000)
# ... and the most pixels it may have (width x height): a small compressed file can unpack to gigabytes.
UCMR_DRAWING_MAX_PIXELS = env.int("UCMR_DRAWING_MAX_PIXELS", default=40_000_000)
# Diagrams: the Graphviz `dot` program, the time limit of one render, and whether each change queues the use
# case's validation and diagram rendering.
UCMR_GRAPHVIZ_DOT = env.str("UCMR_GRAPHVIZ_DOT", default="dot")
UCMR_DIAGRAM_TIMEOUT = env.int("UCMR_DIAGRAM_TIMEOUT", default=30)
UCMR_FOLLOW_UP_ON_CHANGE = env.bool("UCMR_FOLLOW_UP_ON_CHANGE", default=True)

# The REST API (see ucmr/api/). Throttle rates: "<number>/<second|minute|hour|day>", empty for no limit.
UCMR_API_THROTTLE_USER = env.str("UCMR_API_THROTTLE_USER", default="5000/hour")
UCMR_API_THROTTLE_ANON = env.str("UCMR_API_THROTTLE_ANON", default="300/hour")
UCMR_API_MAX_PAGE_SIZE = env.int("UCMR_API_MAX_PAGE_SIZE", default=200)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "ucmr.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "ucmr.api.renderers.BrowsableAPIRenderer",  # the browsable API under the Content-Security-Policy
    ],
    "DEFAULT_PARSER_CLASSES": [
        "ucmr.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["ucmr.permissions.ObjectPermissions"],
    # Viewsets read through selectors, which narrow to what the user may see (ucmr.api.viewsets.SelectorMixin).
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "ucmr.api.pagination.PageNumberPagination",
    "DEFAULT_THROTTLE_CLASSES": ["ucmr.api.throttling.UserThrottle", "ucmr.api.throttling.AnonThrottle"],
    "DEFAULT_SCHEMA_CLASS": "ucmr.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "ucmr.api.errors.exception_handler",
    "DEFAULT_VERSIONING_CLASS": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "UCMR API",
    "DESCRIPTION": (
        "The REST API of UCMR, the Use Case Management Repository: IEC 62559-2 use cases as whole documents, the "
        "shared libraries, SGAM and NIST placements, the review workflow, IEC 62559-3 XML import and export, "
        "versions, the audit trail and background jobs. Authenticate with a token (`Authorization: Token <key>`, "
        "created on the API tokens page) or the browser session."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/",
    "ENUM_NAME_OVERRIDES": {
        "UseCaseStatusEnum": "usecases.models.UseCase.Status",
        "JobStatusEnum": "ucmr.models.BackgroundJob.Status",
        # The access matrix's choice sets share field names with others: named here, the schema stays unambiguous
        # and `check --deploy` clean.
        "AccessPermissionEnum": "sgam.api.access_matrix.PERMISSIONS",
        "AccessDirectionEnum": ["produces", "receives", "both"],
        "AccessMatrixDataClassEnum": "sgam.access_matrix.model.DATA_CLASS_ORDER",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    # Inline (eager) tasks would print a line each into `make run`'s output; real workers keep logging them.
    "loggers": {"celery.app.trace": {"level": "WARNING"}} if CELERY_TASK_ALWAYS_EAGER else {},
}
