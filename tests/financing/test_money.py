"""financing.money: schedules, loss split, penalty interest, payment allocation, working days, LTV bound.

The oracle in these tests is exact rational arithmetic (fractions.Fraction), independent of the module's
integer-fen implementation. No floats anywhere."""

from calendar import monthrange
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from financing.money import (
    Allocation,
    Applied,
    Due,
    LossSplitResult,
    Period,
    allocate_payment,
    loss_split,
    max_principal,
    penalty_interest,
    remaining_schedule,
    schedule,
    totals,
    working_days_after,
)

D = Decimal
CENT = Fraction(1, 100)
METHODS = ["equal_instalment", "equal_principal", "interest_only"]


def rhu(value: Fraction) -> Decimal:
    """Exact ROUND_HALF_UP to 0.01 of a non-negative rational."""
    fen = value * 100
    whole = fen.numerator // fen.denominator
    if fen - whole >= Fraction(1, 2):
        whole += 1
    return D(whole) / 100


def F(value: Decimal) -> Fraction:
    return Fraction(value)


def money(low="0.01", high="100000000.00"):
    return st.decimals(min_value=D(low), max_value=D(high), places=2, allow_nan=False, allow_infinity=False)


def fraction(low="0", high="1", places=4):
    return st.decimals(min_value=D(low), max_value=D(high), places=places, allow_nan=False, allow_infinity=False)


principals = money()
rates = fraction("0", "0.36")
terms = st.integers(min_value=1, max_value=360)


def level_payment(principal: Decimal, rate: Decimal, n: int) -> Decimal:
    r = F(rate) / 12
    if r == 0:
        return rhu(F(principal) / n)
    return rhu(F(principal) * r / (1 - (1 + r) ** -n))


def check_common(periods: list[Period], principal: Decimal, rate: Decimal, n: int):
    """Invariants every method shares."""
    assert [p.period for p in periods] == list(range(1, n + 1))
    assert sum(p.principal for p in periods) == principal
    assert periods[-1].balance == 0
    before = principal
    for p in periods:
        for amount in (p.principal, p.interest, p.payment, p.balance):
            assert amount.as_tuple().exponent == -2
        assert p.principal >= 0 and p.interest >= 0
        assert 0 <= p.balance <= before
        assert p.balance == before - p.principal
        assert p.payment == p.principal + p.interest
        assert p.interest == rhu(F(before) * F(rate) / 12)
        assert p.due_date is None
        before = p.balance
    assert periods[-1].principal == (periods[-2].balance if n > 1 else principal)


# --------------------------------------------------------------------------- docs/financing.md examples


def test_domain_example_equal_principal():
    periods = schedule(D("5000000.00"), D("0.045"), 12, "equal_principal")
    assert periods[0] == Period(1, None, D("416666.67"), D("18750.00"), D("435416.67"), D("4583333.33"))
    total_interest, total_payment = totals(periods)
    assert total_interest == D("121875.00")
    assert total_payment == D("5121875.00")
    # 11 × 416,666.67 = 4,583,333.37; the last period takes the remainder
    assert periods[-1].principal == D("416666.63")
    assert periods[-1].balance == D("0.00")


def test_equal_instalment_known_payment():
    periods = schedule(D("5000000"), D("0.045"), 12, "equal_instalment")
    assert {p.payment for p in periods[:-1]} == {D("426892.61")}
    assert periods[0].interest == D("18750.00") and periods[0].principal == D("408142.61")
    assert periods[-1].payment == D("426892.60")
    assert totals(periods) == (D("122711.31"), D("5122711.31"))


def test_interest_only_known_schedule():
    periods = schedule(D("1000000.00"), D("0.036"), 3, "interest_only")
    assert [(p.principal, p.interest, p.payment, p.balance) for p in periods] == [
        (D("0.00"), D("3000.00"), D("3000.00"), D("1000000.00")),
        (D("0.00"), D("3000.00"), D("3000.00"), D("1000000.00")),
        (D("1000000.00"), D("3000.00"), D("1003000.00"), D("0.00")),
    ]


