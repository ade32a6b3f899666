"""Query-count baselines of the marketplace (tests/querycount.py): the listings and deals of the API, a deal
with its thread, and the pages /market/, a listing and a deal, each measured with a few rows and with more,
against tests/market/query_counts.json."""

import itertools

import pytest

from ipmarket.market import services
from tests.accounts.factories import OrganisationFactory, member_of
from tests.assets.factories import PatentFactory, TrademarkFactory
from tests.market.factories import ListingFactory
from tests.querycount import Baselines, api_as, api_count, count_links, page_as

pytestmark = pytest.mark.django_db
BASELINES = Baselines(__file__)
LISTINGS, DEALS = "/api/v1/listings/", "/api/v1/deals/"
_serial = itertools.count(1)


@pytest.fixture
def seller_org(db):
    return OrganisationFactory(kind="enterprise", city="资阳")


@pytest.fixture
def seller(seller_org):
    return member_of(seller_org, role="admin")


@pytest.fixture
def buyer_org(db):
    return OrganisationFactory(kind="enterprise", city="成都")


@pytest.fixture
def buyer(buyer_org):
    return member_of(buyer_org, role="admin")


@pytest.fixture
def platform(db):
    return member_of(OrganisationFactory(kind="platform"), role="admin")


def add_listings(seller_org, n):
    """n published listings of the seller, patents (two IPC codes each) and trademarks in turn."""
    listings = []
    for i in range(n):
        if i % 2:
            listings.append(ListingFactory(patent=None, trademark=TrademarkFactory(owner=seller_org)))
        else:
            patent = PatentFactory(owner=seller_org, ipc_codes=["H01M 10/05", "G06F 17/00"])
            listings.append(ListingFactory(patent=patent))
    return listings


def add_deals(buyer, buyer_org, seller_org, n):
    """n deals of the buyer on new listings of the seller, each opened by an inquiry."""
    return [
        services.inquiry_create(listing=listing, by=buyer, message="请问可以商量价格吗？", buyer=buyer_org).deal
        for listing in add_listings(seller_org, n)
    ]


def add_buyers(listing, n):
    """n new enterprises inquiring on the listing: n more deals on it."""
    for _ in range(n):
        org = OrganisationFactory(kind="enterprise", name=f"询价企业{next(_serial)}有限公司")
        services.inquiry_create(listing=listing, by=member_of(org), message="您好，想了解许可条件。")


def add_messages(deal, buyer, seller, n):
    for i in range(n):
        services.deal_post_message(deal=deal, by=buyer if i % 2 else seller, body=f"第{next(_serial)}条留言")


# --- the API -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "enterprise member", "platform staff"])
def test_listing_list(who, seller_org, seller, platform):
    client = api_as({"anonymous": None, "enterprise member": seller, "platform staff": platform}[who])
    add_listings(seller_org, 2)
    BASELINES.check(
        f"GET {LISTINGS} as {who}",
        lambda: client.get(LISTINGS),
        rows=api_count,
        grow=lambda: add_listings(seller_org, 4),
    )


@pytest.mark.parametrize("who", ["enterprise member", "platform staff"])
def test_deal_list(who, seller_org, buyer_org, buyer, platform):
    client = api_as({"enterprise member": buyer, "platform staff": platform}[who])
    add_deals(buyer, buyer_org, seller_org, 2)
    BASELINES.check(
        f"GET {DEALS} as {who}",
        lambda: client.get(DEALS),
        rows=api_count,
        grow=lambda: add_deals(buyer, buyer_org, seller_org, 4),
    )


def test_deal_detail_with_its_thread(seller_org, seller, buyer_org, buyer):
    (deal,) = add_deals(buyer, buyer_org, seller_org, 1)
    add_messages(deal, buyer, seller, 1)
    client = api_as(buyer)
    BASELINES.check(
        f"GET {DEALS}<id>/ as enterprise member",
        lambda: client.get(f"{DEALS}{deal.pk}/"),
        rows=lambda response: len(response.json()["messages"]),
        grow=lambda: add_messages(deal, buyer, seller, 4),
    )


# --- the pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "enterprise member"])
def test_market_page(who, seller_org, buyer):
    client = page_as(buyer if who != "anonymous" else None)
    add_listings(seller_org, 2)
    BASELINES.check(
        f"GET /market/ as {who}",
        lambda: client.get("/market/"),
        rows=count_links(r'href="/market/(\d+)/"'),
        grow=lambda: add_listings(seller_org, 4),
    )


def test_listing_page_as_anonymous(seller_org):
    (listing,) = add_listings(seller_org, 1)
    client = page_as(None)
    BASELINES.check("GET /market/<id>/ as anonymous", lambda: client.get(f"/market/{listing.pk}/"))


def test_listing_page_as_a_buyer(seller_org, buyer_org, buyer):
    (deal,) = add_deals(buyer, buyer_org, seller_org, 1)
    client = page_as(buyer)
    BASELINES.check("GET /market/<id>/ as enterprise member (buyer)", lambda: client.get(f"/market/{deal.listing_id}/"))


def test_listing_page_as_the_seller_with_its_deals(seller_org, seller):
    (listing,) = add_listings(seller_org, 1)
    add_buyers(listing, 2)
    client = page_as(seller)
    BASELINES.check(
        "GET /market/<id>/ as enterprise member (seller)",
        lambda: client.get(f"/market/{listing.pk}/"),
        rows=count_links(r'href="/market/deals/(\d+)/"'),
        grow=lambda: add_buyers(listing, 4),
    )


@pytest.mark.parametrize("side", ["buyer", "seller"])
def test_deal_page_with_its_thread(side, seller_org, seller, buyer_org, buyer):
    (deal,) = add_deals(buyer, buyer_org, seller_org, 1)
    add_messages(deal, buyer, seller, 1)
    client = page_as(buyer if side == "buyer" else seller)

    def messages(response) -> int:
        return response.content.decode().count("条留言")

    BASELINES.check(
        f"GET /market/deals/<id>/ as enterprise member ({side})",
        lambda: client.get(f"/market/deals/{deal.pk}/"),
        rows=messages,
        grow=lambda: add_messages(deal, buyer, seller, 4),
    )
