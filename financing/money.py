"""Money for pledge financing: repayment schedules, loss sharing, penalty interest, payment allocation.

Pure functions (no models, no database, no settings). Amounts are CNY ``Decimal`` values with 2 decimal
places; rates and ratios are ``Decimal`` fractions (4.5 % is ``Decimal("0.045")``). Floats are refused.

Arithmetic is exact: every amount is handled internally as a whole number of fen and every rate as an
exact integer ratio, so a product such as ``balance × rate / 12`` is rounded exactly once, ROUND_HALF_UP to
0.01, and only where docs/financing.md says so. All results are ``Decimal`` values with exactly 2 decimal places.

Bad input raises ``ValueError`` with a message naming the argument; an argument of the wrong type (a float,
a string, a bool) raises ``TypeError``.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

EQUAL_INSTALMENT = "equal_instalment"  # 等额本息
EQUAL_PRINCIPAL = "equal_principal"  # 等额本金
INTEREST_ONLY = "interest_only"  # 按月付息到期还本
METHODS = (EQUAL_INSTALMENT, EQUAL_PRINCIPAL, INTEREST_ONLY)

MAX_MONTHS = 360
MAX_CREDITOR_SHARE = Decimal("0.8")  # fund + insurer ratios: the bank keeps at least 20 %
PENALTY_DAY_COUNT = 360  # Chinese banking practice: a 360-day year for daily interest
CENT = Decimal("0.01")


# --------------------------------------------------------------------------- exact helpers


def _number(value, name: str) -> Decimal:
    """A finite Decimal (an int is accepted: it is exact). Floats, strings and bools are refused."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{name} must be a Decimal, not {type(value).__name__}")
    value = Decimal(value)
    if not value.is_finite():
        raise ValueError(f"{name} must be a finite number")
    return value


def _ratio(value: Decimal) -> tuple[int, int]:
    """The exact fraction (numerator, positive denominator) of a finite Decimal."""
    return value.as_integer_ratio()


