"""The programme's subsidies as numbers: pure functions (no models, no database, no settings), docs/subsidies.md.

- Interest subsidy of one repayment period: the programme pays `interest_subsidy_rate` a year on the
  period's opening balance, for one month — round_half_up(opening balance × rate / 12, 0.01) — when the
  period's interest was paid in full on or before its due date; never more than the period's interest; a
  period paid late earns nothing.
- The opening balance of a period is the balance AFTER the previous period, i.e. this period's principal part
  plus its `balance` (the schedule's `balance` is the balance after the period: financing/money.py `Period`).
- Premium subsidy of a loan's policy: round_half_up(premium × premium_subsidy_ratio, 0.01), once per loan.

Amounts are CNY ``Decimal`` values with at most 2 decimal places, rates ``Decimal`` fractions; each product is
computed exactly (integers of fen and the rate's exact ratio) and rounded once, ROUND_HALF_UP to the fen.
Floats are refused (TypeError); a negative amount or rate, or an amount with more than 2 decimals, raises
ValueError.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

ZERO = Decimal("0.00")
MONTHS = 12


def _number(value, name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{name} must be a Decimal, not {type(value).__name__}")
    value = Decimal(value)
    if not value.is_finite():
        raise ValueError(f"{name} must be a finite number")
    if value < 0:
        raise ValueError(f"{name} must not be negative")
    return value


def _fen(value, name: str) -> int:
    numerator, denominator = _number(value, name).as_integer_ratio()
    if 100 % denominator:
        raise ValueError(f"{name} must have at most 2 decimal places")
    return numerator * (100 // denominator)


def _rate(value, name: str) -> tuple[int, int]:
    rate = _number(value, name)
    if rate > 1:
        raise ValueError(f"{name} is a fraction from 0 to 1 (1.5 % is 0.015)")
    return rate.as_integer_ratio()


def _round_div(numerator: int, denominator: int) -> int:
    """A non-negative numerator / a positive denominator, rounded half up to a whole number."""
    quotient, remainder = divmod(numerator, denominator)
    return quotient + (1 if 2 * remainder >= denominator else 0)


def _yuan(fen: int) -> Decimal:
    return Decimal(f"{fen}E-2")


def opening_balance(*, principal, balance_after) -> Decimal:
    """The balance a period's interest is charged on: what was still owed before the period's principal part
    was repaid (the period's principal part + the schedule's balance after the period)."""
    return _yuan(_fen(principal, "principal") + _fen(balance_after, "balance_after"))


def interest_paid_on_time(*, interest, due_date: date, payments: Iterable[tuple[date, Decimal]]) -> bool:
    """Whether the interest of a period was paid in full on or before its due date. `payments` are the parts
    of repayments allocated to this period's interest, as (paid on, amount). A period without interest
    (a prepayment row, a loan at 0 %) has nothing to subsidise: False."""
    owed = _fen(interest, "interest")
    if owed == 0:
        return False
    paid = sum(_fen(amount, "payment") for paid_on, amount in payments if paid_on <= due_date)
    return paid >= owed


def interest_subsidy(*, opening_balance, interest, annual_rate, on_time: bool) -> Decimal:
    """One period's interest subsidy: round_half_up(opening balance × annual_rate / 12, 0.01), at most the
    period's interest; 0.00 when the interest was not paid on time."""
    base = _fen(opening_balance, "opening_balance")
    cap = _fen(interest, "interest")
    numerator, denominator = _rate(annual_rate, "annual_rate")
    if not on_time:
        return ZERO
    return _yuan(min(_round_div(base * numerator, denominator * MONTHS), cap))


def premium_subsidy(*, premium, ratio) -> Decimal:
    """The policy's premium subsidy: round_half_up(premium × ratio, 0.01)."""
    numerator, denominator = _rate(ratio, "ratio")
    return _yuan(_round_div(_fen(premium, "premium") * numerator, denominator))


def interest_payments(repayments: Iterable[tuple[date, dict]]) -> dict[int, list[tuple[date, Decimal]]]:
    """Per period number, the (paid on, interest) parts of the repayments, read from each repayment's
    allocation as financing records it: `{"periods": [{"period", "interest", …}, …]}`."""
    parts: dict[int, list[tuple[date, Decimal]]] = {}
    for paid_on, allocation in repayments:
        for item in (allocation or {}).get("periods", []):
            parts.setdefault(int(item["period"]), []).append((paid_on, Decimal(item["interest"])))
    return parts


@dataclass(frozen=True)
class PeriodSubsidy:
    period: int
    due_date: date
    opening_balance: Decimal
    interest: Decimal
    amount: Decimal


def period_subsidies(periods, repayments: Iterable[tuple[date, dict]], annual_rate) -> list[PeriodSubsidy]:
    """The interest subsidies a schedule has earned: one per period whose interest was paid in full by its due
    date (and is not zero). `periods` have `period`, `due_date`, `principal`, `interest` and `balance` (after
    the period); `repayments` are (paid on, allocation)."""
    parts = interest_payments(repayments)
    earned = []
    for p in periods:
        on_time = interest_paid_on_time(interest=p.interest, due_date=p.due_date, payments=parts.get(p.period, []))
        if not on_time:
            continue
        opening = opening_balance(principal=p.principal, balance_after=p.balance)
        amount = interest_subsidy(opening_balance=opening, interest=p.interest, annual_rate=annual_rate, on_time=True)
        if amount > 0:
            earned.append(PeriodSubsidy(p.period, p.due_date, opening, Decimal(p.interest), amount))
    return earned
