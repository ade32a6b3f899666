"""The registry in Elasticsearch (search/demands.py): the listed demands are indexed and kept in step through the
outbox, reconciled, searched with facets, filtered to the caller's bank in Elasticsearch and in the database
fallback alike; and the registry search page."""

import re
import socket
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from financing.models import ValuationReport, ValuationReportAsset
from financing.registry import services
from financing.registry.models import Demand
from ipmarket.assets.identifiers import make_application_number
from search import demands as registry_search
from search import indexes, sync
from search.client import get_client
from search.models import PendingChange
from search.reconcile import reconcile
from tests.accounts.factories import OrganisationFactory, member_of
from tests.assets.factories import PatentFactory, TrademarkFactory
from tests.registry.factories import demand

pytestmark = pytest.mark.django_db
SEARCH = "/financing/registry/search/"


@pytest.fixture(autouse=True)
def _drop_the_test_index():
    yield
    try:
        get_client().indices.delete(index=f"{indexes.alias('demands')}-*", ignore_unavailable=True)
    except Exception:  # Elasticsearch down in a fallback test
        pass


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def rebuild():
    indexes.rebuild("demands")


def refresh():
    get_client().indices.refresh(index=indexes.alias("demands"))


def design_of(enterprise):
    return PatentFactory(
        owner=enterprise,
        patent_type="design",
        application_number=make_application_number(2019, "3", 500000 + enterprise.pk),
        ipc_codes=[],
    )


def listed(w, *, city="资阳", amount="3000000", industry="C", assets=None, banks=(), purpose="研发投入与流动资金"):
    """An admitted demand of a new enterprise in `city` (its own owner), shown to `banks` (every bank if none)."""
    enterprise = OrganisationFactory(kind="enterprise", city=city)
    owner = member_of(enterprise, role="admin")
    assets = assets(enterprise) if assets else [PatentFactory(owner=enterprise, patent_type="invention")]
    d = services.demand_create(
        by=owner,
        programme=w.programme,
        assets=assets,
        banks=banks,
        amount=Decimal(amount),
        term_months=12,
        industry=industry,
        purpose=purpose,
    )
    services.demand_submit(demand=d, by=owner)
    return services.demand_admit(demand=d, by=w.platform, batch=w.batch)


@pytest.fixture
def registry(w):
    """Five listed demands (two shown to bank A only, one to bank B only), a draft and a submitted one."""
    w.programme.eligible_cities = []
    w.programme.save()
    r = {
        "zy_battery": listed(w, purpose="锂电池产线扩产", amount="800000"),
        "zy_shown_a": listed(w, amount="1000000", banks=[w.bank], industry="I"),
        "cd_mark": listed(
            w, city="成都", amount="6000000", assets=lambda e: [TrademarkFactory(owner=e)], purpose="品牌推广"
        ),
        "cd_shown_b": listed(w, city="成都", amount="9000000", banks=[w.bank2]),
        "my_design": listed(w, city="绵阳", amount="5000000", assets=lambda e: [design_of(e)]),
    }
    r["draft"] = demand(w, "draft")
    r["submitted"] = demand(w, "submitted", assets=[PatentFactory(owner=w.borrower)])
    return r


def ids(result) -> set[int]:
    return {hit["id"] for hit in result["results"]}


def facet(result, name) -> dict:
    return {b["key"]: b["count"] for b in result["facets"][name]}


def ask(bank_ids, **params):
    return registry_search.search_demands(registry_search.DemandQuery(bank_ids=bank_ids, **params))


def test_only_listed_demands_are_indexed(w, registry):
    rebuild()
    everything = ask(None)
    assert everything["backend"] == "elasticsearch"
    expected = {d.pk for key, d in registry.items() if key not in ("draft", "submitted")}
    assert ids(everything) == expected


def both_backends(settings, check):
    """Run `check(answer)` against Elasticsearch, then against the database with Elasticsearch unreachable."""
    rebuild()
    check("elasticsearch")
    settings.ELASTICSEARCH_URL = closed_port_url()
    check("database")


def test_bank_b_never_sees_a_demand_shown_to_bank_a_nor_counts_it(w, registry, settings):
    def check(backend):
        for bank, hidden, shown in ((w.bank2, "zy_shown_a", "cd_shown_b"), (w.bank, "cd_shown_b", "zy_shown_a")):
            result = ask((bank.pk,))
            assert result["backend"] == backend
            assert registry[hidden].pk not in ids(result) and registry[shown].pk in ids(result)
            assert result["count"] == 4
            assert sum(facet(result, "band").values()) == 4
            cities = facet(result, "city")
            assert sum(cities.values()) == 4
        assert facet(ask((w.bank2.pk,)), "industry") == {"C": 4}  # bank A's "I" demand is not counted
        assert facet(ask((w.bank.pk,), industry="I"), "industry") == {"C": 3, "I": 1}
        assert ask((), q="")["count"] == 3  # a caller of no bank: the demands shown to every bank only

    both_backends(settings, check)


def test_facets_and_filters_agree_in_both_backends(w, registry, settings):
    def check(backend):
        result = ask(None)
        assert facet(result, "city") == {"资阳": 2, "成都": 2, "绵阳": 1}
        assert facet(result, "ip_kind") == {"invention": 3, "trademark": 1, "design": 1}
        assert facet(result, "band") == {"lt1m": 1, "1m-5m": 1, "5m-10m": 3}
        chengdu = ask(None, city="成都")
        assert ids(chengdu) == {registry["cd_mark"].pk, registry["cd_shown_b"].pk}
        # a facet's own counts ignore its own filter, and follow the others
        assert facet(chengdu, "city") == {"资阳": 2, "成都": 2, "绵阳": 1}
        assert facet(chengdu, "ip_kind") == {"invention": 1, "trademark": 1}
        assert ids(ask(None, ip_kind="trademark")) == {registry["cd_mark"].pk}
        assert ids(ask(None, ip_kind="design")) == {registry["my_design"].pk}
        assert ids(ask(None, band="1m-5m")) == {registry["zy_shown_a"].pk}  # ¥1,000,000 starts the band
        assert ids(ask(None, band="lt1m", city="成都")) == set()
        assert ids(ask(None, q="锂电池")) == {registry["zy_battery"].pk}
        assert result["backend"] == backend

    both_backends(settings, check)


