"""The marketplace's payment gateway on Stripe: separate charges and transfers (docs/payments.md).

The buyer's PaymentIntent is charged to the platform's own Stripe account, so the money is
held there for as long as the CNIPA recordal takes; `release_to_seller` transfers it to the
seller's connected account, `refund` gives it back to the buyer. Every call that moves money
carries an idempotency key derived from the deal, so a retry never charges, pays out or
refunds twice. The deal services call these methods outside database transactions.
"""

import stripe
from django.utils.translation import gettext as _

from ipmarket.core.errors import GuardFailed, PaymentUnavailable
from ipmarket.core.money import CURRENCY
from ipmarket.market.payments import PaymentHandle

from .client import stripe_client, stripe_errors
from .models import PayoutAccount, ReceivedPayment
from .money import to_minor_units

PAYMENT_METHOD_TYPES = ["card", "alipay", "wechat_pay"]


def transfer_group(deal_id: int) -> str:
    return f"deal-{deal_id}"


def payment_idempotency_key(deal_id: int, amount: int, replaces: str = "") -> str:
    """Same deal and amount → same key → the same PaymentIntent at Stripe (for 24 hours)."""
    key = f"deal-{deal_id}-pay-{amount}-{CURRENCY.lower()}"
    return f"{key}-after-{replaces}" if replaces else key


def transfer_idempotency_key(deal_id: int, payment_intent_id: str) -> str:
    return f"deal-{deal_id}-transfer-{payment_intent_id}"


def refund_idempotency_key(deal_id: int, payment_intent_id: str) -> str:
    return f"deal-{deal_id}-refund-{payment_intent_id}"


def cancel_idempotency_key(deal_id: int, payment_intent_id: str) -> str:
    return f"deal-{deal_id}-cancel-{payment_intent_id}"


def cancel_refusal(status: str) -> GuardFailed | None:
    """Why a PaymentIntent in this status cannot be cancelled (None: it can, or it already is)."""
    if status == "succeeded":
        return GuardFailed(
            "payment_already_made",
            _("The buyer has already paid: the deal will show as paid shortly, then cancelling refunds the money."),
        )
    if status == "processing":
        return GuardFailed(
            "payment_processing", _("The buyer's payment is being processed; try again in a few minutes.")
        )
    return None


class StripeGateway:
    """`ipmarket.market.payments.PaymentGateway` on Stripe."""

    def create_payment(self, deal) -> PaymentHandle:
        amount = to_minor_units(deal.price)
        replaces = ""
        with stripe_errors():
            client = stripe_client()
            if deal.payment_intent_id:
                intent = client.v1.payment_intents.retrieve(deal.payment_intent_id)
                if intent.status != "canceled":
                    return PaymentHandle(intent.id, intent.client_secret)
                replaces = intent.id
            intent = client.v1.payment_intents.create(
                params={
                    "amount": amount,
                    "currency": deal.price.currency.code.lower(),  # Stripe writes currencies in lower case
                    "payment_method_types": PAYMENT_METHOD_TYPES,
                    # WeChat Pay needs to know where the buyer pays: a QR code on the web page.
                    "payment_method_options": {"wechat_pay": {"client": "web"}},
                    "description": f"IP deal #{deal.pk}",
                    "metadata": {"deal_id": str(deal.pk), "listing_id": str(deal.listing_id)},
                    "transfer_group": transfer_group(deal.pk),
                },
                options={"idempotency_key": payment_idempotency_key(deal.pk, amount, replaces)},
            )
        return PaymentHandle(intent.id, intent.client_secret)

    def cancel_payment(self, deal) -> None:
        with stripe_errors():
            client = stripe_client()
            intent = client.v1.payment_intents.retrieve(deal.payment_intent_id)
            refusal = cancel_refusal(intent.status)
            if refusal is not None:
                raise refusal
            if intent.status == "canceled":
                return
            client.v1.payment_intents.cancel(
                intent.id,
                params={"cancellation_reason": "abandoned"},
                options={"idempotency_key": cancel_idempotency_key(deal.pk, intent.id)},
            )

    def release_to_seller(self, deal) -> str:
        account = PayoutAccount.objects.filter(organisation_id=deal.seller_id).first()
        if account is None:
            raise GuardFailed(
                "no_payout_account",
                _("The seller has not registered a payout account yet, so the money cannot be paid out."),
            )
        amount = to_minor_units(deal.price)
        with stripe_errors():
            charge_id = self._charge_of(deal.payment_intent_id)
            transfer = stripe_client().v1.transfers.create(
                params={
                    "amount": amount,
                    "currency": deal.price.currency.code.lower(),  # Stripe writes currencies in lower case
                    "destination": account.stripe_account_id,
                    "source_transaction": charge_id,
                    "transfer_group": transfer_group(deal.pk),
                    "description": f"IP deal #{deal.pk}",
                    "metadata": {"deal_id": str(deal.pk)},
                },
                options={"idempotency_key": transfer_idempotency_key(deal.pk, deal.payment_intent_id)},
            )
        return transfer.id

    def refund(self, deal) -> str:
        return self.refund_payment_intent(payment_intent_id=deal.payment_intent_id, deal_id=deal.pk)

    def refund_payment_intent(self, *, payment_intent_id: str, deal_id: int) -> str:
        """Refund all of a PaymentIntent made for the deal; returns the refund id (the same one on a retry)."""
        if not payment_intent_id:
            raise GuardFailed("no_payment", _("There is no payment to refund."))
        with stripe_errors():
            client = stripe_client()
            try:
                refund = client.v1.refunds.create(
                    params={"payment_intent": payment_intent_id, "metadata": {"deal_id": str(deal_id)}},
                    options={"idempotency_key": refund_idempotency_key(deal_id, payment_intent_id)},
                )
            except stripe.InvalidRequestError as error:
                if error.code != "charge_already_refunded":
                    raise
                # Refunded before, longer ago than Stripe keeps idempotency keys (24 hours).
                refunds = client.v1.refunds.list(params={"payment_intent": payment_intent_id, "limit": 1})
                if not refunds.data:
                    raise
                refund = refunds.data[0]
        return refund.id

    @staticmethod
    def _charge_of(payment_intent_id: str) -> str:
        """The charge of a succeeded PaymentIntent: from its webhook, else asked from Stripe."""
        received = ReceivedPayment.objects.filter(payment_intent_id=payment_intent_id).exclude(charge_id="").first()
        if received is not None:
            return received.charge_id
        charge = stripe_client().v1.payment_intents.retrieve(payment_intent_id).latest_charge
        if not charge:
            raise PaymentUnavailable(
                _("The payment provider has not reported this payment's charge yet; try again later.")
            )
        return charge if isinstance(charge, str) else charge.id