def test_zero_rate_equal_instalment_is_round_p_over_n():
    periods = schedule(D("100.00"), D("0"), 3, "equal_instalment")
    assert [p.payment for p in periods] == [D("33.33"), D("33.33"), D("33.34")]
    assert totals(periods) == (D("0.00"), D("100.00"))


def test_interest_rounds_half_up():
    # 1.00 × 0.06 / 12 = 0.005 → 0.01 (half up, not to even)
    assert schedule(D("1.00"), D("0.06"), 1, "interest_only")[0].interest == D("0.01")
    # 0.03 / 12 = 0.0025 exactly; 2.00 × 0.0025 = 0.005 → 0.01
    assert schedule(D("2.00"), D("0.03"), 1, "equal_principal")[0].interest == D("0.01")
    # r = 0.05 / 12 is not a finite decimal: 3.00 × 0.05 / 12 = 0.0125 → 0.01
    assert schedule(D("3.00"), D("0.05"), 1, "equal_principal")[0].interest == D("0.01")
    # 6.00 × 0.05 / 12 = 0.025 exactly → 0.03, even though r itself would be rounded
    assert schedule(D("6.00"), D("0.05"), 1, "equal_principal")[0].interest == D("0.03")


def test_tiny_principal_is_repaid_early_rather_than_overdrawn():
    # round(0.05 / 10) = round(0.005) = 0.01 a month: the balance is gone after 5 months
    for method in ("equal_principal", "equal_instalment"):
        periods = schedule(D("0.05"), D("0"), 10, method)
        assert [p.principal for p in periods] == [D("0.01")] * 5 + [D("0.00")] * 5
        assert [p.balance for p in periods][4:] == [D("0.00")] * 6


def test_due_dates_count_from_start_and_clamp_to_month_end():
    periods = schedule(D("1200.00"), D("0.045"), 4, "equal_principal", start=date(2024, 1, 31))
    assert [p.due_date for p in periods] == [date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30), date(2024, 5, 31)]
    periods = schedule(D("1200.00"), D("0.045"), 13, "interest_only", start=date(2023, 1, 31))
    assert periods[0].due_date == date(2023, 2, 28)
    assert periods[-1].due_date == date(2024, 2, 29)


def test_remaining_schedule_is_schedule_on_the_remaining_balance():
    full = schedule(D("5000000.00"), D("0.045"), 12, "equal_principal")
    rest = remaining_schedule(D("3000000.00"), D("0.045"), 8, "equal_principal", date(2024, 5, 15))
    assert rest == schedule(D("3000000.00"), D("0.045"), 8, "equal_principal", date(2024, 5, 15))
    assert len(rest) == 8 and rest[0].due_date == date(2024, 6, 15)
    assert rest[0].interest == D("11250.00") and rest[0].principal == D("375000.00")
    assert rest != full[4:]


def test_totals_of_nothing_is_zero():
    assert totals([]) == (D("0.00"), D("0.00"))


def test_periods_are_frozen():
    period = schedule(D("100.00"), D("0.045"), 1, "equal_principal")[0]
    with pytest.raises(AttributeError):
        period.payment = D("0")


# --------------------------------------------------------------------------- schedule properties


@given(principal=principals, rate=rates, n=terms)
@example(principal=D("0.05"), rate=D("0"), n=10)
@example(principal=D("100000000.00"), rate=D("0.36"), n=360)
@example(principal=D("0.01"), rate=D("0.36"), n=360)
def test_equal_principal_properties(principal, rate, n):
    periods = schedule(principal, rate, n, "equal_principal")
    check_common(periods, principal, rate, n)
    part = rhu(F(principal) / n)
    before = principal
    for p in periods[:-1]:
        assert p.principal == min(part, before)
        before = p.balance


