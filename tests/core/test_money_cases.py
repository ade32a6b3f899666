"""ipmarket.core.money: amounts in the platform's currency and their one display format. Pure: no services."""

from decimal import Decimal, InvalidOperation

import pytest
from djmoney.money import Money

from ipmarket.core.money import CURRENCY, CurrencyError, cny, in_currency, money, percent


def test_the_platform_currency_is_the_yuan():
    assert CURRENCY == "CNY"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Money("1234567", "CNY"), "¥1,234,567.00"),
        (Money("0.5", "CNY"), "¥0.50"),
        (Decimal("1000"), "¥1,000.00"),
        (Decimal("999.999"), "¥1,000.00"),  # rounding carries into the grouping
        ("12345.6", "¥12,345.60"),
        (7, "¥7.00"),
        (Decimal("0"), "¥0.00"),
    ],
)
def test_amounts_are_grouped_by_thousands_with_two_decimals(value, text):
    assert cny(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("0.005"), "¥0.01"),  # half up: banker's rounding would give 0.00
        (Decimal("2.665"), "¥2.67"),  # half up again, where half-even would round down to 2.66
        (Decimal("2.675"), "¥2.68"),
        (Decimal("2.6749"), "¥2.67"),
        (Money("1234.565", "CNY"), "¥1,234.57"),
    ],
)
def test_half_a_fen_rounds_up(value, text):
    assert cny(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("1234567.5"), "¥1,234,568"),
        (Decimal("1234567.49"), "¥1,234,567"),
        (Decimal("0.5"), "¥1"),  # half up
        (Decimal("2.5"), "¥3"),  # half up, where half-even would give 2
        (Money("999.5", "CNY"), "¥1,000"),
    ],
)
def test_whole_yuan_for_chart_labels(value, text):
    assert cny(value, whole=True) == text


def test_nothing_is_shown_as_nothing():
    assert cny(None) == ""
    assert cny(None, whole=True) == ""
    assert percent(None) == ""


@pytest.mark.parametrize(
    ("rate", "text"),
    [
        (Decimal("0.0435"), "4.35%"),
        (Decimal("0.045"), "4.5%"),
        (Decimal("0.25"), "25%"),
        (Decimal("1"), "100%"),
        (Decimal("0"), "0%"),
        (Decimal("0.12"), "12%"),  # "12.000" loses its zeros and its point, not the 0 of 10 or 20
        (Decimal("0.2"), "20%"),
        (Decimal("0.123456"), "12.346%"),  # at most three decimals
        (Decimal("0.0000051"), "0.001%"),
        ("0.0435", "4.35%"),
    ],
)
def test_percent(rate, text):
    assert percent(rate) == text


def test_in_currency():
    assert in_currency(Money("1.00", "CNY"))
    assert not in_currency(Money("1.00", "USD"))


def test_money_builds_amounts_in_the_platform_currency():
    same = Money("5.00", "CNY")
    assert money(same) is same
    for value, amount in ((Decimal("1.5"), Decimal("1.5")), (3, Decimal("3")), ("12.30", Decimal("12.30"))):
        built = money(value)
        assert isinstance(built, Money)
        assert built.currency.code == "CNY"
        assert built.amount == amount
    assert str(money("12.30").amount) == "12.30"  # not rounded, not re-scaled


def test_money_refuses_another_currency():
    with pytest.raises(CurrencyError) as info:
        money(Money("5.00", "USD"))
    assert str(info.value) == "amounts are in CNY, not USD"
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(("value", "kind"), [(1.5, "float"), (True, "bool"), (None, "NoneType"), ([1], "list")])
def test_money_refuses_what_is_not_exact(value, kind):
    with pytest.raises(TypeError) as info:
        money(value)
    assert str(info.value) == f"an amount is a Money, a Decimal, an int or a decimal string, not {kind}"


def test_money_refuses_a_string_that_is_not_a_number():
    with pytest.raises(InvalidOperation):
        money("twelve")
