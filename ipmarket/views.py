"""Project-wide views: the error pages (JSON under /api/)."""

import sys

from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

from ipmarket.core.busy import database_trouble, trouble_response


def _wants_json(request) -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def page_not_found(request, exception=None):
    if _wants_json(request):
        return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    # Django calls this while handling the uncaught exception: one raised outside a view (a middleware reading
    # the session or the signed-in person) by a database that cannot answer is a 503, as in a view.
    if trouble := database_trouble(sys.exc_info()[1]):
        return trouble_response(trouble, json=_wants_json(request))
    if _wants_json(request):
        return JsonResponse({"detail": _("Server error."), "code": "server_error"}, status=500)
    # Rendered without the request: context processors may need the broken part.
    return HttpResponseServerError(loader.get_template("500.html").render({}))
