"""A deal's money through the HTTP API: pay (stripe-mock), the webhook, recordal, release, refund."""

import pytest

from ipmarket.market.models import Deal
from ipmarket.payments.models import StripeEvent
from ipmarket.payments.services import payout_account_set
from ipmarket.payments.tasks import process_stripe_event

from .conftest import payment_intent, post_webhook, stripe_event

pytestmark = pytest.mark.django_db


def act(api, person, deal_id, action, body=None):
    api.force_authenticate(person)
    return api.post(f"/api/v1/deals/{deal_id}/actions/{action}/", body or {}, format="json")


def accept(api, person, deal_id):
    """The seller accepts the price the deal shows (compare-and-set)."""
    api.force_authenticate(person)
    price = api.get(f"/api/v1/deals/{deal_id}/").json()["price"]
    return act(api, person, deal_id, "accept", {"price": price})


def webhook_delivered(client, django_capture_on_commit_callbacks, event: dict):
    """Stripe posts the event; the worker's job is done here in the test's thread (see test_worker_e2e)."""
    with django_capture_on_commit_callbacks(execute=False):
        assert post_webhook(client, event).status_code == 200
    process_stripe_event.run(StripeEvent.objects.get(stripe_id=event["id"]).pk)


@pytest.fixture
def deal_id(api, parties):
    api.force_authenticate(parties.buyer_person)
    response = api.post(
        f"/api/v1/listings/{parties.listing.pk}/inquiries/", {"message": "我们希望获得许可。"}, format="json"
    )
    assert response.status_code == 201
    return response.json()["deal"]


@pytest.fixture
def paid_deal_id(api, client, parties, deal_id, django_capture_on_commit_callbacks):
    assert accept(api, parties.seller_person, deal_id).json()["state"] == "accepted"
    handle = act(api, parties.buyer_person, deal_id, "pay").json()
    event = stripe_event("payment_intent.succeeded", payment_intent(Deal.objects.get(pk=deal_id)))
    assert event["data"]["object"]["id"] == handle["payment_intent_id"]
    webhook_delivered(client, django_capture_on_commit_callbacks, event)
    return deal_id


def test_pay_before_accept_is_an_invalid_transition(api, parties, deal_id):
    response = act(api, parties.buyer_person, deal_id, "pay")

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert sorted(response.json()["allowed"]) == ["accept", "cancel"]


def test_the_whole_deal_from_payment_to_release(api, client, parties, deal_id, django_capture_on_commit_callbacks):
    assert accept(api, parties.seller_person, deal_id).json()["state"] == "accepted"

    response = act(api, parties.buyer_person, deal_id, "pay")
    assert response.status_code == 200
    handle = response.json()
    assert set(handle) == {"payment_intent_id", "client_secret"}
    assert handle["payment_intent_id"].startswith("pi_") and handle["client_secret"]
    assert act(api, parties.buyer_person, deal_id, "pay").json() == handle  # paying again: the same payment

    deal = Deal.objects.get(pk=deal_id)
    assert deal.payment_intent_id == handle["payment_intent_id"]
    webhook_delivered(
        client, django_capture_on_commit_callbacks, stripe_event("payment_intent.succeeded", payment_intent(deal))
    )
    api.force_authenticate(parties.buyer_person)
    assert api.get(f"/api/v1/deals/{deal_id}/").json()["state"] == "paid"

    response = act(api, parties.seller_person, deal_id, "confirm_recordal", {"recordal_number": "2025990000123"})
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["recordal_number"]) == ("recorded", "2025990000123")

    refused = act(api, parties.buyer_person, deal_id, "release")
    assert refused.status_code == 400 and refused.json()["code"] == "no_payout_account"
    assert Deal.objects.get(pk=deal_id).state == Deal.State.RECORDED

    payout_account_set(organisation=parties.seller, stripe_account_id="acct_sellerflow1", by=parties.seller_person)
    response = act(api, parties.buyer_person, deal_id, "release")
    assert response.status_code == 200 and response.json()["state"] == "released"
    assert Deal.objects.get(pk=deal_id).transfer_id.startswith("tr_")


def test_cancelling_a_paid_deal_refunds_it(api, parties, paid_deal_id):
    response = act(api, parties.buyer_person, paid_deal_id, "cancel", {"note": "双方协商取消"})

    assert response.status_code == 200
    assert response.json()["state"] == "refunded"
    assert Deal.objects.get(pk=paid_deal_id).refund_id.startswith("re_")


def test_when_stripe_is_down_pay_answers_502_and_nothing_changes(api, parties, deal_id, settings, closed_port_url):
    accept(api, parties.seller_person, deal_id)
    settings.STRIPE_API_BASE = closed_port_url

    response = act(api, parties.buyer_person, deal_id, "pay")

    assert response.status_code == 502
    assert response.json()["code"] == "payment_provider_error"
    deal = Deal.objects.get(pk=deal_id)
    assert (deal.state, deal.payment_intent_id) == (Deal.State.ACCEPTED, "")


def test_when_stripe_is_down_a_paid_deal_is_not_cancelled(api, parties, paid_deal_id, settings, closed_port_url):
    settings.STRIPE_API_BASE = closed_port_url

    response = act(api, parties.seller_person, paid_deal_id, "cancel")

    assert response.status_code == 502
    assert Deal.objects.get(pk=paid_deal_id).state == Deal.State.PAID


def test_cancelling_an_accepted_deal_cancels_its_started_payment(api, parties, deal_id, stripe_requests):
    accept(api, parties.seller_person, deal_id)
    intent_id = act(api, parties.buyer_person, deal_id, "pay").json()["payment_intent_id"]

    response = act(api, parties.buyer_person, deal_id, "cancel")

    assert response.status_code == 200 and response.json()["state"] == "cancelled"
    assert [r.path for r in stripe_requests if r.method == "POST"][-1] == f"/v1/payment_intents/{intent_id}/cancel"
