"""Celery tasks of the payments app. They take ids, import services inside, and are idempotent."""

from celery import shared_task
from django.db import OperationalError

from ipmarket.core.errors import PaymentUnavailable

# Worth retrying: Stripe unreachable (a late refund), the database busy (deadlock, lock timeout).
TRANSIENT_ERRORS = (PaymentUnavailable, OperationalError)


@shared_task(
    acks_late=True,
    # Above the worst case of a late refund: 3 tries of (5 s connect + 30 s read) plus backoff.
    soft_time_limit=150,
    time_limit=180,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
    ignore_result=True,
)
def process_stripe_event(event_id: int) -> None:
    """Process one stored Stripe event (see services.stripe_event_process)."""
    from .services import stripe_event_process

    stripe_event_process(event_id=event_id)


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90, ignore_result=True)
def replay_unprocessed_events(older_than_seconds: int = 300) -> int:
    """The outbox sweep (beat, every few minutes): nothing is lost if the broker was down."""
    from datetime import timedelta

    from .services import stripe_events_replay

    return stripe_events_replay(older_than=timedelta(seconds=older_than_seconds))
