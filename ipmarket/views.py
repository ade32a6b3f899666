"""Project-wide views: the error pages (JSON under /api/)."""

from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _


def _wants_json(request) -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def page_not_found(request, exception=None):
    if _wants_json(request):
        return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    if _wants_json(request):
        return JsonResponse({"detail": _("Server error."), "code": "server_error"}, status=500)
    # Rendered without the request: context processors may need the broken part.
    return HttpResponseServerError(loader.get_template("500.html").render({}))
