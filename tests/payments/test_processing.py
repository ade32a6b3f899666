"""Processing stored Stripe events (the task's body, run here in the test's thread)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from djmoney.money import Money

from ipmarket.core.errors import PaymentUnavailable
from ipmarket.market.models import Deal, Event
from ipmarket.market.services import deal_cancel
from ipmarket.payments.models import ReceivedPayment, StripeEvent
from ipmarket.payments.services import MAX_ATTEMPTS, stripe_event_record, stripe_events_replay
from ipmarket.payments.tasks import process_stripe_event, replay_unprocessed_events

from .conftest import payment_intent, queued_event_ids, stripe_event

pytestmark = pytest.mark.django_db


def stored(event_type, obj, **fields) -> StripeEvent:
    event, _created = stripe_event_record(
        stripe_id=f"evt_{obj['id']}_{event_type}", event_type=event_type, payload=stripe_event(event_type, obj)
    )
    if fields:
        StripeEvent.objects.filter(pk=event.pk).update(**fields)
    return event


def process(event: StripeEvent) -> StripeEvent:
    process_stripe_event.run(event.pk)
    return StripeEvent.objects.get(pk=event.pk)


def actions(deal) -> list[str]:
    return list(Event.objects.filter(deal=deal).values_list("action", flat=True))


def test_a_succeeded_payment_marks_the_accepted_deal_paid(accepted_deal):
    event = stored("payment_intent.succeeded", payment_intent(accepted_deal, intent_id="pi_good1"))

    event = process(event)

    deal = Deal.objects.get(pk=accepted_deal.pk)
    assert deal.state == Deal.State.PAID
    assert deal.payment_intent_id == "pi_good1"
    assert event.processed_at is not None and event.attempts == 1 and event.last_error == ""
    received = ReceivedPayment.objects.get(payment_intent_id="pi_good1")
    assert (received.deal_id, received.charge_id, received.amount) == (
        deal.pk,
        "ch_good1",
        Money("5000000.00", "CNY"),
    )


def test_processing_an_event_again_changes_nothing(accepted_deal):
    event = process(stored("payment_intent.succeeded", payment_intent(accepted_deal, intent_id="pi_twice")))
    before = (actions(accepted_deal), Deal.objects.get(pk=accepted_deal.pk).paid_at)

    again = process(event)

    assert (actions(accepted_deal), Deal.objects.get(pk=accepted_deal.pk).paid_at) == before
    assert actions(accepted_deal).count("paid") == 1
    assert (again.processed_at, again.attempts) == (event.processed_at, 1)


def test_a_payment_for_a_cancelled_deal_is_refunded_and_recorded(accepted_deal, parties, stripe_requests):
    deal = deal_cancel(deal=accepted_deal, by=parties.buyer_person)  # no payment started: nothing to call
    assert deal.state == Deal.State.CANCELLED

    event = process(stored("payment_intent.succeeded", payment_intent(deal, intent_id="pi_late1")))

    assert Deal.objects.get(pk=deal.pk).state == Deal.State.CANCELLED
    [refund] = [r for r in stripe_requests if r.path == "/v1/refunds"]
    assert refund.params["payment_intent"] == "pi_late1"
    assert refund.headers["Idempotency-Key"] == f"deal-{deal.pk}-refund-pi_late1"
    received = ReceivedPayment.objects.get(payment_intent_id="pi_late1")
    assert received.refund_id.startswith("re_") and received.refunded_at is not None
    late = Event.objects.get(deal=deal, action="refund_late_payment")
    assert late.note.startswith(f"pi_late1 → {received.refund_id}")
    assert event.processed_at is not None


def test_a_payment_of_another_amount_is_refunded_and_the_deal_stays_accepted(accepted_deal, stripe_requests):
    event = process(stored("payment_intent.succeeded", payment_intent(accepted_deal, intent_id="pi_short", amount=100)))

    assert Deal.objects.get(pk=accepted_deal.pk).state == Deal.State.ACCEPTED
    assert [r.params["payment_intent"] for r in stripe_requests if r.path == "/v1/refunds"] == ["pi_short"]
    assert "refund_unmatched_payment" in actions(accepted_deal)
    assert event.processed_at is not None


def test_a_second_payment_of_a_paid_deal_is_refunded(accepted_deal, stripe_requests):
    process(stored("payment_intent.succeeded", payment_intent(accepted_deal, intent_id="pi_first")))

    process(stored("payment_intent.succeeded", payment_intent(accepted_deal, intent_id="pi_second")))

    deal = Deal.objects.get(pk=accepted_deal.pk)
    assert (deal.state, deal.payment_intent_id) == (Deal.State.PAID, "pi_first")
    assert [r.params["payment_intent"] for r in stripe_requests if r.path == "/v1/refunds"] == ["pi_second"]


def test_when_stripe_is_down_the_refund_is_retried_later_and_made_once(
    accepted_deal, parties, settings, closed_port_url, stripe_requests
):
    deal = deal_cancel(deal=accepted_deal, by=parties.buyer_person)
    event = stored("payment_intent.succeeded", payment_intent(deal, intent_id="pi_late2"))
    recorder = settings.STRIPE_API_BASE
    settings.STRIPE_API_BASE = closed_port_url

    with pytest.raises(PaymentUnavailable):  # the task retries it (autoretry_for)
        process_stripe_event.run(event.pk)

    event.refresh_from_db()
    assert event.processed_at is None and event.attempts == 1
    assert event.last_error.startswith("PaymentUnavailable")
    assert not Event.objects.filter(deal=deal, action="refund_late_payment").exists()

    settings.STRIPE_API_BASE = recorder
    event = process(event)
    assert event.processed_at is not None and event.attempts == 2 and event.last_error == ""
    assert Event.objects.filter(deal=deal, action="refund_late_payment").count() == 1
    assert len([r for r in stripe_requests if r.path == "/v1/refunds"]) == 1


def test_a_succeeded_payment_naming_no_deal_of_ours_is_only_stored(db):
    obj = {"id": "pi_foreign", "object": "payment_intent", "amount": 100, "currency": "cny", "metadata": {}}
    event = process(stored("payment_intent.succeeded", obj))
    assert event.processed_at is not None
    assert not ReceivedPayment.objects.exists()


def test_an_unknown_event_type_is_stored_and_marked_processed(db):
    event = process(stored("customer.created", {"id": "cus_1", "object": "customer"}))
    assert event.processed_at is not None and event.last_error == ""


def test_a_failed_payment_leaves_the_deal_accepted_and_says_why(accepted_deal):
    intent = payment_intent(accepted_deal, intent_id="pi_declined", status="requires_payment_method", amount_received=0)
    intent["last_payment_error"] = {"code": "card_declined", "message": "Your card was declined."}

    process(stored("payment_intent.payment_failed", intent))

    assert Deal.objects.get(pk=accepted_deal.pk).state == Deal.State.ACCEPTED
    assert Event.objects.get(deal=accepted_deal, action="payment_failed").note == "pi_declined: card_declined"


def test_a_refund_made_at_stripe_of_a_paid_deal_is_written_on_the_deal(accepted_deal):
    process(stored("payment_intent.succeeded", payment_intent(accepted_deal, intent_id="pi_dash")))
    charge = {
        "id": "ch_dash",
        "object": "charge",
        "payment_intent": "pi_dash",
        "amount": 500000000,
        "amount_refunded": 500000000,
        "refunded": True,
    }

    process(stored("charge.refunded", charge))

    assert Deal.objects.get(pk=accepted_deal.pk).state == Deal.State.PAID
    assert "refunded_at_provider" in actions(accepted_deal)
    assert ReceivedPayment.objects.get(payment_intent_id="pi_dash").refunded_at is not None


def test_the_refund_of_a_cancelled_paid_deal_needs_no_attention(accepted_deal, parties):
    process(stored("payment_intent.succeeded", payment_intent(accepted_deal, intent_id="pi_back")))
    deal = deal_cancel(deal=Deal.objects.get(pk=accepted_deal.pk), by=parties.seller_person)
    assert deal.state == Deal.State.REFUNDED
    charge = {"id": "ch_back", "object": "charge", "payment_intent": "pi_back", "refunded": True}

    process(stored("charge.refunded", charge))

    assert "refunded_at_provider" not in actions(deal)


def test_the_replay_enqueues_only_events_left_unprocessed_for_a_while(accepted_deal, celery_queue):
    long_ago = timezone.now() - timedelta(minutes=30)
    stuck = stored("payment_intent.succeeded", payment_intent(accepted_deal, intent_id="pi_stuck"))
    StripeEvent.objects.filter(pk=stuck.pk).update(received_at=long_ago)
    stored("payment_intent.succeeded", payment_intent(accepted_deal, intent_id="pi_fresh"))  # just arrived
    stored("customer.created", {"id": "cus_2"}, received_at=long_ago, processed_at=long_ago)
    stored("customer.created", {"id": "cus_3"}, received_at=long_ago, last_attempt_at=timezone.now())
    stored("customer.created", {"id": "cus_4"}, received_at=long_ago, attempts=MAX_ATTEMPTS)
    assert queued_event_ids(celery_queue) == []

    assert replay_unprocessed_events.run() == 1

    assert queued_event_ids(celery_queue) == [stuck.pk]
    assert stripe_events_replay() == 1  # still unprocessed: enqueued again next time
