"""What a Stripe event does here: `HANDLERS` maps an event type to a function of the event's object.

A handler runs inside the transaction that holds the StripeEvent row's lock and is safe to
run twice (the market services it calls lock the deal row and ignore a repeat). It makes no
network call: when money has to go back it returns `RefundOrder`s, which the processing
service carries out after the transaction (with an idempotency key) and then records.
"""

import logging
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from ipmarket.core.errors import GuardFailed
from ipmarket.market.models import Deal
from ipmarket.market.services import deal_mark_paid
from ipmarket.market.services.common import record_event

from .models import ReceivedPayment
from .money import MINOR_UNIT_EXPONENT, from_minor_units

logger = logging.getLogger(__name__)

State = Deal.State
KEEPS_THE_MONEY = (State.PAID, State.RECORDED, State.RELEASED)


@dataclass(frozen=True)
class RefundOrder:
    """Money received for a deal that cannot keep it: refund it, then write `action` on the deal."""

    deal_id: int
    payment_intent_id: str
    action: str  # "refund_late_payment" or "refund_unmatched_payment"
    reason: str

    def record(self, refund_id: str) -> None:
        deal = Deal.objects.select_related("listing").get(pk=self.deal_id)
        ReceivedPayment.objects.filter(payment_intent_id=self.payment_intent_id).update(
            refund_id=refund_id, refunded_at=timezone.now()
        )
        record_event(
            listing=deal.listing,
            deal=deal,
            actor=None,
            action=self.action,
            from_state=deal.state,
            to_state=deal.state,
            note=f"{self.payment_intent_id} → {refund_id}: {self.reason}",
        )


def _deal_id(obj: dict) -> int | None:
    raw = (obj.get("metadata") or {}).get("deal_id", "")
    return int(raw) if str(raw).isdigit() else None


def _object_id(value) -> str:
    """An expandable field: the id string, or the expanded object's id."""
    if isinstance(value, dict):
        return value.get("id", "")
    return value or ""


def payment_intent_succeeded(intent: dict) -> list[RefundOrder]:
    """The buyer paid: the deal becomes paid; money the deal cannot take is refunded."""
    deal_id, intent_id = _deal_id(intent), intent["id"]
    if deal_id is None or not Deal.objects.filter(pk=deal_id).exists():
        logger.warning(
            "PaymentIntent %s succeeded but names no deal of ours (metadata %s)", intent_id, intent.get("metadata")
        )
        return []
    currency = (intent.get("currency") or "").upper()
    if currency not in MINOR_UNIT_EXPONENT:
        return [RefundOrder(deal_id, intent_id, "refund_unmatched_payment", f"currency {currency}")]
    amount = from_minor_units(intent.get("amount_received") or intent.get("amount") or 0, currency)
    ReceivedPayment.objects.get_or_create(
        payment_intent_id=intent_id,
        defaults={"deal_id": deal_id, "charge_id": _object_id(intent.get("latest_charge")), "amount": amount},
    )
    try:
        deal = deal_mark_paid(deal_id=deal_id, payment_intent_id=intent_id, amount=amount)
    except GuardFailed as refusal:  # another attempt's payment, or not the agreed price
        return [RefundOrder(deal_id, intent_id, "refund_unmatched_payment", refusal.code)]
    if deal.payment_intent_id == intent_id and deal.state in KEEPS_THE_MONEY:
        return []
    if deal.payment_intent_id == intent_id and deal.state == State.REFUNDED:
        return []  # the deal was cancelled after this payment and the market refunded it already
    reason = _("The deal was %(state)s before the payment arrived.") % {"state": deal.get_state_display()}
    return [RefundOrder(deal_id, intent_id, "refund_late_payment", reason)]


def payment_intent_payment_failed(intent: dict) -> list[RefundOrder]:
    """A payment attempt failed: the deal stays accepted (the buyer may try again); the trail says why."""
    deal = Deal.objects.select_related("listing").filter(pk=_deal_id(intent) or 0).first()
    if deal is None or deal.payment_intent_id not in ("", intent["id"]):
        return []
    error = intent.get("last_payment_error") or {}
    record_event(
        listing=deal.listing,
        deal=deal,
        actor=None,
        action="payment_failed",
        from_state=deal.state,
        to_state=deal.state,
        note=f"{intent['id']}: {error.get('code') or error.get('message') or 'failed'}",
    )
    return []


def charge_refunded(charge: dict) -> list[RefundOrder]:
    """A charge was refunded. Expected after a cancellation here; anything else (a refund made in
    the Stripe dashboard) is written on the deal for the platform to look at."""
    intent_id = _object_id(charge.get("payment_intent"))
    if charge.get("refunded"):
        ReceivedPayment.objects.filter(payment_intent_id=intent_id, refunded_at__isnull=True).update(
            refunded_at=timezone.now()
        )
    deal = Deal.objects.select_related("listing").filter(payment_intent_id=intent_id).first() if intent_id else None
    if deal is None:
        deal = Deal.objects.select_related("listing").filter(pk=_deal_id(charge) or 0).first()
    if deal is None or deal.state in (State.REFUNDED, State.CANCELLED):
        return []
    logger.warning(
        "Charge %s of deal %s was refunded at Stripe while the deal is %s", charge["id"], deal.pk, deal.state
    )
    record_event(
        listing=deal.listing,
        deal=deal,
        actor=None,
        action="refunded_at_provider",
        from_state=deal.state,
        to_state=deal.state,
        note=f"{charge['id']}: {charge.get('amount_refunded', 0)} of {charge.get('amount', 0)} (minor units)",
    )
    return []


HANDLERS = {
    "payment_intent.succeeded": payment_intent_succeeded,
    "payment_intent.payment_failed": payment_intent_payment_failed,
    "charge.refunded": charge_refunded,
}
