"""Every setting of the project, read from the environment (django-environ).

Sections follow cookiecutter-django's order. `test.py` and `production.py` only adjust what differs. The
README lists every environment variable read here.

Importing this module has no side effect: it creates no folder and writes no file. The folders under VAR_DIR
are made by `manage.py ensure_dirs` (which `scripts/run.sh` runs first) and the development secret key by
`scripts/run.sh`.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PROJECT_DIR = BASE_DIR / "ipmarket"

env = environ.Env()

# GENERAL
# ------------------------------------------------------------------------------
# Everything the app writes at run time (SQLite, uploads, broker queue, logs).
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))
# Off unless the environment turns it on (`make run` does).
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set the SECRET_KEY environment variable (or DEBUG=true for development).")
    # Development only: the random key `scripts/run.sh` keeps under VAR_DIR, so that a developer needs no
    # configuration. Read here, never created here.
    _key_file = VAR_DIR / "secret_key"
    if not _key_file.is_file():
        raise ImproperlyConfigured(
            f"Set the SECRET_KEY environment variable, or run `make run` once: it keeps a development key in "
            f"{_key_file}."
        )
    SECRET_KEY = _key_file.read_text().strip()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
# Internationalisation: Chinese first, English by switch.
TIME_ZONE = "Asia/Shanghai"
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
SITE_ID = 1
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# DATABASES
# ------------------------------------------------------------------------------
# SQLite under VAR_DIR unless DATABASE_URL says otherwise.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
# A request that waits this long for a lock (a row another request holds) gives up: 503 with Retry-After
# (ipmarket.middleware.DatabaseBusyMiddleware), never a 500 nor a worker stuck for minutes.
DATABASE_LOCK_TIMEOUT = env.int("DATABASE_LOCK_TIMEOUT", default=10)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: it buys an OLTP app nothing, and with poor estimates (fresh tables) compiling a wide join
    # took minutes in the test suite.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c jit=off -c lock_timeout={DATABASE_LOCK_TIMEOUT * 1000}"
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # `make run` under concurrent writes: readers and one writer at a time (WAL), a transaction takes the
    # write lock when it begins (IMMEDIATE: no deadlock when two readers both want to write, which SQLite
    # answers "database is locked" at once), and a writer waits its turn up to the busy timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": DATABASE_LOCK_TIMEOUT,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# A kept connection (CONN_MAX_AGE) is checked before a request reuses it: after a database restart the first
# request opens a new one instead of failing on the dead one (tests/drills/test_postgres_restart.py).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# CACHES
# ------------------------------------------------------------------------------
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# On Redis, Django's RedisCache made forgiving (ipmarket/core/cache.py): Redis away is a miss, not a 500.
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "ipmarket.core.cache.RedisCache"
# The page cache (ipmarket/core/pagecache.py, docs/operations.md "Page cache"): the same store (Redis in
# production, its keys prefixed `pagecache:`); in a process's own memory a store of its own, so that pages
# never push the CMS chrome out.
CACHES["pages"] = dict(CACHES["default"])
if CACHES["pages"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache":
    CACHES["pages"].update(LOCATION="pages", OPTIONS={"MAX_ENTRIES": 2000})
# Seconds an anonymous visitor's copy of a public page (home, statistics, listings, a firm) is kept, per
# language; invalidated sooner when what it shows changes. 0 turns the page cache off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)

# URLS
# ------------------------------------------------------------------------------
ROOT_URLCONF = "ipmarket.urls"
WSGI_APPLICATION = "ipmarket.wsgi.application"

# APPS
# ------------------------------------------------------------------------------
DJANGO_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",  # whitenoise's, listed here because it must come before staticfiles
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]
THIRD_PARTY_APPS = [
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.contrib.sitemaps",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_celery_beat",
    "djmoney",
    "django_fsm",
]
LOCAL_APPS = [
    "ipmarket.core",
    "ipmarket.accounts",
    "ipmarket.assets",
    "ipmarket.market",
    "ipmarket.payments",
    "ipmarket.notifications",
    "cms",
    "cms.statistics",
    "search",
    "financing",
    "financing.registry",
    "financing.subsidies",
    "ipmarket.disputes",
    "ipmarket.project",  # the wiring: seed_demo
]
# Our apps first (unlike cookiecutter-django): their templates, static files and commands win over those of
# Wagtail and Django.
INSTALLED_APPS = LOCAL_APPS + THIRD_PARTY_APPS + DJANGO_APPS

# AUTHENTICATION
# ------------------------------------------------------------------------------
# django-axes counts failed sign-ins (page, Wagtail admin, API token) per username and client address; after
# AXES_FAILURE_LIMIT of them that username is refused from that address (429 with Retry-After) until
# AXES_COOLOFF_MINUTES pass without a new attempt. The address is REMOTE_ADDR, or behind a reverse proxy the
# header CLIENT_IP_HEADER names, which the proxy sets and overwrites (deploy/nginx: X-Real-IP); without it
# every client would share the proxy's address and one could lock a username out for all.
# See ipmarket/accounts/auth.py.
AUTHENTICATION_BACKENDS = [
    "ipmarket.accounts.auth.SignInThrottleBackend",  # axes, first
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=max(1, env.int("AXES_COOLOFF_MINUTES", default=15)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "ipmarket.accounts.auth.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False  # no django.contrib.admin here
CLIENT_IP_HEADER = env.str("CLIENT_IP_HEADER", default="")
AXES_CLIENT_IP_CALLABLE = "ipmarket.accounts.auth.client_ip"
# API tokens (ApiTokenAuthentication) are bound to the password: revoked when it changes or the person or a
# membership is deactivated; API_TOKEN_LIFETIME_HOURS > 0 also expires tokens that old (0: no expiry).
API_TOKEN_LIFETIME_HOURS = env.int("API_TOKEN_LIFETIME_HOURS", default=0)

# PASSWORDS
# ------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# MIDDLEWARE
# ------------------------------------------------------------------------------
MIDDLEWARE = [
    "ipmarket.core.logs.RequestIdMiddleware",  # first: the request id of every line of the request
    "django.middleware.security.SecurityMiddleware",
    "ipmarket.middleware.ContentSecurityPolicyMiddleware",  # django-csp, with the few per-path additions
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ipmarket.middleware.ChineseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ipmarket.middleware.DatabaseBusyMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out sign-in into the 429 page
]

# STATIC
# ------------------------------------------------------------------------------
STATIC_ROOT = VAR_DIR / "static"  # made by collectstatic
STATIC_URL = "/static/"
STATICFILES_DIRS = [PROJECT_DIR / "static"]
# WhiteNoise serves the app folders directly in development (no collectstatic needed).
WHITENOISE_USE_FINDERS = DEBUG

# MEDIA
# ------------------------------------------------------------------------------
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
# Uploads that must never be served publicly (financing documents).
PRIVATE_MEDIA_ROOT = VAR_DIR / "private"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# TEMPLATES
# ------------------------------------------------------------------------------
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ipmarket.context_processors.site",
                "ipmarket.notifications.context_processors.inbox",
                "wagtail.contrib.settings.context_processors.settings",
                "cms.context_processors.site_chrome",
            ],
        },
    },
]

# SECURITY
# ------------------------------------------------------------------------------
# SecurityMiddleware's headers (production adds HSTS, the HTTPS redirect and the secure cookies).
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp 4): every script, style, font and image is served by the site itself, so
# no inline script or style runs and no other origin is reached — except what the paths of
# CONTENT_SECURITY_POLICY_BY_PATH need (ipmarket.middleware.ContentSecurityPolicyMiddleware).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
CONTENT_SECURITY_POLICY_BY_PATH = {
    # The pay step of a deal: Stripe requires Stripe.js from js.stripe.com (PCI), with its frames and API.
    "/market/deals/": {
        "update": {
            "script-src": ["https://js.stripe.com"],
            "frame-src": ["https://js.stripe.com", "https://hooks.stripe.com"],
            "connect-src": ["https://api.stripe.com"],
        }
    },
    # The Wagtail admin (staff only): Wagtail 8 still writes inline scripts (inline panels, date choosers) and
    # style attributes; its page preview is a frame of the admin itself.
    "/admin/": {
        "update": {"script-src": [UNSAFE_INLINE], "style-src": [UNSAFE_INLINE], "img-src": ["blob:"]},
        "replace": {"frame-ancestors": [SELF]},
    },
}

# EMAIL
# ------------------------------------------------------------------------------
# EMAIL_URL such as smtp://user:pass@host:587 sets EMAIL_BACKEND, EMAIL_HOST and the rest (console in
# development).
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ipmarket@localhost")

# ADMIN (Wagtail)
# ------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = env.str("SITE_NAME", default="知识产权运营与质押融资服务平台")
WAGTAILADMIN_BASE_URL = env.str("BASE_URL", default="http://127.0.0.1:8000")
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no avatars from gravatar.com in the admin
WAGTAIL_ENABLE_UPDATE_CHECK = False  # no call from the admin to releases.wagtail.io
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "csv", "txt", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Pages in two languages (docs/cms.md): Wagtail locales zh-hans (default) and en, copied for translation
# with wagtail.contrib.simple_translation; both languages share the same URLs (the language cookie chooses).
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# The Wagtail page editor posts more fields than Django's default limit of 1000.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# LOGGING
# ------------------------------------------------------------------------------
# One console handler (ipmarket/core/logs.py): LOG_FORMAT `json` (one JSON object a line; the production
# default) or `plain` (a text line); every line carries the request id (`-` outside a request or task) and
# passes the redaction of passwords, tokens and ID numbers.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured("LOG_FORMAT must be 'json' or 'plain'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "ipmarket.core.logs.RequestIdFilter"},
        "redact": {"()": "ipmarket.core.logs.RedactFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "ipmarket.core.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id", "redact"]}
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "elasticsearch": {"level": "ERROR"},  # a 404 on a missing alias is expected, not a warning
        "elastic_transport": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        # runserver's request lines through the same handler (Django gives them a handler of their own).
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# CELERY
# ------------------------------------------------------------------------------
# A filesystem broker under VAR_DIR unless CELERY_BROKER_URL says otherwise; its folders are made by
# `manage.py ensure_dirs` (`make run` runs it), not here.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A task is acknowledged once done, so that a worker killed mid-task leaves it to another worker.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 600
CELERY_TASK_TIME_LIMIT = 660
CELERY_TASK_IGNORE_RESULT = True
# The worker logs through LOGGING (JSON or plain, request id, redaction) instead of Celery's own handler.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    # Search: changes left pending while Elasticsearch or the broker was down; nightly drift repair.
    "search-replay-pending": {"task": "search.tasks.replay_pending", "schedule": 60.0},
    "search-reconcile": {"task": "search.tasks.reconcile", "schedule": crontab(hour=3, minute=0)},
    # Pledge financing, nightly: loans first (statuses of the day), then collateral, then the pools.
    "financing-check-overdue-loans": {
        "task": "financing.tasks.check_overdue_loans",
        "schedule": crontab(hour=1, minute=30),
    },
    "financing-check-collateral": {
        "task": "financing.tasks.check_collateral",
        "schedule": crontab(hour=1, minute=45),
    },
    "financing-snapshot-pools": {
        "task": "financing.tasks.snapshot_pools",
        "schedule": crontab(hour=2, minute=0),
    },
    "assets-refresh-statuses": {
        "task": "ipmarket.assets.tasks.refresh_asset_statuses",
        "schedule": crontab(hour=1, minute=10),
    },
    # Imports whose task was lost (a worker killed) are enqueued again; each resumes or does nothing.
    "assets-resume-stalled-patent-imports": {
        "task": "ipmarket.assets.tasks.resume_stalled_patent_imports",
        "schedule": 300.0,
    },
    # The public statistics page: every table recomputed into today's snapshot (cms/statistics).
    "cms-statistics-refresh": {"task": "cms.statistics.tasks.refresh_statistics", "schedule": crontab(minute=15)},
    # The webhook outbox: events stored while the broker was down are processed once it is back.
    "payments-replay-unprocessed-stripe-events": {
        "task": "ipmarket.payments.tasks.replay_unprocessed_events",
        "schedule": 300.0,
    },
    # Notifications: daily reminders (after the financing and asset jobs of the night), each idempotent;
    # hourly, notifications of events whose task was lost and emails still pending.
    "notifications-repayments-due": {
        "task": "ipmarket.notifications.tasks.remind_repayments_due",
        "schedule": crontab(hour=8, minute=0),
    },
    "notifications-overdue": {
        "task": "ipmarket.notifications.tasks.remind_overdue",
        "schedule": crontab(hour=8, minute=5),
    },
    "notifications-annual-fees": {
        "task": "ipmarket.notifications.tasks.remind_annual_fees",
        "schedule": crontab(hour=8, minute=10),
    },
    "notifications-trademark-renewals": {
        "task": "ipmarket.notifications.tasks.remind_trademark_renewals",
        "schedule": crontab(hour=8, minute=15),
    },
    "notifications-collateral-at-risk": {
        "task": "ipmarket.notifications.tasks.alert_collateral_at_risk",
        "schedule": crontab(hour=2, minute=15),
    },
    "subsidies-compute": {
        "task": "financing.subsidies.tasks.compute_subsidies",
        "schedule": crontab(hour=2, minute=30),
    },
    "registry-expire-demands": {
        "task": "financing.registry.tasks.expire_demands",
        "schedule": crontab(hour=1, minute=50),
    },
    "notifications-demands-expiring": {
        "task": "ipmarket.notifications.tasks.remind_demands_expiring",
        "schedule": crontab(hour=8, minute=25),
    },
    "notifications-licence-filing": {
        "task": "ipmarket.notifications.tasks.remind_licence_filing",
        "schedule": crontab(hour=8, minute=20),
    },
    "notifications-mediation-overdue": {
        "task": "ipmarket.notifications.tasks.remind_mediation_overdue",
        "schedule": crontab(hour=8, minute=35),
    },
    "notifications-valuations-expiring": {
        "task": "ipmarket.notifications.tasks.remind_valuations_expiring",
        "schedule": crontab(hour=8, minute=30),
    },
    "notifications-catch-up": {"task": "ipmarket.notifications.tasks.catch_up", "schedule": crontab(minute=20)},
}

# django-rest-framework
# ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first so that an anonymous caller gets 401 (with WWW-Authenticate).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "ipmarket.accounts.auth.ApiTokenAuthentication",  # our token model (ipmarket/accounts/auth.py)
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    # JSON nested at most 32 deep (ipmarket/core/api/parsers.py), forms and uploads.
    "DEFAULT_PARSER_CLASSES": [
        "ipmarket.core.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "ipmarket.core.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["ipmarket.core.api.filters.FilterBackend"],  # ids and booleans strict
    "DEFAULT_SCHEMA_CLASS": "ipmarket.core.api.schema.AutoSchema",  # error answers, optional auth, nullables
    "EXCEPTION_HANDLER": "ipmarket.core.api.exceptions.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# drf-spectacular
# ------------------------------------------------------------------------------
SPECTACULAR_SETTINGS = {
    "TITLE": "IP market and pledge financing API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc from drf-spectacular-sidecar: served by the site itself (no CDN, see the CSP).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "PREPROCESSING_HOOKS": ["ipmarket.core.api.schema.only_public_api"],
    # Separate request and response components: a request then says what it must carry (non-blank strings,
    # no read-only fields) and a response what it holds (nullable columns, read-only fields).
    "COMPONENT_SPLIT_REQUEST": True,
}

# SEARCH (Elasticsearch)
# ------------------------------------------------------------------------------
ELASTICSEARCH_URL = env.str("ELASTICSEARCH_URL", default="http://127.0.0.1:9200")
ELASTICSEARCH_INDEX_PREFIX = env.str("ELASTICSEARCH_INDEX_PREFIX", default="ipmarket")
ELASTICSEARCH_TIMEOUT = env.float("ELASTICSEARCH_TIMEOUT", default=10.0)
# Shards and replicas of each new index (a cluster of three nodes can take replicas 1).
ELASTICSEARCH_SHARDS = env.int("ELASTICSEARCH_SHARDS", default=1)
ELASTICSEARCH_REPLICAS = env.int("ELASTICSEARCH_REPLICAS", default=0)
# Wagtail's own search (CMS pages) on the same Elasticsearch node, under its own prefix, with the cjk
# analyzer as the default: PostgreSQL's text search cannot split Chinese into words (docs/search.md).
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "wagtail.search.backends.elasticsearch7",
        "URLS": [ELASTICSEARCH_URL],
        "INDEX_PREFIX": f"{ELASTICSEARCH_INDEX_PREFIX}-cms-",
        "TIMEOUT": 5,
        "INDEX_SETTINGS": {
            "settings": {
                "index": {"number_of_shards": ELASTICSEARCH_SHARDS, "number_of_replicas": ELASTICSEARCH_REPLICAS},
                "analysis": {"analyzer": {"default": {"type": "cjk"}}},
            }
        },
    }
}

# PAYMENTS (Stripe, django-money)
# ------------------------------------------------------------------------------
# Tests point STRIPE_API_BASE at stripe-mock.
STRIPE_API_KEY = env.str("STRIPE_API_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
# The marketplace's payment provider (see ipmarket/market/payments.py).
MARKET_PAYMENT_GATEWAY = "ipmarket.payments.gateway.StripeGateway"
CURRENCIES = ("CNY",)
DEFAULT_CURRENCY = "CNY"

# THE PROGRAMME'S OWN
# ------------------------------------------------------------------------------
# Health checks: name -> dotted path of a callable returning True when up.
# (Kept as paths so that ipmarket never imports the search package.)
HEALTH_CHECKS = {
    "database": "ipmarket.health.database_is_up",
    "search": "search.client.search_is_up",
    "broker": "ipmarket.health.broker_is_up",
}
# Financing documents (PDF, JPEG, PNG), stored under PRIVATE_MEDIA_ROOT.
FINANCING_DOCUMENT_MAX_BYTES = env.int("FINANCING_DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)
# IP disputes (docs/disputes.md): evidence and papers (PDF, JPEG, PNG) under PRIVATE_MEDIA_ROOT; the mediation's
# time limit in days from acceptance, and the one extension.
DISPUTE_DOCUMENT_MAX_BYTES = env.int("DISPUTE_DOCUMENT_MAX_BYTES", default=20 * 1024 * 1024)
DISPUTE_MEDIATION_DAYS = env.int("DISPUTE_MEDIATION_DAYS", default=30)
DISPUTE_MEDIATION_EXTENSION_DAYS = env.int("DISPUTE_MEDIATION_EXTENSION_DAYS", default=30)
