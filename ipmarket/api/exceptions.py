"""Error shapes of the API (CONTRACT.md).

400 `{"field": ["message"]}` or `{"detail", "code"}`; 401/403/404 `{"detail", "code"}`;
409 `{"detail", "code": "invalid_transition", "allowed": [...]}`.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "This action is not allowed in the current state."
    default_code = "invalid_transition"

    def __init__(self, detail=None, code=None, allowed=()):
        super().__init__(detail, code)
        self.allowed = list(allowed)


class GuardFailed(exceptions.APIException):
    """A business rule refused the request: 400 with a code and a readable reason."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "guard_failed"


def _django_validation_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(exc.message_dict)
    return exceptions.ValidationError({"non_field_errors": exc.messages})


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = _django_validation_error(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(response.data, dict) and set(response.data) == {"detail"}:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
        response.data["code"] = codes if isinstance(codes, str) else "error"
    if isinstance(exc, Conflict):
        response.data["allowed"] = exc.allowed
    return response
