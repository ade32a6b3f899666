"""The credit estimate read from the database (financing/registry/estimate.py: estimates_for) and shown on a
demand's page: only valid reports of the programme's panel appraisers count, a report's split per asset is used,
and an asset without a valid value makes the estimate partial."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from financing.models import ValuationReport, ValuationReportAsset
from financing.registry.estimate import COMPLETE, NEEDS_VALUATION, PARTIAL, estimate_for
from tests.accounts.factories import OrganisationFactory
from tests.assets.factories import PatentFactory, TrademarkFactory
from tests.registry.factories import demand
from tests.registry.test_search import design_of

pytestmark = pytest.mark.django_db


def report(w, assets, *, value, appraiser=None, value_date=None, valid_days=300, parts=None):
    today = timezone.localdate()
    r = ValuationReport.objects.create(
        programme=w.programme,
        appraiser=appraiser or w.appraiser,
        method="income",
        value=Decimal(value),
        value_date=value_date or today,
        valid_until=today + timedelta(days=valid_days),
        standard="T/CAS 2024",
        reference=f"估报-{ValuationReport.objects.count() + 1}",
        created_by=w.valuer,
    )
    for i, asset in enumerate(assets):
        ValuationReportAsset.objects.create(
            report=r, **{asset.asset_type: asset}, value=Decimal(parts[i]) if parts else None
        )
    return r


def test_valid_panel_reports_make_the_estimate(w):
    invention = PatentFactory(owner=w.borrower)
    mark = TrademarkFactory(owner=w.borrower)
    outsider_valued = PatentFactory(owner=w.borrower)
    expired = design_of(w.borrower)
    d = demand(w, "submitted", assets=[invention, mark, outsider_valued, expired])
    report(w, [invention], value="4000000")
    report(w, [mark, outsider_valued], value="900000", parts=["600000", "300000"])  # each asset its own part
    report(w, [outsider_valued], value="9000000", appraiser=OrganisationFactory(kind="appraiser"))  # not on the panel
    report(w, [expired], value="1000000", value_date=timezone.localdate() - timedelta(days=400), valid_days=-1)
    est = estimate_for(d)
    # 0.25 × 4,000,000 + 0.5 × 600,000 + 0.25 × 300,000 (the split report's part); the design has no valid report
    assert est.status == PARTIAL and est.amount == Decimal("1375000.00")
    assert [line.key.asset for line in est.missing] == [expired]
    body = Client()
    body.force_login(w.platform)
    html = body.get(f"/financing/registry/demands/{d.pk}/").content.decode()
    assert 'data-estimate="partial"' in html and "¥1,375,000.00" in html


def test_a_newer_report_without_a_split_leaves_the_asset_unvalued(w):
    a, b = PatentFactory(owner=w.borrower), PatentFactory(owner=w.borrower)
    d = demand(w, "draft", assets=[a, b])
    assert estimate_for(d).status == NEEDS_VALUATION
    report(w, [a], value="2000000", value_date=timezone.localdate() - timedelta(days=30))
    report(w, [b], value="2000000", value_date=timezone.localdate() - timedelta(days=30))
    assert estimate_for(d).status == COMPLETE and estimate_for(d).amount == Decimal("1000000.00")
    report(w, [a, b], value="5000000")  # newer, on both, no split
    assert estimate_for(d).status == NEEDS_VALUATION


def test_the_programme_maximum_caps_it(w):
    mark = TrademarkFactory(owner=w.borrower)
    d = demand(w, "draft", assets=[mark])
    report(w, [mark], value="50000000")
    est = estimate_for(d)
    assert est.amount == w.programme.max_principal.amount and est.capped
