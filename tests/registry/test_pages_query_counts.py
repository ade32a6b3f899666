"""Query-count baselines of the registry's list pages (tests/querycount.py): the enterprise's demands, the
platform's review queue, batches and one batch, and the banks' registry search, each measured with a few rows and
with more, against tests/registry/query_counts.json."""

import pytest
from django.utils import timezone

from financing.models import ValuationReport, ValuationReportAsset
from search import indexes
from search.client import get_client
from tests.assets.factories import PatentFactory, TrademarkFactory
from tests.querycount import Baselines, count_links, page_as
from tests.registry.factories import batch, demand, register

pytestmark = pytest.mark.django_db
BASELINES = Baselines(__file__)
DEMAND_LINKS = count_links(r'href="/financing/registry/demands/(\d+)/"')
BATCH_LINKS = count_links(r'href="/financing/registry/batches/(\d+)/"')


@pytest.fixture(autouse=True)
def _drop_the_test_index():
    yield
    try:
        get_client().indices.delete(index=f"{indexes.alias('demands')}-*", ignore_unavailable=True)
    except Exception:
        pass


def valued(w, d):
    """A valid panel report on the demand's first asset (so the estimate reads reports)."""
    item = d.assets.first()
    report = ValuationReport.objects.create(
        programme=w.programme,
        appraiser=w.appraiser,
        method="income",
        value="4000000",
        value_date=timezone.localdate(),
        valid_until=timezone.localdate() + timezone.timedelta(days=300),
        standard="T/CAS 2024",
        created_by=w.valuer,
    )
    ValuationReportAsset.objects.create(report=report, patent=item.patent, trademark=item.trademark)


def listed(w, n):
    for _ in range(n):
        d = demand(w, "admitted", assets=[PatentFactory(owner=w.borrower), TrademarkFactory(owner=w.borrower)])
        register(w, d)
        valued(w, d)


def test_the_enterprise_s_demands(w):
    client = page_as(w.owner)
    listed(w, 2)
    BASELINES.check(
        "GET /financing/registry/demands/ as enterprise member",
        lambda: client.get("/financing/registry/demands/"),
        rows=DEMAND_LINKS,
        grow=lambda: listed(w, 3),
    )


def submitted(w, n):
    for _ in range(n):
        d = demand(w, "submitted", assets=[PatentFactory(owner=w.borrower), TrademarkFactory(owner=w.borrower)])
        valued(w, d)


def test_the_review_queue(w):
    client = page_as(w.platform)
    submitted(w, 2)
    BASELINES.check(
        "GET /financing/registry/review/ as platform staff",
        lambda: client.get("/financing/registry/review/"),
        rows=DEMAND_LINKS,
        grow=lambda: submitted(w, 3),
    )


def test_the_batches_and_one_batch(w):
    client = page_as(w.platform)
    listed(w, 1)
    BASELINES.check(
        "GET /financing/registry/batches/ as platform staff",
        lambda: client.get("/financing/registry/batches/"),
        rows=BATCH_LINKS,
        grow=lambda: [batch(w) for _ in range(3)],
    )
    path = f"/financing/registry/batches/{w.batch.pk}/"
    BASELINES.check(
        "GET /financing/registry/batches/<id>/ as platform staff",
        lambda: client.get(path),
        rows=DEMAND_LINKS,
        grow=lambda: listed(w, 3),
    )


def test_the_registry_search(w):
    client = page_as(w.officer)
    listed(w, 2)
    indexes.rebuild("demands")

    def grow():
        listed(w, 3)
        indexes.rebuild("demands")

    BASELINES.check(
        "GET /financing/registry/search/ as bank officer",
        lambda: client.get("/financing/registry/search/"),
        rows=DEMAND_LINKS,
        grow=grow,
    )
