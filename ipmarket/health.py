"""`GET /healthz`: is the database, the search engine and the broker reachable?

Each check is a callable named in settings.HEALTH_CHECKS returning True when
its part is up. Only a database failure makes the answer 503: without search
the site answers from the database, without a broker jobs wait in the outbox.
"""

import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

logger = logging.getLogger(__name__)


def database_is_up() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone()[0] == 1


def broker_is_up() -> bool:
    with Connection(
        settings.CELERY_BROKER_URL,
        transport_options=getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}),
        connect_timeout=1,
    ) as conn:
        conn.ensure_connection(max_retries=1, timeout=1)
    return True


def _run(check_path: str) -> bool:
    try:
        return bool(import_string(check_path)())
    except Exception:  # any failure of a dependency means "down", never a 500
        logger.warning("health check %s failed", check_path, exc_info=True)
        return False


@never_cache
@require_GET
def healthz(request):
    results = {name: _run(path) for name, path in settings.HEALTH_CHECKS.items()}
    checks = {name: "ok" if up else "down" for name, up in results.items()}
    status = "ok" if all(results.values()) else "degraded"
    return JsonResponse({"status": status, "checks": checks}, status=200 if results["database"] else 503)
