"""The Elasticsearch request behind a page of firms (`search.queries.firm_search`), read from the dsl
`Search` it builds (`to_dict()` and its request parameters): filters in filter context, `_source` limited
to what a result carries, only the facets shown and those built cheaply, highlights only with text, the
shard request cache with a stable preference; then, against the real node, that a page is one search
request and that a repeated question is answered from the request cache."""

import importlib.util
from pathlib import Path

import pytest

from search import queries
from search.client import get_client
from search.indexes import alias
from search.queries import FirmQuery, firm_search
from search.results import Firm, FirmFacets
from tests.accounts.factories import OrganisationFactory, ServiceFactory

FIRMS = "/api/v1/search/firms/"
ZIYANG = (30.1222, 104.6273)
ALL = FirmQuery(
    q="专利代理", kind="patent_agency", city="资阳", service="patent_filing", near=ZIYANG, radius_km=10, sort="distance"
)


def body(query: FirmQuery) -> dict:
    return firm_search(query).to_dict()


def params(query: FirmQuery) -> dict:
    return firm_search(query)._params


def test_every_filter_is_in_filter_context():
    main = body(ALL)["query"]["bool"]
    assert {"term": {"is_active": True}} in main["filter"]
    assert {"geo_distance": {"distance": "10km", "location": {"lat": ZIYANG[0], "lon": ZIYANG[1]}}} in main["filter"]
    assert [next(iter(clause)) for clause in main["must"]] == ["multi_match"]  # only the text ranks
    assert body(ALL)["post_filter"] == {
        "bool": {
            "filter": [
                {"term": {"kind": "patent_agency"}},
                {"term": {"city": "资阳"}},
                {"term": {"services": "patent_filing"}},
            ]
        }
    }


def test_without_text_nothing_is_scored_or_highlighted():
    request = body(FirmQuery(kind="bank"))
    assert request["query"] == {"bool": {"filter": [{"term": {"is_active": True}}]}}  # no match_all to score
    assert "highlight" not in request
    assert request["sort"] == ["name.raw"]
    assert set(body(FirmQuery(q="专利"))["highlight"]["fields"]) == {"name", "description", "service_names"}


def test_source_holds_only_the_fields_of_a_result():
    computed = {"id", "distance_km", "highlight"}  # from the hit's id, the point asked for, the highlighter
    assert set(body(ALL)["_source"]) == set(Firm().fields) - computed
    assert body(FirmQuery())["_source"] == body(ALL)["_source"]


def test_only_the_facets_shown_and_a_filter_only_where_another_facet_is_active():
    plain = body(FirmQuery(q="专利"))["aggs"]
    assert set(plain) == set(FirmFacets().fields) == {"kind", "city", "service"}
    assert plain == {
        "kind": {"terms": {"field": "kind", "size": queries.FACET_SIZE}},
        "city": {"terms": {"field": "city", "size": queries.FACET_SIZE}},
        "service": {"terms": {"field": "services", "size": queries.FACET_SIZE}},
    }
    one = body(FirmQuery(kind="bank"))["aggs"]
    assert one["kind"] == {"terms": {"field": "kind", "size": queries.FACET_SIZE}}  # its own filter not applied
    for name, field in (("city", "city"), ("service", "services")):
        assert one[name] == {
            "filter": {"bool": {"filter": [{"term": {"kind": "bank"}}]}},
            "aggs": {"values": {"terms": {"field": field, "size": queries.FACET_SIZE}}},
        }
    every = body(ALL)["aggs"]
    assert every["service"]["filter"]["bool"]["filter"] == [
        {"term": {"kind": "patent_agency"}},
        {"term": {"city": "资阳"}},
    ]


def test_exact_count_one_page_and_the_request_cache():
    request = body(FirmQuery(page=3, page_size=10))
    assert request["track_total_hits"] is True
    assert (request["from"], request["size"]) == (20, 10)
    assert params(ALL)["request_cache"] is True


def test_the_same_question_has_the_same_preference():
    same = params(FirmQuery(q="专利", city="资阳"))["preference"]
    assert same == params(FirmQuery(q="专利", city="资阳"))["preference"]
    assert same != params(FirmQuery(q="专利", city="成都"))["preference"]
    assert same != params(FirmQuery(q="专利", city="资阳", page=2))["preference"]
    assert not same.startswith("_")  # `_local`, `_only_nodes:` … are Elasticsearch's own


def _search_stats() -> dict:
    client = get_client()
    stats = client.indices.stats(index=alias("organisations"), metric="search,request_cache")["_all"]["total"]
    return {"queries": stats["search"]["query_total"], "cache_hits": stats["request_cache"]["hit_count"]}


@pytest.mark.django_db
def test_a_page_is_one_search_and_a_repeated_question_comes_from_the_cache(api, rebuild):
    filing = ServiceFactory(code="patent_filing", name="专利申请代理")
    for n in range(3):
        org = OrganisationFactory(name=f"资阳第{n}专利代理事务所", kind="patent_agency", city="资阳")
        org.services.add(filing)
    OrganisationFactory(name="蜀商银行资阳分行", kind="bank", city="资阳")
    rebuild()
    # Every copy started (replicas on a cluster), so the preference picks the same copies both times.
    get_client().cluster.health(
        index=alias("organisations"), wait_for_status="green", wait_for_no_initializing_shards=True, timeout="60s"
    )
    shards = int(
        next(iter(get_client().indices.get_settings(index=alias("organisations")).values()))["settings"]["index"][
            "number_of_shards"
        ]
    )
    question = {"q": "专利代理", "kind": "patent_agency", "page_size": 2}
    before = _search_stats()
    first = api.get(FIRMS, question)
    assert first.status_code == 200 and first.json()["backend"] == "elasticsearch"
    after_one = _search_stats()
    assert after_one["queries"] - before["queries"] == shards  # one search request, no count request beside it
    second = api.get(FIRMS, question)
    assert second.json() == first.json()
    after_two = _search_stats()
    assert after_two["cache_hits"] - after_one["cache_hits"] == shards  # a page of hits, from the request cache
    body_ = first.json()
    assert body_["count"] == 3 and len(body_["results"]) == 2
    assert {b["key"]: b["count"] for b in body_["facets"]["kind"]} == {"patent_agency": 3}
    assert body_["facets"]["service"] == [{"key": "patent_filing", "count": 3}]
    assert set(body_["results"][0]) == {"id", "name", "name_en", "kind", "city", "location", "services", "highlight"}


def test_empty_answer_keeps_its_shape(db, api, rebuild):
    OrganisationFactory(name="蜀商银行资阳分行", kind="bank", city="资阳")
    rebuild()
    response = api.get(FIRMS, {"q": "锂电池材料", "kind": "law_firm"})
    assert response.json() == {
        "backend": "elasticsearch",
        "count": 0,
        "results": [],
        "facets": {"kind": [], "city": [], "service": []},
    }


def test_bench_line_with_runs_and_spread(capsys):
    spec = importlib.util.spec_from_file_location("bench_common", Path(__file__).parents[2] / "bench" / "common.py")
    common = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(common)
    common.report("search_firms_p95", 18.2, 700, "ms", higher_is_better=False, runs=[19.0, 17.9, 18.2])
    common.report("bulk_index", 2400, 50, "docs/s")
    first, second = capsys.readouterr().out.splitlines()
    assert first == (
        "BENCH name=search_firms_p95 ours=18.2 baseline=700 unit=ms ratio=38.46 runs=19,17.9,18.2 spread=1.1"
    )
    assert second == "BENCH name=bulk_index ours=2400 baseline=50 unit=docs/s ratio=48.00"
