"""Formatting shared by the pages."""

from decimal import ROUND_HALF_UP, Decimal

from djmoney.money import Money


def cny(money) -> str:
    """`¥1,234,567.00` whatever the language (grouping by thousands, two decimals)."""
    if money is None:
        return ""
    amount = money.amount if isinstance(money, Money) else Decimal(money)
    return f"¥{amount.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"
