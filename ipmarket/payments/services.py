"""Services of the payments app: payout accounts, and the Stripe event inbox.

Stripe events go: webhook → `stripe_event_record` (a row, unique by Stripe's event id; the
processing task is enqueued when the row is committed) → `stripe_event_process` (locks the
row, runs the handler once, marks it processed). `stripe_events_replay` re-enqueues what a
broker outage or a crash left unprocessed.
"""

import logging
from datetime import timedelta
from functools import partial

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ipmarket.accounts import policies
from ipmarket.accounts.models import Organisation, User
from ipmarket.core.errors import GuardFailed

from .handlers import HANDLERS, RefundOrder
from .models import PayoutAccount, StripeEvent, stripe_account_id_validator

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 20  # beyond this the replay leaves an event alone: a person looks at `last_error`


@transaction.atomic
def payout_account_set(*, organisation: Organisation, stripe_account_id: str, by: User) -> PayoutAccount:
    """Register (or change) the Stripe connected account where the organisation's sales are paid out."""
    if not policies.can_edit_organisation(by, organisation):
        raise PermissionDenied(_("Only platform people and the organisation's administrators set its payout account."))
    stripe_account_id = (stripe_account_id or "").strip()
    if not stripe_account_id_validator.regex.match(stripe_account_id):
        raise GuardFailed("invalid_stripe_account", str(stripe_account_id_validator.message))
    if PayoutAccount.objects.filter(stripe_account_id=stripe_account_id).exclude(organisation=organisation).exists():
        raise GuardFailed("stripe_account_taken", _("This Stripe account is already another organisation's."))
    account, _created = PayoutAccount.objects.update_or_create(
        organisation=organisation, defaults={"stripe_account_id": stripe_account_id}
    )
    return account


def _enqueue(event_id: int) -> None:
    from .tasks import process_stripe_event

    # A short publish retry: if the broker is down, the replay picks the event up later. Logged, never raised:
    # the event is stored, and the webhook must still answer 200.
    try:
        process_stripe_event.apply_async(
            args=[event_id], retry=True, retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
        )
    except Exception:  # the broker is down (kombu's OperationalError after the publish retries)
        logger.warning("payments: could not enqueue Stripe event %s; the replay will", event_id, exc_info=True)


@transaction.atomic
def stripe_event_record(*, stripe_id: str, event_type: str, payload: dict) -> tuple[StripeEvent, bool]:
    """Store a verified webhook event once; a new one is enqueued for processing after commit."""
    event, created = StripeEvent.objects.get_or_create(
        stripe_id=stripe_id, defaults={"type": event_type, "payload": payload}
    )
    if created:
        transaction.on_commit(partial(_enqueue, event.pk), robust=True)
    return event, created


def _lock_unprocessed(event_id: int) -> StripeEvent | None:
    event = StripeEvent.objects.select_for_update().filter(pk=event_id).first()
    return event if event is not None and event.processed_at is None else None


def _mark_processed(event: StripeEvent) -> None:
    event.processed_at = timezone.now()
    event.last_error = ""
    event.save(update_fields=["processed_at", "last_error"])


def _refund(order: RefundOrder) -> str:
    from .gateway import StripeGateway

    return StripeGateway().refund_payment_intent(payment_intent_id=order.payment_intent_id, deal_id=order.deal_id)


def stripe_event_process(*, event_id: int) -> StripeEvent | None:
    """Run the event's handler once. Safe to call again and concurrently: the row lock and
    `processed_at` make a repeat a no-op; refunds carry idempotency keys. Errors are kept in
    `last_error` and raised again (the task retries the transient ones)."""
    StripeEvent.objects.filter(pk=event_id, processed_at__isnull=True).update(
        attempts=F("attempts") + 1, last_attempt_at=timezone.now()
    )
    try:
        with transaction.atomic():
            event = _lock_unprocessed(event_id)
            if event is None:
                return None
            handler = HANDLERS.get(event.type)
            orders = handler(event.object) if handler is not None else []  # unknown types: stored, no action
            if not orders:
                _mark_processed(event)
                return event
        refunds = [(order, _refund(order)) for order in orders]  # network: outside any transaction
        with transaction.atomic():
            event = _lock_unprocessed(event_id)
            if event is None:
                return None
            for order, refund_id in refunds:
                order.record(refund_id)
            _mark_processed(event)
            return event
    except Exception as error:
        StripeEvent.objects.filter(pk=event_id).update(last_error=f"{type(error).__name__}: {error}"[:4000])
        raise


def stripe_events_replay(*, older_than: timedelta = timedelta(minutes=5), limit: int = 500) -> int:
    """Enqueue again the events still unprocessed some minutes after they arrived or were last tried."""
    cutoff = timezone.now() - older_than
    ids = list(
        StripeEvent.objects.filter(processed_at__isnull=True, received_at__lt=cutoff, attempts__lt=MAX_ATTEMPTS)
        .filter(Q(last_attempt_at__isnull=True) | Q(last_attempt_at__lt=cutoff))
        .order_by("received_at")
        .values_list("pk", flat=True)[:limit]
    )
    for event_id in ids:
        _enqueue(event_id)
    if ids:
        logger.info("Re-enqueued %d unprocessed Stripe events", len(ids))
    return len(ids)
