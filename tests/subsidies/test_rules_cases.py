"""Unit cases of financing/subsidies/rules.py (no database), against figures worked out independently with `bc`
(docs/subsidies.md, "Worked example"): CNY 5,000,000 at 4.5 % for 12 months, equal principal, a 1.5 % a year
interest subsidy and half of a 2 % premium."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from financing.subsidies import rules

D = Decimal
RATE = D("0.015")

# The loan's schedule as docs/domain.md gives it: principal parts round(5,000,000 / 12) = 416,666.67, the last
# one the rest; the balance is the balance AFTER each period.
PRINCIPAL = [D("416666.67")] * 11 + [D("416666.63")]
OPENING = [
    D("5000000.00"),
    D("4583333.33"),
    D("4166666.66"),
    D("3749999.99"),
    D("3333333.32"),
    D("2916666.65"),
    D("2499999.98"),
    D("2083333.31"),
    D("1666666.64"),
    D("1249999.97"),
    D("833333.30"),
    D("416666.63"),
]
INTEREST = [  # opening × 0.045 / 12, rounded half up (bc): total 121,875.00
    D("18750.00"),
    D("17187.50"),
    D("15625.00"),
    D("14062.50"),
    D("12500.00"),
    D("10937.50"),
    D("9375.00"),
    D("7812.50"),
    D("6250.00"),
    D("4687.50"),
    D("3125.00"),
    D("1562.50"),
]
# opening × 0.015 / 12 (bc): 6250.0000, 5729.1666625, 5208.333325, 4687.4999875, 4166.66665, 3645.8333125,
# 3124.999975, 2604.1666375, 2083.3333, 1562.4999625, 1041.666625, 520.8332875 — rounded half up:
SUBSIDY = [
    D("6250.00"),
    D("5729.17"),
    D("5208.33"),
    D("4687.50"),
    D("4166.67"),
    D("3645.83"),
    D("3125.00"),
    D("2604.17"),
    D("2083.33"),
    D("1562.50"),
    D("1041.67"),
    D("520.83"),
]
TOTAL = D("40625.00")  # one third of the 121,875.00 interest, to the fen


def due(k: int) -> date:
    return date(2026, 1 + k, 15) if k < 12 else date(2027, 1, 15)


def schedule():
    return [
        SimpleNamespace(
            period=k + 1,
            due_date=due(k + 1),
            principal=PRINCIPAL[k],
            interest=INTEREST[k],
            balance=OPENING[k] - PRINCIPAL[k],
        )
        for k in range(12)
    ]


def paid_on_due_dates(periods):
    return [
        (p.due_date, {"periods": [{"period": p.period, "interest": str(p.interest), "principal": str(p.principal)}]})
        for p in periods
    ]


def test_the_figures_of_the_example_add_up():
    assert sum(PRINCIPAL) == D("5000000.00")
    assert sum(INTEREST) == D("121875.00")
    assert sum(SUBSIDY) == TOTAL


def test_the_opening_balance_is_the_principal_part_plus_the_balance_after():
    periods = schedule()
    assert [rules.opening_balance(principal=p.principal, balance_after=p.balance) for p in periods] == OPENING
    assert periods[-1].balance == 0


@pytest.mark.parametrize("k", range(12))
def test_each_period_of_the_example(k):
    amount = rules.interest_subsidy(opening_balance=OPENING[k], interest=INTEREST[k], annual_rate=RATE, on_time=True)
    assert amount == SUBSIDY[k]
    assert amount.as_tuple().exponent == -2


def test_the_whole_schedule_paid_on_time_earns_the_total():
    periods = schedule()
    earned = rules.period_subsidies(periods, paid_on_due_dates(periods), RATE)
    assert [e.amount for e in earned] == SUBSIDY
    assert [e.opening_balance for e in earned] == OPENING
    assert [e.period for e in earned] == list(range(1, 13))
    assert sum(e.amount for e in earned) == TOTAL


def test_a_period_paid_late_earns_nothing():
    periods = schedule()
    repayments = paid_on_due_dates(periods)
    late = periods[2]
    repayments[2] = (date(2026, 4, 16), repayments[2][1])  # one day after its due date of 15 April
    earned = rules.period_subsidies(periods, repayments, RATE)
    assert [e.period for e in earned] == [1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert sum(e.amount for e in earned) == TOTAL - D("5208.33")
    assert (
        rules.interest_subsidy(opening_balance=OPENING[2], interest=late.interest, annual_rate=RATE, on_time=False) == 0
    )


def test_interest_paid_on_the_due_date_itself_is_on_time():
    assert rules.interest_paid_on_time(
        interest=D("100.00"), due_date=date(2026, 3, 15), payments=[(date(2026, 3, 15), D("100.00"))]
    )


def test_interest_paid_in_parts_counts_only_what_was_paid_by_the_due_date():
    on_time = [(date(2026, 3, 1), D("60.00")), (date(2026, 3, 15), D("40.00"))]
    assert rules.interest_paid_on_time(interest=D("100.00"), due_date=date(2026, 3, 15), payments=on_time)
    partly_late = [(date(2026, 3, 1), D("60.00")), (date(2026, 3, 16), D("40.00"))]
    assert not rules.interest_paid_on_time(interest=D("100.00"), due_date=date(2026, 3, 15), payments=partly_late)
    short = [(date(2026, 3, 15), D("99.99"))]
    assert not rules.interest_paid_on_time(interest=D("100.00"), due_date=date(2026, 3, 15), payments=short)


def test_a_period_without_interest_earns_nothing():
    """A prepayment row or a loan at 0 %: nothing was paid that the programme could subsidise."""
    assert not rules.interest_paid_on_time(interest=D("0.00"), due_date=date(2026, 3, 15), payments=[])
    prepayment = SimpleNamespace(
        period=3, due_date=date(2026, 3, 10), principal=D("1000000.00"), interest=D("0.00"), balance=D("2000000.00")
    )
    allocation = {"periods": [{"period": 3, "interest": "0.00", "principal": "1000000.00"}]}
    assert rules.period_subsidies([prepayment], [(date(2026, 3, 10), allocation)], RATE) == []


def test_the_subsidy_is_never_more_than_the_interest_of_the_period():
    """A loan at 1.2 % a year: 1,000,000 × 0.012 / 12 = 1,000.00 interest; the 1.5 % subsidy would be
    1,250.00 and is capped at 1,000.00."""
    assert rules.interest_subsidy(
        opening_balance=D("1000000.00"), interest=D("1000.00"), annual_rate=RATE, on_time=True
    ) == D("1000.00")
    assert rules.interest_subsidy(
        opening_balance=D("1000000.00"), interest=D("1249.99"), annual_rate=RATE, on_time=True
    ) == D("1249.99")
    assert rules.interest_subsidy(
        opening_balance=D("1000000.00"), interest=D("1250.01"), annual_rate=RATE, on_time=True
    ) == D("1250.00")


@pytest.mark.parametrize(
    ("opening", "expected"),
    [
        (D("4.00"), D("0.01")),  # 0.005 exactly: half up
        (D("3.99"), D("0.00")),  # 0.0049875
        (D("12.00"), D("0.02")),  # 0.015 exactly
        (D("11.99"), D("0.01")),  # 0.0149875
        (D("0.01"), D("0.00")),
        (D("1234.56"), D("1.54")),  # 1.5432
        (D("1236.00"), D("1.55")),  # 1.545 exactly: half up
        (D("99999999999999.99"), D("125000000000.00")),  # 124,999,999,999.9999875 (bc): exact at the largest amount
    ],
)
def test_rounding_half_up_to_the_fen(opening, expected):
    interest = D("99999999999999.99")
    assert (
        rules.interest_subsidy(opening_balance=opening, interest=interest, annual_rate=RATE, on_time=True) == expected
    )


def test_the_premium_subsidy_of_the_example():
    """Premium 2 % of 5,000,000 = 100,000.00; the programme pays half: 50,000.00."""
    assert rules.premium_subsidy(premium=D("100000.00"), ratio=D("0.5")) == D("50000.00")


@pytest.mark.parametrize(
    ("premium", "ratio", "expected"),
    [
        (D("0.01"), D("0.5"), D("0.01")),  # 0.005: half up
        (D("0.03"), D("0.5"), D("0.02")),  # 0.015
        (D("75000.00"), D("0.5"), D("37500.00")),
        (D("12345.67"), D("0.33333"), D("4115.18")),  # 4115.1851...
        (D("100.00"), D("0"), D("0.00")),
        (D("100.00"), D("1"), D("100.00")),
    ],
)
def test_premium_subsidy_cases(premium, ratio, expected):
    assert rules.premium_subsidy(premium=premium, ratio=ratio) == expected


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"premium": 100.0, "ratio": D("0.5")}, TypeError),
        ({"premium": "100", "ratio": D("0.5")}, TypeError),
        ({"premium": True, "ratio": D("0.5")}, TypeError),
        ({"premium": D("-1"), "ratio": D("0.5")}, ValueError),
        ({"premium": D("1.001"), "ratio": D("0.5")}, ValueError),
        ({"premium": D("NaN"), "ratio": D("0.5")}, ValueError),
        ({"premium": D("100"), "ratio": D("1.5")}, ValueError),
        ({"premium": D("100"), "ratio": D("-0.5")}, ValueError),
    ],
)
def test_bad_input_is_refused(kwargs, error):
    with pytest.raises(error):
        rules.premium_subsidy(**kwargs)


def test_bad_interest_input_is_refused():
    with pytest.raises(TypeError):
        rules.interest_subsidy(opening_balance=5000000.0, interest=D("1"), annual_rate=RATE, on_time=True)
    with pytest.raises(ValueError):
        rules.interest_subsidy(opening_balance=D("1"), interest=D("1.005"), annual_rate=RATE, on_time=True)
    with pytest.raises(ValueError):
        rules.interest_subsidy(opening_balance=D("1"), interest=D("1"), annual_rate=D("2"), on_time=True)


def test_interest_payments_reads_the_allocations():
    repayments = [
        (date(2026, 2, 15), {"periods": [{"period": 1, "interest": "18750.00", "principal": "416666.67"}]}),
        (
            date(2026, 3, 20),
            {
                "periods": [
                    {"period": 2, "interest": "17187.50", "principal": "0.00"},
                    {"period": 3, "interest": "100.00", "principal": "0.00"},
                ],
                "early_principal": "0.00",
            },
        ),
        (date(2026, 3, 21), {}),
    ]
    assert rules.interest_payments(repayments) == {
        1: [(date(2026, 2, 15), D("18750.00"))],
        2: [(date(2026, 3, 20), D("17187.50"))],
        3: [(date(2026, 3, 20), D("100.00"))],
    }
