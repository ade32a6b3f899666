"""Money ↔ Stripe minor units: exact, never through float."""

from decimal import Decimal

import pytest
from djmoney.money import Money
from hypothesis import given
from hypothesis import strategies as st

from ipmarket.payments.money import from_minor_units, to_minor_units


@pytest.mark.parametrize(
    ("amount", "minor"),
    [
        ("5000000.00", 500_000_000),
        ("0.01", 1),
        ("0", 0),
        ("199999.99", 19_999_999),
        ("123456789012.34", 12345678901234),
    ],
)
def test_cny_amounts_become_fen(amount, minor):
    assert to_minor_units(Money(amount, "CNY")) == minor
    assert from_minor_units(minor, "cny") == Money(amount, "CNY")


def test_a_fraction_of_a_fen_is_refused_rather_than_rounded():
    with pytest.raises(ValueError):
        to_minor_units(Money("0.005", "CNY"))


def test_other_currencies_are_refused():
    with pytest.raises(ValueError):
        to_minor_units(Money("10.00", "USD"))
    with pytest.raises(ValueError):
        from_minor_units(1000, "usd")


@given(st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2, allow_nan=False, allow_infinity=False))
def test_conversion_is_exact_for_every_two_decimal_amount(amount):
    minor = to_minor_units(Money(amount, "CNY"))
    assert type(minor) is int
    assert Decimal(minor) == amount * 100
    back = from_minor_units(minor, "cny")
    assert back == Money(amount, "CNY")
    assert back.amount.as_tuple().exponent == -2