def _fen(value, name: str, *, positive: bool = False) -> int:
    """A money amount as a whole number of fen; at most 2 decimal places, ≥ 0 (> 0 when ``positive``)."""
    value = _number(value, name)
    if positive and value <= 0:
        raise ValueError(f"{name} must be greater than 0")
    if value < 0:
        raise ValueError(f"{name} must not be negative")
    numerator, denominator = _ratio(value)
    if 100 % denominator:
        raise ValueError(f"{name} must have at most 2 decimal places")
    return numerator * (100 // denominator)


def _round_div(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to a whole number, ROUND_HALF_UP (ties away from zero)."""
    if denominator <= 0:
        raise ZeroDivisionError("denominator must be positive")
    quotient, remainder = divmod(abs(numerator), denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return -quotient if numerator < 0 else quotient


def _yuan(fen: int) -> Decimal:
    """Whole fen → Decimal yuan with exactly 2 decimal places (built from a string: exact at any size)."""
    return Decimal(f"{fen}E-2")


def _int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    return value


def _date(value, name: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{name} must be a date, not {type(value).__name__}")
    return value


# --------------------------------------------------------------------------- repayment schedule


@dataclass(frozen=True)
class Period:
    """One instalment. ``balance`` is the outstanding principal AFTER this period's payment."""

    period: int
    due_date: date | None
    principal: Decimal
    interest: Decimal
    payment: Decimal
    balance: Decimal


def _annual_rate(value) -> tuple[int, int]:
    rate = _number(value, "annual_rate")
    if not 0 <= rate < 1:
        raise ValueError("annual_rate must be at least 0 and below 1 (a fraction: 4.5 % is 0.045)")
    return _ratio(rate)


def schedule(
    principal: Decimal,
    annual_rate: Decimal,
    months: int,
    method: str,
    start: date | None = None,
) -> list[Period]:
    """The repayment schedule of a loan (docs/domain.md, "Repayment schedule").

    r = annual_rate / 12, exact; interest of a period = round(balance before the period × r).

    - ``equal_instalment`` (等额本息): payment = round(P·r / (1 − (1+r)^−n)) (r = 0: round(P / n)),
      principal part = payment − interest.
    - ``equal_principal`` (等额本金): principal part = round(P / n), payment = principal part + interest.
    - ``interest_only`` (按月付息到期还本): interest each period, the whole principal in the last one.

    The last period always repays the remaining balance (principal = balance before it, payment =
    principal + interest), so the principal parts add up to P exactly and the final balance is 0.

    A principal part is never more than the balance still owed: for a tiny principal spread over many
    periods (say CNY 0.05 over 10 months: round(0.005) = 0.01 a month) or an extreme rate and term whose
    rounding drift adds up, the balance may be repaid before the last period; the period that clears it
    pays only what is left and the periods after it are all zero. Realistic loans never get there.

    Due dates (when ``start`` is given) are ``start + k months`` for k = 1..n, each counted from ``start``
    (31 Jan → 29 Feb → 31 Mar), with the day clamped to the end of a shorter month.
    """
    fen = _fen(principal, "principal", positive=True)
    rate_num, rate_den = _annual_rate(annual_rate)
    n = _int(months, "months")
    if not 1 <= n <= MAX_MONTHS:
        raise ValueError(f"months must be between 1 and {MAX_MONTHS}")
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}")
    if start is not None:
        start = _date(start, "start")

    # r = rate_num / (12 · rate_den); interest on b fen = round(b · rate_num / (12 · rate_den)).
    monthly_den = 12 * rate_den

    def interest_on(balance: int) -> int:
        return _round_div(balance * rate_num, monthly_den)

    if method == EQUAL_INSTALMENT:
        if rate_num == 0:
            level = _round_div(fen, n)
        else:
            # P·r / (1 − (1+r)^−n) = P · rate_num · (D + rate_num)^n / (D · ((D + rate_num)^n − D^n)), D = 12·rate_den
            grown = (monthly_den + rate_num) ** n
            level = _round_div(fen * rate_num * grown, monthly_den * (grown - monthly_den**n))
    elif method == EQUAL_PRINCIPAL:
        level = _round_div(fen, n)

    periods = []
    balance = fen
    for k in range(1, n + 1):
        interest = interest_on(balance)
        if k == n:
            part = balance
        elif method == EQUAL_INSTALMENT:
            part = min(level - interest, balance)  # ≥ 0: level ≥ round(P·r) ≥ round(balance·r)
        elif method == EQUAL_PRINCIPAL:
            part = min(level, balance)
        else:
            part = 0
        balance -= part
        periods.append(
            Period(
                period=k,
                due_date=start + relativedelta(months=k) if start is not None else None,
                principal=_yuan(part),
                interest=_yuan(interest),
                payment=_yuan(part + interest),
                balance=_yuan(balance),
            )
        )
    return periods


def remaining_schedule(
    balance: Decimal,
    annual_rate: Decimal,
    months_left: int,
    method: str,
    start: date | None = None,
) -> list[Period]:
    """The schedule of what is left after an early repayment: ``schedule`` on the remaining balance over the
    remaining months; due dates count from ``start`` (the last due date already met)."""
    return schedule(balance, annual_rate, months_left, method, start)


def totals(periods: list[Period]) -> tuple[Decimal, Decimal]:
    """(total interest, total payment) of a schedule."""
    total_interest = sum((p.interest for p in periods), Decimal("0.00"))
    total_payment = sum((p.payment for p in periods), Decimal("0.00"))
    return total_interest, total_payment


# --------------------------------------------------------------------------- loss sharing


@dataclass(frozen=True)
class LossSplitResult:
    """Who bears a default loss: shares borne, recoveries paid back, and what is finally lost."""

    loss_base: Decimal
    fund: Decimal
    insurer: Decimal
    bank: Decimal
    recovery_fund: Decimal
    recovery_insurer: Decimal
    recovery_bank: Decimal
    final_fund: Decimal
    final_insurer: Decimal
    final_bank: Decimal


def _fraction_in(value, name: str, *, low_open: bool = False) -> tuple[int, int]:
    """A ratio in [0, 1] (in (0, 1] when ``low_open``)."""
    value = _number(value, name)
    if low_open and not 0 < value <= 1:
        raise ValueError(f"{name} must be greater than 0 and at most 1")
    if not 0 <= value <= 1:
        raise ValueError(f"{name} must be between 0 and 1")
    return _ratio(value)


def loss_split(
    *,
    outstanding_principal: Decimal,
    ip_share: Decimal = Decimal("1"),
    net_recovery: Decimal = Decimal("0"),
    fund_ratio: Decimal,
    insurer_ratio: Decimal,
    fund_cap: Decimal,
    pool_headroom: Decimal,
    policy_limit: Decimal | None = None,
) -> LossSplitResult:
    """Split a default loss between the risk-compensation fund, the insurer and the bank (docs/financing.md).

    - loss base B = round(outstanding principal × IP share of the collateral);
    - fund F = min(round(fund_ratio × B), fund cap per loan, pool headroom);
    - insurer I = min(round(insurer_ratio × B), policy limit) (no limit when ``policy_limit`` is None);
    - bank = B − F − I, so the three add up to B exactly and any rounding cent lands on the bank.

    Net recoveries R (disposal proceeds less costs) are paid back in proportion to what each party actually
    bore: recovery_fund = round(R'·F/B), recovery_insurer = round(R'·I/B), recovery_bank = the rest, where
    R' = min(R, B). Recoveries beyond the loss are not shared here (they belong to the borrower / the
    collateral owner, not to the three loss bearers). When two rounded-up shares would leave the bank a
    negative cent (possible only for recoveries of a few fen), that cent is taken back from the insurer's
    (else the fund's) recovery. final_x = x − recovery_x; the finals add up to B − R' exactly and none is
    negative. B = 0 gives all zeros.
    """
    outstanding = _fen(outstanding_principal, "outstanding_principal")
    share_num, share_den = _fraction_in(ip_share, "ip_share", low_open=True)
    recovery = _fen(net_recovery, "net_recovery")
    fund_ratio = _number(fund_ratio, "fund_ratio")
    insurer_ratio = _number(insurer_ratio, "insurer_ratio")
    fund_num, fund_den = _fraction_in(fund_ratio, "fund_ratio")
    ins_num, ins_den = _fraction_in(insurer_ratio, "insurer_ratio")
    if fund_ratio + insurer_ratio > MAX_CREDITOR_SHARE:
        raise ValueError("fund_ratio + insurer_ratio must be at most 0.8 (the bank keeps at least 20 %)")
    cap = _fen(fund_cap, "fund_cap")
    headroom = _fen(pool_headroom, "pool_headroom")
    limit = None if policy_limit is None else _fen(policy_limit, "policy_limit")

    base = _round_div(outstanding * share_num, share_den)
    fund = min(_round_div(base * fund_num, fund_den), cap, headroom)
    insurer = _round_div(base * ins_num, ins_den)
    if limit is not None:
        insurer = min(insurer, limit)
    bank = base - fund - insurer  # ≥ 0: round(a) + round(b) ≤ ⌊0.8·B + 1⌋ ≤ B for whole fen B ≥ 1

    shared = min(recovery, base)
    if base:
        back_fund = _round_div(shared * fund, base)
        back_insurer = _round_div(shared * insurer, base)
    else:
        back_fund = back_insurer = 0
    back_bank = shared - back_fund - back_insurer
    if back_bank < 0:  # both rounded up past the bank's sub-fen share: at most one fen, given back by the
        back_insurer += back_bank  # insurer (its part is then at least one fen: the fund's alone never exceeds)
        back_bank = 0

    return LossSplitResult(
        loss_base=_yuan(base),
        fund=_yuan(fund),
        insurer=_yuan(insurer),
        bank=_yuan(bank),
        recovery_fund=_yuan(back_fund),
        recovery_insurer=_yuan(back_insurer),
        recovery_bank=_yuan(back_bank),
        final_fund=_yuan(fund - back_fund),
        final_insurer=_yuan(insurer - back_insurer),
        final_bank=_yuan(bank - back_bank),
    )


# --------------------------------------------------------------------------- overdue instalments


def penalty_interest(*, overdue_amount: Decimal, annual_rate: Decimal, markup: Decimal, days: int) -> Decimal:
    """Penalty interest (罚息) on an overdue instalment:
    round(overdue_amount × annual_rate × (1 + markup) × days / 360), simple interest, not compounded.

    ``markup`` is the surcharge on the contract rate (0.5 = the rate plus 50 %). Daily interest uses the
    360-day year of Chinese banking practice. 0.00 when ``days`` ≤ 0 (not yet overdue).
    """
    amount = _fen(overdue_amount, "overdue_amount")
    rate_num, rate_den = _annual_rate(annual_rate)
    markup = _number(markup, "markup")
    if markup < 0:
        raise ValueError("markup must not be negative")
    markup_num, markup_den = _ratio(markup)
    days = _int(days, "days")
    if days <= 0:
        return _yuan(0)
    return _yuan(
        _round_div(
            amount * rate_num * (markup_den + markup_num) * days,
            rate_den * markup_den * PENALTY_DAY_COUNT,
        )
    )


@dataclass(frozen=True)
class Due:
    """What is owed for one period: penalty interest, interest and principal."""

    period: int
    penalty: Decimal
    interest: Decimal
    principal: Decimal

    @property
    def total(self) -> Decimal:
        return self.penalty + self.interest + self.principal


@dataclass(frozen=True)
class Applied:
    """What a repayment paid towards one period's dues."""

    period: int
    penalty: Decimal
    interest: Decimal
    principal: Decimal

    @property
    def total(self) -> Decimal:
        return self.penalty + self.interest + self.principal


@dataclass(frozen=True)
class Allocation:
    """``applied`` has one entry per due period, oldest first (zeros where the money ran out);
    ``leftover`` is what remains after every due is paid in full (an early repayment of principal)."""

    applied: list[Applied]
    leftover: Decimal


def allocate_payment(amount: Decimal, dues: list[Due]) -> Allocation:
    """Apply a repayment to the dues: oldest period first, and within a period penalty, then interest, then
    principal. The applied parts and the leftover add up to ``amount`` exactly; there is a leftover only
    when every due has been paid in full. Dues may be given in any order; periods must be distinct."""
    remaining = _fen(amount, "amount")
    owed = []
    for due in dues:
        if not isinstance(due, Due):
            raise TypeError(f"dues must be Due objects, not {type(due).__name__}")
        period = _int(due.period, "due period")
        if period < 1:
            raise ValueError("due period must be at least 1")
        owed.append(
            (
                period,
                _fen(due.penalty, f"penalty of period {period}"),
                _fen(due.interest, f"interest of period {period}"),
                _fen(due.principal, f"principal of period {period}"),
            )
        )
    owed.sort(key=lambda row: row[0])
    periods = [row[0] for row in owed]
    if len(set(periods)) != len(periods):
        raise ValueError("dues must not list the same period twice")

    applied = []
    for period, *parts in owed:
        paid = []
        for part in parts:
            take = min(part, remaining)
            remaining -= take
            paid.append(_yuan(take))
        applied.append(Applied(period, *paid))
    return Allocation(applied=applied, leftover=_yuan(remaining))


def working_days_after(start: date, n: int) -> date:
    """The date of the n-th working day (Monday to Friday) after ``start``; ``start`` itself when n = 0.

    Used for the claim deadline (10 working days after a default is recorded). Only weekends are skipped:
    public holidays and the make-up working weekends of the Chinese calendar are not known here.
    """
    start = _date(start, "start")
    n = _int(n, "n")
    if n < 0:
        raise ValueError("n must not be negative")
    if n == 0:
        return start
    day = start
    if day.weekday() >= 5:  # from a weekend, count as from the Friday before: the same working days follow
        day -= timedelta(days=day.weekday() - 4)
    weeks, rest = divmod(n, 5)
    day += timedelta(weeks=weeks)
    while rest:
        day += timedelta(days=1)
        if day.weekday() < 5:
            rest -= 1
    return day


def max_principal(*, programme_max: Decimal, collateral: list[tuple[Decimal, Decimal]]) -> Decimal:
    """The loan-to-value bound: min(programme_max, Σ round(ltv × appraised value)).

    ``collateral`` is a list of ``(ltv, appraised_value)`` pairs, the LTV a fraction in [0, 1]
    (an invention patent at 25 % is ``(Decimal("0.25"), value)``).
    """
    cap = _fen(programme_max, "programme_max")
    total = 0
    for index, item in enumerate(collateral, start=1):
        if not isinstance(item, tuple) or len(item) != 2:
            raise TypeError(f"collateral item {index} must be a (ltv, appraised_value) pair")
        ltv, value = item
        ltv_num, ltv_den = _fraction_in(ltv, f"ltv of collateral item {index}")
        total += _round_div(_fen(value, f"appraised value of collateral item {index}") * ltv_num, ltv_den)
    return _yuan(min(cap, total))


def round_cents(value: Decimal) -> Decimal:
    """Round a Decimal to the cent, half up (the one rounding step callers outside this module use)."""
    if not isinstance(value, Decimal):
        raise TypeError("round_cents takes a Decimal")
    return value.quantize(CENT, rounding=ROUND_HALF_UP)
