"""The loan after disbursement: its schedule, repayments (partial, full, early), penalty interest, the nightly
overdue check and default. Time is simulated with backdated due dates and the nightly job's `today=`."""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from dateutil.relativedelta import relativedelta

from financing import money, services
from financing.models import Event, RepaymentPeriod
from financing.money import working_days_after
from ipmarket.core.errors import GuardFailed

from .conftest import act, fresh, periods, refused, shift_loan, today

pytestmark = pytest.mark.django_db

D = Decimal
# 3,000,000 at 4.5 % over 12 months, equal principal: period 1 is 250,000.00 + 11,250.00 = 261,250.00.
P1 = D("261250.00")


def first_due_days_ago(app, days: int):
    """The loan was disbursed a month before its first instalment, which fell due `days` ago."""
    due = today() - timedelta(days=days)
    app = shift_loan(app, due - relativedelta(months=1))
    RepaymentPeriod.objects.filter(application=app, period=1).update(due_date=due)
    return fresh(app)


def pay(app, parties, amount, paid_on=None):
    return services.application_record_repayment(
        application=app, by=parties.officer, amount=D(amount), paid_on=paid_on or today()
    )


def nightly(day=None):
    return services.loans_check_overdue(today=day or today())


def penalty(amount, days):
    """By hand: amount × 4.5 % × (1 + 50 %) × days / 360, to the cent."""
    return (D(amount) * D("0.045") * D("1.5") * days / 360).quantize(D("0.01"), rounding=ROUND_HALF_UP)


# --- the schedule -----------------------------------------------------------------------------------------------


def test_disbursement_makes_the_schedule_from_the_approved_terms(api, parties, make_app):
    app = make_app("active", principal="3000000", proposed_principal="2800000", proposed_rate="0.04")
    assert app.disbursed_on == today()
    assert app.maturity_date == today() + relativedelta(months=12)
    expected = money.schedule(D("2800000"), D("0.04"), 12, "equal_principal", start=today())
    rows = periods(app)
    assert [(r.period, r.due_date, r.principal, r.interest, r.payment, r.balance) for r in rows] == [
        (e.period, e.due_date, e.principal, e.interest, e.payment, e.balance) for e in expected
    ]
    assert rows[-1].due_date == app.maturity_date
    assert act(api, parties.officer, app, "disburse").status_code == 409  # once only
    assert len(periods(app)) == 12


# --- repayments --------------------------------------------------------------------------------------------------


def test_a_partial_repayment_pays_interest_before_principal(parties, make_app):
    app = first_due_days_ago(make_app("active"), 0)
    pay(app, parties, "100000")
    first = periods(app)[0]
    assert (first.paid_penalty, first.paid_interest, first.paid_principal) == (0, D("11250.00"), D("88750.00"))
    assert first.settled_on is None
    assert services.outstanding_principal(fresh(app)) == D("2911250.00")
    repayment = fresh(app).repayments.get()
    assert repayment.allocation == {
        "periods": [{"period": 1, "penalty": "0.00", "interest": "11250.00", "principal": "88750.00"}],
        "early_principal": "0.00",
    }
    pay(app, parties, "161250")  # the rest of the instalment
    first = periods(app)[0]
    assert first.settled_on == today() and first.unpaid_principal == 0
    assert fresh(app).state == "active"
    assert len(periods(app)) == 12 and periods(app)[1].payment == D("260312.50")  # the schedule is untouched


