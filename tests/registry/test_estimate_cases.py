"""Unit cases of the credit estimate (financing/registry/estimate.py), without a database: which report gives an
asset its value, and min(programme maximum, Σ cap × value) to the fen."""

from datetime import date
from decimal import Decimal

import pytest

from financing.registry.estimate import (
    COMPLETE,
    NEEDS_VALUATION,
    NO_REPORT,
    NO_SPLIT,
    PARTIAL,
    Admission,
    Coverage,
    Item,
    Report,
    Valuation,
    asset_value,
    estimate,
    round_fen,
)

TODAY = date(2026, 6, 15)
PANEL = [Admission(appraiser_id=7, valid_from=date(2026, 1, 1), valid_until=date(2026, 12, 31))]
CAPS = {
    "invention": Decimal("0.25"),
    "utility_model": Decimal("0.15"),
    "design": Decimal("0.15"),
    "trademark": Decimal("0.5"),
}
MAX = Decimal("10000000")


def report(pk=1, *, appraiser=7, value="1000000", value_date=date(2026, 3, 1), valid_until=date(2027, 3, 1), assets=1):
    return Report(pk, appraiser, Decimal(value), value_date, valid_until, assets, f"R{pk}")


def valued(value) -> Valuation:
    return Valuation(Decimal(value), report())


def run(*items, max_principal=MAX):
    return estimate(max_principal=max_principal, caps=CAPS.__getitem__, items=list(items))


# --- which report values an asset ---------------------------------------------------------------------


def test_a_single_asset_report_gives_its_whole_value():
    got = asset_value([Coverage(report(value="800000"))], panel=PANEL, today=TODAY)
    assert got.value == Decimal("800000") and got.report.id == 1 and got.reason == ""


def test_the_asset_s_own_part_wins_over_the_report_value():
    got = asset_value([Coverage(report(value="900000", assets=3), Decimal("250000.50"))], panel=PANEL, today=TODAY)
    assert got.value == Decimal("250000.50")


def test_a_report_on_several_assets_without_a_split_values_none_of_them():
    got = asset_value([Coverage(report(assets=2))], panel=PANEL, today=TODAY)
    assert got.value is None and got.reason == NO_SPLIT and got.report.id == 1


def test_the_latest_valid_report_counts_not_the_highest():
    older = Coverage(report(1, value="5000000", value_date=date(2026, 1, 10)))
    newer = Coverage(report(2, value="3000000", value_date=date(2026, 5, 10)))
    assert asset_value([older, newer], panel=PANEL, today=TODAY).value == Decimal("3000000")
    same_day = Coverage(report(3, value="2000000", value_date=date(2026, 5, 10)))
    assert asset_value([newer, same_day], panel=PANEL, today=TODAY).report.id == 3  # then the later report


@pytest.mark.parametrize(
    "rep",
    [
        report(valid_until=date(2026, 6, 14)),  # expired yesterday
        report(value_date=date(2026, 6, 16)),  # dated in the future
        report(appraiser=8),  # not on the panel
    ],
)
def test_invalid_reports_give_no_value(rep):
    got = asset_value([Coverage(rep)], panel=PANEL, today=TODAY)
    assert got.value is None and got.reason == NO_REPORT


def test_a_report_valid_until_today_and_dated_today_counts():
    rep = report(value_date=TODAY, valid_until=TODAY)
    assert asset_value([Coverage(rep)], panel=PANEL, today=TODAY).value == Decimal("1000000")


@pytest.mark.parametrize(
    ("start", "end", "counts"),
    [
        (date(2026, 6, 15), date(2026, 6, 15), True),  # admitted today only
        (date(2026, 6, 16), date(2026, 12, 31), False),  # not yet admitted
        (date(2025, 1, 1), date(2026, 6, 14), False),  # admission lapsed yesterday
    ],
)
def test_the_panel_admission_must_cover_today(start, end, counts):
    panel = [Admission(7, start, end)]
    assert (asset_value([Coverage(report())], panel=panel, today=TODAY).value is not None) is counts


def test_an_invalid_newer_report_does_not_hide_a_valid_older_one():
    valid = Coverage(report(1, value="600000", value_date=date(2026, 2, 1)))
    outsider = Coverage(report(2, appraiser=99, value="9000000", value_date=date(2026, 6, 1)))
    assert asset_value([valid, outsider], panel=PANEL, today=TODAY).value == Decimal("600000")


# --- the estimate -----------------------------------------------------------------------------------------


def test_sum_of_caps_times_values():
    got = run(Item("p", "invention", valued("4000000")), Item("t", "trademark", valued("1000000")))
    assert got.status == COMPLETE and got.amount == Decimal("1500000.00") and not got.capped
    assert [line.part for line in got.lines] == [Decimal("1000000.00"), Decimal("500000.00")]


def test_each_part_is_rounded_half_up_to_the_fen():
    # 0.15 × 333.33 = 49.9995 → 50.00; 0.15 × 0.03 = 0.0045 → 0.00; 0.25 × 0.02 = 0.005 → 0.01
    got = run(
        Item("u", "utility_model", valued("333.33")),
        Item("d", "design", valued("0.03")),
        Item("i", "invention", valued("0.02")),
    )
    assert [line.part for line in got.lines] == [Decimal("50.00"), Decimal("0.00"), Decimal("0.01")]
    assert got.amount == Decimal("50.01")


def test_the_programme_maximum_caps_the_estimate():
    got = run(Item("t", "trademark", valued("30000000")), max_principal=Decimal("10000000"))
    assert got.amount == Decimal("10000000") and got.total == Decimal("15000000.00") and got.capped
    exactly = run(Item("t", "trademark", valued("20000000")), max_principal=Decimal("10000000"))
    assert exactly.amount == Decimal("10000000") and not exactly.capped


def test_an_unvalued_asset_makes_it_partial():
    got = run(Item("p", "invention", valued("2000000")), Item("t", "trademark", Valuation(None, None, NO_REPORT)))
    assert got.status == PARTIAL and got.amount == Decimal("500000.00")
    assert [line.key for line in got.missing] == ["t"] and [line.key for line in got.valued] == ["p"]


def test_nothing_valued_needs_a_valuation():
    got = run(Item("p", "invention", Valuation(None, None, NO_REPORT)))
    assert got.status == NEEDS_VALUATION and got.amount is None and got.total == Decimal("0")
    assert not got.covers(Decimal("1"))


def test_no_assets_needs_a_valuation():
    assert run().status == NEEDS_VALUATION


def test_covers_the_amount_sought():
    got = run(Item("p", "invention", valued("4000000")))  # 1,000,000.00
    assert got.covers(Decimal("1000000")) and not got.covers(Decimal("1000000.01"))


def test_round_fen_takes_decimals_only():
    assert round_fen(Decimal("0.005")) == Decimal("0.01")
    with pytest.raises(TypeError):
        round_fen(0.005)
