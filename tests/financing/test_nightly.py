"""Nightly jobs: collateral monitoring of live loans, and the daily snapshot of each fund pool."""

from datetime import timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta

from financing import services
from financing.models import CollateralAlert, Event, PoolSnapshot
from ipmarket.assets.models import Patent, Trademark
from tests.assets.factories import PatentFactory, TrademarkFactory

from .conftest import APPS, today

pytestmark = pytest.mark.django_db


def alerts(app):
    return sorted(CollateralAlert.objects.filter(application=app).values_list("asset_id", "reason"))


def _patent_of(app):
    return app.assets.get().patent


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"legal_status": "lapsed"}, "lapsed"),
        ({"legal_status": "invalidated"}, "invalidated"),
        ({"legal_status": "expired"}, "expired"),
    ],
)
def test_a_pledged_patent_at_risk_raises_one_alert_seen_by_bank_insurer_and_fund(
    api, parties, make_app, change, reason
):
    app = make_app("active")
    patent = _patent_of(app)
    assert services.collateral_check() == 0
    Patent.objects.filter(pk=patent.pk).update(**change)
    assert services.collateral_check() == 1
    assert alerts(app) == [(patent.pk, reason)]
    assert services.collateral_check() == 0  # a second run adds nothing
    assert alerts(app) == [(patent.pk, reason)]
    assert Event.objects.filter(application=app, action="collateral_alert").count() == 1
    for person in (parties.officer, parties.underwriter, parties.fund_person):
        api.force_authenticate(person)
        events = api.get(f"{APPS}{app.pk}/events/").json()
        alert = [e for e in events if e["action"] == "collateral_alert"]
        assert len(alert) == 1, person
        assert patent.application_number in alert[0]["note"]
        assert alert[0]["from_state"] == alert[0]["to_state"] == "active"


def test_a_patent_expiring_before_the_loan_matures_raises_an_alert(make_app):
    app = make_app("active")
    patent = _patent_of(app)
    # A patent's expiry date is the first day after its term: its term must still cover the maturity day.
    Patent.objects.filter(pk=patent.pk).update(expiry_date=app.maturity_date + timedelta(days=1))
    assert services.collateral_check() == 0  # in force on the day the loan matures: enough
    Patent.objects.filter(pk=patent.pk).update(expiry_date=app.maturity_date)
    assert services.collateral_check() == 1
    assert alerts(app) == [(patent.pk, "expires_before_maturity")]


def test_annual_fees_unpaid_past_the_grace_period_raise_an_alert_before_the_status_is_updated(make_app):
    """The register's status is refreshed by another job; the fees alone already tell the patent lapsed."""
    app = make_app("active")
    patent = _patent_of(app)
    Patent.objects.filter(pk=patent.pk).update(annual_fee_paid_until=today() - relativedelta(months=6))
    assert services.collateral_check(today=today()) == 0  # on the last day of grace
    assert services.collateral_check(today=today() + timedelta(days=1)) == 1
    assert alerts(app) == [(patent.pk, "lapsed")]
    Patent.objects.filter(pk=patent.pk).update(legal_status="lapsed")  # the status job catches up
    assert services.collateral_check(today=today() + timedelta(days=1)) == 0


def test_one_alert_per_asset_and_reason(parties, make_app):
    invention = PatentFactory(owner=parties.borrower)
    mark = TrademarkFactory(owner=parties.borrower)
    app = make_app("active", assets=[invention, mark])
    Patent.objects.filter(pk=invention.pk).update(legal_status="lapsed", expiry_date=today() + timedelta(days=30))
    Trademark.objects.filter(pk=mark.pk).update(status="invalidated")
    assert services.collateral_check() == 3
    assert sorted(CollateralAlert.objects.filter(application=app).values_list("asset_type", "reason")) == [
        ("patent", "expires_before_maturity"),
        ("patent", "lapsed"),
        ("trademark", "invalidated"),
    ]
    assert services.collateral_check() == 0
    assert Event.objects.filter(application=app, action="collateral_alert").count() == 3


def test_no_alert_for_loans_not_yet_pledged_or_already_over(parties, make_app):
    contracted = make_app("contracted")
    repaid = make_app("active", principal="1000000")
    services.application_record_repayment(
        application=repaid, by=parties.officer, amount=Decimal("1000000"), paid_on=today()
    )
    for app in (contracted, repaid):
        Patent.objects.filter(pk=_patent_of(app).pk).update(legal_status="invalidated")
    assert services.collateral_check() == 0
    assert not CollateralAlert.objects.exists()


def test_pool_snapshot_is_one_row_a_day_with_the_exposure_of_live_loans(parties, programme, make_app):
    make_app("fund_filed", principal="3000000")
    make_app("active", principal="2000000")
    make_app("insured", principal="4000000")  # not filed: not covered
    withdrawn = make_app("fund_filed", principal="1000000")
    services.application_withdraw(application=withdrawn, by=parties.owner)
    assert services.pool_snapshot(today=today()) == 1
    assert services.pool_snapshot(today=today()) == 1
    snapshot = PoolSnapshot.objects.get()
    assert (snapshot.on, snapshot.capacity, snapshot.exposure, snapshot.headroom, snapshot.live_loans) == (
        today(),
        Decimal("50000000.00"),
        Decimal("5000000.00"),
        Decimal("45000000.00"),
        2,
    )
    make_app("fund_filed", principal="500000")
    services.pool_snapshot(today=today())
    assert PoolSnapshot.objects.get().exposure == Decimal("5500000.00")  # the day's row is updated, not doubled
    services.pool_snapshot(today=today() + timedelta(days=1))
    assert list(PoolSnapshot.objects.order_by("on").values_list("on", "exposure")) == [
        (today(), Decimal("5500000.00")),
        (today() + timedelta(days=1), Decimal("5500000.00")),
    ]


def test_the_nightly_tasks_run_the_jobs(parties, make_app):
    from financing import tasks

    app = make_app("active")
    Patent.objects.filter(pk=_patent_of(app).pk).update(legal_status="invalidated")
    tasks.check_collateral()
    tasks.check_overdue_loans()
    tasks.snapshot_pools()
    assert alerts(app) == [(_patent_of(app).pk, "invalidated")]
    assert PoolSnapshot.objects.get(on=today()).exposure == Decimal("3000000.00")
