"""Production: everything from base.py, tightened. Refuses to start without SECRET_KEY."""

import os

from django.core.exceptions import ImproperlyConfigured

if not os.environ.get("SECRET_KEY"):
    raise ImproperlyConfigured("SECRET_KEY must be set in production.")

from .base import *  # noqa: E402,F403
from .base import env  # noqa: E402

# GENERAL
# ------------------------------------------------------------------------------
DEBUG = False  # whatever the environment says
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")  # required

# SECURITY
# ------------------------------------------------------------------------------
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# STATIC
# ------------------------------------------------------------------------------
# Only what collectstatic gathered, compressed and with hashed names.
WHITENOISE_USE_FINDERS = False
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}  # noqa: F405

# LOGGING
# ------------------------------------------------------------------------------
# One JSON object a line unless LOG_FORMAT=plain (ipmarket/core/logs.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured("LOG_FORMAT must be 'json' or 'plain'.")
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT  # noqa: F405
