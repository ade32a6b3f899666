"""StripeGateway against stripe-mock (stateless: it validates every parameter and answers with
fixtures). The recorder in front of it shows what we sent: amounts, metadata, idempotency keys."""

import pytest
from django.utils import translation
from djmoney.money import Money

from ipmarket.core.errors import GuardFailed, PaymentUnavailable
from ipmarket.market.models import Deal
from ipmarket.payments.gateway import StripeGateway, cancel_refusal
from ipmarket.payments.models import PayoutAccount, ReceivedPayment

pytestmark = pytest.mark.django_db


def posts(requests, path):
    return [r for r in requests if r.method == "POST" and r.path == path]


def set_deal(deal, **fields):
    """Put the deal in a state directly (the market services are tested in tests/market)."""
    Deal.objects.filter(pk=deal.pk).update(**fields)
    return Deal.objects.get(pk=deal.pk)


def test_create_payment_starts_a_cny_payment_intent_for_the_agreed_price(accepted_deal, stripe_requests):
    handle = StripeGateway().create_payment(accepted_deal)

    assert handle.payment_intent_id.startswith("pi_")
    assert "_secret_" in handle.client_secret
    [sent] = posts(stripe_requests, "/v1/payment_intents")
    assert sent.params["amount"] == "500000000"
    assert sent.params["currency"] == "cny"
    assert [sent.params[f"payment_method_types[{i}]"] for i in range(3)] == ["card", "alipay", "wechat_pay"]
    assert sent.params["payment_method_options[wechat_pay][client]"] == "web"
    assert sent.params["metadata[deal_id]"] == str(accepted_deal.pk)
    assert sent.params["transfer_group"] == f"deal-{accepted_deal.pk}"
    assert sent.headers["Idempotency-Key"] == f"deal-{accepted_deal.pk}-pay-500000000-cny"
    assert sent.headers["Authorization"] == "Bearer sk_test_123"


def test_a_retry_sends_the_same_idempotency_key_and_a_new_price_a_new_one(accepted_deal, stripe_requests):
    StripeGateway().create_payment(accepted_deal)
    StripeGateway().create_payment(accepted_deal)
    cheaper = set_deal(accepted_deal, price=Money("0.01", "CNY"))
    StripeGateway().create_payment(cheaper)

    keys = [r.headers["Idempotency-Key"] for r in posts(stripe_requests, "/v1/payment_intents")]
    assert keys == [keys[0], keys[0], f"deal-{accepted_deal.pk}-pay-1-cny"]


def test_a_deal_with_a_live_payment_intent_gets_it_back_instead_of_a_new_one(accepted_deal, stripe_requests):
    deal = set_deal(accepted_deal, payment_intent_id="pi_existing123")

    handle = StripeGateway().create_payment(deal)

    assert handle.payment_intent_id == "pi_existing123"
    assert handle.client_secret
    assert [(r.method, r.path) for r in stripe_requests] == [("GET", "/v1/payment_intents/pi_existing123")]


def test_cancel_payment_cancels_the_intent_once(accepted_deal, stripe_requests):
    deal = set_deal(accepted_deal, payment_intent_id="pi_tocancel")

    StripeGateway().cancel_payment(deal)

    [sent] = posts(stripe_requests, "/v1/payment_intents/pi_tocancel/cancel")
    assert sent.headers["Idempotency-Key"] == f"deal-{deal.pk}-cancel-pi_tocancel"


@pytest.mark.parametrize(
    ("status", "code"),
    [("succeeded", "payment_already_made"), ("processing", "payment_processing"), ("requires_payment_method", None)],
)
def test_a_payment_that_succeeded_or_is_processing_cannot_be_cancelled(status, code):
    refusal = cancel_refusal(status)
    assert (refusal.code if refusal else None) == code


def test_release_needs_the_sellers_payout_account(accepted_deal, stripe_requests):
    deal = set_deal(accepted_deal, state=Deal.State.RECORDED, payment_intent_id="pi_paid1")

    with pytest.raises(GuardFailed) as refused:
        StripeGateway().release_to_seller(deal)

    assert refused.value.code == "no_payout_account"
    assert stripe_requests == []


def test_release_transfers_the_price_from_the_charge_to_the_sellers_account(accepted_deal, stripe_requests):
    deal = set_deal(accepted_deal, state=Deal.State.RECORDED, payment_intent_id="pi_paid2")
    PayoutAccount.objects.create(organisation=deal.seller, stripe_account_id="acct_seller42")
    ReceivedPayment.objects.create(
        deal=deal, payment_intent_id="pi_paid2", charge_id="ch_paid2", amount=Money("5000000.00", "CNY")
    )

    transfer_id = StripeGateway().release_to_seller(deal)

    assert transfer_id.startswith("tr_")
    [sent] = posts(stripe_requests, "/v1/transfers")
    assert sent.params["amount"] == "500000000"
    assert sent.params["currency"] == "cny"
    assert sent.params["destination"] == "acct_seller42"
    assert sent.params["source_transaction"] == "ch_paid2"
    assert sent.params["transfer_group"] == f"deal-{deal.pk}"
    assert sent.headers["Idempotency-Key"] == f"deal-{deal.pk}-transfer-pi_paid2"


def test_release_without_a_known_charge_asks_stripe_and_pays_nothing_out_blindly(accepted_deal, stripe_requests):
    deal = set_deal(accepted_deal, state=Deal.State.RECORDED, payment_intent_id="pi_nocharge")
    PayoutAccount.objects.create(organisation=deal.seller, stripe_account_id="acct_seller43")

    with pytest.raises(PaymentUnavailable):  # stripe-mock's PaymentIntent has no latest_charge
        StripeGateway().release_to_seller(deal)

    assert [(r.method, r.path) for r in stripe_requests] == [("GET", "/v1/payment_intents/pi_nocharge")]


def test_refund_refunds_the_payment_intent_with_a_key_per_deal(accepted_deal, stripe_requests):
    deal = set_deal(accepted_deal, state=Deal.State.PAID, payment_intent_id="pi_refundme")

    refund_id = StripeGateway().refund(deal)

    assert refund_id.startswith("re_")
    [sent] = posts(stripe_requests, "/v1/refunds")
    assert sent.params["payment_intent"] == "pi_refundme"
    assert sent.headers["Idempotency-Key"] == f"deal-{deal.pk}-refund-pi_refundme"


def test_stripe_unreachable_is_payment_unavailable(accepted_deal, settings, closed_port_url):
    settings.STRIPE_API_BASE = closed_port_url
    with translation.override("en"), pytest.raises(PaymentUnavailable) as failed:
        StripeGateway().create_payment(accepted_deal)
    assert "cannot be reached" in failed.value.reason


def test_stripe_refusing_the_request_is_payment_unavailable(accepted_deal, settings):
    settings.STRIPE_API_KEY = "sk_live_not_accepted_by_stripe_mock"
    with pytest.raises(PaymentUnavailable):
        StripeGateway().refund(set_deal(accepted_deal, state=Deal.State.PAID, payment_intent_id="pi_x"))


def test_no_api_key_is_payment_unavailable(accepted_deal, settings):
    settings.STRIPE_API_KEY = ""
    with pytest.raises(PaymentUnavailable):
        StripeGateway().create_payment(accepted_deal)
