"""Query-count baselines of the loan-product catalogue (tests/querycount.py, tests/registry/query_counts.json,
keys starting with "products"): the list API as the public and as a bank's officer, and the catalogue page, each
measured with a few products and with more."""

import pytest

from tests.accounts.factories import OrganisationFactory, member_of
from tests.querycount import Baselines, api_as, api_count, count_links, page_as
from tests.registry.test_products_api import make_product

pytestmark = pytest.mark.django_db
BASELINES = Baselines(__file__)
URL = "/api/v1/financing/products/"
PRODUCT_LINKS = count_links(r'href="/financing/products/(\d+)/"')


@pytest.fixture
def banks(db):
    return [OrganisationFactory(kind="bank", name=f"测试银行{i}") for i in range(3)]


def grow(banks, n):
    def add():
        for i in range(n):
            make_product(banks[i % len(banks)], cities=[] if i % 2 else ["资阳", "成都"])

    return add


def test_the_list_api(banks):
    grow(banks, 2)()
    officer = member_of(banks[0], role="officer")
    clients = {"anonymous": api_as(None), "bank officer": api_as(officer)}
    BASELINES.check_many(
        {f"products: GET {URL} as {who}": (lambda c=c: c.get(URL)) for who, c in clients.items()},
        rows=api_count,
        grow=grow(banks, 4),
    )


def test_the_list_api_filtered(banks):
    grow(banks, 2)()
    client = api_as(None)
    params = {"city": "资阳", "asset_kind": "invention", "amount": "1000000", "term": "12"}
    BASELINES.check(
        f"products: GET {URL}?city&asset_kind&amount&term as anonymous",
        lambda: client.get(URL, params),
        rows=api_count,
        grow=grow(banks, 4),
    )


def test_the_catalogue_page(banks):
    grow(banks, 2)()
    clients = {"anonymous": page_as(None), "bank officer": page_as(member_of(banks[0], role="officer"))}
    BASELINES.check_many(
        {
            f"products: GET /financing/products/ as {who}": (lambda c=c: c.get("/financing/products/"))
            for who, c in clients.items()
        },
        rows=PRODUCT_LINKS,
        grow=grow(banks, 4),
    )


def test_the_comparison_and_my_products(banks):
    officer = member_of(banks[0], role="officer")
    ids = [make_product(banks[0]).pk, make_product(banks[1]).pk]
    BASELINES.check(
        "products: GET /financing/products/compare/ of 2 as anonymous",
        lambda: page_as(None).get("/financing/products/compare/", {"p": ids}),
    )
    client = page_as(officer)
    BASELINES.check(
        "products: GET /financing/products/mine/ as bank officer",
        lambda: client.get("/financing/products/mine/"),
        rows=PRODUCT_LINKS,
        grow=lambda: [make_product(banks[0]) for _ in range(3)],
    )
