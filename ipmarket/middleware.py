import logging

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template import loader

from ipmarket.core.busy import RETRY_AFTER_SECONDS, busy_detail, database_is_busy

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
