import logging

from csp.middleware import CSPMiddleware
from django.conf import settings

from ipmarket.core.busy import database_trouble, trouble_response

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


# --- a busy or unreachable database answers 503 ------------------------------------------------------------


class DatabaseBusyMiddleware:
    """A database that cannot answer now, busy (a lock or statement timeout) or unavailable (down,
    restarting, the connection lost), is a 503 with Retry-After (JSON under /api/), never a 500.

    This covers the views; the API's exception handler answers the same for DRF views, and
    ipmarket.views.server_error for errors raised in a middleware (the session, the signed-in person).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        trouble = database_trouble(exception)
        if trouble is None:
            return None
        logger.warning("Database %s on %s %s: %s", trouble, request.method, request.path, exception)
        return trouble_response(trouble, json=request.path.startswith("/api/"))


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
