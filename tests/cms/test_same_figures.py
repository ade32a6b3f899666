"""The home page's headline figures and the statistics page's are the same figures: counted live before the
statistics job has run (cms/selectors.py `live_counts`), or read from its snapshot (cms/statistics), for the
same rows they agree, and "in force" is the one rule of ipmarket/assets/rules.py."""

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from cms import selectors
from cms.statistics import compute
from cms.statistics.services import statistics_refresh
from ipmarket.assets import rules
from ipmarket.assets.models import Patent, Trademark
from tests.accounts.factories import OrganisationFactory
from tests.assets.factories import PatentFactory, TrademarkFactory
from tests.market.factories import ListingFactory

pytestmark = pytest.mark.django_db

SHARED = ("organisations", "invention_patents", "valid_trademarks", "published_listings")
DAY = dt.timedelta(days=1)


def _set(model, obj, **fields):
    model.objects.filter(pk=obj.pk).update(**fields)
    return model.objects.get(pk=obj.pk)


@pytest.fixture
def rows():
    """Assets on each side of the in-force limits today (the nightly status job has not caught up with any
    of them), and listings in every status."""
    today = timezone.localdate()
    owner = OrganisationFactory(city="资阳")
    OrganisationFactory(is_active=False)
    patents = [
        PatentFactory(owner=owner),  # in force
        _set(Patent, PatentFactory(owner=owner), expiry_date=today + DAY),  # last day of its term
        _set(Patent, PatentFactory(owner=owner), expiry_date=today),  # term ended today, still "granted"
        _set(Patent, PatentFactory(owner=owner), annual_fee_paid_until=today - relativedelta(months=2)),  # grace
        _set(Patent, PatentFactory(owner=owner), annual_fee_paid_until=today - relativedelta(months=7)),  # lapsed
        PatentFactory(owner=owner, legal_status="lapsed"),
        PatentFactory(owner=OrganisationFactory(city="成都")),
    ]
    marks = [
        TrademarkFactory(owner=owner),  # in force
        _set(Trademark, TrademarkFactory(owner=owner), expiry_date=today),  # its last day
        _set(Trademark, TrademarkFactory(owner=owner), expiry_date=today - DAY),  # renewal grace: not in force
        TrademarkFactory(owner=owner, status="expired"),
    ]
    for status in ("published", "published", "under_negotiation", "draft", "closed", "withdrawn"):
        # each a granted invention patent in force as well; only a single-buyer listing is taken off the market
        ListingFactory(status=status, deal_type="sole_license")
    return today, patents, marks


def test_the_live_home_figures_are_the_statistics_totals(rows):
    today, patents, marks = rows
    live = selectors.live_counts()
    totals = compute.compute_figures(today)["totals"]

    assert {name: live[name] for name in SHARED} == {name: totals[name] for name in SHARED}
    # And they are the rule's counts.
    listed = Patent.objects.filter(listings__isnull=False).distinct().count()
    assert live["invention_patents"] == sum(rules.patent_in_force(p, today) for p in patents) + listed == 4 + 6
    assert live["valid_trademarks"] == sum(rules.trademark_in_force(t, today) for t in marks) == 2
    assert live["published_listings"] == 3  # on offer: published or under negotiation


def test_the_home_page_shows_the_statistics_figures_before_and_after_the_first_refresh(rows):
    today, _, _ = rows
    before = selectors.home_figures()
    assert before["live"] is True

    snapshot = statistics_refresh(today=today)
    after = selectors.home_figures()

    assert after["live"] is False
    assert {name: after[name] for name in SHARED} == {name: before[name] for name in SHARED}
    assert {name: after[name] for name in SHARED} == {name: snapshot.figures["totals"][name] for name in SHARED}
    # The statistics page's tables add up to the same totals.
    assert sum(r["count"] for r in snapshot.figures["patents_by_city"]) == after["invention_patents"]
    assert sum(r["count"] for r in snapshot.figures["trademarks_by_city"]) == after["valid_trademarks"]