@given(principal=principals, rate=rates, n=terms)
@example(principal=D("0.05"), rate=D("0"), n=10)
@example(principal=D("1000.00"), rate=D("0.36"), n=360)
@example(principal=D("100000000.00"), rate=D("0.36"), n=360)
def test_equal_instalment_properties(principal, rate, n):
    periods = schedule(principal, rate, n, "equal_instalment")
    check_common(periods, principal, rate, n)
    level = level_payment(principal, rate, n)
    # Every period but the last pays the level payment, unless rounding drift clears the balance early:
    # the period that clears it pays less, and the ones after it (but the last) are all zero.
    cleared = False
    for p in periods[:-1]:
        if cleared:
            assert p.payment == p.principal == p.interest == 0
        elif p.balance == 0 and p.payment != level:
            assert p.payment < level
            cleared = True
        else:
            assert p.payment == level


@given(principal=money("10000.00"), rate=fraction("0", "0.12"), n=terms)
@example(principal=D("10000.00"), rate=D("0.12"), n=360)
@example(principal=D("10000.00"), rate=D("0"), n=360)
def test_equal_instalment_payments_are_level_for_realistic_loans(principal, rate, n):
    periods = schedule(principal, rate, n, "equal_instalment")
    level = level_payment(principal, rate, n)
    assert all(p.payment == level for p in periods[:-1])
    assert periods[-1].principal > 0


@given(principal=principals, rate=rates, n=terms)
def test_interest_only_properties(principal, rate, n):
    periods = schedule(principal, rate, n, "interest_only")
    check_common(periods, principal, rate, n)
    assert all(p.principal == 0 and p.balance == principal for p in periods[:-1])
    assert periods[-1].principal == principal
    assert len({p.interest for p in periods}) == 1


@given(principal=principals, rate=rates, n=terms, method=st.sampled_from(METHODS))
def test_totals_add_up(principal, rate, n, method):
    periods = schedule(principal, rate, n, method)
    total_interest, total_payment = totals(periods)
    assert total_interest == sum(p.interest for p in periods)
    assert total_payment == principal + total_interest


@given(
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    n=st.integers(min_value=1, max_value=60),
)
def test_due_dates_properties(start, n):
    periods = schedule(D("1000.00"), D("0.05"), n, "interest_only", start=start)
    for k, p in enumerate(periods, start=1):
        months = start.year * 12 + start.month - 1 + k
        year, month = months // 12, months % 12 + 1
        assert p.due_date == date(year, month, min(start.day, monthrange(year, month)[1]))


# --------------------------------------------------------------------------- schedule validation


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"principal": D("0")}, "principal must be greater than 0"),
        ({"principal": D("-100.00")}, "principal must be greater than 0"),
        ({"principal": D("100.001")}, "principal must have at most 2 decimal places"),
        ({"principal": D("NaN")}, "principal must be a finite number"),
        ({"principal": D("Infinity")}, "principal must be a finite number"),
        ({"annual_rate": D("-0.01")}, "annual_rate must be at least 0 and below 1"),
        ({"annual_rate": D("1")}, "annual_rate must be at least 0 and below 1"),
        ({"annual_rate": D("4.5")}, "annual_rate must be at least 0 and below 1"),
        ({"months": 0}, "months must be between 1 and 360"),
        ({"months": 361}, "months must be between 1 and 360"),
        ({"method": "balloon"}, "method must be one of equal_instalment, equal_principal, interest_only"),
        ({"method": "EQUAL_PRINCIPAL"}, "method must be one of"),
    ],
)
def test_schedule_refuses_bad_input(kwargs, message):
    args = {"principal": D("1000.00"), "annual_rate": D("0.045"), "months": 12, "method": "equal_principal"} | kwargs
    with pytest.raises(ValueError, match=message):
        schedule(**args)


def test_schedule_accepts_trailing_zeros_and_the_bounds():
    assert schedule(D("100.0000"), D("0"), 1, "equal_principal")[0].principal == D("100.00")
    assert len(schedule(D("0.01"), D("0.9999"), 360, "equal_instalment")) == 360


@pytest.mark.parametrize(
    "kwargs",
    [
        {"principal": 1000.0},
        {"principal": "1000.00"},
        {"annual_rate": 0.045},
        {"months": D("12")},
        {"months": True},
        {"start": "2024-01-31"},
    ],
)
def test_schedule_refuses_wrong_types(kwargs):
    args = {"principal": D("1000.00"), "annual_rate": D("0.045"), "months": 12, "method": "equal_principal"} | kwargs
    with pytest.raises(TypeError):
        schedule(**args)


