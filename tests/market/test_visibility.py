"""Visibility leftovers: `mine=1` on deals, an unlisted organisation's listings are not public, and the
Wagtail admin shows platform people what the API shows them — read-only, never another organisation's
draft."""

import pytest
from django.contrib.auth.models import Group, Permission

from ipmarket.accounts.models import Organisation, User
from ipmarket.market import services
from ipmarket.market.models import Listing
from tests.accounts.factories import MembershipFactory, OrganisationFactory, member_of
from tests.assets.factories import PatentFactory
from tests.market.factories import ListingFactory

pytestmark = pytest.mark.django_db
LISTINGS, DEALS = "/api/v1/listings/", "/api/v1/deals/"
ADMIN_LISTINGS = "/admin/snippets/market/listing/"


@pytest.fixture
def seller_org(db):
    return OrganisationFactory(kind="enterprise", name="卖方科技有限公司")


@pytest.fixture
def platform(db):
    """A platform person with the admin permissions platform people get (as seed_demo gives them)."""
    person = member_of(OrganisationFactory(kind="platform"), role="admin", username="platform_admin")
    person.is_staff = True
    person.save()
    group, _ = Group.objects.get_or_create(name="platform-test")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="market"),
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
    )
    person.groups.add(group)
    return person


def test_mine_on_deals_keeps_only_the_callers_own(api, seller_org, platform):
    listing = ListingFactory(patent=PatentFactory(owner=seller_org))
    buyer = member_of(OrganisationFactory())
    deal = services.inquiry_create(listing=listing, by=buyer, message="有意向").deal
    # The platform person also works for an enterprise that buys (a person may belong to several).
    MembershipFactory(user=platform, organisation=OrganisationFactory(kind="enterprise"))
    platform = User.objects.get(pk=platform.pk)
    own = services.inquiry_create(listing=listing, by=platform, message="我方也有意向").deal
    api.force_authenticate(platform)
    assert {d["id"] for d in api.get(DEALS).json()["results"]} == {deal.pk, own.pk}  # supervises every deal
    assert [d["id"] for d in api.get(DEALS, {"mine": "1"}).json()["results"]] == [own.pk]
    api.force_authenticate(buyer)
    assert [d["id"] for d in api.get(DEALS, {"mine": "1"}).json()["results"]] == [deal.pk]


def test_an_unlisted_organisations_listings_are_not_public(api, client, seller_org):
    listing = ListingFactory(patent=PatentFactory(owner=seller_org))
    seller = member_of(seller_org)
    Organisation.objects.filter(pk=seller_org.pk).update(is_active=False)
    assert api.get(f"{LISTINGS}{listing.pk}/").status_code == 404
    assert listing.pk not in [row["id"] for row in api.get(LISTINGS).json()["results"]]
    api.force_authenticate(member_of(OrganisationFactory()))
    assert api.get(f"{LISTINGS}{listing.pk}/").status_code == 404
    assert client.get(f"/market/{listing.pk}/").status_code == 404
    api.force_authenticate(seller)  # its own people still manage it
    assert api.get(f"{LISTINGS}{listing.pk}/").status_code == 200


def test_admin_lists_what_the_api_shows_and_edits_nothing(client, seller_org, platform):
    published = ListingFactory(patent=PatentFactory(owner=seller_org), description="公开挂牌")
    draft = ListingFactory(patent=PatentFactory(owner=seller_org), status="draft", description="尚未发布的草稿")
    client.force_login(platform)
    html = client.get(ADMIN_LISTINGS).content.decode()
    assert str(published.patent.title) in html and str(draft.patent.title) not in html
    assert client.get(f"{ADMIN_LISTINGS}inspect/{published.pk}/").status_code == 200
    assert client.get(f"{ADMIN_LISTINGS}inspect/{draft.pk}/").status_code == 404
    for url in (f"{ADMIN_LISTINGS}edit/{published.pk}/", f"{ADMIN_LISTINGS}add/"):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, "/admin/"), url
    response = client.post(f"{ADMIN_LISTINGS}edit/{published.pk}/", {"price_0": "1", "price_1": "CNY"})
    assert response.status_code == 302
    assert Listing.objects.get(pk=published.pk).price == published.price
