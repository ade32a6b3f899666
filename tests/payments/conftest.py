"""Fixtures of the payments tests: deals in the states payments act on, signed Stripe
webhooks, a private Celery queue on the real broker, and a recorder of what we send to
stripe-mock (a pass-through proxy: stripe-mock answers every request itself)."""

import hashlib
import hmac
import json
import socket
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from urllib.parse import parse_qsl

import pytest
from django.conf import settings
from djmoney.money import Money

from ipmarket.celery import app as celery_app
from ipmarket.market.services import deal_accept, inquiry_create
from tests.accounts.factories import OrganisationFactory, member_of
from tests.market.factories import ListingFactory

WEBHOOK_URL = "/payments/stripe/webhook/"


# --- Stripe webhooks, signed as Stripe signs them -----------------------------------


def stripe_signature(body: bytes, secret: str, timestamp: int | None = None) -> str:
    """The `Stripe-Signature` header: `t=<unix time>,v1=<HMAC-SHA256 of "t.body" with the secret>`."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def stripe_event(event_type: str, obj: dict, event_id: str | None = None) -> dict:
    return {
        "id": event_id or f"evt_{uuid.uuid4().hex[:24]}",
        "object": "event",
        "api_version": "2025-01-27.acacia",
        "created": int(time.time()),
        "livemode": False,
        "pending_webhooks": 1,
        "type": event_type,
        "data": {"object": obj},
    }


def payment_intent(deal, *, intent_id: str | None = None, amount: int | None = None, **fields) -> dict:
    """A succeeded PaymentIntent for the deal, as Stripe sends it in `payment_intent.succeeded`."""
    amount = int(deal.price.amount * 100) if amount is None else amount
    intent_id = intent_id or deal.payment_intent_id or f"pi_{uuid.uuid4().hex[:24]}"
    return {
        "id": intent_id,
        "object": "payment_intent",
        "amount": amount,
        "amount_received": amount,
        "currency": "cny",
        "status": "succeeded",
        "latest_charge": f"ch_{intent_id[3:]}",
        "metadata": {"deal_id": str(deal.pk)},
        **fields,
    }


def post_webhook(client, event: dict | bytes, *, secret: str | None = None, signature: str | None = None):
    """POST a webhook signed with `secret` (the test settings' by default); `signature=""` sends none."""
    body = event if isinstance(event, bytes) else json.dumps(event).encode()
    if signature is None:
        signature = stripe_signature(body, secret or settings.STRIPE_WEBHOOK_SECRET)
    headers = {"HTTP_STRIPE_SIGNATURE": signature} if signature else {}
    return client.post(WEBHOOK_URL, data=body, content_type="application/json", **headers)


# --- deals ----------------------------------------------------------------------------


@pytest.fixture
def parties(db):
    """A published listing of CNY 5,000,000.00, its seller's admin, and a buyer enterprise's member."""
    listing = ListingFactory(price=Money("5000000.00", "CNY"))
    buyer = OrganisationFactory()
    return SimpleNamespace(
        listing=listing,
        seller=listing.seller,
        seller_person=member_of(listing.seller, role="admin"),
        buyer=buyer,
        buyer_person=member_of(buyer),
    )


@pytest.fixture
def accepted_deal(parties):
    message = inquiry_create(listing=parties.listing, by=parties.buyer_person, message="我们希望获得许可。")
    return deal_accept(deal=message.deal, by=parties.seller_person, price=message.deal.price)


# --- a closed port, a private queue on the real broker --------------------------------


@pytest.fixture
def closed_port_url():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def celery_queue():
    """The default queue on the real broker, emptied before and after the test (tests run one at a time).
    Routing to a private queue instead would change the app's queue table for later workers."""
    name = celery_app.conf.task_default_queue
    celery_app.control.purge()
    yield name
    celery_app.control.purge()


def queued_event_ids(queue: str) -> list[int]:
    """Take the process_stripe_event messages off the queue; the event ids they carry."""
    ids = []
    with celery_app.connection_for_read() as conn:
        simple = conn.SimpleQueue(name=queue)
        try:
            while True:
                try:
                    message = simple.get(timeout=0.5)
                except simple.Empty:
                    break
                assert message.headers["task"] == "ipmarket.payments.tasks.process_stripe_event"
                args, _kwargs, _embed = message.decode()
                ids.append(args[0])
                message.ack()
        finally:
            simple.close()
    return ids


# --- what we send to Stripe -------------------------------------------------------------


@dataclass
class StripeRequest:
    method: str
    path: str
    headers: dict
    params: dict = field(default_factory=dict)


class _Recorder(BaseHTTPRequestHandler):
    upstream: str
    requests: list

    def _forward(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path, _, query = self.path.partition("?")
        self.requests.append(
            StripeRequest(self.command, path, dict(self.headers), dict(parse_qsl((body or query.encode()).decode())))
        )
        upstream = urllib.request.Request(
            self.upstream + self.path,
            data=body or None,
            method=self.command,
            headers={k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")},
        )
        try:
            with urllib.request.urlopen(upstream, timeout=10) as answer:
                status, headers, payload = answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as error:
            status, headers, payload = error.code, error.headers, error.read()
        self.send_response(status)
        for name in ("Content-Type", "Request-Id", "Stripe-Version"):
            if headers.get(name):
                self.send_header(name, headers[name])
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_DELETE = _forward

    def log_message(self, *args):
        pass


@pytest.fixture
def stripe_requests(settings):
    """Point STRIPE_API_BASE at a recorder in front of stripe-mock; yields the list of requests sent."""
    requests: list[StripeRequest] = []
    handler = type("Recorder", (_Recorder,), {"upstream": settings.STRIPE_API_BASE, "requests": requests})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{server.server_address[1]}"
    yield requests
    server.shutdown()
    server.server_close()
