import logging

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.db import OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class ChineseFirstMiddleware:
    """Pages open in Chinese unless the visitor chose English with the switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language; the
    platform serves a Chinese city, so pages ignore it and follow only the
    language cookie set by the switch. The API keeps Accept-Language for clients.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


# --- a busy database answers 503 ------------------------------------------------------------------------

RETRY_AFTER_SECONDS = 5

# PostgreSQL: lock_timeout expired (lock_not_available), statement_timeout expired (query_canceled), and a
# deadlock one of the two transactions lost. Each is over if the request is simply sent again.
_POSTGRES_BUSY = {"55P03", "57014", "40P01"}


def database_is_busy(exc: BaseException) -> bool:
    """True when `exc` says the database was too busy to answer in time, not that the request was wrong:
    SQLite's "database is locked" after its busy timeout, or PostgreSQL's lock or statement timeout."""
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) in _POSTGRES_BUSY:
        return True
    return "database is locked" in str(exc) or "database table is locked" in str(exc)


def busy_detail() -> str:
    return _("The service is busy. Please try again in a few seconds.")


class DatabaseBusyMiddleware:
    """A lock or statement timeout in a view is a 503 with Retry-After (JSON under /api/), never a 500.

    The API's exception handler answers the same for DRF views; this covers pages and other views.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not database_is_busy(exception):
            return None
        logger.warning("Database busy on %s %s: %s", request.method, request.path, exception)
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": busy_detail(), "code": "busy"}, status=503)
        else:
            # Rendered without the request: context processors would query the busy database.
            response = HttpResponse(loader.get_template("503.html").render({}), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


# --- Content-Security-Policy ---------------------------------------------------------------------------------


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware: settings.CONTENT_SECURITY_POLICY everywhere, plus what the few paths named in
    settings.CONTENT_SECURITY_POLICY_BY_PATH need beyond it ({prefix: {"update": …, "replace": …}}; "update"
    adds sources to a directive, "replace" sets it). A view's own @csp_update/@csp_replace still applies."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        for prefix, rules in settings.CONTENT_SECURITY_POLICY_BY_PATH.items():
            if request.path_info.startswith(prefix):
                parts.update = _merged(rules.get("update"), parts.update)
                parts.replace = {**rules.get("replace", {}), **(parts.replace or {})}
        return parts


def _merged(*updates) -> dict:
    merged = {}
    for update in updates:
        for directive, sources in (update or {}).items():
            merged[directive] = [*merged.get(directive, []), *sources]
    return merged
