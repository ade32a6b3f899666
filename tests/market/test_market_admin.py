"""Wagtail admin: platform people search and filter listings and deals; deals are view-only."""

import pytest
from django.contrib.auth.models import Group

from ipmarket.accounts.demo import PLATFORM_GROUP
from ipmarket.market.models import Deal, Listing
from tests.accounts.factories import platform_operator
from tests.assets.factories import PatentFactory
from tests.market.factories import ListingFactory, deal_in

pytestmark = pytest.mark.django_db
LISTINGS, DEALS = "/admin/snippets/market/listing/", "/admin/snippets/market/deal/"


@pytest.fixture
def platform(client):
    """A platform person signed in; published and draft listings, deals negotiating and accepted."""
    licence = ListingFactory(patent=PatentFactory(title="一种高能量密度储能电池"))
    ListingFactory(deal_type="assignment", status="draft")
    deal_in("negotiating", licence)
    deal_in("accepted", ListingFactory(deal_type="assignment"))
    client.force_login(platform_operator())
    return client


def test_listings_search_and_filter(platform):
    listing = Listing.objects.filter(status="published", patent__isnull=False).select_related("patent").first()
    html = platform.get(LISTINGS, {"q": listing.patent.title[:6]}).content.decode()
    assert listing.patent.title in html
    response = platform.get(LISTINGS, {"status": "draft"})
    assert response.status_code == 200
    assert platform.get(f"{LISTINGS}inspect/{listing.pk}/").status_code == 200


def test_deals_are_listed_and_inspected_but_never_edited(platform):
    deal = Deal.objects.first()
    assert platform.get(DEALS, {"state": "accepted"}).status_code == 200
    assert platform.get(f"{DEALS}inspect/{deal.pk}/").status_code == 200
    for url in (f"{DEALS}edit/{deal.pk}/", f"{DEALS}add/", f"{DEALS}delete/{deal.pk}/"):
        response = platform.get(url)
        assert (response.status_code, response["Location"]) == (302, "/admin/"), url
    assert Group.objects.get(name=PLATFORM_GROUP).permissions.filter(codename="view_deal").exists()
