"""End to end through the real broker: a signed webhook → Redis → a Celery worker → the deal is paid."""

import time

import pytest

from ipmarket.market.models import Deal
from ipmarket.payments import tasks  # noqa: F401  (registers the tasks with the app)
from ipmarket.payments.models import StripeEvent

from .conftest import payment_intent, post_webhook, stripe_event


def wait_for(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def worker_caught_up(client) -> bool:
    """Post a no-op event behind everything sent so far and wait until the worker has processed it: the solo
    worker takes the queue in order, so whatever was enqueued before it has been handled too."""
    barrier = stripe_event("customer.updated", {"id": "cus_barrier", "object": "customer"})
    assert post_webhook(client, barrier).status_code == 200
    return wait_for(lambda: StripeEvent.objects.filter(stripe_id=barrier["id"], processed_at__isnull=False).exists())


@pytest.mark.django_db(transaction=True)
def test_a_webhook_reaches_a_real_worker_which_marks_the_deal_paid(client, accepted_deal, celery_worker_thread):
    event = stripe_event("payment_intent.succeeded", payment_intent(accepted_deal, intent_id="pi_e2e1"))

    response = post_webhook(client, event)
    assert response.status_code == 200
    paid = wait_for(lambda: Deal.objects.get(pk=accepted_deal.pk).state == Deal.State.PAID)
    assert paid, StripeEvent.objects.values("attempts", "last_error").first()
    assert post_webhook(client, event).status_code == 200  # Stripe delivers it again
    assert worker_caught_up(client), "the worker did not get through the queue"

    stored = StripeEvent.objects.get(stripe_id=event["id"])
    assert stored.processed_at is not None and stored.attempts == 1
    assert Deal.objects.get(pk=accepted_deal.pk).events.filter(action="paid").count() == 1
