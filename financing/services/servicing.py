"""The loan: disbursement and its schedule, repayments (partial, full, early), penalty interest,
overdue detection and default."""

from datetime import date
from decimal import Decimal
from functools import partial

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ipmarket.assets.services import asset_pledge_enforceable
from ipmarket.core.errors import GuardFailed
from ipmarket.core.money import cny
from ipmarket.core.services import refuse_if

from .. import guards, money, workflow
from ..models import Application, Repayment, RepaymentPeriod
from .common import acting, lock, lock_pledged_assets, record_event

S = Application.State
ZERO = Decimal("0")


def _make_periods(app: Application, balance: Decimal, months: int, start: date, first_number: int = 1):
    return [
        RepaymentPeriod(
            application=app,
            period=first_number + p.period - 1,
            due_date=p.due_date,
            principal=p.principal,
            interest=p.interest,
            payment=p.payment,
            balance=p.balance,
        )
        for p in money.schedule(balance, app.approved_rate, months, app.method, start=start)
    ]


@workflow.executes("disburse")
def application_disburse(*, application, by, note=""):
    """The bank pays the loan out; the schedule is made from the approved principal, rate, term and method."""
    with acting(application, by, "disburse", note=note) as app:
        refuse_if(guards.disbursement_refusal(app))
        lock_pledged_assets(app)  # no money out against an asset that is being transferred
        today = timezone.localdate()
        app.disbursed_on = today
        app.maturity_date = today + relativedelta(months=app.term_months)
        app.periods.all().delete()
        RepaymentPeriod.objects.bulk_create(_make_periods(app, app.approved_principal.amount, app.term_months, today))
        app.disburse()
    return app


def outstanding_principal(app: Application) -> Decimal:
    return sum((p.unpaid_principal for p in app.periods.all()), ZERO)


def days_past_due(periods, today: date) -> int:
    """Days since the due date of the oldest period not fully paid (0 if none is past due)."""
    due = [p.due_date for p in periods if not p.settled and p.due_date < today]
    return (today - min(due)).days if due else 0


def _penalty_as_of(app: Application, p: RepaymentPeriod, repayments, as_of: date) -> Decimal:
    """Penalty interest of one period from its due date up to `as_of`, on what of it was still overdue each
    day: one stretch per change of that amount (a repayment), each rounded once. A pure function of the
    schedule and the repayments, so running it every night adds up to the hand figure, and twice a day
    changes nothing."""
    if (as_of - p.due_date).days <= app.programme.overdue_grace_days:
        return ZERO
    owed, start, total = p.principal + p.interest, p.due_date, ZERO

    def stretch(amount, until):
        return money.penalty_interest(
            overdue_amount=amount,
            annual_rate=app.approved_rate,
            markup=app.programme.penalty_rate_markup,
            days=(until - start).days,
        )

    for repayment in repayments:
        if repayment.paid_on > as_of:
            break
        paid = sum(
            (
                Decimal(a["interest"]) + Decimal(a["principal"])
                for a in repayment.allocation.get("periods", [])
                if a["period"] == p.period
            ),
            ZERO,
        )
        if not paid or repayment.paid_on < p.due_date:
            continue
        total += stretch(owed, repayment.paid_on)
        start, owed = repayment.paid_on, owed - paid
    return total + stretch(owed, as_of)


def _accrue_penalties(app: Application, periods, as_of: date) -> None:
    """Penalty interest on each period unpaid past its due date plus the grace days, counted from the due
    date, on the amount still overdue, up to `as_of` (see _penalty_as_of). Never lowers what was accrued."""
    repayments = list(app.repayments.order_by("paid_on", "id"))
    for p in periods:
        if p.settled:
            continue
        penalty = _penalty_as_of(app, p, repayments, as_of)
        if penalty > p.penalty:
            p.penalty = penalty
            p.penalty_accrued_to = max(as_of, p.penalty_accrued_to or as_of)
            p.save(update_fields=["penalty", "penalty_accrued_to"])


