"""The Stripe webhook: verify, store once, enqueue on commit, answer fast."""

import logging

import stripe
from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ipmarket.core.api.parsers import loads_bounded

from .services import stripe_event_record

logger = logging.getLogger(__name__)


def _error(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=status)


def _parse_event(body: bytes) -> dict | None:
    try:
        event = loads_bounded(body)  # a body nested too deeply is malformed too (not a RecursionError)
    except ValueError:
        return None
    if not isinstance(event, dict) or event.get("object") != "event":
        return None
    if not isinstance(event.get("id"), str) or not event["id"] or not isinstance(event.get("type"), str):
        return None
    data = event.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("object"), dict):
        return None
    return event


@csrf_exempt
@require_POST
def stripe_webhook(request):
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        logger.error("A Stripe webhook arrived but STRIPE_WEBHOOK_SECRET is not set")
        return _error(503, "webhook_not_configured", _("Stripe webhooks are not configured on this server."))
    body = request.body
    try:
        stripe.WebhookSignature.verify_header(
            body, request.headers.get("Stripe-Signature"), secret, stripe.Webhook.DEFAULT_TOLERANCE
        )
    except (stripe.SignatureVerificationError, ValueError):
        return _error(400, "invalid_signature", _("The Stripe-Signature header does not match this request."))
    event = _parse_event(body)
    if event is None:
        return _error(400, "malformed_event", _("The request body is not a Stripe event."))
    stripe_event_record(stripe_id=event["id"], event_type=event["type"], payload=event)
    return JsonResponse({"received": True})
