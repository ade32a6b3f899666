"""Fault drill: the payment provider (Stripe) cannot be reached while a buyer pays, then comes back.

The web process runs as in production (gunicorn, deploy/gunicorn.conf.py, the production settings) on this
test's database, with STRIPE_API_BASE pointing at a private stripe-mock on a port of its own
(loadtest/stack.py); the suite's stripe-mock is never touched. Two accepted deals: the first is paid while
stripe-mock runs; stripe-mock is stopped and the buyer of the second pays; stripe-mock is started again on
the same port and the buyer pays again.

Proves: with the provider down, `pay` answers 502 `{"detail", "code": "payment_provider_error"}` (the API's
contract for a provider that failed: docs/payments.md) after the client's own retries, and nothing changed:
the deal's row (state, payment intent, every other field), its history and the payment tables are as
before; once the provider is back the same request succeeds (200 with the PaymentIntent's id and client
secret, the deal `accepted` with that intent, waiting for Stripe's webhook), without restarting anything.
"""

import json
import time

import pytest
import requests

from ipmarket.market.models import Deal, Event
from ipmarket.payments.models import ReceivedPayment, StripeEvent
from loadtest import stack
from tests.accounts.factories import OrganisationFactory, member_of
from tests.drills.conftest import api_session, drill_env, running, start_web
from tests.market.factories import ListingFactory, deal_in

pytestmark = [pytest.mark.integration, pytest.mark.drill]


class PrivateStripeMock:
    """stripe-mock on a port of its own; `stop()` and `start()` again on the same port."""

    def __init__(self):
        self.port = stack.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: stack.Process | None = None

    def start(self) -> None:
        self.process = stack.stripe_mock(self.port, name="drill-stripe-mock").start()
        process = self.process

        def answering() -> bool:
            if not process.running:
                raise RuntimeError(f"stripe-mock exited:\n{process.log_tail()}")
            return stack.answers(f"{self.url}/v1/customers")

        stack.wait_until(answering, timeout=30, what=f"stripe-mock on {self.url}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()
        stack.wait_until(lambda: not stack.port_open(self.port), timeout=20, what=f"stripe-mock on {self.url} gone")


@pytest.fixture
def private_stripe_mock():
    mock = PrivateStripeMock()
    try:
        mock.start()
        yield mock
    finally:
        if mock.process is not None:
            mock.process.stop()


def snapshot(deal_id: int) -> dict:
    """Everything the database holds about the deal's payment: its row, its history, the payment tables."""
    return {
        "deal": Deal.objects.filter(pk=deal_id).values().get(),
        "events": list(Event.objects.filter(deal_id=deal_id).values_list("id", "action")),
        "stripe_events": StripeEvent.objects.count(),
        "received_payments": ReceivedPayment.objects.count(),
    }


def test_pay_while_stripe_is_down_changes_nothing_and_succeeds_once_it_is_back(database_url, private_stripe_mock):
    buyer = member_of(OrganisationFactory(kind="enterprise"))
    paid_first = deal_in(Deal.State.ACCEPTED, ListingFactory(), buyer_person=buyer)
    deal = deal_in(Deal.State.ACCEPTED, ListingFactory(), buyer_person=buyer)
    session = api_session(buyer)
    session.headers["Accept-Language"] = "en"
    env = drill_env(database_url, STRIPE_API_BASE=private_stripe_mock.url)
    web, base_url = start_web(env, name="drill-stripe-web", workers=2)

    def pay(deal_id: int) -> tuple[requests.Response, float]:
        started = time.monotonic()
        response = session.post(f"{base_url}/api/v1/deals/{deal_id}/actions/pay/", json={}, timeout=90)
        return response, round(time.monotonic() - started, 2)

    with running(web):
        stack.wait_healthy(base_url, process=web)

        # The provider up: paying works.
        response, up_seconds = pay(paid_first.pk)
        assert response.status_code == 200, response.text
        assert response.json()["payment_intent_id"].startswith("pi_")

        # The provider down: 502 with a message, nothing changed.
        before = snapshot(deal.pk)
        private_stripe_mock.stop()
        response, down_seconds = pay(deal.pk)
        assert response.status_code == 502, response.text
        assert response.json() == {
            "detail": "The payment provider cannot be reached right now; nothing was changed. Please try again.",
            "code": "payment_provider_error",
        }
        assert snapshot(deal.pk) == before
        assert (before["deal"]["state"], before["deal"]["payment_intent_id"]) == (Deal.State.ACCEPTED, "")

        # The provider back on the same address: the same request succeeds, no restart of the web process.
        private_stripe_mock.start()
        response, back_seconds = pay(deal.pk)
        assert response.status_code == 200, response.text
        handle = response.json()
        assert set(handle) == {"payment_intent_id", "client_secret"}
        assert handle["payment_intent_id"].startswith("pi_") and handle["client_secret"]
        assert web.running

    after = Deal.objects.get(pk=deal.pk)
    assert (after.state, after.payment_intent_id) == (Deal.State.ACCEPTED, handle["payment_intent_id"])
    assert [action for _id, action in snapshot(deal.pk)["events"]][len(before["events"]) :] == ["pay"]
    print(
        "\nstripe-mock outage drill:",
        json.dumps({"pay_up_s": up_seconds, "pay_down_s": down_seconds, "pay_after_restart_s": back_seconds}),
    )
