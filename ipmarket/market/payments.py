"""What the marketplace needs from a payment provider, and where to find it.

The deal services call the gateway named in settings.MARKET_PAYMENT_GATEWAY
(`ipmarket.payments.gateway.StripeGateway`): the marketplace owns the deal's
states, `ipmarket.payments` owns everything about Stripe. Gateway calls are
network calls: the services make them outside database transactions, with an
idempotency key so a retry never charges, transfers or refunds twice.
"""

from dataclasses import dataclass
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class PaymentHandle:
    payment_intent_id: str
    client_secret: str


class PaymentGateway(Protocol):
    def create_payment(self, deal) -> PaymentHandle:
        """Start (or return the already started) payment of the deal's price by the buyer."""

    def cancel_payment(self, deal) -> None:
        """Cancel a started payment that has not succeeded (raises PaymentUnavailable if it has)."""

    def release_to_seller(self, deal) -> str:
        """Pay the held money out to the seller; returns the transfer id."""

    def refund(self, deal) -> str:
        """Give the held money back to the buyer; returns the refund id."""


@cache
def _gateway_class(path: str):
    return import_string(path)


def gateway() -> PaymentGateway:
    return _gateway_class(settings.MARKET_PAYMENT_GATEWAY)()