def test_remaining_schedule_validates_like_schedule():
    with pytest.raises(ValueError, match="principal must be greater than 0"):
        remaining_schedule(D("0"), D("0.045"), 3, "equal_principal")
    with pytest.raises(ValueError, match="months must be between 1 and 360"):
        remaining_schedule(D("100.00"), D("0.045"), 0, "equal_principal")


# --------------------------------------------------------------------------- loss split


def split(**kwargs) -> LossSplitResult:
    args = {
        "outstanding_principal": D("3000000.00"),
        "fund_ratio": D("0.4"),
        "insurer_ratio": D("0.4"),
        "fund_cap": D("1000000.00"),
        "pool_headroom": D("50000000.00"),
    } | kwargs
    return loss_split(**args)


def test_domain_example_loss_split():
    result = split(net_recovery=D("300000"))
    assert result == LossSplitResult(
        loss_base=D("3000000.00"),
        fund=D("1000000.00"),
        insurer=D("1200000.00"),
        bank=D("800000.00"),
        recovery_fund=D("100000.00"),
        recovery_insurer=D("120000.00"),
        recovery_bank=D("80000.00"),
        final_fund=D("900000.00"),
        final_insurer=D("1080000.00"),
        final_bank=D("720000.00"),
    )
    assert str(result.fund) == "1000000.00"


def test_loss_split_ip_share_headroom_and_policy_limit():
    result = split(outstanding_principal=D("4000000.00"), ip_share=D("0.75"), pool_headroom=D("600000.00"))
    assert (result.loss_base, result.fund, result.insurer, result.bank) == (
        D("3000000.00"),
        D("600000.00"),
        D("1200000.00"),
        D("1200000.00"),
    )
    result = split(policy_limit=D("500000.00"))
    assert (result.fund, result.insurer, result.bank) == (D("1000000.00"), D("500000.00"), D("1500000.00"))
    result = split(pool_headroom=D("0"))
    assert (result.fund, result.insurer, result.bank) == (D("0.00"), D("1200000.00"), D("1800000.00"))


def test_loss_split_rounding_cent_lands_on_the_bank():
    # B = 100.01: 40 % = 40.004 → 40.00 each, the bank 20.01
    result = split(outstanding_principal=D("100.01"))
    assert (result.fund, result.insurer, result.bank) == (D("40.00"), D("40.00"), D("20.01"))
    # B = round(100.00 × 1/3) = 33.33; ratios 0.3: 9.999 → 10.00 each, the bank 13.33
    result = split(outstanding_principal=D("100.00"), ip_share=D("0.3333"), fund_ratio=D("0.3"), insurer_ratio=D("0.3"))
    assert (result.loss_base, result.fund, result.insurer, result.bank) == (
        D("33.33"),
        D("10.00"),
        D("10.00"),
        D("13.33"),
    )


def test_recoveries_beyond_the_loss_are_not_shared():
    result = split(net_recovery=D("5000000.00"))
    assert (result.recovery_fund, result.recovery_insurer, result.recovery_bank) == (
        D("1000000.00"),
        D("1200000.00"),
        D("800000.00"),
    )
    assert result.final_fund == result.final_insurer == result.final_bank == D("0.00")


def test_zero_loss_base_gives_all_zeros():
    result = split(outstanding_principal=D("0"), net_recovery=D("100.00"))
    assert all(value == 0 for value in vars(result).values())


def test_recovery_never_leaves_the_bank_a_negative_cent():
    # B = 0.02, fund 0.01 (0.005 rounded up), insurer 0.01, bank 0; R = 0.01 → 0.005 each, both round up
    result = split(
        outstanding_principal=D("0.02"), fund_ratio=D("0.25"), insurer_ratio=D("0.55"), net_recovery=D("0.01")
    )
    assert (result.fund, result.insurer, result.bank) == (D("0.01"), D("0.01"), D("0.00"))
    assert (result.recovery_fund, result.recovery_insurer, result.recovery_bank) == (D("0.01"), D("0.00"), D("0.00"))
    assert (result.final_fund, result.final_insurer, result.final_bank) == (D("0.00"), D("0.01"), D("0.00"))


