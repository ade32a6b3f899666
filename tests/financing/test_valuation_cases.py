"""Unit cases of the valuation standard's pure rules (financing/valuations.py): no database."""

from datetime import date
from decimal import Decimal

import pytest

from financing import valuations as v

D = Decimal
TODAY = date(2026, 6, 15)


@pytest.mark.parametrize(
    ("value_date", "expected"),
    [
        (date(2026, 1, 1), date(2027, 1, 1)),
        (date(2024, 2, 29), date(2025, 2, 28)),  # a leap day: the last day of February a year on
        (date(2026, 12, 31), date(2027, 12, 31)),
    ],
)
def test_a_report_is_valid_a_year_on_by_default(value_date, expected):
    assert v.default_valid_until(value_date) == expected


@pytest.mark.parametrize(
    ("value_date", "valid_until", "code"),
    [
        (TODAY, v.default_valid_until(TODAY), None),
        (TODAY, TODAY, None),  # valid for one day
        (date(2025, 6, 15), TODAY, None),  # a year ago: its last valid day is today
        (date(2025, 6, 14), date(2026, 6, 14), "valuation_expired"),
        (date(2026, 6, 16), date(2027, 6, 16), "value_date_in_future"),
        (TODAY, date(2026, 6, 14), "valid_until_before_value_date"),
        (TODAY, date(2027, 6, 16), "validity_too_long"),
        (date(2026, 1, 1), date(2027, 1, 1), None),
        (date(2026, 1, 1), date(2027, 1, 2), "validity_too_long"),
    ],
)
def test_the_dates_of_a_new_report(value_date, valid_until, code):
    refusal = v.dates_refusal(value_date, valid_until, TODAY)
    assert (refusal.code if refusal else None) == code


@pytest.mark.parametrize(
    ("values", "total", "code"),
    [
        ([None], D("100"), None),
        ([None, None], D("100"), None),
        ([D("100")], D("100"), None),
        ([D("60"), D("40")], D("100"), None),
        ([D("60"), D("40.01")], D("100"), "asset_values_mismatch"),
        ([D("60"), None], D("100"), "asset_values_mismatch"),  # all or none
        ([D("100"), D("0")], D("100"), "asset_values_mismatch"),  # each positive
        ([D("0.01"), D("99.99")], D("100"), None),
    ],
)
def test_per_asset_values_add_up_to_the_value(values, total, code):
    refusal = v.asset_values_refusal(values, total)
    assert (refusal.code if refusal else None) == code


@pytest.mark.parametrize(
    ("value", "refused"), [(D("0.01"), False), (D("0"), True), (D("-1"), True), (D("NaN"), True), (D("Infinity"), True)]
)
def test_a_value_is_positive(value, refused):
    assert (v.value_refusal(value) is not None) is refused


@pytest.mark.parametrize(
    ("parameters", "refused"),
    [
        ({}, False),
        ({"discount_rate": "0.12", "years": 5}, False),
        ({"x": "长" * (v.MAX_PARAMETERS_CHARS - 10)}, False),
        ({"x": "长" * v.MAX_PARAMETERS_CHARS}, True),
        ([1, 2], True),
        ("rate", True),
    ],
)
def test_key_parameters_are_a_bounded_object(parameters, refused):
    assert (v.parameters_refusal(parameters) is not None) is refused


def test_same_assets_ignores_order_and_repeats():
    assert v.same_assets([("patent", 1), ("trademark", 2)], [("trademark", 2), ("patent", 1), ("patent", 1)])
    assert not v.same_assets([("patent", 1)], [("patent", 1), ("trademark", 2)])
    assert not v.same_assets([("patent", 1)], [("trademark", 1)])


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ((date(2026, 1, 1), date(2026, 12, 31)), (date(2027, 1, 1), date(2027, 12, 31)), False),
        ((date(2026, 1, 1), date(2026, 12, 31)), (date(2026, 12, 31), date(2027, 12, 31)), True),  # one day
        ((date(2026, 3, 1), date(2026, 3, 31)), (date(2026, 1, 1), date(2026, 12, 31)), True),  # inside
        ((date(2027, 1, 1), date(2027, 1, 2)), (date(2026, 1, 1), date(2026, 12, 31)), False),
    ],
)
def test_admissions_overlap_when_they_share_a_day(first, second, expected):
    assert v.overlaps(first, second) is expected
    assert v.overlaps(second, first) is expected


def test_admission_dates_are_ordered():
    assert v.admission_dates_refusal(TODAY, TODAY) is None
    assert v.admission_dates_refusal(TODAY, date(2026, 6, 14)).code == "panel_dates_unordered"


@pytest.mark.parametrize(
    ("valid_until", "refused"), [(TODAY, False), (date(2026, 6, 16), False), (date(2026, 6, 14), True)]
)
def test_a_report_counts_through_its_last_valid_day(valid_until, refused):
    refusal = v.report_validity_refusal(valid_until, TODAY)
    assert (refusal is not None) is refused
    assert refusal is None or refusal.code == "valuation_expired"
