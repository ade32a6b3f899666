"""Money ↔ Stripe's minor units (fen for CNY). The only place that converts: exact, never float."""

from decimal import Decimal

from djmoney.money import Money

from ipmarket.core.money import CURRENCY

# Currencies the platform takes payments in, and their number of decimal places at Stripe.
MINOR_UNIT_EXPONENT = {CURRENCY: 2}  # fen for CNY


def _exponent(currency: str) -> int:
    try:
        return MINOR_UNIT_EXPONENT[currency.upper()]
    except KeyError:
        raise ValueError(f"payments in {currency} are not supported") from None


def to_minor_units(money: Money) -> int:
    """CNY 5,000,000.00 → 500000000. Refuses an amount with a fraction of the minor unit."""
    amount = Decimal(money.amount)
    scaled = amount.scaleb(_exponent(money.currency.code))
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{money.currency.code} {amount} is not a whole number of minor units")
    return int(scaled)


def from_minor_units(amount: int, currency: str) -> Money:
    """500000000, "cny" → CNY 5,000,000.00 (Stripe writes currencies in lower case)."""
    exponent = _exponent(currency)
    return Money(Decimal(int(amount)).scaleb(-exponent).quantize(Decimal(1).scaleb(-exponent)), currency.upper())