creditor_ratios = st.tuples(fraction("0", "0.8"), fraction("0", "0.8")).filter(
    lambda pair: pair[0] + pair[1] <= D("0.8")
)


@given(
    outstanding=money("0", "100000000.00"),
    share=fraction("0.0001", "1"),
    ratios=creditor_ratios,
    cap=money("0", "100000000.00"),
    headroom=money("0", "1000000000.00"),
    limit=st.none() | money("0", "100000000.00"),
    recovery=money("0", "200000000.00"),
)
@example(
    outstanding=D("0.02"),
    share=D("1"),
    ratios=(D("0.25"), D("0.55")),
    cap=D("1"),
    headroom=D("1"),
    limit=None,
    recovery=D("0.01"),
)
def test_loss_split_properties(outstanding, share, ratios, cap, headroom, limit, recovery):
    fund_ratio, insurer_ratio = ratios
    result = loss_split(
        outstanding_principal=outstanding,
        ip_share=share,
        net_recovery=recovery,
        fund_ratio=fund_ratio,
        insurer_ratio=insurer_ratio,
        fund_cap=cap,
        pool_headroom=headroom,
        policy_limit=limit,
    )
    base = result.loss_base
    assert base == rhu(F(outstanding) * F(share))
    assert result.fund == min(rhu(F(fund_ratio) * F(base)), cap, headroom)
    expected_insurer = rhu(F(insurer_ratio) * F(base))
    assert result.insurer == (expected_insurer if limit is None else min(expected_insurer, limit))

    shares = (result.fund, result.insurer, result.bank)
    assert sum(shares) == base
    assert all(share >= 0 for share in shares)
    assert result.fund <= cap and result.fund <= headroom
    assert limit is None or result.insurer <= limit
    # the bank keeps at least 20 % of B, give or take the one rounding cent
    assert F(result.bank) >= F(base) / 5 - CENT

    shared = min(recovery, base)
    backs = (result.recovery_fund, result.recovery_insurer, result.recovery_bank)
    assert sum(backs) == shared
    assert all(back >= 0 for back in backs)
    finals = (result.final_fund, result.final_insurer, result.final_bank)
    assert finals == tuple(s - b for s, b in zip(shares, backs, strict=True))
    assert sum(finals) == base - shared
    assert all(final >= 0 for final in finals)
    if base:
        for borne, back in zip(shares, backs, strict=True):
            assert abs(F(back) - F(shared) * F(borne) / F(base)) <= CENT
        if result.recovery_bank > 0 or shared == 0:  # no fen had to be taken back from a creditor
            assert result.recovery_fund == rhu(F(shared) * F(result.fund) / F(base))
            assert result.recovery_insurer == rhu(F(shared) * F(result.insurer) / F(base))
    for value in (base, *shares, *backs, *finals):
        assert value.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"outstanding_principal": D("-1.00")}, "outstanding_principal must not be negative"),
        ({"outstanding_principal": D("1.005")}, "outstanding_principal must have at most 2 decimal places"),
        ({"ip_share": D("0")}, "ip_share must be greater than 0 and at most 1"),
        ({"ip_share": D("1.01")}, "ip_share must be greater than 0 and at most 1"),
        ({"net_recovery": D("-0.01")}, "net_recovery must not be negative"),
        ({"fund_ratio": D("-0.1")}, "fund_ratio must be between 0 and 1"),
        ({"insurer_ratio": D("1.1")}, "insurer_ratio must be between 0 and 1"),
        ({"fund_ratio": D("0.5"), "insurer_ratio": D("0.31")}, "must be at most 0.8"),
        ({"fund_ratio": D("0.8"), "insurer_ratio": D("0.0001")}, "the bank keeps at least 20 %"),
        ({"fund_cap": D("-1")}, "fund_cap must not be negative"),
        ({"pool_headroom": D("-1")}, "pool_headroom must not be negative"),
        ({"policy_limit": D("-1")}, "policy_limit must not be negative"),
        ({"fund_ratio": D("NaN")}, "fund_ratio must be a finite number"),
    ],
)
def test_loss_split_refuses_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        split(**kwargs)


