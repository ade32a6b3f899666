"""Shapes of API answers built by hand (a dict, not a model serializer), for the OpenAPI schema.

The views return these dicts themselves; the serializers here only describe them (`@extend_schema`).
Amounts are decimal strings with two places, as everywhere in the API.
"""

from rest_framework import serializers


def _amount(**kwargs):
    return serializers.DecimalField(max_digits=16, decimal_places=2, **kwargs)


class QuotePeriodSerializer(serializers.Serializer):
    period = serializers.IntegerField()
    principal = _amount()
    interest = _amount()
    payment = _amount()
    balance = _amount()


class QuoteResultSerializer(serializers.Serializer):
    """`POST /api/v1/financing/quote/`: the repayment schedule and its totals."""

    schedule = QuotePeriodSerializer(many=True)
    total_interest = _amount()
    total_payment = _amount()


class LossSharesSerializer(serializers.Serializer):
    fund = _amount()
    insurer = _amount()
    bank = _amount()


class LossSplitResultSerializer(serializers.Serializer):
    """`POST /api/v1/financing/programmes/{id}/loss-split/`: who bears a loss, and recoveries paid back."""

    loss_base = _amount()
    fund = _amount()
    insurer = _amount()
    bank = _amount()
    recovery = LossSharesSerializer()
    final = LossSharesSerializer()


class PaymentHandleSerializer(serializers.Serializer):
    """The deal action `pay`: the Stripe PaymentIntent the buyer confirms in the browser."""

    payment_intent_id = serializers.CharField()
    client_secret = serializers.CharField()


class InquiryCreatedSerializer(serializers.Serializer):
    """A listing inquiry: the message and the deal it opened (or joined)."""

    id = serializers.IntegerField()
    deal = serializers.IntegerField()
