"""Query-count baselines of patents and trademarks (tests/querycount.py): the API lists and register
histories, the patent and trademark pages with their listings and co-owners, and the CSV import pages, each
measured with a few rows and with more, against tests/assets/query_counts.json."""

import itertools

import pytest

from ipmarket.assets.imports import patent_import_create
from ipmarket.assets.models import AssetEvent, PatentImport
from ipmarket.market.models import Listing
from tests.accounts.factories import OrganisationFactory, member_of
from tests.assets.factories import PatentFactory, TrademarkFactory
from tests.assets.test_import import csv_bytes, row, run_import
from tests.market.factories import ListingFactory
from tests.querycount import Baselines, api_as, api_count, count_links, page_as

pytestmark = pytest.mark.django_db
BASELINES = Baselines(__file__)
PATENTS, TRADEMARKS = "/api/v1/patents/", "/api/v1/trademarks/"
OFFERS = [
    (Listing.DealType.NON_EXCLUSIVE_LICENSE, "中国大陆"),
    (Listing.DealType.SOLE_LICENSE, "四川省成都市"),
    (Listing.DealType.EXCLUSIVE_LICENSE, "四川省绵阳市"),
]
_serial = itertools.count(1)


@pytest.fixture
def owner(db):
    return OrganisationFactory(kind="enterprise")


@pytest.fixture
def owner_person(owner):
    return member_of(owner, role="admin")


def co_owned(asset, n):
    for _ in range(n):
        asset.co_owners.add(OrganisationFactory(kind="enterprise"))


def add_patents(owner, n):
    """n patents of the owner, with two IPC codes and a co-owner each."""
    for _ in range(n):
        co_owned(PatentFactory(owner=owner, ipc_codes=["H01M 10/05", "G06F 17/00"]), 1)


def add_trademarks(owner, n):
    for _ in range(n):
        co_owned(TrademarkFactory(owner=owner), 1)


def add_events(asset, n):
    """n register changes of the asset, each by another person (the history names who made it)."""
    for _ in range(n):
        AssetEvent.objects.create(
            **{asset.asset_type: asset},
            field="legal_status",
            before="pending",
            after="granted",
            by=member_of(asset.owner),
            source=AssetEvent.Source.OWNER,
        )


def add_listings(asset, offers):
    """Published listings of the asset, one per (deal type, territory) (one active listing per deal type;
    exclusive kinds in territories apart), and a co-owner more each."""
    for deal_type, territory in offers:
        ListingFactory(**{"patent": None, asset.asset_type: asset}, deal_type=deal_type, territory=territory)
        co_owned(asset, 1)


# --- the API -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "enterprise member"])
def test_patent_list(who, owner, owner_person):
    client = api_as(owner_person if who != "anonymous" else None)
    add_patents(owner, 2)
    BASELINES.check(
        f"GET {PATENTS} as {who}", lambda: client.get(PATENTS), rows=api_count, grow=lambda: add_patents(owner, 4)
    )


@pytest.mark.parametrize("who", ["anonymous", "enterprise member"])
def test_trademark_list(who, owner, owner_person):
    client = api_as(owner_person if who != "anonymous" else None)
    add_trademarks(owner, 2)
    BASELINES.check(
        f"GET {TRADEMARKS} as {who}",
        lambda: client.get(TRADEMARKS),
        rows=api_count,
        grow=lambda: add_trademarks(owner, 4),
    )


@pytest.mark.parametrize("kind", ["patent", "trademark"])
def test_register_history(kind, owner, owner_person):
    asset = PatentFactory(owner=owner) if kind == "patent" else TrademarkFactory(owner=owner)
    add_events(asset, 2)
    client = api_as(owner_person)
    base = PATENTS if kind == "patent" else TRADEMARKS
    BASELINES.check(
        f"GET {base}<id>/events/ as enterprise member",
        lambda: client.get(f"{base}{asset.pk}/events/"),
        rows=api_count,
        grow=lambda: add_events(asset, 4),
    )


# --- the pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "enterprise member"])
@pytest.mark.parametrize("kind", ["patent", "trademark"])
def test_asset_page_with_its_listings(kind, who, owner, owner_person):
    asset = PatentFactory(owner=owner) if kind == "patent" else TrademarkFactory(owner=owner)
    add_listings(asset, OFFERS[:1])
    client = page_as(owner_person if who != "anonymous" else None)
    BASELINES.check(
        f"GET /ip/{kind}s/<id>/ as {who}",
        lambda: client.get(f"/ip/{kind}s/{asset.pk}/"),
        rows=count_links(r'href="/market/(\d+)/"'),
        grow=lambda: add_listings(asset, OFFERS[1:]),
    )


def add_imports(owner, by, n):
    """n imports of the owner's CSV files, waiting to run (the list shows each with its file name)."""
    for _ in range(n):
        serial = next(_serial)
        content = csv_bytes([row(700 + serial)])
        patent_import_create(by=by, owner=owner, file_name=f"导入{serial}.csv", content=content, language="zh")


def test_import_list(owner, owner_person):
    add_imports(owner, owner_person, 2)
    client = page_as(owner_person)
    BASELINES.check(
        "GET /ip/imports/ as enterprise member",
        lambda: client.get("/ip/imports/"),
        rows=count_links(r'href="/ip/imports/(\d+)/"'),
        grow=lambda: add_imports(owner, owner_person, 4),
    )


def test_import_page_with_its_errors(owner, owner_person):
    """A finished import: the page lists the rows refused (from the import's own record, no query per row)."""
    patent_import = run_import(owner_person, owner, csv_bytes([row(801), row(802, filing_date="昨天")]))
    assert PatentImport.objects.get(pk=patent_import.pk).failed == 1
    client = page_as(owner_person)
    BASELINES.check(
        "GET /ip/imports/<id>/ as enterprise member", lambda: client.get(f"/ip/imports/{patent_import.pk}/")
    )