def test_loss_split_accepts_the_bounds():
    result = split(fund_ratio=D("0.8"), insurer_ratio=D("0"), fund_cap=D("0"), ip_share=D("1"))
    assert (result.fund, result.insurer, result.bank) == (D("0.00"), D("0.00"), D("3000000.00"))


def test_loss_split_refuses_floats_and_positional_arguments():
    with pytest.raises(TypeError):
        split(fund_ratio=0.4)
    with pytest.raises(TypeError):
        loss_split(D("3000000"), D("1"), D("0"), D("0.4"), D("0.4"), D("1000000"), D("5000000"))


# --------------------------------------------------------------------------- penalty interest


@pytest.mark.parametrize(
    ("amount", "rate", "markup", "days", "expected"),
    [
        # 100,000 × 4.5 % × 1.5 × 30 / 360 = 562.50
        ("100000.00", "0.045", "0.5", 30, "562.50"),
        # 435,416.67 × 4.5 % × 1.3 × 10 / 360 = 707.5520...
        ("435416.67", "0.045", "0.3", 10, "707.55"),
        # 1,000 × 3.6 % × 1 × 5 / 360 = 0.50
        ("1000.00", "0.036", "0", 5, "0.50"),
        # 1 × 3.6 % × 1.5 / 360 = 0.00015 → 0.00; 100 × that = 0.015 → 0.02 (half up)
        ("1.00", "0.036", "0.5", 1, "0.00"),
        ("100.00", "0.036", "0.5", 1, "0.02"),
        ("100000.00", "0.045", "0.5", 0, "0.00"),
        ("100000.00", "0.045", "0.5", -3, "0.00"),
        ("0", "0.045", "0.5", 30, "0.00"),
    ],
)
def test_penalty_interest_examples(amount, rate, markup, days, expected):
    result = penalty_interest(overdue_amount=D(amount), annual_rate=D(rate), markup=D(markup), days=days)
    assert result == D(expected)
    assert str(result) == expected


@given(amount=money("0", "100000000.00"), rate=rates, markup=fraction("0", "1"), days=st.integers(1, 3650))
def test_penalty_interest_is_simple_interest_on_a_360_day_year(amount, rate, markup, days):
    result = penalty_interest(overdue_amount=amount, annual_rate=rate, markup=markup, days=days)
    assert result == rhu(F(amount) * F(rate) * (1 + F(markup)) * days / 360)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"overdue_amount": D("-1")}, "overdue_amount must not be negative"),
        ({"overdue_amount": D("1.001")}, "overdue_amount must have at most 2 decimal places"),
        ({"annual_rate": D("1")}, "annual_rate must be at least 0 and below 1"),
        ({"annual_rate": D("-0.01")}, "annual_rate must be at least 0 and below 1"),
        ({"markup": D("-0.1")}, "markup must not be negative"),
    ],
)
def test_penalty_interest_refuses_bad_input(kwargs, message):
    args = {"overdue_amount": D("1000.00"), "annual_rate": D("0.045"), "markup": D("0.5"), "days": 10} | kwargs
    with pytest.raises(ValueError, match=message):
        penalty_interest(**args)


def test_penalty_interest_refuses_fractional_days():
    with pytest.raises(TypeError):
        penalty_interest(overdue_amount=D("1000.00"), annual_rate=D("0.045"), markup=D("0.5"), days=D("1.5"))


# --------------------------------------------------------------------------- allocate_payment


DUES = [
    Due(2, D("0.00"), D("100.00"), D("1000.00")),
    Due(1, D("5.00"), D("110.00"), D("1000.00")),
]


def parts(applied: Applied):
    return applied.period, applied.penalty, applied.interest, applied.principal


