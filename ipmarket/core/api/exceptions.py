"""Error shapes of the API (the README's API section).

400 `{"field": ["message"]}` or `{"detail", "code"}`; 401/403/404 `{"detail", "code"}`;
409 `{"detail", "code": "invalid_transition", "allowed": [...]}`; 502 when the payment
provider fails (nothing was changed); 503 `{"detail", "code": "busy"}` with Retry-After when the database
was too busy (a lock or statement timeout), `"code": "unavailable"` when it could not be reached (down,
restarting, the connection lost).
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ipmarket.core.api.parsers import too_deep_message
from ipmarket.core.busy import RETRY_AFTER_SECONDS, database_trouble, trouble_detail
from ipmarket.core.errors import Conflict, GuardFailed, InvalidTransition, PaymentUnavailable, RoleRefused


def _django_validation_error(exc: DjangoValidationError) -> Response:
    if hasattr(exc, "error_dict"):
        return Response(exc.message_dict, status=status.HTTP_400_BAD_REQUEST)
    if getattr(exc, "code", None) and len(exc.messages) == 1:
        return Response({"detail": exc.messages[0], "code": exc.code}, status=status.HTTP_400_BAD_REQUEST)
    return Response({"non_field_errors": exc.messages}, status=status.HTTP_400_BAD_REQUEST)


def exception_handler(exc, context):
    if isinstance(exc, RoleRefused):
        return Response({"detail": exc.reason, "code": exc.code}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, GuardFailed):
        return Response({"detail": exc.reason, "code": exc.code}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Conflict):
        return Response({"detail": exc.reason, "code": exc.code}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, InvalidTransition):
        detail = _("“%(action)s” is not possible while the state is “%(state)s”.") % {
            "action": exc.action,
            "state": exc.state,
        }
        return Response(
            {"detail": detail, "code": "invalid_transition", "allowed": exc.allowed},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, PaymentUnavailable):
        return Response({"detail": exc.reason, "code": "payment_provider_error"}, status=status.HTTP_502_BAD_GATEWAY)
    if isinstance(exc, DjangoValidationError):
        return _django_validation_error(exc)
    if trouble := database_trouble(exc):
        return Response(
            {"detail": trouble_detail(trouble), "code": trouble},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    if isinstance(exc, RequestDataTooBig):
        detail = _("The request body is larger than %(size)s bytes.") % {"size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
        return Response({"detail": detail, "code": "request_too_large"}, status=413)
    if isinstance(exc, RecursionError):
        # A view with parsers of its own (the token endpoint) decoding a body nested beyond the interpreter's
        # limit; every other view refuses deep nesting in ipmarket.core.api.parsers.JSONParser.
        exc = exceptions.ParseError(too_deep_message())
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(response.data, dict) and set(response.data) == {"detail"}:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
        response.data["code"] = codes if isinstance(codes, str) else "error"
    return response
