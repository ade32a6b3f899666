"""Sign-in: failed attempts throttled by django-axes, and API tokens bound to the person's password.

Every sign-in (the sign-in page, the Wagtail admin's, `POST /api/v1/auth/token/`) calls Django's
`authenticate(request, …)`, so axes counts its failures per username and IP address (AXES_LOCKOUT_PARAMETERS)
and, after AXES_FAILURE_LIMIT of them, refuses that username from that address for AXES_COOLOFF_TIME: 429
with Retry-After (JSON `{"detail", "code": "throttled"}` under /api/, a page otherwise).
"""

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_client_ip_address, get_cool_off
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.models import update_last_login
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from .models import ApiToken


class SignInThrottleBackend(AxesStandaloneBackend):
    """axes' backend, first in AUTHENTICATION_BACKENDS. A call without a request (the test client's
    `login()`, a shell) has no client to throttle and passes to the next backend: every sign-in view passes
    its request."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def retry_after_seconds(request=None) -> int:
    """How long a locked-out client waits: the whole cool-off, since each attempt while locked restarts it
    (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT)."""
    cool_off = get_cool_off(request)
    return max(1, int(cool_off.total_seconds())) if cool_off else 3600


def token_signin_succeeded(request, user) -> None:
    """The token endpoint signs in without a session (no `user_logged_in`, which axes listens to): forget
    this username's failures from this address as axes does for the pages, and note the sign-in."""
    if settings.AXES_RESET_ON_SUCCESS:
        axes_reset(ip=get_client_ip_address(request), username=user.get_username())
    update_last_login(None, user)


def locked_out_detail() -> str:
    return _("Too many failed sign-ins. Please try again later.")


def client_ip(request) -> str:
    """The client's address for the sign-in throttle: REMOTE_ADDR, or behind a reverse proxy the header
    `CLIENT_IP_HEADER` names (the proxy sets it, overwriting whatever the client sent)."""
    header = settings.CLIENT_IP_HEADER
    if header:
        value = request.META.get("HTTP_" + header.upper().replace("-", "_"), "").strip()
        if value:
            return value[:45]  # an IPv6 address at most
    return request.META.get("REMOTE_ADDR", "")


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the answer to a locked-out sign-in on a page (or JSON under /api/)."""
    seconds = retry_after_seconds(request)
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": locked_out_detail(), "code": "throttled"}, status=429)
    else:
        minutes = -(-seconds // 60)
        response = render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(seconds)
    return response


def signin_locked(request) -> exceptions.Throttled:
    """The API's 429 for a locked-out token request (DRF adds Retry-After from `wait`)."""
    return exceptions.Throttled(wait=retry_after_seconds(request), detail=locked_out_detail())


class ApiTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>` with our token: refused (and deleted) once the password changed, the
    person was deactivated or the token outlived API_TOKEN_LIFETIME_HOURS."""

    model = ApiToken

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if not token.is_current(user):
            token.delete()
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        return user, token
