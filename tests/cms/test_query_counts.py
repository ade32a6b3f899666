"""Query-count baselines of the public site (tests/querycount.py): the home page (latest news, featured
listings, partners, guides), the news index, the sitemap, the CMS pages of the demo tree and /statistics/,
each list measured with a few rows and with more, against tests/cms/query_counts.json. The demo page tree
comes from tests/cms/conftest.py (`site_pages`)."""

import itertools

import pytest
from django.test import Client

from cms.models import GuidePage, NewsPage, PartnerOrganisation
from cms.statistics.services import statistics_refresh
from cms.statistics.tables import BUILDERS
from tests.market.factories import ListingFactory
from tests.querycount import Baselines, count_links

pytestmark = pytest.mark.django_db
BASELINES = Baselines(__file__)
_serial = itertools.count(1)
# The demo tree's pages that list nothing that grows (their blocks are fixed content).
CMS_PAGES = {
    "/news/<slug>/": "/news/first-ip-pledge-loan-disbursed/",
    "/<policy>/": "/ziyang-ip-pledge/",
    "/<guide>/": "/pledge-financing-guide/",
    "/faq/": "/faq/",
}


def child(parent, model, **fields):
    serial = next(_serial)
    page = model(slug=f"query-count-{serial}", title=f"查询计数测试{serial}", **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def add_news(home, n):
    """n published articles, tagged, under the news index."""
    index = home.get_children().get(slug="news").specific
    for i in range(n):
        article = child(index, NewsPage, date="2026-01-0" + str(1 + i % 9), summary="测试摘要")
        article.tags.add(f"标签{i}", "测试")
        article.save_revision().publish()


def add_home_rows(home, n):
    """n more of each list the home page shows in full: featured listings (at most four), partners and
    guides."""
    for _ in range(n):
        ListingFactory()
        PartnerOrganisation.objects.create(name=f"测试合作机构{next(_serial)}", kind="bank")
        child(home, GuidePage)


def test_home_page(site_pages):
    client = Client()
    add_home_rows(site_pages, 1)
    BASELINES.check(
        "GET / as anonymous",
        lambda: client.get("/"),
        rows=count_links(r'href="/(market/\d+|query-count-\d+)/"'),
        grow=lambda: add_home_rows(site_pages, 2),
    )


def test_news_index(site_pages):
    client = Client()
    BASELINES.check(
        "GET /news/ as anonymous",
        lambda: client.get("/news/"),
        rows=count_links(r'href="/news/([\w-]+)/"'),
        grow=lambda: add_news(site_pages, 3),
    )


def test_sitemap(site_pages):
    client = Client()
    BASELINES.check(
        "GET /sitemap.xml as anonymous",
        lambda: client.get("/sitemap.xml"),
        rows=count_links(r"<loc>([^<]+)</loc>"),
        grow=lambda: add_news(site_pages, 3),
    )


@pytest.mark.parametrize("name", list(CMS_PAGES))
def test_cms_page(name, site_pages):
    client = Client()
    BASELINES.check(f"GET {name} as anonymous", lambda: client.get(CMS_PAGES[name]))


def test_robots_txt(site_pages):
    client = Client()
    BASELINES.check("GET /robots.txt as anonymous", lambda: client.get("/robots.txt"))


@pytest.fixture
def snapshot(site_pages):
    ListingFactory()
    return statistics_refresh()


def test_statistics_page(snapshot):
    """The page reads the stored snapshot only, whatever the numbers in it."""
    client = Client()
    BASELINES.check("GET /statistics/ as anonymous", lambda: client.get("/statistics/"))


def test_statistics_csv(snapshot):
    client = Client()
    table = next(iter(BUILDERS))
    BASELINES.check("GET /statistics/<table>.csv as anonymous", lambda: client.get(f"/statistics/{table}.csv"))
