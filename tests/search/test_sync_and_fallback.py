"""The index follows the database (outbox + tasks + reconcile), and the database answers when
Elasticsearch is down."""

import socket
import time

import pytest
from django.utils import timezone
from elasticsearch import ConnectionError as ESConnectionError

from ipmarket.accounts.models import Organisation
from search import indexes, sync
from search.client import get_client
from search.models import PendingChange
from search.reconcile import reconcile_all
from tests.accounts.factories import OrganisationFactory, valid_credit_code
from tests.assets.factories import PatentFactory

FIRMS = "/api/v1/search/firms/"


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def names(api, **params):
    get_client().indices.refresh(index=indexes.alias("organisations"))
    return {r["name"] for r in api.get(FIRMS, params).json()["results"]}


@pytest.mark.django_db
def test_a_save_leaves_a_pending_change_in_the_same_transaction():
    org = OrganisationFactory(name="待索引机构")
    assert PendingChange.objects.filter(index="organisations", doc_id=str(org.pk)).exists()
    patent = PatentFactory(owner=org)
    assert PendingChange.objects.filter(index="ip", doc_id=f"patent-{patent.pk}").exists()


@pytest.mark.django_db
def test_processing_indexes_and_clears_the_outbox_and_removes_hidden(api, rebuild):
    rebuild()
    org = OrganisationFactory(name="资阳新设知识产权服务有限公司", kind="law_firm")
    sync.process("organisations", [str(org.pk)])
    assert "资阳新设知识产权服务有限公司" in names(api, q="新设")
    assert not PendingChange.objects.filter(index="organisations", doc_id=str(org.pk)).exists()
    Organisation.objects.filter(pk=org.pk).update(is_active=False)  # no signal: process removes it when asked
    sync.process("organisations", [str(org.pk)])
    assert "资阳新设知识产权服务有限公司" not in names(api, q="新设")


@pytest.mark.django_db
def test_nothing_is_lost_while_elasticsearch_is_down(api, rebuild, settings):
    rebuild()
    org = OrganisationFactory(name="资阳断线期间新增事务所", kind="law_firm")
    settings.ELASTICSEARCH_URL = closed_port_url()
    with pytest.raises(ESConnectionError):
        sync.process("organisations", [str(org.pk)])
    assert PendingChange.objects.filter(index="organisations", doc_id=str(org.pk)).exists()
    # the same search answers from the database meanwhile
    body = api.get(FIRMS, {"q": "断线期间"}).json()
    assert body["backend"] == "database" and [r["name"] for r in body["results"]] == ["资阳断线期间新增事务所"]
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9200"
    assert sync.replay_pending(older_than_seconds=0) >= 1
    assert "资阳断线期间新增事务所" in names(api, q="断线期间")
    assert not PendingChange.objects.filter(index="organisations").exists()


@pytest.mark.django_db
def test_reconcile_repairs_what_signals_miss(api, rebuild):
    kept = OrganisationFactory(name="资阳保留事务所", kind="law_firm")
    renamed = OrganisationFactory(name="资阳旧名事务所", kind="law_firm")
    removed = OrganisationFactory(name="资阳删除事务所", kind="law_firm")
    rebuild()
    Organisation.objects.filter(pk=renamed.pk).update(name="资阳新名事务所", updated_at=timezone.now())
    Organisation.objects.filter(pk=removed.pk).update(is_active=False)
    # bulk_create sends no signal either
    Organisation.objects.bulk_create(
        [
            Organisation(
                name="资阳批量新增事务所",
                kind="law_firm",
                unified_social_credit_code=valid_credit_code(4242),
                city="资阳",
            )
        ]
    )
    counts = reconcile_all()
    assert counts == {"checked": 3, "missing": 1, "stale": 1, "extra": 1}
    found = names(api, kind="law_firm")
    assert found == {kept.name, "资阳新名事务所", "资阳批量新增事务所"}
    assert reconcile_all() == {"checked": 3, "missing": 0, "stale": 0, "extra": 0}


@pytest.mark.django_db
def test_rebuild_swaps_the_alias_and_drops_the_old_index(rebuild):
    OrganisationFactory.create_batch(3)
    rebuild()
    first = indexes.current_indexes("organisations")
    rebuild()
    second = indexes.current_indexes("organisations")
    assert len(first) == len(second) == 1 and first != second
    assert not get_client().indices.exists(index=first[0])
    assert get_client().count(index=indexes.alias("organisations"))["count"] == 3