def test_an_early_repayment_lowers_the_principal_and_recomputes_what_is_left(parties, make_app):
    app = first_due_days_ago(make_app("active"), 0)
    second_due = periods(app)[1].due_date
    pay(app, parties, P1 + D("500000"))
    app = fresh(app)
    assert services.outstanding_principal(app) == D("2250000.00")  # 3,000,000 − 250,000 − 500,000
    rows = periods(app)
    assert rows[0].settled_on == today()
    prepaid = rows[1]  # the prepayment itself, settled on the day
    assert (prepaid.principal, prepaid.interest, prepaid.settled_on) == (D("500000.00"), 0, today())
    expected = money.schedule(
        D("2250000.00"), D("0.045"), 11, "equal_principal", start=second_due - relativedelta(months=1)
    )
    assert [(r.principal, r.interest, r.payment, r.balance, r.due_date) for r in rows[2:]] == [
        (e.principal, e.interest, e.payment, e.balance, e.due_date) for e in expected
    ]
    assert rows[2].due_date == second_due and rows[-1].due_date == app.maturity_date
    assert rows[2].interest == D("8437.50")  # interest on the lower balance: 2,250,000 × 0.375 %
    assert fresh(app).repayments.get().allocation["early_principal"] == "500000.00"


def test_paying_everything_closes_the_loan(parties, make_app):
    app = first_due_days_ago(make_app("active"), 0)
    pay(app, parties, "100000")
    owed = P1 - D("100000") + D("2750000")
    with pytest.raises(GuardFailed) as refusal:
        pay(app, parties, owed + D("0.01"))
    assert refusal.value.code == "overpayment"
    pay(app, parties, owed)
    app = fresh(app)
    assert app.state == "closed_repaid"
    assert services.outstanding_principal(app) == 0
    assert all(p.settled_on == today() for p in periods(app))


def test_a_payoff_before_the_first_due_date_closes_the_loan(api, parties, make_app):
    app = make_app("active", principal="1000000")
    refused(
        act(api, parties.officer, app, "record_repayment", {"amount": "1000000.01", "paid_on": str(today())}),
        "overpayment",
    )
    response = act(api, parties.officer, app, "record_repayment", {"amount": "1000000", "paid_on": str(today())})
    assert response.json()["state"] == "closed_repaid"
    assert response.json()["outstanding_principal"] == "0.00"


@pytest.mark.parametrize("paid_on", ["before", "future"])
def test_a_repayment_dated_before_disbursement_or_in_the_future_is_400(api, parties, make_app, paid_on):
    app = make_app("active")
    day = app.disbursed_on - timedelta(days=1) if paid_on == "before" else today() + timedelta(days=1)
    response = act(api, parties.officer, app, "record_repayment", {"amount": "1000", "paid_on": str(day)})
    assert response.status_code == 400 and "paid_on" in response.json()
    assert not fresh(app).repayments.exists()


# --- penalty interest, overdue, default ------------------------------------------------------------------------


def test_no_penalty_and_still_active_within_the_grace_days(parties, make_app):
    app = first_due_days_ago(make_app("active"), 3)
    assert nightly() == {"overdue": 0, "cured": 0, "defaulted": 0}
    assert fresh(app).state == "active" and periods(app)[0].penalty == 0
    # A payment within the grace days owes no penalty and settles the instalment.
    pay(app, parties, P1)
    assert periods(app)[0].settled_on == today() and periods(app)[0].paid_penalty == 0


def test_overdue_after_the_grace_days_with_penalty_from_the_due_date(parties, make_app):
    app = first_due_days_ago(make_app("active"), 3)
    assert nightly(today() + timedelta(days=1)) == {"overdue": 1, "cured": 0, "defaulted": 0}
    app = fresh(app)
    assert app.state == "overdue"
    assert periods(app)[0].penalty == penalty(P1, 4) == D("195.94")  # 261,250 × 0.0675 × 4 / 360 = 195.9375
    event = app.events.get(action="mark_overdue")
    assert (event.actor, event.from_state, event.to_state) == (None, "active", "overdue")


