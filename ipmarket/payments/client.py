"""The configured Stripe client, and Stripe's errors turned into ours.

`STRIPE_API_KEY` authenticates; `STRIPE_API_BASE`, when set, points the client at another
API host (stripe-mock in the tests). Requests time out and are retried a couple of times
(the library retries only what is safe: connection errors, 409, 5xx, with our idempotency keys).
"""

import logging
from contextlib import contextmanager
from functools import lru_cache

import stripe
from django.conf import settings
from django.utils.translation import gettext as _

from ipmarket.core.errors import PaymentUnavailable

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 5
READ_TIMEOUT_SECONDS = 30
MAX_NETWORK_RETRIES = 2


@lru_cache(maxsize=4)
def _client(api_key: str, api_base: str) -> stripe.StripeClient:
    return stripe.StripeClient(
        api_key,
        base_addresses={"api": api_base} if api_base else None,
        max_network_retries=MAX_NETWORK_RETRIES,
        http_client=stripe.RequestsClient(timeout=(CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS)),
    )


def stripe_client() -> stripe.StripeClient:
    """The client for the current settings (one per key and address, reused: it is thread-safe)."""
    if not settings.STRIPE_API_KEY:
        raise PaymentUnavailable(_("Payments are not configured on this server (STRIPE_API_KEY is not set)."))
    return _client(settings.STRIPE_API_KEY, settings.STRIPE_API_BASE)


@contextmanager
def stripe_errors():
    """Any Stripe error (network or API) becomes PaymentUnavailable: the caller changes nothing."""
    try:
        yield
    except stripe.APIConnectionError as error:
        logger.warning("Stripe unreachable: %s", error)
        raise PaymentUnavailable(
            _("The payment provider cannot be reached right now; nothing was changed. Please try again.")
        ) from error
    except stripe.StripeError as error:
        logger.warning("Stripe refused a request: %s (code %s, request %s)", error, error.code, error.request_id)
        reason = error.code or type(error).__name__
        raise PaymentUnavailable(
            _("The payment provider refused the request (%(reason)s); nothing was changed.") % {"reason": reason}
        ) from error
