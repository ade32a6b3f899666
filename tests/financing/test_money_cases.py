"""financing.money: the exact wording of each refusal (the module's contract: a message naming the argument),
the rounding helpers, and the types of the results. Pure: no services."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from financing import money
from financing.money import (
    Due,
    allocate_payment,
    loss_split,
    max_principal,
    penalty_interest,
    remaining_schedule,
    round_cents,
    schedule,
    totals,
    working_days_after,
)

D = Decimal
LOAN = {"principal": D("1000.00"), "annual_rate": D("0.045"), "months": 12, "method": "equal_principal"}
SPLIT = {
    "outstanding_principal": D("3000000.00"),
    "fund_ratio": D("0.4"),
    "insurer_ratio": D("0.4"),
    "fund_cap": D("1000000.00"),
    "pool_headroom": D("50000000.00"),
}
PENALTY = {"overdue_amount": D("1000.00"), "annual_rate": D("0.045"), "markup": D("0.5"), "days": 10}


def message(error_type, call, *args, **kwargs) -> str:
    with pytest.raises(error_type) as info:
        call(*args, **kwargs)
    return str(info.value)


# --------------------------------------------------------------------------- rounding


@pytest.mark.parametrize(
    ("numerator", "denominator", "rounded"),
    [
        (5, 2, 3),  # 2.5 → 3: ties away from zero
        (7, 2, 4),
        (4, 3, 1),
        (5, 3, 2),
        (0, 7, 0),
        (-5, 2, -3),  # -2.5 → -3: away from zero, not up
        (-4, 3, -1),
        (-5, 3, -2),
        (-1, 3, 0),
        (-6, 3, -2),
    ],
)
def test_round_div_rounds_half_away_from_zero(numerator, denominator, rounded):
    assert money._round_div(numerator, denominator) == rounded


@pytest.mark.parametrize("denominator", [0, -1, -3])
def test_round_div_refuses_a_denominator_that_is_not_positive(denominator):
    assert message(ZeroDivisionError, money._round_div, 6, denominator) == "denominator must be positive"


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        (D("0.005"), "0.01"),  # half up, where half-even gives 0.00
        (D("2.665"), "2.67"),
        (D("2.675"), "2.68"),
        (D("2.6749999"), "2.67"),
        (D("1"), "1.00"),
        (D("-0.005"), "-0.01"),
    ],
)
def test_round_cents(value, rounded):
    result = round_cents(value)
    assert str(result) == rounded


@pytest.mark.parametrize("value", [1, 0.5, "0.50", None])
def test_round_cents_takes_only_a_decimal(value):
    assert message(TypeError, round_cents, value) == "round_cents takes a Decimal"


def test_totals_of_nothing_are_two_decimal_zeros():
    total_interest, total_payment = totals([])
    assert (str(total_interest), str(total_payment)) == ("0.00", "0.00")


# ----------------------------------------------------------- wrong types and values: the message names the argument


@pytest.mark.parametrize(
    ("changes", "text"),
    [
        ({"principal": 1000.0}, "principal must be a Decimal, not float"),
        ({"principal": True}, "principal must be a Decimal, not bool"),
        ({"annual_rate": 0.045}, "annual_rate must be a Decimal, not float"),
        ({"annual_rate": "0.045"}, "annual_rate must be a Decimal, not str"),
        ({"months": D("12")}, "months must be an int, not Decimal"),
        ({"months": True}, "months must be an int, not bool"),
        ({"start": "2024-01-31"}, "start must be a date, not str"),
        ({"start": datetime(2024, 1, 31)}, "start must be a date, not datetime"),
    ],
)
def test_schedule_type_errors(changes, text):
    assert message(TypeError, schedule, **(LOAN | changes)) == text


@pytest.mark.parametrize(
    ("changes", "text"),
    [
        ({"principal": D("0")}, "principal must be greater than 0"),
        ({"principal": D("-1")}, "principal must be greater than 0"),
        ({"principal": D("1.001")}, "principal must have at most 2 decimal places"),
        ({"principal": D("NaN")}, "principal must be a finite number"),
        ({"annual_rate": D("1")}, "annual_rate must be at least 0 and below 1 (a fraction: 4.5 % is 0.045)"),
        ({"annual_rate": D("Infinity")}, "annual_rate must be a finite number"),
        ({"months": 361}, "months must be between 1 and 360"),
        ({"method": "bullet"}, "method must be one of equal_instalment, equal_principal, interest_only"),
    ],
)
def test_schedule_value_errors(changes, text):
    args = LOAN | changes
    assert message(ValueError, schedule, **args) == text
    rest = (args["principal"], args["annual_rate"], args["months"], args["method"])
    assert message(ValueError, remaining_schedule, *rest) == text


@pytest.mark.parametrize(
    ("changes", "error", "text"),
    [
        ({"outstanding_principal": 1.0}, TypeError, "outstanding_principal must be a Decimal, not float"),
        ({"ip_share": 0.5}, TypeError, "ip_share must be a Decimal, not float"),
        ({"ip_share": D("NaN")}, ValueError, "ip_share must be a finite number"),
        ({"net_recovery": 1}, None, None),  # an int is exact: accepted (1.00 back: 0.33, 0.40, the bank the rest)
        ({"fund_ratio": 0.4}, TypeError, "fund_ratio must be a Decimal, not float"),
        ({"insurer_ratio": 0.4}, TypeError, "insurer_ratio must be a Decimal, not float"),
        ({"insurer_ratio": D("sNaN")}, ValueError, "insurer_ratio must be a finite number"),
        ({"fund_cap": "1"}, TypeError, "fund_cap must be a Decimal, not str"),
        ({"pool_headroom": None}, TypeError, "pool_headroom must be a Decimal, not NoneType"),
        ({"policy_limit": 1.5}, TypeError, "policy_limit must be a Decimal, not float"),
        (
            {"fund_ratio": D("0.5"), "insurer_ratio": D("0.31")},
            ValueError,
            "fund_ratio + insurer_ratio must be at most 0.8 (the bank keeps at least 20 %)",
        ),
        ({"ip_share": D("0")}, ValueError, "ip_share must be greater than 0 and at most 1"),
        ({"fund_ratio": D("-0.1")}, ValueError, "fund_ratio must be between 0 and 1"),
    ],
)
def test_loss_split_errors(changes, error, text):
    if error is None:
        result = loss_split(**(SPLIT | changes))
        assert (result.recovery_fund, result.recovery_insurer, result.recovery_bank) == (
            D("0.33"),
            D("0.40"),
            D("0.27"),
        )
    else:
        assert message(error, loss_split, **(SPLIT | changes)) == text


@pytest.mark.parametrize(
    ("changes", "error", "text"),
    [
        ({"overdue_amount": 1000.0}, TypeError, "overdue_amount must be a Decimal, not float"),
        ({"annual_rate": 0.045}, TypeError, "annual_rate must be a Decimal, not float"),
        ({"markup": 0.5}, TypeError, "markup must be a Decimal, not float"),
        ({"markup": D("NaN")}, ValueError, "markup must be a finite number"),
        ({"markup": D("-0.01")}, ValueError, "markup must not be negative"),
        ({"days": 1.5}, TypeError, "days must be an int, not float"),
        ({"days": D("1")}, TypeError, "days must be an int, not Decimal"),
        ({"overdue_amount": D("-0.01")}, ValueError, "overdue_amount must not be negative"),
    ],
)
def test_penalty_interest_errors(changes, error, text):
    assert message(error, penalty_interest, **(PENALTY | changes)) == text


def test_penalty_interest_is_zero_up_to_the_due_date_itself():
    for days in (0, -1, -365):
        result = penalty_interest(**(PENALTY | {"days": days}))
        assert str(result) == "0.00"
    assert penalty_interest(**(PENALTY | {"days": 1})) == D("0.19")  # 1000 × 0.045 × 1.5 / 360 = 0.1875


@pytest.mark.parametrize(
    ("amount", "dues", "error", "text"),
    [
        (D("1.00"), [(1, D("0"), D("0"), D("1"))], TypeError, "dues must be Due objects, not tuple"),
        (D("1.00"), [None], TypeError, "dues must be Due objects, not NoneType"),
        (D("1.00"), [Due("1", D("0"), D("0"), D("1"))], TypeError, "due period must be an int, not str"),
        (D("1.00"), [Due(0, D("0"), D("0"), D("1"))], ValueError, "due period must be at least 1"),
        (D("1.00"), [Due(-2, D("0"), D("0"), D("1"))], ValueError, "due period must be at least 1"),
        (
            D("1.00"),
            [Due(2, D("0"), D("1"), D("1")), Due(1, D("0"), D("1"), D("1")), Due(2, D("0"), D("2"), D("1"))],
            ValueError,
            "dues must not list the same period twice",
        ),
        (D("1.00"), [Due(4, 0.5, D("0"), D("1"))], TypeError, "penalty of period 4 must be a Decimal, not float"),
        (1.0, [], TypeError, "amount must be a Decimal, not float"),
    ],
)
def test_allocation_errors(amount, dues, error, text):
    assert message(error, allocate_payment, amount, dues) == text


@pytest.mark.parametrize(
    ("start", "n", "error", "text"),
    [
        ("2024-06-03", 1, TypeError, "start must be a date, not str"),
        (datetime(2024, 6, 3), 1, TypeError, "start must be a date, not datetime"),
        (date(2024, 6, 3), 1.0, TypeError, "n must be an int, not float"),
        (date(2024, 6, 3), False, TypeError, "n must be an int, not bool"),
        (date(2024, 6, 3), -1, ValueError, "n must not be negative"),
    ],
)
def test_working_days_after_errors(start, n, error, text):
    assert message(error, working_days_after, start, n) == text


@pytest.mark.parametrize(
    ("collateral", "error", "text"),
    [
        (
            [(D("0.25"), D("1.00")), [D("0.25"), D("1.00")]],
            TypeError,
            "collateral item 2 must be a (ltv, appraised_value) pair",
        ),
        ([(D("0.25"),)], TypeError, "collateral item 1 must be a (ltv, appraised_value) pair"),
        ([(0.25, D("1.00"))], TypeError, "ltv of collateral item 1 must be a Decimal, not float"),
        ([(D("0.25"), 1.0)], TypeError, "appraised value of collateral item 1 must be a Decimal, not float"),
        ([(D("1.01"), D("1.00"))], ValueError, "ltv of collateral item 1 must be between 0 and 1"),
    ],
)
def test_max_principal_errors(collateral, error, text):
    assert message(error, max_principal, programme_max=D("100.00"), collateral=collateral) == text