def test_the_nightly_check_twice_a_day_changes_nothing(parties, make_app):
    app = first_due_days_ago(make_app("active"), 10)
    assert nightly()["overdue"] == 1
    events, penalty_before = Event.objects.filter(application=app).count(), periods(app)[0].penalty
    assert penalty_before == penalty(P1, 10) == D("489.84")
    assert nightly() == {"overdue": 0, "cured": 0, "defaulted": 0}
    assert Event.objects.filter(application=app).count() == events
    assert periods(app)[0].penalty == penalty_before


def test_penalty_run_every_night_matches_the_hand_figure(parties, make_app):
    """Twenty nights of the job give the penalty of twenty days, not a sum of twenty roundings."""
    app = first_due_days_ago(make_app("active"), 20)
    for day in range(20, -1, -1):
        nightly(today() - timedelta(days=day))
    assert periods(app)[0].penalty == penalty(P1, 20) == D("979.69")  # 261,250 × 0.0675 × 20 / 360 = 979.6875


def test_penalty_follows_what_is_still_overdue(parties, make_app):
    app = first_due_days_ago(make_app("active"), 20)
    nightly(today() - timedelta(days=10))
    pay(app, parties, "100000", paid_on=today() - timedelta(days=10))
    first = periods(app)[0]
    assert (first.penalty, first.paid_penalty) == (D("489.84"), D("489.84"))  # 10 days on 261,250
    assert first.paid_interest == D("11250.00") and first.paid_principal == D("88260.16")
    nightly()
    first = periods(app)[0]
    assert first.penalty == D("489.84") + penalty(D("161739.84"), 10) == D("793.10")  # then 10 days on the rest


def test_paying_what_is_late_makes_the_loan_active_again(parties, make_app):
    app = first_due_days_ago(make_app("active"), 10)
    nightly()
    assert fresh(app).state == "overdue"
    pay(app, parties, P1 + penalty(P1, 10))
    app = fresh(app)
    assert app.state == "active"
    first = periods(app)[0]
    assert first.settled_on == today() and first.paid_penalty == D("489.84")
    event = app.events.order_by("-id").first()
    assert (event.action, event.from_state, event.to_state) == ("record_repayment", "overdue", "active")
    assert nightly() == {"overdue": 0, "cured": 0, "defaulted": 0}
    assert fresh(app).state == "active"


def test_a_partial_payment_leaves_the_loan_overdue(parties, make_app):
    app = first_due_days_ago(make_app("active"), 10)
    nightly()
    pay(app, parties, "100000")
    assert fresh(app).state == "overdue"


def test_default_after_90_days_past_due(parties, make_app):
    app = first_due_days_ago(make_app("active"), 89)
    assert nightly() == {"overdue": 1, "cured": 0, "defaulted": 0}
    assert fresh(app).state == "overdue"
    day = today() + timedelta(days=1)
    assert nightly(day) == {"overdue": 0, "cured": 0, "defaulted": 1}
    app = fresh(app)
    assert app.state == "defaulted"
    assert app.defaulted_on == day  # the day of the run
    assert app.claim_deadline == working_days_after(day, 10)
    assert [i.asset.pledge_enforceable for i in app.assets.all()] == [True]
    assert [e.action for e in app.events.filter(actor=None)] == ["mark_overdue", "mark_default"]
    events_before = Event.objects.filter(application=app).count()
    assert nightly(day) == {"overdue": 0, "cured": 0, "defaulted": 0}  # the second run the same night
    assert Event.objects.filter(application=app).count() == events_before  # wrote nothing new
    app = fresh(app)
    assert (app.state, app.defaulted_on) == ("defaulted", day)


def test_the_officer_records_a_default_only_after_90_days(api, parties, make_app):
    app = first_due_days_ago(make_app("active"), 30)
    nightly()
    refused(act(api, parties.officer, app, "mark_default"), "not_yet_in_default")
    RepaymentPeriod.objects.filter(application=app, period=1).update(due_date=today() - timedelta(days=90))
    assert act(api, parties.officer, app, "mark_default").json()["state"] == "defaulted"
    assert fresh(app).defaulted_on == today()
