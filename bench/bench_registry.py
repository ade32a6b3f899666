"""The registry search at `seed_demo --scale 100`, with 120 admitted demands per scale unit (12,000):

- registry_search_p95: p95 latency of a bank member's GET /financing/registry/search/ (the page: search,
  facets, the estimates and the bank's own interests of the page's demands) over 200 mixed queries (text,
  city, industry, IP kind, amount band), Elasticsearch against the same queries answered by the database
  fallback (PostgreSQL).

Shares the seeded database of bench_search.py (`<db>_bench_search`, kept between runs); the bench's demands
are written once, straight into the tables (like a registry imported from earlier years), then indexed in
bulk. BENCH_SCALE overrides the scale.
"""

import os
import random
import socket
import statistics
import time
from decimal import Decimal

from common import report, setup_django

SCALE = int(os.environ.get("BENCH_SCALE", "100"))
DEMANDS_PER_SCALE = 120
QUERIES = 200


def seed_demands(count: int) -> None:
    """Admitted demands of generated enterprises, each offering one of its in-force patents, a third shown
    to chosen banks only."""
    from django.db import transaction
    from django.utils import timezone

    from financing.models import Programme
    from financing.registry.models import Demand, DemandAsset, DemandBatch, Industry
    from ipmarket.accounts.models import Organisation, User
    from ipmarket.assets.models import Patent

    have = Demand.objects.filter(purpose__startswith="[bench]").count()
    if have >= count:
        return
    rng = random.Random(11)
    programme = Programme.objects.order_by("pk").first()
    staff = User.objects.order_by("pk").first() or User.objects.create_user("bench-staff", password="x")
    banks = list(Organisation.objects.filter(kind="bank").values_list("pk", flat=True)[:20])
    batch, _ = DemandBatch.objects.get_or_create(
        programme=programme, year=2025, number=9, defaults={"name": "bench batch", "created_by": staff}
    )
    today = timezone.localdate()
    patents = {}
    for owner_id, pk, kind in Patent.objects.in_force().values_list("owner_id", "pk", "patent_type"):
        patents.setdefault(owner_id, (pk, kind))
    owners = list(patents)[: count - have]
    industries = [choice.value for choice in Industry]
    with transaction.atomic():
        demands = Demand.objects.bulk_create(
            Demand(
                enterprise_id=owner_id,
                programme=programme,
                created_by=staff,
                amount=Decimal(rng.randrange(5, 120)) * 100_000,
                term_months=rng.choice([6, 12]),
                purpose=f"[bench] {rng.choice(['生产线', '研发', '流动资金', '产业化', '品牌'])}融资",
                industry=rng.choice(industries),
                all_banks=i % 3 != 0,
                contact_consent=False,
                state=Demand.State.ADMITTED,
                batch=batch,
                admitted_on=today,
                expires_on=today.replace(year=today.year + 1),
            )
            for i, owner_id in enumerate(owners)
        )
        DemandAsset.objects.bulk_create(DemandAsset(demand=d, patent_id=patents[d.enterprise_id][0]) for d in demands)
        through = Demand.banks.through
        through.objects.bulk_create(
            through(demand_id=d.pk, organisation_id=rng.choice(banks)) for d in demands if not d.all_banks
        )


def mixed_queries(cities) -> list[dict]:
    from financing.registry.models import Industry
    from search.demands import AMOUNT_BANDS

    rng = random.Random(2026)
    words = ["科技", "生产线", "研发", "天府", "电池", "材料", "流动资金", "智能"]
    industries = [choice.value for choice in Industry]
    queries = []
    for i in range(QUERIES):
        q = {}
        shape = i % 4
        if shape in (0, 3):
            q["q"] = rng.choice(words)
        if shape in (1, 3):
            q["city"] = rng.choice(cities)
        if shape == 2:
            q["industry"] = rng.choice(industries)
            q["ip_kind"] = rng.choice(["invention", "utility_model", "design"])
        if shape in (2, 3):
            q["band"] = rng.choice(AMOUNT_BANDS)[0]
        queries.append(q)
    return queries


def p95(client, queries) -> float:
    times = []
    for q in queries:
        started = time.perf_counter()
        response = client.get("/financing/registry/search/", q)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.content[:300]
    return statistics.quantiles(times, n=20)[18] * 1000  # ms


def main() -> None:
    os.environ.setdefault("ELASTICSEARCH_INDEX_PREFIX", "ipmarket_bench")
    setup_django("bench_search", keep=True)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from ipmarket.accounts.cities import cities
    from ipmarket.accounts.models import Membership, Organisation, User
    from search import indexes

    if Organisation.objects.count() < 300 * SCALE:
        call_command("seed_demo", "--scale", str(SCALE), verbosity=0)
    seed_demands(DEMANDS_PER_SCALE * SCALE)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    indexes.rebuild("demands")

    bank = Organisation.objects.filter(kind="bank").order_by("pk").first()
    officer, _ = User.objects.get_or_create(username="bench-bank-officer")
    Membership.objects.get_or_create(user=officer, organisation=bank, defaults={"role": "officer"})
    client = Client()
    client.force_login(officer)
    queries = mixed_queries(sorted(cities()))
    p95(client, queries[:20])  # warm both caches a little
    es_p95 = p95(client, queries)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"
    with override_settings(ELASTICSEARCH_URL=closed):
        db_p95 = p95(client, queries)
    report("registry_search_p95", es_p95, db_p95, "ms", higher_is_better=False)


if __name__ == "__main__":
    main()
