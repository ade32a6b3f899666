"""Pure cases of the loan-product rules and of eligibility (financing/registry/products.py), without a database:
products are unsaved LoanProduct rows."""

from decimal import Decimal

import pytest
from djmoney.money import Money

from financing.registry.models import LoanProduct
from financing.registry.products import (
    Need,
    is_eligible,
    mismatches,
    normalised_cities,
    normalised_kinds,
    product_errors,
)


def product(**fields) -> LoanProduct:
    values = {
        "name": "知识贷",
        "min_amount": Money("500000", "CNY"),
        "max_amount": Money("5000000", "CNY"),
        "max_term_months": 36,
        "rate_min": Decimal("0.035"),
        "rate_max": Decimal("0.045"),
        "asset_kinds": ["invention", "utility_model"],
        "cities": ["资阳"],
        "is_published": True,
    }
    values.update(fields)
    return LoanProduct(**values)


def need(amount="1000000", term=12, kinds=("invention",), city="资阳") -> Need:
    return Need(amount=Decimal(amount), term_months=term, kinds=frozenset(kinds), city=city)


# --- eligibility ----------------------------------------------------------------------------------------


def test_a_demand_inside_every_limit_is_eligible():
    assert mismatches(product(), need()) == []
    assert is_eligible(product(), need())


@pytest.mark.parametrize(
    ("amount", "expected"),
    [("499999.99", ["amount_below_min"]), ("500000", []), ("5000000", []), ("5000000.01", ["amount_above_max"])],
)
def test_the_amount_range_is_inclusive(amount, expected):
    assert mismatches(product(), need(amount=amount)) == expected


@pytest.mark.parametrize(("term", "expected"), [(1, []), (36, []), (37, ["term_too_long"])])
def test_the_longest_term_is_inclusive(term, expected):
    assert mismatches(product(), need(term=term)) == expected


def test_every_kind_offered_must_be_accepted():
    assert mismatches(product(), need(kinds=["invention", "utility_model"])) == []
    assert mismatches(product(), need(kinds=["invention", "trademark"])) == ["kind_not_accepted"]
    assert mismatches(product(), need(kinds=["design"])) == ["kind_not_accepted"]


def test_a_demand_offering_no_asset_is_held_to_the_other_limits_only():
    assert mismatches(product(), need(kinds=[])) == []


def test_the_city_must_be_served_and_no_city_means_every_city():
    assert mismatches(product(), need(city="成都")) == ["city_not_served"]
    assert mismatches(product(cities=["成都", "资阳"]), need(city="成都")) == []
    assert mismatches(product(cities=[]), need(city="自贡")) == []
    assert mismatches(product(cities=[]), need(city="")) == []


def test_an_unpublished_product_is_never_eligible():
    assert mismatches(product(is_published=False), need()) == ["not_published"]


def test_every_reason_is_given_in_order():
    assert mismatches(product(is_published=False), need(amount="1", term=360, kinds=["trademark"], city="成都")) == [
        "not_published",
        "amount_below_min",
        "term_too_long",
        "kind_not_accepted",
        "city_not_served",
    ]


# --- the rules of a product -----------------------------------------------------------------------------


def test_a_good_product_has_no_error():
    assert product_errors(product()) == {}
    assert product_errors(product(min_amount=Money("1", "CNY"), max_amount=Money("1", "CNY"))) == {}
    assert product_errors(product(rate_min=Decimal("0"), rate_max=Decimal("1"), max_term_months=360)) == {}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"min_amount": Money("6000000", "CNY")}, "max_amount"),
        ({"min_amount": Money("0", "CNY")}, "min_amount"),
        ({"min_amount": Money("-1", "CNY")}, "min_amount"),
        ({"max_amount": Money("0", "CNY"), "min_amount": Money("0", "CNY")}, "max_amount"),
        ({"max_amount": Money("5000000", "USD")}, "max_amount"),
        ({"min_amount": None}, "min_amount"),
        ({"max_amount": None}, "max_amount"),
        ({"max_term_months": 0}, "max_term_months"),
        ({"max_term_months": 361}, "max_term_months"),
        ({"max_term_months": None}, "max_term_months"),
        ({"rate_min": Decimal("0.05")}, "rate_max"),
        ({"rate_min": Decimal("-0.01")}, "rate_min"),
        ({"rate_max": Decimal("1.00001")}, "rate_max"),
        ({"rate_max": Decimal("NaN")}, "rate_max"),
        ({"rate_max": 0.04}, "rate_max"),
        ({"asset_kinds": []}, "asset_kinds"),
        ({"asset_kinds": ["patent"]}, "asset_kinds"),
        ({"asset_kinds": "invention"}, "asset_kinds"),
        ({"cities": ["Atlantis"]}, "cities"),
        ({"cities": [""]}, "cities"),
        ({"cities": "资阳"}, "cities"),
        ({"name": "  "}, "name"),
    ],
)
def test_each_rule_refuses_on_its_field(fields, field):
    errors = product_errors(product(**fields))
    assert field in errors, errors


def test_kinds_and_cities_are_stored_without_repeats_in_a_fixed_order():
    assert normalised_kinds(["trademark", "invention", "trademark"]) == ["invention", "trademark"]
    assert normalised_kinds(["design", "x"]) == ["design", "x"]  # the unknown one is kept, to be refused
    assert normalised_kinds("invention") is None
    assert normalised_cities([" 成都", "资阳", "成都 "]) == ["成都", "资阳"]
    assert normalised_cities([1]) is None
