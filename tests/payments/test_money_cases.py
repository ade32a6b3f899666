"""ipmarket.payments.money: what the conversions to and from Stripe's minor units refuse, and how they say it.
Pure: no services."""

from decimal import Decimal

import pytest
from djmoney.money import Money

from ipmarket.payments.money import from_minor_units, to_minor_units


@pytest.mark.parametrize("currency", ["usd", "USD", "eur", "", "cn"])
def test_other_currencies_are_named_in_the_refusal(currency):
    with pytest.raises(ValueError) as info:
        from_minor_units(100, currency)
    assert str(info.value) == f"payments in {currency} are not supported"


def test_a_money_in_another_currency_is_refused_by_its_code():
    with pytest.raises(ValueError) as info:
        to_minor_units(Money("10.00", "USD"))
    assert str(info.value) == "payments in USD are not supported"


@pytest.mark.parametrize("amount", ["0.005", "1.001", "0.0001", "12345.678"])
def test_a_fraction_of_a_fen_is_refused_and_says_so(amount):
    with pytest.raises(ValueError) as info:
        to_minor_units(Money(amount, "CNY"))
    assert str(info.value) == f"CNY {amount} is not a whole number of minor units"  # the amount as given


def test_stripe_lower_case_currency_codes_are_read():
    money = from_minor_units(123, "cny")
    assert money.currency.code == "CNY"
    assert money.amount == Decimal("1.23")
    assert str(money.amount) == "1.23"
    assert to_minor_units(Money("1.23", "cny")) == 123


def test_trailing_zeros_do_not_make_a_fraction():
    assert to_minor_units(Money(Decimal("1.2300"), "CNY")) == 123
    assert str(from_minor_units(0, "CNY").amount) == "0.00"
