"""Query-count baselines of search (tests/querycount.py): the search API (firms, IP, suggestions) and the
pages /firms/, a firm and /ip/, against the real Elasticsearch node and in reduced mode (the database answers
when Elasticsearch is down), each measured with a few rows and with more, against
tests/search/query_counts.json. Elasticsearch requests are not SQL: only the database's queries count."""

import itertools
import socket

import pytest
from django.test import Client

from tests.accounts.factories import OrganisationFactory, ServiceFactory
from tests.assets.factories import PatentFactory, TrademarkFactory
from tests.market.factories import ListingFactory
from tests.querycount import Baselines, api_count, count_links

pytestmark = pytest.mark.django_db
BASELINES = Baselines(__file__)
FIRMS, IP, SUGGEST = "/api/v1/search/firms/", "/api/v1/search/ip/", "/api/v1/search/suggest/"
MODES = ["elasticsearch", "reduced mode"]
_serial = itertools.count(1)


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


@pytest.fixture
def mode(request, settings):
    """`elasticsearch`, or `reduced mode`: Elasticsearch unreachable, the database answers."""
    if request.param == "reduced mode":
        settings.ELASTICSEARCH_URL = closed_port_url()
    return request.param


def suffix(mode) -> str:
    return "" if mode == "elasticsearch" else " (reduced mode)"


@pytest.fixture
def with_index(rebuild, mode):
    """`with_index(make)`: a function that makes rows, then rebuilds the indexes (when they are used)."""

    def wrap(make):
        def run(*args):
            make(*args)
            if mode == "elasticsearch":
                rebuild()

        return run

    return wrap


def add_firms(n):
    """n listed patent agencies in 资阳 with two services each."""
    offered = [ServiceFactory(code="patent_filing"), ServiceFactory(code="ip_valuation")]
    for _ in range(n):
        org = OrganisationFactory(kind="patent_agency", name=f"资阳测试专利代理事务所{next(_serial)}", city="资阳")
        org.services.add(*offered)


def add_ip(n):
    """n patents with a listing each and n trademarks, of different owners."""
    for _ in range(n):
        ListingFactory(
            patent=PatentFactory(title=f"一种检索装置{next(_serial)}", ipc_codes=["H01M 10/05", "G06F 17/00"])
        )
        TrademarkFactory()


# --- the API -------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES, indirect=True)
def test_firm_search(mode, with_index):
    grow = with_index(add_firms)
    grow(2)
    client = Client()
    BASELINES.check(
        f"GET {FIRMS} as anonymous{suffix(mode)}",
        lambda: client.get(FIRMS, {"kind": "patent_agency"}),
        rows=api_count,
        grow=lambda: grow(4),
    )


@pytest.mark.parametrize("mode", MODES, indirect=True)
def test_ip_search(mode, with_index):
    grow = with_index(add_ip)
    grow(1)
    client = Client()
    BASELINES.check(
        f"GET {IP} as anonymous{suffix(mode)}", lambda: client.get(IP), rows=api_count, grow=lambda: grow(3)
    )


@pytest.mark.parametrize("mode", MODES, indirect=True)
def test_suggestions(mode, with_index):
    grow = with_index(add_firms)
    grow(2)
    client = Client()
    BASELINES.check(
        f"GET {SUGGEST} as anonymous{suffix(mode)}",
        lambda: client.get(SUGGEST, {"q": "资阳测试"}),
        rows=lambda response: len(response.json()["suggestions"]),
        grow=lambda: grow(4),
    )


# --- the pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES, indirect=True)
def test_firm_directory(mode, with_index):
    grow = with_index(add_firms)
    grow(2)
    client = Client()
    BASELINES.check(
        f"GET /firms/ as anonymous{suffix(mode)}",
        lambda: client.get("/firms/", {"kind": "patent_agency"}),
        rows=count_links(r'href="/firms/(\d+)/"'),
        grow=lambda: grow(4),
    )


@pytest.mark.parametrize("mode", MODES, indirect=True)
def test_ip_directory(mode, with_index):
    grow = with_index(add_ip)
    grow(1)
    client = Client()
    BASELINES.check(
        f"GET /ip/ as anonymous{suffix(mode)}",
        lambda: client.get("/ip/"),
        rows=count_links(r'href="/ip/((?:patents|trademarks)/\d+)/"'),
        grow=lambda: grow(3),
    )


def test_firm_page_with_its_ip_and_listings():
    """A firm's page lists its services, patents, trademarks and open listings (from the database)."""
    firm = OrganisationFactory(kind="enterprise", city="资阳")
    firm.services.add(ServiceFactory(code="patent_filing"))

    def grow(n):
        for _ in range(n):
            ListingFactory(patent=PatentFactory(owner=firm, ipc_codes=["H01M 10/05", "G06F 17/00"]))
            TrademarkFactory(owner=firm)

    grow(1)
    client = Client()
    BASELINES.check(
        "GET /firms/<id>/ as anonymous",
        lambda: client.get(f"/firms/{firm.pk}/"),
        rows=count_links(r'href="/(ip/(?:patents|trademarks)/\d+|market/\d+)/"'),
        grow=lambda: grow(2),
    )
