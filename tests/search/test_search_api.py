"""`/api/v1/search/…` against the real Elasticsearch node: text, filters, facets, distance, highlight,
pages, suggestions, and every malformed parameter answering 400."""

import pytest

from tests.accounts.factories import OrganisationFactory, ServiceFactory
from tests.assets.factories import PatentFactory, TrademarkFactory
from tests.market.factories import ListingFactory

pytestmark = pytest.mark.django_db
FIRMS, IP, SUGGEST = "/api/v1/search/firms/", "/api/v1/search/ip/", "/api/v1/search/suggest/"
ZIYANG = (30.1222, 104.6273)


@pytest.fixture
def directory(rebuild):
    filing = ServiceFactory(code="patent_filing", name="专利申请代理", name_en="Patent filing")
    valuation = ServiceFactory(code="ip_valuation", name="知识产权评估", name_en="IP valuation")
    orgs = {
        "near_agency": OrganisationFactory(
            name="资阳天府专利代理事务所", kind="patent_agency", city="资阳", latitude="30.1300", longitude="104.6300"
        ),
        "far_agency": OrganisationFactory(
            name="成都锦江专利代理事务所", kind="patent_agency", city="成都", latitude="30.5728", longitude="104.0668"
        ),
        "appraiser": OrganisationFactory(
            name="资阳雁江资产评估有限公司",
            kind="appraiser",
            city="资阳",
            latitude="30.1500",
            longitude="104.6500",
            description="专利价值评估",
        ),
        "bank": OrganisationFactory(
            name="蜀商银行资阳分行", kind="bank", city="资阳", latitude="30.1100", longitude="104.6000"
        ),
        "hidden": OrganisationFactory(
            name="资阳隐藏专利代理事务所",
            kind="patent_agency",
            city="资阳",
            latitude="30.12",
            longitude="104.62",
            is_active=False,
        ),
    }
    orgs["near_agency"].services.add(filing)
    orgs["far_agency"].services.add(filing)
    orgs["appraiser"].services.add(valuation)
    rebuild()
    return orgs


def ids(response):
    assert response.status_code == 200, response.json()
    return [r["id"] for r in response.json()["results"]]


def test_shape_and_full_text_in_chinese(api, directory):
    body = api.get(FIRMS, {"q": "专利代理"}).json()
    assert body["backend"] == "elasticsearch"
    assert set(body) == {"backend", "count", "results", "facets"}
    found = {r["id"] for r in body["results"]}
    assert {directory["near_agency"].pk, directory["far_agency"].pk} <= found
    assert directory["hidden"].pk not in found and directory["bank"].pk not in found
    first = body["results"][0]
    assert {"id", "name", "kind", "city", "location", "services"} <= set(first)
    assert any("<mark>" in part for r in body["results"] for parts in r.get("highlight", {}).values() for part in parts)


def test_filters_and_facets_that_respect_the_other_filters(api, directory):
    body = api.get(FIRMS, {"city": "资阳", "kind": "patent_agency"}).json()
    assert [r["id"] for r in body["results"]] == [directory["near_agency"].pk]
    kinds = {f["key"]: f["count"] for f in body["facets"]["kind"]}
    cities = {f["key"]: f["count"] for f in body["facets"]["city"]}
    # kind counts ignore the kind filter but keep the city filter, and the other way round
    assert kinds == {"patent_agency": 1, "appraiser": 1, "bank": 1}
    assert cities == {"资阳": 1, "成都": 1}
    services = {f["key"]: f["count"] for f in api.get(FIRMS, {"service": "ip_valuation"}).json()["facets"]["service"]}
    assert services == {"patent_filing": 2, "ip_valuation": 1}
    assert ids(api.get(FIRMS, {"service": "ip_valuation"})) == [directory["appraiser"].pk]


def test_near_and_radius_sorted_by_distance(api, directory):
    body = api.get(FIRMS, {"near": f"{ZIYANG[0]},{ZIYANG[1]}", "radius_km": "10", "sort": "distance"}).json()
    names = [r["name"] for r in body["results"]]
    assert names[0] == "资阳天府专利代理事务所" and "成都锦江专利代理事务所" not in names
    distances = [r["distance_km"] for r in body["results"]]
    assert distances == sorted(distances) and 0 < distances[0] < 2


def test_pagination_and_deep_pages(api, directory):
    first = api.get(FIRMS, {"page_size": 2, "page": 1}).json()
    second = api.get(FIRMS, {"page_size": 2, "page": 2}).json()
    assert first["count"] == 4 and len(first["results"]) == 2
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}
    deep = api.get(FIRMS, {"page": 501, "page_size": 20})
    assert deep.status_code == 400 and "page" in deep.json()


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "castle"},
        {"near": "north"},
        {"near": "95,104"},
        {"near": "30,104", "radius_km": "-3"},
        {"radius_km": "5"},
        {"sort": "distance"},
        {"sort": "price"},
        {"page": "0"},
        {"page": "two"},
        {"page_size": "1000"},
        {"service": "no spaces allowed"},
    ],
)
def test_malformed_parameters_answer_400(api, directory, params):
    response = api.get(FIRMS, params)
    assert response.status_code == 400, response.json()


def test_ip_search(api, rebuild):
    owner = OrganisationFactory(name="资阳锂电科技有限公司", city="资阳")
    battery = PatentFactory(owner=owner, title="一种锂电池隔膜及其制备方法", ipc_codes=["H01M 50/40"])
    other = PatentFactory(owner=OrganisationFactory(city="成都"), title="一种柑橘种植装置", ipc_codes=["A01G 9/00"])
    ListingFactory(patent=battery, deal_type="assignment")
    mark = TrademarkFactory(owner=owner, mark_name="锂都")
    rebuild()
    body = api.get(IP, {"q": "锂电池"}).json()
    top = body["results"][0]
    assert (top["type"], top["id"], top["deal_types"]) == ("patent", battery.pk, ["assignment"])
    assert other.pk not in {r["id"] for r in body["results"] if r["type"] == "patent"}
    assert ids(api.get(IP, {"ipc": "A01"})) == [other.pk]
    assert ids(api.get(IP, {"deal_type": "assignment"})) == [battery.pk]
    both = api.get(IP, {"city": "资阳"}).json()
    assert {(r["type"], r["id"]) for r in both["results"]} == {("patent", battery.pk), ("trademark", mark.pk)}
    assert {f["key"]: f["count"] for f in both["facets"]["type"]} == {"patent": 1, "trademark": 1}
    assert {(r["type"], r["id"]) for r in api.get(IP, {"kind": "trademark"}).json()["results"]} == {
        ("trademark", mark.pk)
    }
    assert ids(api.get(IP, {"status": "granted", "kind": "invention", "city": "资阳"})) == [battery.pk]
    kinds = {f["key"]: f["count"] for f in api.get(IP, {"kind": "trademark"}).json()["facets"]["kind"]}
    assert kinds == {"invention": 2, "trademark": 1}  # the kind facet ignores the kind filter
    assert api.get(IP, {"status": "sold"}).status_code == 400
    assert api.get(IP, {"ipc": "Z99"}).status_code == 400
    assert api.get(IP, {"deal_type": "gift"}).status_code == 400


def test_suggestions(api, directory):
    body = api.get(SUGGEST, {"q": "天府"}).json()
    assert {"text": "资阳天府专利代理事务所", "kind": "patent_agency", "id": directory["near_agency"].pk} in body[
        "suggestions"
    ]
    assert api.get(SUGGEST).status_code == 400
