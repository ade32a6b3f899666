"""The refresh job: idempotent, a short history, a bounded number of queries whatever the row count."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from cms.statistics import selectors
from cms.statistics.models import StatisticsSnapshot
from cms.statistics.services import KEEP_DAYS, statistics_refresh
from cms.statistics.tasks import refresh_statistics
from tests.accounts.factories import OrganisationFactory
from tests.assets.factories import PatentFactory, TrademarkFactory
from tests.market.factories import ListingFactory

pytestmark = pytest.mark.django_db


def test_running_the_task_twice_keeps_one_current_snapshot_with_the_same_figures(make_loan):
    PatentFactory(owner=OrganisationFactory(city="资阳"))
    make_loan("active", approved="1000000.00", covered="1000000.00", disbursed_on=timezone.localdate())

    refresh_statistics.apply().get()
    first = StatisticsSnapshot.objects.get()
    refresh_statistics.apply().get()
    second = StatisticsSnapshot.objects.get()

    assert second.pk == first.pk
    assert second.figures == first.figures
    assert second.computed_at >= first.computed_at
    assert selectors.latest_snapshot() == second


def test_a_refresh_picks_up_new_rows():
    owner = OrganisationFactory(city="资阳")
    PatentFactory(owner=owner)
    statistics_refresh()
    assert selectors.latest_figures()["invention_patents"] == 1
    PatentFactory(owner=owner)
    statistics_refresh()
    assert selectors.latest_figures()["invention_patents"] == 2
    assert StatisticsSnapshot.objects.count() == 1


def test_one_snapshot_a_day_is_kept_for_a_month():
    today = timezone.localdate()
    for days in (1, 2, KEEP_DAYS + 1, KEEP_DAYS + 40):
        StatisticsSnapshot.objects.create(
            on=today - dt.timedelta(days=days), computed_at=timezone.now() - dt.timedelta(days=days), figures={}
        )

    statistics_refresh()

    kept = sorted((today - s.on).days for s in StatisticsSnapshot.objects.all())
    assert kept == [0, 1, 2]
    assert selectors.latest_snapshot().on == today


def test_the_task_is_on_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["cms-statistics-refresh"]
    assert entry["task"] == refresh_statistics.name == "cms.statistics.tasks.refresh_statistics"
    assert refresh_statistics.acks_late is True
    assert refresh_statistics.time_limit


def _add_rows(n: int, make_loan, make_deal):
    for i in range(n):
        owner = OrganisationFactory(city=["资阳", "成都", "德阳"][i % 3])
        PatentFactory(owner=owner)
        TrademarkFactory(owner=owner)
        listing = ListingFactory(deal_type=["assignment", "open_license"][i % 2])
        make_deal(listing, ["released", "negotiating"][i % 2])
        make_loan(
            ["submitted", "active"][i % 2],
            approved="100000.00",
            covered="100000.00",
            disbursed_on=timezone.localdate() if i % 2 else None,
        )


def test_the_refresh_does_the_same_number_of_queries_for_three_times_the_rows(make_loan, make_deal):
    _add_rows(4, make_loan, make_deal)
    statistics_refresh()  # today's row exists: both measured runs update it
    with CaptureQueriesContext(connection) as small:
        statistics_refresh()
    _add_rows(8, make_loan, make_deal)
    with CaptureQueriesContext(connection) as large:
        statistics_refresh()

    assert len(large) == len(small), [q["sql"][:80] for q in large.captured_queries]
    assert len(small) <= 25
    totals = selectors.latest_figures()
    assert totals["invention_patents"] == 12 + 12  # one per organisation, one per listing
    assert totals["loans_disbursed"] == Decimal("600000.00")


def test_latest_figures_give_the_home_page_its_key_figures(make_loan):
    assert selectors.latest_figures() is None  # never computed
    PatentFactory(owner=OrganisationFactory(city="资阳"))
    make_loan("active", approved="2500000.10", covered="2500000.10", disbursed_on=timezone.localdate())
    snapshot = statistics_refresh()

    figures = selectors.latest_figures()

    assert figures["computed_at"] == snapshot.computed_at
    assert figures["invention_patents"] == 1
    assert figures["applications"] == 1
    assert figures["loans_disbursed"] == Decimal("2500000.10")
    assert isinstance(figures["loans_disbursed"], Decimal)
    assert {"organisations", "valid_trademarks", "published_listings", "deals_completed"} <= figures.keys()
    assert figures["programmes"] == [
        {
            "slug": "ziyang-ip-pledge",
            "name": "资阳市知识产权质押融资风险补偿",
            "exposure": Decimal("2500000.10"),
            "capacity": Decimal("50000000.00"),
            "used_percent": Decimal("5.0"),
        }
    ]
    with translation.override("en"):
        assert selectors.latest_figures()["programmes"][0]["name"] == "Ziyang IP pledge risk compensation"
