"""POST /payments/stripe/webhook/: the signature is always checked; an event is stored once and
enqueued once, after commit."""

import json
import time

import pytest
from django.urls import reverse

from ipmarket.payments.models import StripeEvent

from .conftest import WEBHOOK_URL, payment_intent, post_webhook, queued_event_ids, stripe_event, stripe_signature

pytestmark = pytest.mark.django_db


def test_the_url_is_the_contracts():
    assert reverse("stripe-webhook") == WEBHOOK_URL


def test_a_signed_event_is_stored_and_enqueued_on_commit(
    client, accepted_deal, django_capture_on_commit_callbacks, celery_queue
):
    event = stripe_event("payment_intent.succeeded", payment_intent(accepted_deal))

    with django_capture_on_commit_callbacks(execute=False) as on_commit:
        response = post_webhook(client, event)
        assert queued_event_ids(celery_queue) == []  # nothing is sent before the row is committed

    assert response.status_code == 200
    assert response.json() == {"received": True}
    stored = StripeEvent.objects.get()
    assert (stored.stripe_id, stored.type, stored.payload) == (event["id"], event["type"], event)
    assert stored.processed_at is None and stored.attempts == 0
    assert len(on_commit) == 1
    on_commit[0]()  # the commit
    assert queued_event_ids(celery_queue) == [stored.pk]


@pytest.mark.parametrize(
    "sign",
    [
        pytest.param(lambda body: stripe_signature(body, "whsec_someone_else"), id="wrong secret"),
        pytest.param(lambda body: stripe_signature(body.replace(b"cny", b"usd"), "whsec_test_secret"), id="tampered"),
        pytest.param(lambda body: "", id="missing header"),
        pytest.param(lambda body: "t=abc,v1=zzz", id="garbled header"),
        pytest.param(lambda body: stripe_signature(body, "whsec_test_secret", int(time.time()) - 3600), id="too old"),
    ],
)
def test_a_bad_signature_is_refused_and_nothing_is_stored(client, accepted_deal, sign):
    body = json.dumps(stripe_event("payment_intent.succeeded", payment_intent(accepted_deal))).encode()

    response = post_webhook(client, body, signature=sign(body))

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_signature"
    assert response.json()["detail"]
    assert not StripeEvent.objects.exists()


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", b'{"object": "event", "type": "x", "data": {}}', b'{"id": "evt_1", "object": "list"}'],
)
def test_a_signed_body_that_is_not_an_event_is_refused(client, db, body):
    response = post_webhook(client, body)

    assert response.status_code == 400
    assert response.json()["code"] == "malformed_event"
    assert not StripeEvent.objects.exists()


def test_the_same_event_twice_is_stored_and_enqueued_once(client, accepted_deal, django_capture_on_commit_callbacks):
    event = stripe_event("payment_intent.succeeded", payment_intent(accepted_deal))

    with django_capture_on_commit_callbacks() as enqueued:
        first = post_webhook(client, event)
        again = post_webhook(client, event)

    assert (first.status_code, again.status_code) == (200, 200)
    assert StripeEvent.objects.count() == 1
    assert len(enqueued) == 1


def test_only_post(client, db):
    assert client.get(WEBHOOK_URL).status_code == 405


def test_without_a_configured_secret_nothing_is_accepted(client, accepted_deal, settings):
    event = stripe_event("payment_intent.succeeded", payment_intent(accepted_deal))
    settings.STRIPE_WEBHOOK_SECRET = ""

    response = post_webhook(client, event, secret="whsec_test_secret")

    assert response.status_code == 503
    assert response.json()["code"] == "webhook_not_configured"
    assert not StripeEvent.objects.exists()