@workflow.executes("record_repayment")
def application_record_repayment(*, application, by, amount, paid_on: date, note=""):
    """A repayment, applied oldest period first (penalty, interest, principal); what is left repays
    principal early: the remaining periods are recomputed on the lower balance (same method and count),
    and a balance of zero closes the loan."""
    amount = Decimal(amount)
    today = timezone.localdate()
    with acting(application, by, "record_repayment", note=note) as app:
        if amount <= 0 or amount.as_tuple().exponent < -2:
            raise ValidationError({"amount": [_("Give a positive amount with at most two decimals.")]})
        if paid_on > today or paid_on < app.disbursed_on:
            raise ValidationError({"paid_on": [_("The payment date is between the disbursement and today.")]})
        periods = list(app.periods.select_for_update().order_by("period"))
        _accrue_penalties(app, periods, paid_on)
        open_periods = [p for p in periods if not p.settled]
        due = [p for p in open_periods if p.due_date <= paid_on]
        owed_now = sum((p.unpaid_penalty + p.unpaid_interest + p.unpaid_principal for p in due), ZERO)
        future_principal = sum((p.unpaid_principal for p in open_periods if p.due_date > paid_on), ZERO)
        if amount > owed_now + future_principal:
            raise GuardFailed(
                "overpayment",
                _("The amount is more than everything owed (%(owed)s).") % {"owed": cny(owed_now + future_principal)},
            )
        allocation = money.allocate_payment(
            amount,
            [money.Due(p.period, p.unpaid_penalty, p.unpaid_interest, p.unpaid_principal) for p in due],
        )
        by_number = {p.period: p for p in periods}
        for part in allocation.applied:
            p = by_number[part.period]
            p.paid_penalty += part.penalty
            p.paid_interest += part.interest
            p.paid_principal += part.principal
            if p.unpaid_penalty == p.unpaid_interest == p.unpaid_principal == ZERO:
                p.settled_on = paid_on
            p.save()
        leftover = allocation.leftover
        if leftover:
            _prepay(app, [p for p in open_periods if p.due_date > paid_on], leftover, paid_on)
        Repayment.objects.create(
            application=app,
            amount=amount,
            paid_on=paid_on,
            recorded_by=by,
            allocation={
                "periods": [
                    {
                        "period": a.period,
                        "penalty": str(a.penalty),
                        "interest": str(a.interest),
                        "principal": str(a.principal),
                    }
                    for a in allocation.applied
                ],
                "early_principal": str(leftover),
            },
        )
        remaining = list(app.periods.filter(settled_on=None).order_by("period"))
        if not remaining:
            app.repay_in_full()
        elif app.state == S.OVERDUE and _days_late(app, remaining, today) == 0:
            app.cure()
    return app


def _prepay(app: Application, future, amount: Decimal, paid_on: date) -> None:
    """Early repayment of principal: the future periods are remade on the reduced balance."""
    balance = sum((p.unpaid_principal for p in future), ZERO) - amount
    first = future[0]
    start = first.due_date - relativedelta(months=1)
    count = len(future)
    RepaymentPeriod.objects.filter(pk__in=[p.pk for p in future]).delete()
    if balance == ZERO:
        # Paid off: the first future period records the prepayment, nothing more is due.
        RepaymentPeriod.objects.create(
            application=app,
            period=first.period,
            due_date=first.due_date,
            principal=amount,
            interest=ZERO,
            payment=amount,
            balance=ZERO,
            paid_principal=amount,
            settled_on=paid_on,
        )
        return
    RepaymentPeriod.objects.create(  # the prepayment itself, settled
        application=app,
        period=first.period,
        due_date=paid_on,
        principal=amount,
        interest=ZERO,
        payment=amount,
        balance=balance,
        paid_principal=amount,
        settled_on=paid_on,
    )
    RepaymentPeriod.objects.bulk_create(_make_periods(app, balance, count, start, first_number=first.period + 1))


def _days_late(app: Application, open_periods, today: date) -> int:
    """Days past due beyond the programme's grace, 0 when nothing is late."""
    late = days_past_due(open_periods, today)
    return late if late > app.programme.overdue_grace_days else 0


@workflow.executes("mark_default")
def application_mark_default(*, application, by, note=""):
    """The bank records the default of a loan at least `default_after_days` past due."""
    with acting(application, by, "mark_default", note=note) as app:
        refuse_if(guards.default_refusal(app, days_past_due(list(app.periods.all()), timezone.localdate())))
        _default(app)
    return app


def _default(app: Application, today: date | None = None) -> None:
    today = today or timezone.localdate()
    app.defaulted_on = today
    app.claim_deadline = money.working_days_after(today, app.programme.claim_deadline_working_days)
    for item in guards.asset_items(app):
        asset_pledge_enforceable(asset=item.asset)
    app.mark_default()


def _nightly(app: Application, step, action: str) -> None:
    before = app.state
    step()
    app.save()
    record_event(app, by=None, action=action, before=before, note=_("nightly check"))


def loans_check_overdue(*, today: date | None = None) -> dict[str, int]:
    """Nightly, idempotent: accrue penalty interest; a loan unpaid past due + grace becomes overdue (and
    active again once paid up); one `default_after_days` past due defaults."""
    today = today or timezone.localdate()
    counts = {"overdue": 0, "cured": 0, "defaulted": 0}
    for app_id in Application.objects.filter(state__in=Application.LOAN).values_list("pk", flat=True):
        with transaction.atomic():
            app = lock(app_id)
            if app.state not in Application.LOAN:
                continue
            periods = list(app.periods.select_for_update().order_by("period"))
            _accrue_penalties(app, periods, today)
            late = _days_late(app, periods, today)
            if late and app.state == S.ACTIVE:
                _nightly(app, app.mark_overdue, "mark_overdue")
                counts["overdue"] += 1
            elif not late and app.state == S.OVERDUE:
                _nightly(app, app.cure, "cure")
                counts["cured"] += 1
            if app.state == S.OVERDUE and days_past_due(periods, today) >= app.programme.default_after_days:
                _nightly(app, partial(_default, app, today), "mark_default")
                counts["defaulted"] += 1
    return counts
