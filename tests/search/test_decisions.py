"""Published enforcement decisions in Elasticsearch (search/decisions.py): only decisions the bureau marked
public are indexed, found by the words of the penalty or order and by their number, kept in step through the
outbox, reconciled, and answered from the database when Elasticsearch is down."""

import socket

import pytest
from django.utils import timezone

from ipmarket.disputes import services
from ipmarket.disputes.models import Dispute
from search import decisions as decision_search
from search import indexes, sync
from search.client import get_client
from search.models import PendingChange
from search.reconcile import reconcile
from tests.assets.factories import TrademarkFactory
from tests.disputes.factories import dispute, world

pytestmark = pytest.mark.django_db
INDEX = "decisions"


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def refresh():
    get_client().indices.refresh(index=indexes.alias(INDEX))


def ids(result) -> set[int]:
    return {hit["id"] for hit in result["results"]}


def decide(w, number, decision, *, public=True, assets=None):
    d = dispute(w, "under_investigation", assets=assets)
    services.dispute_record_decision(
        dispute=d, by=w.platform, number=number, decided_on=timezone.localdate(), decision=decision, public=public
    )
    return Dispute.objects.get(pk=d.pk)


@pytest.fixture
def w(db):
    return world()


@pytest.fixture
def decided(w):
    """Two published decisions, an unpublished one that shares the first one's words, a case with none."""
    return {
        "scooter": decide(
            w, "成知执罚〔2025〕12号", "责令立即停止销售侵权电动滑板车，没收侵权产品，并处罚款人民币十万元。"
        ),
        "mark": decide(
            w,
            "成知执罚〔2025〕31号",
            "责令停止使用近似商标的包装袋，销毁库存标识。",
            assets=[TrademarkFactory(owner=w.claimant, mark_name="蜀锦坊")],
        ),
        "hidden": decide(w, "成知执罚〔2025〕47号", "责令停止销售侵权电动滑板车。", public=False),
        "open": dispute(w, "under_investigation"),
    }


def search(q="", **kwargs):
    return decision_search.search_decisions(q, 1, **kwargs)


def both_backends(settings, check):
    """`check(backend)` against Elasticsearch (rebuilt from the database), then with it unreachable."""
    indexes.rebuild(INDEX)
    check("elasticsearch")
    settings.ELASTICSEARCH_URL = closed_port_url()
    check("database")


def test_only_published_decisions_are_indexed(decided):
    indexes.rebuild(INDEX)
    everything = search()
    assert everything["backend"] == "elasticsearch"
    assert ids(everything) == {decided["scooter"].pk, decided["mark"].pk}
    assert everything["count"] == 2
    source = get_client().get(index=indexes.alias(INDEX), id=str(decided["scooter"].pk))["_source"]
    assert source["number"] == "成知执罚〔2025〕12号" and source["kind"] == "infringement"
    assert source["respondent_name"] == decided["scooter"].respondent.name
    assert "facts" not in source  # the case's facts are not public


def test_found_by_the_words_of_the_decision_and_by_its_number_in_both_backends(decided, settings):
    scooter, mark = decided["scooter"].pk, decided["mark"].pk

    def check(backend):
        by_words = search("电动滑板车")
        assert by_words["backend"] == backend
        assert ids(by_words) == {scooter} and by_words["count"] == 1  # not the unpublished one
        assert ids(search("成知执罚〔2025〕12号")) == {scooter}
        assert ids(search("〔2025〕31号")) == {mark}
        assert ids(search("成知执罚〔2025〕47号")) == set()  # the unpublished decision's number
        assert ids(search("蜀锦坊")) == {mark}  # the trademark's name
        assert ids(search(decided["scooter"].respondent.name)) >= {scooter, mark}
        assert ids(search("没有这样的决定书")) == set()
        page = decision_search.search_decisions("", 2, page_size=1)
        assert page["count"] == 2 and len(page["results"]) == 1

    both_backends(settings, check)


def test_the_database_gives_the_same_ids_as_elasticsearch(decided, settings):
    queries = ["", "电动滑板车", "罚款", "包装袋", "成知执罚〔2025〕12号", "蜀锦坊"]
    indexes.rebuild(INDEX)
    es = {q: search(q) for q in queries}
    settings.ELASTICSEARCH_URL = closed_port_url()
    db = {q: search(q) for q in queries}
    for q in queries:
        assert (es[q]["backend"], db[q]["backend"]) == ("elasticsearch", "database")
        assert ids(es[q]) == ids(db[q]) and es[q]["count"] == db[q]["count"], q
    assert [hit["id"] for hit in es[""]["results"]] == [hit["id"] for hit in db[""]["results"]]


def test_a_recorded_decision_is_marked_and_reaches_the_index(w):
    indexes.rebuild(INDEX)
    d = dispute(w, "under_investigation")
    assert not PendingChange.objects.filter(index=INDEX, doc_id=str(d.pk)).exists()  # no decision yet
    services.dispute_record_decision(
        dispute=d,
        by=w.platform,
        number="成知执罚〔2025〕58号",
        decided_on=timezone.localdate(),
        decision="责令删除网店中的侵权商品链接。",
        public=True,
    )
    assert PendingChange.objects.filter(index=INDEX, doc_id=str(d.pk)).exists()
    sync.process(INDEX, [str(d.pk)])
    refresh()
    assert ids(search("侵权商品链接")) == {d.pk}
    assert not PendingChange.objects.filter(index=INDEX, doc_id=str(d.pk)).exists()
    # the bureau withdraws the publication: the save is marked and the document removed
    d = Dispute.objects.get(pk=d.pk)
    d.decision_public = False
    d.save(update_fields=["decision_public", "updated_at"])
    sync.process(INDEX, [str(d.pk)])
    refresh()
    assert ids(search("侵权商品链接")) == set()
    # a party's new name reaches its decisions
    decided = decide(w, "成知执罚〔2025〕59号", "责令停止许诺销售。")
    sync.process(INDEX, [str(decided.pk)])
    w.respondent.name = "成都改名后的被处罚公司"
    w.respondent.save()
    assert PendingChange.objects.filter(index=INDEX, doc_id=str(decided.pk)).exists()
    sync.replay_pending(older_than_seconds=0)
    refresh()
    assert ids(search("改名后的被处罚公司")) == {decided.pk}


def test_reconcile_finds_nothing_missing_after_sync_and_repairs_what_signals_miss(decided):
    indexes.ensure_index(INDEX)
    sync.replay_pending(older_than_seconds=0)  # what the signals marked while the cases were decided
    refresh()
    assert reconcile(INDEX, repair=False) == {"checked": 2, "missing": 0, "stale": 0, "extra": 0}
    # queryset.update() sends no signal: reconcile repairs the drift
    Dispute.objects.filter(pk=decided["hidden"].pk).update(decision_public=True, updated_at=timezone.now())
    Dispute.objects.filter(pk=decided["mark"].pk).update(decision_public=False, updated_at=timezone.now())
    Dispute.objects.filter(pk=decided["scooter"].pk).update(decision="责令销毁专用模具。", updated_at=timezone.now())
    assert reconcile(INDEX) == {"checked": 2, "missing": 1, "stale": 1, "extra": 1}
    assert reconcile(INDEX) == {"checked": 2, "missing": 0, "stale": 0, "extra": 0}
    assert ids(search("专用模具")) == {decided["scooter"].pk}
    assert ids(search()) == {decided["scooter"].pk, decided["hidden"].pk}
