"""ipmarket.core.money: the one currency (from settings), building amounts in it, percentages, the template
filters. Pure: no database."""

from decimal import Decimal, InvalidOperation

import pytest
from django.conf import settings
from django.template import Context, Template
from djmoney.money import Money

from ipmarket.core.money import CURRENCY, CurrencyError, cny, in_currency, money, percent


def test_the_currency_is_the_setting():
    assert CURRENCY == settings.DEFAULT_CURRENCY == "CNY"


@pytest.mark.parametrize("value", [Money("12", "CNY"), Decimal("12.00"), "12", 12])
def test_money_takes_a_money_a_decimal_a_string_or_an_int(value):
    amount = money(value)
    assert amount == Money("12", CURRENCY) and in_currency(amount)


def test_money_refuses_another_currency_and_inexact_or_bad_input():
    with pytest.raises(CurrencyError):
        money(Money("1", "USD"))
    for value in (1.5, True, None):
        with pytest.raises(TypeError):
            money(value)
    with pytest.raises(InvalidOperation):
        money("a lot")
    assert not in_currency(Money("1", "USD"))


def test_whole_yuan_for_chart_labels():
    assert cny(Decimal("1234567.5"), whole=True) == "¥1,234,568"
    assert cny(Money("999.49", "CNY"), whole=True) == "¥999"


@pytest.mark.parametrize(
    ("rate", "text"),
    [
        (Decimal("0.0435"), "4.35%"),
        (Decimal("0.04500"), "4.5%"),
        (Decimal("0.25"), "25%"),
        (Decimal("1"), "100%"),
        (Decimal("0"), "0%"),
        (Decimal("0.12345"), "12.345%"),
        ("0.035", "3.5%"),
        (None, ""),
    ],
)
def test_percent(rate, text):
    assert percent(rate) == text


def test_the_template_filters():
    template = Template("{% load money %}[{{ price|cny }}] [{{ none|cny }}] [{{ missing|cny }}] [{{ rate|percent }}]")
    html = template.render(Context({"price": Money("1234567", "CNY"), "none": None, "rate": Decimal("0.0435")}))
    assert html == "[¥1,234,567.00] [] [] [4.35%]"
