"""Money: the platform's one currency, amounts in it, and how amounts and rates are shown.

`CURRENCY` is settings.DEFAULT_CURRENCY. `money()` builds an amount in it; `cny()` and `percent()` are the
one display format of amounts and rates on the pages, in messages and in notifications (templates use the
`|cny` and `|percent` filters of ipmarket/core/templatetags/money.py). Amounts are Decimal or djmoney
`Money`, never float.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from djmoney.money import Money

CURRENCY: str = settings.DEFAULT_CURRENCY
SYMBOL = {"CNY": "¥"}.get(CURRENCY, f"{CURRENCY} ")
CENT = Decimal("0.01")


class CurrencyError(ValueError):
    """An amount in another currency than CURRENCY: each caller turns it into its own refusal."""


def in_currency(value: Money) -> bool:
    """Whether a Money is in the platform's currency."""
    return value.currency.code == CURRENCY


def money(value) -> Money:
    """An amount in CURRENCY from a Money, a Decimal, an int or a decimal string.

    A Money in another currency raises CurrencyError; a float or a bool raises TypeError (not exact); a
    string that is not a number raises decimal.InvalidOperation. The amount is not rounded or checked."""
    if isinstance(value, Money):
        if not in_currency(value):
            raise CurrencyError(f"amounts are in {CURRENCY}, not {value.currency.code}")
        return value
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise TypeError(f"an amount is a Money, a Decimal, an int or a decimal string, not {type(value).__name__}")
    return Money(Decimal(value), CURRENCY)


def _decimal(value) -> Decimal:
    return value.amount if isinstance(value, Money) else Decimal(value)


def cny(value, *, whole: bool = False) -> str:
    """`¥1,234,567.00` whatever the language: grouped by thousands, two decimals rounded half up. With
    `whole`, `¥1,234,567` (the labels of a chart, next to a table with the cents). None → ""."""
    if value is None:
        return ""
    amount = _decimal(value)
    if whole:
        return f"{SYMBOL}{amount.quantize(Decimal(1), rounding=ROUND_HALF_UP):,}"
    return f"{SYMBOL}{amount.quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"


def percent(rate) -> str:
    """A rate (a fraction) as a percentage: 0.0435 → "4.35%", 0.045 → "4.5%", 0.25 → "25%" (at most three
    decimals, trailing zeros dropped). None → ""."""
    if rate is None:
        return ""
    text = f"{_decimal(rate).scaleb(2):.3f}".rstrip("0").rstrip(".")
    return f"{text}%"
