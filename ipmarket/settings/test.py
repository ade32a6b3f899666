"""Settings for the test suite: real PostgreSQL, Redis, Elasticsearch and stripe-mock.

`make test` starts those services and exports their URLs; the defaults below
are the addresses `scripts/services.sh` uses. DEBUG stays off, as in production.
"""

import os

os.environ.setdefault("DATABASE_URL", "postgres://ipmarket:ipmarket@127.0.0.1:55432/ipmarket")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
os.environ.setdefault("STRIPE_API_BASE", "http://127.0.0.1:12111")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("DEBUG", "false")

from .base import *  # noqa: E402,F403
from .base import env  # noqa: E402

# CACHES
# ------------------------------------------------------------------------------
# base.py's: each process's own memory unless CACHE_URL says otherwise, the page cache on
# (PAGE_CACHE_SECONDS), so that every page test goes through it. Not Redis for the whole suite: `make unit`
# runs with no service at all, REDIS_URL is the Celery broker's database under `pt`, and tests that empty the
# cache (tests/cms/conftest.py) would flush it. tests/test_page_cache.py runs the page cache on Redis (its
# keys under a prefix of their own); tests/conftest.py drops every cached page before each test.

# PASSWORDS
# ------------------------------------------------------------------------------
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast

# STATIC
# ------------------------------------------------------------------------------
# The app folders, re-read on every request: no collectstatic before a test run.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# EMAIL
# ------------------------------------------------------------------------------
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# SEARCH
# ------------------------------------------------------------------------------
ELASTICSEARCH_INDEX_PREFIX = env.str("ELASTICSEARCH_INDEX_PREFIX", default="ipmarket_test")
WAGTAILSEARCH_BACKENDS["default"]["INDEX_PREFIX"] = f"{ELASTICSEARCH_INDEX_PREFIX}-cms-"  # noqa: F405

# PAYMENTS
# ------------------------------------------------------------------------------
STRIPE_API_KEY = env.str("STRIPE_API_KEY", default="sk_test_123")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="whsec_test_secret")