def test_allocation_pays_oldest_period_first_penalty_interest_principal():
    allocation = allocate_payment(D("1200.00"), DUES)
    assert [parts(a) for a in allocation.applied] == [
        (1, D("5.00"), D("110.00"), D("1000.00")),
        (2, D("0.00"), D("85.00"), D("0.00")),
    ]
    assert allocation.leftover == D("0.00")


def test_allocation_within_a_period_penalty_before_interest_before_principal():
    allocation = allocate_payment(D("50.00"), DUES)
    assert [parts(a) for a in allocation.applied] == [
        (1, D("5.00"), D("45.00"), D("0.00")),
        (2, D("0.00"), D("0.00"), D("0.00")),
    ]
    allocation = allocate_payment(D("3.00"), DUES)
    assert parts(allocation.applied[0]) == (1, D("3.00"), D("0.00"), D("0.00"))


def test_allocation_leftover_only_after_every_due_is_paid():
    allocation = allocate_payment(D("2215.00"), DUES)
    assert allocation.leftover == D("0.00")
    allocation = allocate_payment(D("2500.00"), DUES)
    assert [a.total for a in allocation.applied] == [D("1115.00"), D("1100.00")]
    assert allocation.leftover == D("285.00")


def test_allocation_with_no_dues_is_all_leftover():
    assert allocate_payment(D("1000.00"), []) == Allocation(applied=[], leftover=D("1000.00"))
    assert allocate_payment(D("0"), DUES).leftover == D("0.00")


due_amounts = money("0", "1000000.00")


@given(
    amount=money("0", "10000000.00"),
    dues=st.lists(st.tuples(due_amounts, due_amounts, due_amounts), min_size=0, max_size=12).flatmap(
        lambda rows: st.permutations(
            [Due(period, penalty, interest, principal) for period, (penalty, interest, principal) in enumerate(rows, 1)]
        )
    ),
)
def test_allocation_properties(amount, dues):
    allocation = allocate_payment(amount, dues)
    ordered = sorted(dues, key=lambda due: due.period)
    assert [a.period for a in allocation.applied] == [due.period for due in ordered]
    assert sum(a.total for a in allocation.applied) + allocation.leftover == amount
    assert allocation.leftover >= 0
    owed = sum(due.total for due in ordered)
    assert allocation.leftover == max(amount - owed, 0)
    # a part is paid only when everything ahead of it (older periods; earlier parts) is paid in full
    flat = [
        (a_part, d_part)
        for a, d in zip(allocation.applied, ordered, strict=True)
        for a_part, d_part in zip(parts(a)[1:], (d.penalty, d.interest, d.principal), strict=True)
    ]
    short = False
    for paid, due in flat:
        assert 0 <= paid <= due
        if short:
            assert paid == 0
        short = short or paid < due


@pytest.mark.parametrize(
    ("amount", "dues", "message"),
    [
        (D("-1.00"), [], "amount must not be negative"),
        (D("1.001"), [], "amount must have at most 2 decimal places"),
        (D("1.00"), [Due(0, D("0"), D("0"), D("1"))], "due period must be at least 1"),
        (D("1.00"), [Due(1, D("-1"), D("0"), D("1"))], "penalty of period 1 must not be negative"),
        (D("1.00"), [Due(1, D("0"), D("0.001"), D("1"))], "interest of period 1 must have at most 2 decimal places"),
        (D("1.00"), [Due(3, D("0"), D("0"), D("-1"))], "principal of period 3 must not be negative"),
        (D("1.00"), [Due(1, D("0"), D("1"), D("1")), Due(1, D("0"), D("1"), D("1"))], "same period twice"),
    ],
)
def test_allocation_refuses_bad_input(amount, dues, message):
    with pytest.raises(ValueError, match=message):
        allocate_payment(amount, dues)


def test_allocation_refuses_things_that_are_not_dues():
    with pytest.raises(TypeError):
        allocate_payment(D("1.00"), [(1, D("0"), D("0"), D("1"))])