def test_a_change_is_marked_and_reaches_the_index(w, registry):
    rebuild()
    d = registry["zy_battery"]
    assert PendingChange.objects.filter(index="demands", doc_id=str(d.pk)).exists()
    services.demand_withdraw(demand=d, by=d.created_by, note="")
    sync.process("demands", [str(d.pk)])
    refresh()
    assert d.pk not in ids(ask(None))
    assert not PendingChange.objects.filter(index="demands", doc_id=str(d.pk)).exists()
    enterprise = registry["cd_mark"].enterprise
    enterprise.name = "成都改名后的品牌公司"
    enterprise.save()
    assert PendingChange.objects.filter(index="demands", doc_id=str(registry["cd_mark"].pk)).exists()
    sync.process("demands", [str(registry["cd_mark"].pk)])
    refresh()
    assert ids(ask(None, q="改名后的品牌")) == {registry["cd_mark"].pk}


def test_reconcile_repairs_what_signals_miss(w, registry):
    rebuild()
    shown_a = registry["zy_shown_a"]
    Demand.objects.filter(pk=shown_a.pk).update(all_banks=True, updated_at=timezone.now())  # no signal
    shown_a.banks.through.objects.filter(demand_id=shown_a.pk).delete()
    Demand.objects.filter(pk=registry["my_design"].pk).update(state="withdrawn")
    assert reconcile("demands") == {"checked": 4, "missing": 0, "stale": 1, "extra": 1}
    assert reconcile("demands") == {"checked": 4, "missing": 0, "stale": 0, "extra": 0}
    assert shown_a.pk in ids(ask((w.bank2.pk,)))
    assert registry["my_design"].pk not in ids(ask(None))


def test_the_band_bounds(w):
    assert [registry_search.amount_band(Decimal(a)) for a in ("0.01", "999999.99", "1000000", "4999999.99")] == [
        "lt1m",
        "lt1m",
        "1m-5m",
        "1m-5m",
    ]
    assert [registry_search.amount_band(Decimal(a)) for a in ("5000000", "9999999.99", "10000000")] == [
        "5m-10m",
        "5m-10m",
        "ge10m",
    ]


# --- the page -------------------------------------------------------------------------------------------------


def page_as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def links(response) -> set[int]:
    return {int(pk) for pk in re.findall(r'href="/financing/registry/demands/(\d+)/"', response.content.decode())}


def test_the_search_page_of_bank_b(w, registry):
    rebuild()
    client = page_as(w.officer2)
    response = client.get(SEARCH)
    assert response.status_code == 200 and response.context["backend"] == "elasticsearch"
    assert links(response) == {registry[k].pk for k in ("zy_battery", "cd_mark", "cd_shown_b", "my_design")}
    chengdu = client.get(SEARCH, {"city": "成都", "ip_kind": "trademark"})
    assert links(chengdu) == {registry["cd_mark"].pk}
    assert [chip["label"] for chip in chengdu.context["chips"]] == ["成都", "商标"]  # Chinese by default
    bad = client.get(SEARCH, {"band": "huge", "industry": "Z", "page": "x"})
    assert bad.status_code == 200 and len(bad.context["notes"]) == 3 and len(links(bad)) == 4
    empty = client.get(SEARCH, {"q": "没有这样的需求"})
    assert empty.status_code == 200 and not links(empty) and 'class="empty"' in empty.content.decode()


def test_the_page_shows_each_result_s_estimate_and_the_bank_s_interest(w, registry):
    d = registry["zy_battery"]
    patent = d.assets.get().patent
    report = ValuationReport.objects.create(
        programme=w.programme,
        appraiser=w.appraiser,
        method="income",
        value=Decimal("2000000"),
        value_date=timezone.localdate(),
        valid_until=timezone.localdate() + timezone.timedelta(days=365),
        standard="T/CAS 2024",
        reference="估报2026-001",
        created_by=w.valuer,
    )
    ValuationReportAsset.objects.create(report=report, patent=patent)
    services.interest_register(demand=d, by=w.officer, indicative_principal=Decimal("500000"), indicative_rate="0.04")
    rebuild()
    response = page_as(w.officer).get(SEARCH, {"q": "锂电池"})
    card = response.context["cards"][0]
    assert card["estimate"]["amount"] == "¥500,000.00" and card["estimate"]["status"] == "complete"
    assert card["own_interest"] is not None
    assert 'data-estimate="complete"' in response.content.decode()


def test_only_banks_and_platform_people_search(w, registry):
    rebuild()
    assert page_as(w.owner).get(SEARCH).status_code == 403
    assert page_as(w.underwriter).get(SEARCH).status_code == 403
    assert links(page_as(w.platform).get(SEARCH)) == {
        d.pk for k, d in registry.items() if k not in ("draft", "submitted")
    }


def test_the_page_answers_from_the_database_when_elasticsearch_is_down(w, registry, settings):
    settings.ELASTICSEARCH_URL = closed_port_url()
    response = page_as(w.officer).get(SEARCH, {"q": "锂电池"})
    assert response.status_code == 200 and response.context["backend"] == "database"
    assert links(response) == {registry["zy_battery"].pk}
    assert "search-reduced" in response.content.decode()
