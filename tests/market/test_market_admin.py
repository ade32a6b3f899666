"""Wagtail admin: platform people search and filter listings and deals; deals are view-only."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from ipmarket.accounts.demo import PLATFORM_GROUP
from ipmarket.market.models import Deal, Listing

pytestmark = pytest.mark.django_db
LISTINGS, DEALS = "/admin/snippets/market/listing/", "/admin/snippets/market/deal/"


@pytest.fixture
def platform(client):
    call_command("seed_demo", "--with-users", verbosity=0)
    client.login(username="platform1", password="demo12345")
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