# --------------------------------------------------------------------------- working days


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2024, 6, 3), 1, date(2024, 6, 4)),  # Monday → Tuesday
        (date(2024, 6, 7), 1, date(2024, 6, 10)),  # Friday → Monday
        (date(2024, 6, 8), 1, date(2024, 6, 10)),  # Saturday → Monday
        (date(2024, 6, 9), 1, date(2024, 6, 10)),  # Sunday → Monday
        (date(2024, 6, 8), 5, date(2024, 6, 14)),  # Saturday + 5 → Friday, not the next Saturday
        (date(2024, 6, 5), 5, date(2024, 6, 12)),  # Wednesday + 5 → Wednesday
        (date(2024, 6, 7), 10, date(2024, 6, 21)),  # claim deadline from a Friday
        (date(2024, 6, 5), 10, date(2024, 6, 19)),
        (date(2024, 12, 27), 3, date(2025, 1, 1)),  # holidays are not known: New Year's Day counts
        (date(2024, 6, 8), 0, date(2024, 6, 8)),
    ],
)
def test_working_days_after_examples(start, n, expected):
    assert working_days_after(start, n) == expected


@given(start=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), n=st.integers(0, 400))
def test_working_days_after_matches_counting_day_by_day(start, n):
    day, left = start, n
    while left:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    assert working_days_after(start, n) == day


def test_working_days_after_refuses_bad_input():
    with pytest.raises(ValueError, match="n must not be negative"):
        working_days_after(date(2024, 6, 3), -1)
    with pytest.raises(TypeError):
        working_days_after(date(2024, 6, 3), D("1"))
    with pytest.raises(TypeError):
        working_days_after("2024-06-03", 1)


# --------------------------------------------------------------------------- LTV bound


def test_max_principal_examples():
    collateral = [(D("0.25"), D("8000000.00")), (D("0.5"), D("1000000.00"))]
    assert max_principal(programme_max=D("10000000.00"), collateral=collateral) == D("2500000.00")
    assert max_principal(programme_max=D("2000000.00"), collateral=collateral) == D("2000000.00")
    # 0.15 × 33.33 = 4.9995 → 5.00; 0.15 × 33.37 = 5.0055 → 5.01 (each rounded, then added)
    collateral = [(D("0.15"), D("33.33")), (D("0.15"), D("33.37"))]
    assert max_principal(programme_max=D("10000000"), collateral=collateral) == D("10.01")
    assert max_principal(programme_max=D("10000000"), collateral=[]) == D("0.00")


@given(
    programme_max=money("0", "100000000.00"),
    collateral=st.lists(st.tuples(fraction("0", "1"), money("0", "1000000000.00")), max_size=8),
)
def test_max_principal_properties(programme_max, collateral):
    result = max_principal(programme_max=programme_max, collateral=collateral)
    expected = min(programme_max, sum((rhu(F(ltv) * F(value)) for ltv, value in collateral), D("0")))
    assert result == expected
    assert result.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"programme_max": D("-1")}, "programme_max must not be negative"),
        ({"collateral": [(D("1.5"), D("100.00"))]}, "ltv of collateral item 1 must be between 0 and 1"),
        ({"collateral": [(D("0.25"), D("1.00")), (D("100.00"), D("0.25"))]}, "ltv of collateral item 2"),
        ({"collateral": [(D("0.25"), D("-1.00"))]}, "appraised value of collateral item 1 must not be negative"),
        ({"collateral": [(D("0.25"), D("1.001"))]}, "appraised value of collateral item 1 must have at most 2"),
    ],
)
def test_max_principal_refuses_bad_input(kwargs, message):
    args = {"programme_max": D("10000000.00"), "collateral": [(D("0.25"), D("100.00"))]} | kwargs
    with pytest.raises(ValueError, match=message):
        max_principal(**args)


def test_max_principal_refuses_malformed_collateral():
    with pytest.raises(TypeError):
        max_principal(programme_max=D("1"), collateral=[(D("0.25"),)])
    with pytest.raises(TypeError):
        max_principal(programme_max=D("1"), collateral=[(0.25, D("100.00"))])
