"""Search at `seed_demo --scale 100` (≥ 30,000 organisations, ≥ 50,000 patents):

- search_firms_p95: p95 latency of GET /api/v1/search/firms/ over 200 mixed queries (text, filters,
  geo, facets), Elasticsearch against the same queries answered by the database fallback (PostgreSQL).
  The engine is warmed first (the whole mix once, untimed: caches filled as in steady production), then
  the Elasticsearch p95 is measured RUNS times and the median reported, with every run and the spread
  (max − min) on the BENCH line; the fallback is measured once.
- bulk_index: documents per second of `search_rebuild` against the per-object sync path.
- directory_page_queries: SQL queries of the /firms/ page at 50 results against 10 results.

The seeded database (`<db>_bench_search`) is kept between runs; BENCH_SCALE overrides the scale.
"""

import os
import random
import socket
import statistics
import time

from common import report, setup_django

SCALE = int(os.environ.get("BENCH_SCALE", "100"))
QUERIES = 200
RUNS = 3


def mixed_queries(cities) -> list[dict]:
    rng = random.Random(2026)
    words = [
        "专利",
        "商标",
        "律师事务所",
        "资产评估",
        "银行",
        "天府",
        "知识产权",
        "锦江",
        "代理",
        "保险",
        "Patent",
        "Law",
    ]
    kinds = ["patent_agency", "trademark_agency", "law_firm", "appraiser", "bank", "insurer", "enterprise"]
    services = ["patent_filing", "trademark_registration", "ip_valuation", "pledge_loans", "ip_litigation"]
    queries = []
    for i in range(QUERIES):
        q = {"page_size": rng.choice([10, 20])}
        shape = i % 5
        if shape in (0, 1, 4):
            q["q"] = rng.choice(words)
        if shape in (1, 2):
            q["kind"] = rng.choice(kinds)
            q["city"] = rng.choice(cities).name
        if shape == 2:
            q["service"] = rng.choice(services)
        if shape in (3, 4):
            centre = rng.choice(cities)
            q.update(near=f"{centre.lat},{centre.lon}", radius_km=rng.choice([5, 10, 20, 50]), sort="distance")
        queries.append(q)
    return queries


def p95(client, queries) -> float:
    times = []
    for q in queries:
        started = time.perf_counter()
        response = client.get("/api/v1/search/firms/", q)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.content[:300]
    return statistics.quantiles(times, n=20)[18] * 1000  # ms


def main() -> None:
    os.environ.setdefault("ELASTICSEARCH_INDEX_PREFIX", "ipmarket_bench")
    setup_django("bench_search", keep=True)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from ipmarket.accounts.cities import cities
    from ipmarket.accounts.models import Organisation
    from search import indexes, sync

    if Organisation.objects.count() < 300 * SCALE:
        call_command("seed_demo", "--scale", str(SCALE), verbosity=0)
    with connection.cursor() as cursor:  # statistics as autovacuum keeps them in production
        cursor.execute("ANALYZE")

    # bulk_index: the whole IP index in bulk, against one document at a time through the sync path.
    started = time.perf_counter()
    organisations = indexes.rebuild("organisations")
    ip = indexes.rebuild("ip")
    bulk_rate = (organisations + ip) / (time.perf_counter() - started)
    sample = [f"patent-{pk}" for pk in indexes.sources.patents().values_list("pk", flat=True)[:500]]
    sample += [str(pk) for pk in Organisation.objects.filter(is_active=True).values_list("pk", flat=True)[:500]]
    started = time.perf_counter()
    for doc_id in sample:
        sync.process("ip" if doc_id.startswith("patent-") else "organisations", [doc_id])
    single_rate = len(sample) / (time.perf_counter() - started)

    client = Client()
    queries = mixed_queries(list(cities().values()))
    p95(client, queries)  # warm-up, untimed: the whole mix once
    es_runs = [p95(client, queries) for _ in range(RUNS)]
    es_p95 = statistics.median(es_runs)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"
    with override_settings(ELASTICSEARCH_URL=closed):
        assert client.get("/api/v1/search/firms/").json()["backend"] == "database"
        db_p95 = p95(client, queries)

    counts = []
    for size in (10, 50):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/firms/", {"page_size": size}).status_code == 200
        counts.append(len(ctx))
    assert settings.ELASTICSEARCH_INDEX_PREFIX

    report("search_firms_p95", es_p95, db_p95, "ms", higher_is_better=False, runs=es_runs)
    report("bulk_index", bulk_rate, single_rate, "docs/s")
    report("directory_page_queries", counts[1], counts[0], "queries", higher_is_better=False)


if __name__ == "__main__":
    main()