@pytest.mark.django_db(transaction=True)
def test_a_new_organisation_is_searchable_within_seconds(api, celery_worker_thread, platform_person, rebuild):
    rebuild()
    api.force_authenticate(platform_person)
    response = api.post(
        "/api/v1/organisations/",
        {
            "name": "资阳即时可查律师事务所",
            "kind": "law_firm",
            "unified_social_credit_code": valid_credit_code(7777),
            "city": "资阳",
        },
        format="json",
    )
    assert response.status_code == 201
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and "资阳即时可查律师事务所" not in names(api, q="即时可查"):
        time.sleep(0.2)
    assert "资阳即时可查律师事务所" in names(api, q="即时可查")


@pytest.mark.django_db
def test_database_fallback_has_the_same_shape(api, settings):
    OrganisationFactory(name="资阳回退专利事务所", kind="patent_agency", latitude="30.13", longitude="104.63")
    OrganisationFactory(
        name="成都回退专利事务所", kind="patent_agency", city="成都", latitude="30.57", longitude="104.07"
    )
    settings.ELASTICSEARCH_URL = closed_port_url()
    body = api.get(FIRMS, {"q": "回退", "near": "30.1222,104.6273", "radius_km": "20", "sort": "distance"}).json()
    assert body["backend"] == "database"
    assert [r["name"] for r in body["results"]] == ["资阳回退专利事务所"]
    assert 0 < body["results"][0]["distance_km"] < 2
    assert body["facets"]["kind"] == [{"key": "patent_agency", "count": 1}]
    ip = api.get("/api/v1/search/ip/", {"q": "测试"}).json()
    assert ip["backend"] == "database" and set(ip) == {"backend", "count", "results", "facets"}
    patent = PatentFactory(title="一种回退检索装置")
    body = api.get("/api/v1/search/ip/", {"q": "回退检索", "kind": "invention", "status": "granted"}).json()
    assert [r["id"] for r in body["results"]] == [patent.pk]
    assert body["facets"]["kind"] == [{"key": "invention", "count": 1}]
    assert (
        api.get("/api/v1/search/suggest/", {"q": "资阳回退"}).json()["suggestions"][0]["text"] == "资阳回退专利事务所"
    )
    assert api.get(FIRMS, {"page": "x"}).status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"q": "对照"},
        {"kind": "patent_agency"},
        {"city": "资阳", "service": "patent_filing"},
        {"near": "30.1222,104.6273", "radius_km": "30", "sort": "distance"},
        {"q": "对照", "near": "30.1222,104.6273", "radius_km": "60", "sort": "distance", "page_size": "3", "page": "2"},
    ],
)
def test_the_database_answers_what_elasticsearch_answers(api, rebuild, settings, params):
    """Same matches, counts, facet counts and distance order from both backends (relevance order aside)."""
    from ipmarket.accounts.models import Service

    filing = Service.objects.get_or_create(code="patent_filing", defaults={"name": "专利申请代理"})[0]
    spots = [("30.13", "104.63"), ("30.20", "104.70"), ("30.05", "104.50"), ("30.40", "104.90"), ("30.57", "104.07")]
    for i, (lat, lon) in enumerate(spots * 2):
        org = OrganisationFactory(
            name=f"对照专利事务所{i}" if i % 2 == 0 else f"比较律师事务所{i}",
            kind="patent_agency" if i % 3 else "law_firm",
            city="资阳" if i < 6 else "成都",
            latitude=lat,
            longitude=f"{float(lon) + i / 1000:.6f}",
        )
        if i % 2 == 0:
            org.services.add(filing)
    rebuild()
    es = api.get(FIRMS, params).json()
    settings.ELASTICSEARCH_URL = closed_port_url()
    db = api.get(FIRMS, params).json()
    assert (es["backend"], db["backend"]) == ("elasticsearch", "database")
    assert es["count"] == db["count"] > 0
    if params.get("sort") == "distance":
        assert [r["id"] for r in db["results"]] == [r["id"] for r in es["results"]]
        assert [r["distance_km"] for r in db["results"]] == pytest.approx(
            [r["distance_km"] for r in es["results"]], abs=0.05
        )
    else:
        assert {r["id"] for r in db["results"]} == {r["id"] for r in es["results"]}
    for name in ("kind", "city", "service"):
        assert sorted(map(tuple, (f.values() for f in db["facets"][name]))) == sorted(
            map(tuple, (f.values() for f in es["facets"][name]))
        ), name
