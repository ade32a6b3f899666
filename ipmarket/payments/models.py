"""What the payments app stores: Stripe's webhook events (an inbox and outbox), the sellers'
Stripe connected accounts, and the payments Stripe reported as received."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField

from ipmarket.core import limits
from ipmarket.core.money import CURRENCY

stripe_account_id_validator = RegexValidator(
    r"^acct_[A-Za-z0-9]{1,250}$", _("A Stripe account id looks like “acct_1Nv0FGQ9RKHgCVdK”.")
)


class StripeEvent(models.Model):
    """One webhook delivery from Stripe, stored before it is processed (so nothing is lost when the
    broker is down) and processed once, however often Stripe delivers it."""

    stripe_id = models.CharField(_("Stripe event id"), max_length=255, unique=True)
    type = models.CharField(_("type"), max_length=100, db_index=True)
    payload = models.JSONField(_("payload"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(_("processing attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True, **limits.text_limit(limits.SYSTEM_ERROR))

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")

    def __str__(self):
        return f"{self.type} {self.stripe_id}"

    @property
    def object(self) -> dict:
        """The Stripe object the event is about (a PaymentIntent, a Charge…)."""
        return self.payload["data"]["object"]


class PayoutAccount(models.Model):
    """The Stripe connected account where an organisation's sales are paid out."""

    organisation = models.OneToOneField(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="payout_account",
        verbose_name=_("organisation"),
    )
    stripe_account_id = models.CharField(
        _("Stripe account id"), max_length=255, unique=True, validators=[stripe_account_id_validator]
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("payout account")
        verbose_name_plural = _("payout accounts")

    def __str__(self):
        return f"{self.organisation} · {self.stripe_account_id}"


class ReceivedPayment(models.Model):
    """A PaymentIntent Stripe reported as succeeded for a deal: the money the platform holds.

    Keeps the charge id that the transfer to the seller is made from, and a refund made here
    of a payment the deal could not keep (a late or mismatched payment)."""

    deal = models.ForeignKey("market.Deal", on_delete=models.PROTECT, related_name="received_payments")
    payment_intent_id = models.CharField(_("PaymentIntent id"), max_length=255, unique=True)
    charge_id = models.CharField(_("charge id"), max_length=255, blank=True)
    amount = MoneyField(_("amount"), max_digits=14, decimal_places=2, default_currency=CURRENCY)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    refund_id = models.CharField(_("refund id"), max_length=255, blank=True)
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("received payment")
        verbose_name_plural = _("received payments")

    def __str__(self):
        return f"{self.payment_intent_id} · {self.amount}"
