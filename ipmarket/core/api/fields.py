from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _
from djmoney.money import Money
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ipmarket.core.money import CURRENCY, money

MAX_AMOUNT = Decimal("999999999999.99")


@extend_schema_field(
    {
        "type": "object",
        "properties": {
            "amount": {"type": "string", "format": "decimal", "example": "5000000.00"},
            "currency": {"type": "string", "enum": [CURRENCY]},
        },
        "required": ["amount", "currency"],
    }
)
class MoneyField(serializers.Field):
    """`{"amount": "5000000.00", "currency": "CNY"}`; a bare decimal string is read as CNY."""

    default_error_messages = {
        # Braces doubled: DRF formats these messages with str.format().
        "invalid": _('Give money as {{"amount": "5000000.00", "currency": "CNY"}}, the amount as a decimal string.'),
        "currency": _("Amounts are in CNY."),
        "negative": _("An amount cannot be negative."),
        "too_precise": _("Amounts have at most two decimal places."),
        "too_large": _("This amount is too large."),
    }

    def to_representation(self, value: Money):
        return {"amount": f"{value.amount.quantize(Decimal('0.01'))}", "currency": value.currency.code}

    def to_internal_value(self, data):
        if isinstance(data, dict):
            amount, currency = data.get("amount"), data.get("currency", CURRENCY)
        else:
            amount, currency = data, CURRENCY
        if isinstance(amount, float | bool) or amount is None:
            self.fail("invalid")
        try:
            amount = Decimal(str(amount))
        except InvalidOperation:
            self.fail("invalid")
        if not amount.is_finite():
            self.fail("invalid")
        if currency != CURRENCY:
            self.fail("currency")
        if amount < 0:
            self.fail("negative")
        if amount.as_tuple().exponent < -2:
            self.fail("too_precise")
        if amount > MAX_AMOUNT:
            self.fail("too_large")
        return money(amount)


class DecimalString(serializers.DecimalField):
    """A decimal given as a JSON string (`"0.0435"`), as the schema says: a JSON number is refused, as for money
    (a float is not exact, and a client should not learn that numbers happen to work)."""

    default_error_messages = {"not_a_string": _('Give this number as a decimal string, e.g. "0.0435".')}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_a_string")
        return super().to_internal_value(data)
