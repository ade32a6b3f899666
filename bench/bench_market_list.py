"""market_list_queries: SQL queries of the listings endpoint at 50 rows a page against 10 rows a page, on the
demo data (scale 1). A list that costs the same whatever the page size gives ratio 1."""

from common import report, setup_django


def main() -> None:
    setup_django("bench_market")
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from ipmarket.accounts import demo as accounts_demo
    from ipmarket.assets import demo as assets_demo
    from ipmarket.market import demo as market_demo
    from ipmarket.market.models import Listing

    orgs = accounts_demo.seed_organisations(1)
    fixed = [orgs["enterprise_a"], orgs["enterprise_b"]]
    assets_demo.seed_assets(1, fixed)
    market_demo.seed_listings(1, fixed)
    published = Listing.objects.filter(status="published").count()
    assert published >= 50, published

    client = Client()

    def queries(page_size: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/api/v1/listings/", {"page_size": page_size, "status": "published"})
        assert response.status_code == 200 and len(response.json()["results"]) == page_size
        return len(ctx.captured_queries)

    queries(10)  # warm caches (content types, sites)
    report("market_list_queries", queries(50), queries(10), "queries", higher_is_better=False)


if __name__ == "__main__":
    main()
