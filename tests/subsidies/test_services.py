"""The subsidy services: computing (what a loan earns, idempotent, frozen rates), the workflow claim → approve |
reject → pay with its roles (403), states (409) and guards (400), and the audit events."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from financing.models import Programme
from financing.subsidies import services
from financing.subsidies.models import Subsidy, SubsidyEvent
from ipmarket.core.errors import GuardFailed, InvalidTransition
from tests.financing.factories import today

from .conftest import amounts

pytestmark = pytest.mark.django_db
D = Decimal


def interest(app):
    return Subsidy.objects.filter(application=app, kind="interest")


def premium(app):
    return Subsidy.objects.get(application=app, kind="premium")


# --- computing --------------------------------------------------------------------------------------


def test_a_loan_paid_on_time_earns_its_periods_and_the_premium(loan):
    app = loan(paid=(1, 2, 3))
    # opening balances 5,000,000.00, 4,583,333.33, 4,166,666.66 × 0.015 / 12 (bc), rounded half up
    assert amounts(interest(app)) == [D("6250.00"), D("5729.17"), D("5208.33")]
    assert [s.base for s in interest(app).order_by("period")] == [D("5000000.00"), D("4583333.33"), D("4166666.66")]
    p = premium(app)
    assert (p.base, p.rate, p.amount, p.year) == (D("100000.00"), D("0.50000"), D("50000.00"), app.disbursed_on.year)
    assert {s.state for s in Subsidy.objects.filter(application=app)} == {"claimable"}
    due = {s.period: s for s in interest(app)}
    assert due[1].year == due[1].due_date.year and due[1].interest == D("18750.00") and due[1].rate == D("0.015")


def test_a_period_paid_late_earns_nothing(loan):
    app = loan(paid=(1, 2, 3), late=(2,))
    assert sorted(interest(app).values_list("period", flat=True)) == [1, 3]


def test_an_unpaid_period_earns_nothing_until_it_is_paid_on_time(loan, parties):
    from .conftest import repay

    app = loan(paid=(1,), months_ago=3)
    assert list(interest(app).values_list("period", flat=True)) == [1]
    repay(app, parties.officer, periods=(2,))
    created = services.subsidies_compute(application=app)
    assert [(s.kind, s.period, s.amount) for s in created] == [("interest", 2, D("5729.17"))]


def test_computing_twice_creates_nothing_and_changes_nothing(loan, parties):
    app = loan(paid=(1, 2))
    before = list(Subsidy.objects.filter(application=app).order_by("pk").values())
    first = services.subsidy_claim(subsidy=premium(app), by=parties.owner)
    assert services.subsidies_compute(application=app) == []
    after = list(Subsidy.objects.filter(application=app).order_by("pk").values())
    assert len(after) == len(before) == 3
    assert fresh_subsidy(first).state == "claimed"
    assert SubsidyEvent.objects.filter(subsidy__application=app, action="compute").count() == 3


def fresh_subsidy(s):
    return Subsidy.objects.get(pk=s.pk)


def test_the_programmes_rates_are_frozen_into_each_row(loan, programme, parties):
    from .conftest import repay

    app = loan(paid=(1,), months_ago=3)
    Programme.objects.filter(pk=programme.pk).update(interest_subsidy_rate=D("0.01"), premium_subsidy_ratio=D("0.3"))
    repay(app, parties.officer, periods=(2,))
    services.subsidies_compute(application=app)
    rows = {s.period: s for s in interest(app)}
    assert (rows[1].rate, rows[1].amount) == (D("0.015"), D("6250.00"))  # computed before the change
    assert (rows[2].rate, rows[2].amount) == (D("0.01"), D("3819.44"))  # 4,583,333.33 × 0.01 / 12 = 3819.4444…
    assert premium(app).amount == D("50000.00")  # computed at disbursement's first computation


def test_nothing_before_disbursement(make_app):
    app = make_app("pledge_registered", premium_rate="0.02")
    assert services.subsidies_compute(application=app) == []
    assert not Subsidy.objects.filter(application=app).exists()


def test_disbursement_and_repayments_compute_on_commit(make_app, parties, django_capture_on_commit_callbacks):
    """financing's own events set the computation off once they commit (hooks.py); financing never imports
    subsidies."""
    from financing import services as financing

    app = make_app("pledge_registered", premium_rate="0.02", principal="5000000")
    with django_capture_on_commit_callbacks(execute=True):
        financing.application_disburse(application=app, by=parties.officer)
    assert amounts(Subsidy.objects.filter(application=app)) == [D("50000.00")]
    period = app.periods.get(period=1)
    with django_capture_on_commit_callbacks(execute=True):
        financing.application_record_repayment(
            application=app, by=parties.officer, amount=period.principal + period.interest, paid_on=today()
        )
    # paid today, before the due date: the payment prepays principal (financing's rule), which has no interest
    assert list(interest(app)) == []


def test_the_daily_sweep_computes_what_is_missing(loan):
    app = loan(paid=(1, 2), compute=False)
    assert not Subsidy.objects.filter(application=app).exists()
    counts = services.subsidies_compute_all()
    assert counts["created"] == 3 and counts["failed"] == 0
    assert services.subsidies_compute_all()["created"] == 0


# --- the workflow ---------------------------------------------------------------------------------------


def test_the_happy_path_with_its_events(loan, parties):
    app = loan(paid=(1,))
    s = interest(app).get()
    s = services.subsidy_claim(subsidy=s, by=parties.owner)
    s = services.subsidy_approve(subsidy=s, by=parties.platform, note="figures checked")
    s = services.subsidy_pay(subsidy=s, by=parties.fund_person, paid_on=today(), reference="ZJ-2026-001")
    s = fresh_subsidy(s)
    assert (s.state, s.claimed_by, s.decided_by, s.paid_by) == (
        "paid",
        parties.owner,
        parties.platform,
        parties.fund_person,
    )
    assert (s.paid_on, s.payment_reference, s.decision_note) == (today(), "ZJ-2026-001", "figures checked")
    events = list(s.events.values_list("action", "from_state", "to_state", "actor"))
    assert events == [
        ("compute", "", "claimable", None),
        ("claim", "claimable", "claimed", parties.owner.pk),
        ("approve", "claimed", "approved", parties.platform.pk),
        ("pay", "approved", "paid", parties.fund_person.pk),
    ]


def test_reject_needs_a_note_and_is_final(loan, parties):
    s = interest(loan(paid=(1,))).get()
    services.subsidy_claim(subsidy=s, by=parties.owner)
    with pytest.raises(GuardFailed) as refused:
        services.subsidy_reject(subsidy=s, by=parties.platform, note="  ")
    assert refused.value.code == "note_required"
    s = services.subsidy_reject(subsidy=s, by=parties.platform, note="duplicate claim")
    assert fresh_subsidy(s).state == "rejected"
    for action, by in (("claim", parties.owner), ("approve", parties.platform)):
        with pytest.raises(InvalidTransition):
            services.SERVICES[action](subsidy=s, by=by)


@pytest.mark.parametrize(
    ("action", "who"),
    [
        ("claim", "platform"),
        ("claim", "fund_person"),
        ("claim", "officer"),
        ("approve", "owner"),
        ("approve", "fund_person"),
        ("reject", "owner"),
        ("pay", "owner"),
        ("pay", "platform"),
    ],
)
def test_the_wrong_role_is_refused(loan, parties, action, who):
    s = premium(loan(paid=()))
    if action != "claim":
        services.subsidy_claim(subsidy=s, by=parties.owner)
    if action == "pay":
        services.subsidy_approve(subsidy=s, by=parties.platform)
    body = {"paid_on": today(), "reference": "R1"} if action == "pay" else {"note": "n"}
    with pytest.raises(PermissionDenied):
        services.SERVICES[action](subsidy=s, by=getattr(parties, who), **body)
    assert SubsidyEvent.objects.filter(subsidy=s, action=action).count() == 0


def test_another_enterprise_may_not_claim(loan, outsiders):
    s = premium(loan(paid=()))
    with pytest.raises(PermissionDenied):
        services.subsidy_claim(subsidy=s, by=outsiders.enterprise)
    assert fresh_subsidy(s).state == "claimable"


def test_stale_state_is_a_conflict_with_the_allowed_actions(loan, parties):
    s = premium(loan(paid=()))
    with pytest.raises(InvalidTransition) as stale:
        services.subsidy_approve(subsidy=s, by=parties.platform)
    assert stale.value.allowed == ["claim"]
    services.subsidy_claim(subsidy=s, by=parties.owner)
    with pytest.raises(InvalidTransition):
        services.subsidy_claim(subsidy=s, by=parties.owner)
    with pytest.raises(InvalidTransition):
        services.subsidy_pay(subsidy=s, by=parties.fund_person, paid_on=today(), reference="R")


def test_payment_needs_a_reference_and_a_date_not_in_the_future(loan, parties):
    s = premium(loan(paid=()))
    services.subsidy_claim(subsidy=s, by=parties.owner)
    services.subsidy_approve(subsidy=s, by=parties.platform)
    for body in (
        {"paid_on": today(), "reference": " "},
        {"paid_on": today(), "reference": "R" * 65},
        {"paid_on": today() + timedelta(days=1), "reference": "R"},
        {"paid_on": today() - timedelta(days=1), "reference": "R"},  # before the approval (today)
    ):
        with pytest.raises(ValidationError):
            services.subsidy_pay(subsidy=s, by=parties.fund_person, **body)
    assert fresh_subsidy(s).state == "approved"


def test_claim_all_claims_only_the_callers_claimable_subsidies(loan, parties, make_app, outsiders):
    app = loan(paid=(1, 2))
    other = Subsidy.objects.filter(application=app, kind="interest", period=2).get()
    services.subsidy_claim(subsidy=other, by=parties.owner)
    claimed = services.subsidies_claim_all(by=parties.owner)
    assert sorted((s.kind, s.period) for s in claimed) == [("interest", 1), ("premium", None)]
    assert set(Subsidy.objects.filter(application=app).values_list("state", flat=True)) == {"claimed"}
    assert services.subsidies_claim_all(by=parties.owner) == []
    assert services.subsidies_claim_all(by=outsiders.enterprise) == []


def test_totals_per_enterprise_and_year_by_kind_and_state(loan, parties):
    app = loan(paid=(1, 2, 3))
    rows = {(s.kind, s.period): s for s in Subsidy.objects.filter(application=app)}
    services.subsidy_claim(subsidy=rows[("interest", 1)], by=parties.owner)
    services.subsidy_approve(subsidy=rows[("interest", 1)], by=parties.platform)
    services.subsidy_claim(subsidy=rows[("interest", 2)], by=parties.owner)
    services.subsidy_reject(subsidy=rows[("interest", 2)], by=parties.platform, note="no")
    result = services.totals(Subsidy.objects.all())
    years = {s.year for s in rows.values()}
    assert {r["year"] for r in result} == years
    combined = {state: sum((r["interest"][state] for r in result), D("0")) for state in Subsidy.State.values}
    assert combined == {
        "claimable": D("5208.33"),
        "claimed": D("0.00"),
        "approved": D("6250.00"),
        "paid": D("0.00"),
        "rejected": D("5729.17"),
    }
    assert sum(r["premium"]["claimable"] for r in result) == D("50000.00")
    assert sum(r["total"] for r in result) == D("61458.33")  # 5,208.33 + 6,250.00 + 50,000.00
    assert {r["enterprise"] for r in result} == {parties.borrower.pk}
    year = min(years)
    assert {r["year"] for r in services.totals(Subsidy.objects.all(), year=year)} == {year}


@pytest.mark.django_db(transaction=True)
def test_two_parallel_approvals_approve_once(loan, parties):
    """Two platform people approve the same claim at once: one wins, the other gets a 409 (the row lock and the
    state check), and one event is written."""
    s = premium(loan(paid=()))
    services.subsidy_claim(subsidy=s, by=parties.owner)
    barrier, results = threading.Barrier(2), []

    def approve():
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                services.subsidy_approve(subsidy=s, by=parties.platform)
            results.append("ok")
        except InvalidTransition:
            results.append("409")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == ["409", "ok"]
    assert SubsidyEvent.objects.filter(subsidy=s, action="approve").count() == 1
    assert fresh_subsidy(s).state == "approved"
