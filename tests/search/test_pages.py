"""The search pages against the real Elasticsearch node: /firms/ (text, facets, distance, pages,
bad links, reduced mode, constant queries), /firms/<id>/ and /ip/."""

import re
import socket

import pytest
from bs4 import BeautifulSoup
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ipmarket.accounts.cities import cities
from ipmarket.assets.identifiers import make_application_number
from ipmarket.assets.models import Patent
from ipmarket.market.models import Listing
from search.views import highlighted
from tests.accounts.factories import OrganisationFactory, ServiceFactory
from tests.assets.factories import PatentFactory, TrademarkFactory
from tests.market.factories import ListingFactory

pytestmark = pytest.mark.django_db

ZIYANG = cities()["资阳"]
ZIYANG_NEAR = f"{ZIYANG.lat},{ZIYANG.lon}"


@pytest.fixture
def en(client):
    """A client that chose English with the switch (assertions on English source strings)."""
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def get(client, path, params=None, status=200) -> BeautifulSoup:
    response = client.get(path, params or {})
    assert response.status_code == status, response.content[:300]
    return BeautifulSoup(response.content, "html.parser")


def text(page: BeautifulSoup) -> str:
    return " ".join(page.get_text(" ").split())


def cards(page) -> list[str]:
    return [" ".join(card.get_text().split()) for card in page.select(".firm-card")]


def names(page, *candidates) -> list[str]:
    """The candidates found on the result cards, in the cards' order."""
    return [name for card in cards(page) for name in candidates if name in card]


def facet(page, name) -> dict:
    """{label: (count, href, active)} of a facet group."""
    group = page.find(id=f"facet-{name}").find_parent("section")
    return {
        a.select_one(".facet-label").get_text(strip=True): (
            int(a.select_one(".facet-count").get_text(strip=True)),
            a["href"],
            a.get("aria-current") == "true",
        )
        for a in group.select(".facet-values a")
    }


def notes(page) -> str:
    return " ".join(n.get_text(" ", strip=True) for n in page.select(".notice"))


@pytest.fixture
def directory(rebuild):
    filing = ServiceFactory(code="patent_filing", name="专利申请代理", name_en="Patent filing")
    valuation = ServiceFactory(code="ip_valuation", name="知识产权评估", name_en="IP valuation")
    orgs = {
        "near_agency": OrganisationFactory(
            name="资阳天府专利代理事务所",
            name_en="Ziyang Tianfu Patent Agency",
            kind="patent_agency",
            city="资阳",
            latitude="30.1300",
            longitude="104.6300",
            description="专利申请与商标注册代理",
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
        "deyang_bank": OrganisationFactory(
            name="德阳农商银行", kind="bank", city="德阳", latitude="31.1270", longitude="104.3980"
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
    orgs["appraiser"].services.add(valuation, filing)
    rebuild()
    return orgs


ZIYANG_FIRMS = ["资阳天府专利代理事务所", "资阳雁江资产评估有限公司", "蜀商银行资阳分行"]
ALL = (*ZIYANG_FIRMS, "成都锦江专利代理事务所", "德阳农商银行")


# --- /firms/ ---------------------------------------------------------------------------------------


def test_text_search_in_chinese_with_highlighted_names(client, directory):
    page = get(client, "/firms/", {"q": "专利代理"})
    found = names(page, *ALL, "资阳隐藏专利代理事务所")
    assert {"资阳天府专利代理事务所", "成都锦江专利代理事务所"} <= set(found)
    assert "蜀商银行资阳分行" not in found and "资阳隐藏专利代理事务所" not in found
    assert page.select(".firm-card h3 mark")  # the words found, marked in the name
    assert "资阳雁江资产评估有限公司" in found  # it offers 专利申请代理 too: a weaker match, ranked below
    assert found.index("资阳雁江资产评估有限公司") == 2
    assert not page.select(".search-reduced")
    box = page.find(id="search-q")
    assert box["value"] == "专利代理" and box["role"] == "combobox" and box["aria-expanded"] == "false"
    assert page.find(id=box["aria-controls"])["role"] == "listbox"


def test_cards_show_kind_city_services_in_english(en, directory):
    page = get(en, "/firms/", {"q": "天府"})
    card = cards(page)[0]
    assert card.startswith("Ziyang Tianfu Patent Agency")
    assert "资阳天府专利代理事务所" in card and "Patent agency" in card and "Ziyang" in card
    assert "Patent filing" in card


def test_highlights_are_escaped_except_the_marks(client, rebuild):
    OrganisationFactory(name="资阳<script>alert(1)</script>专利代理事务所", kind="patent_agency")
    rebuild()
    html = client.get("/firms/", {"q": "专利代理"}).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert highlighted("a<mark>b</mark> <img src=x onerror=1> <mark>c") == (
        "a<mark>b</mark> &lt;img src=x onerror=1&gt; <mark>c</mark>"
    )
    assert highlighted("</mark>x<mark><mark>y</mark></mark>") == "x<mark>y</mark>"


def test_each_facet_toggles_its_filter_and_shows_counts(en, directory):
    page = get(en, "/firms/")
    kinds = facet(page, "kind")
    assert {k: v[0] for k, v in kinds.items()} == {"Patent agency": 2, "Bank": 2, "Appraiser": 1}
    assert {k: v[0] for k, v in facet(page, "city").items()} == {"Ziyang": 3, "Chengdu": 1, "Deyang": 1}
    assert {k: v[0] for k, v in facet(page, "service").items()} == {"Patent filing": 3, "IP valuation": 1}

    # kind = bank: two banks; the city counts follow, the kind counts keep every kind
    page = get(en, kinds["Bank"][1])
    assert sorted(names(page, *ALL)) == ["德阳农商银行", "蜀商银行资阳分行"]
    assert facet(page, "kind")["Bank"][2] is True
    assert {k: v[0] for k, v in facet(page, "city").items()} == {"Ziyang": 1, "Deyang": 1}
    assert {k: v[0] for k, v in facet(page, "kind").items()} == {"Patent agency": 2, "Bank": 2, "Appraiser": 1}
    chips = [c.get_text(" ", strip=True) for c in page.select(".chip")]
    assert any(c.startswith("Kind: Bank") for c in chips)

    # and city = Ziyang on top: one bank; kind counts now within Ziyang
    page = get(en, facet(page, "city")["Ziyang"][1])
    assert names(page, *ALL) == ["蜀商银行资阳分行"]
    assert {k: v[0] for k, v in facet(page, "kind").items()} == {"Patent agency": 1, "Bank": 1, "Appraiser": 1}

    # the active kind, chosen again, is removed; the city stays
    page = get(en, facet(page, "kind")["Bank"][1])
    assert sorted(names(page, *ALL)) == ["蜀商银行资阳分行", "资阳天府专利代理事务所", "资阳雁江资产评估有限公司"]
    assert not any(active for _, _, active in facet(page, "kind").values())

    # a service, and the chip that removes it
    page = get(en, "/firms/", {"service": "ip_valuation"})
    assert names(page, *ALL) == ["资阳雁江资产评估有限公司"]
    assert {k: v[0] for k, v in facet(page, "service").items()} == {"Patent filing": 3, "IP valuation": 1}
    chip = page.select_one(".chip")
    assert "Services: IP valuation" in chip.get_text(" ", strip=True)
    assert len(names(get(en, chip["href"]), *ALL)) == 5


def test_within_a_distance_of_a_city_sorted_by_distance(en, directory):
    page = get(en, "/firms/")
    options = {o.get_text(strip=True): o["value"] for o in page.select("#distance-near option")}
    assert options["Ziyang"] == ZIYANG_NEAR and not page.select("#distance-sort")  # sort needs a centre
    assert [o["value"] for o in page.select("#distance-radius option")] == ["", "5", "10", "20", "50"]
    page = get(en, "/firms/", {"near": options["Ziyang"], "radius_km": "10", "sort": "distance"})
    found = names(page, *ALL)
    assert found[0] == "资阳天府专利代理事务所" and set(found) == {
        "资阳天府专利代理事务所",
        "资阳雁江资产评估有限公司",
        "蜀商银行资阳分行",
    }
    distances = [float(re.search(r"([\d.]+) km away", c).group(1)) for c in cards(page)]
    assert distances == sorted(distances) and distances[0] < 2
    assert page.select_one("#distance-sort option[selected]")["value"] == "distance"
    assert page.select_one("#distance-near option[selected]").get_text(strip=True) == "Ziyang"
    assert any("Within 10 km of Ziyang" in c.get_text() for c in page.select(".chip"))
    # a centre without a radius: everyone, with the distance shown
    page = get(en, "/firms/", {"near": ZIYANG_NEAR, "sort": "distance"})
    assert len(cards(page)) == 5 and names(page, *ALL)[-1] == "德阳农商银行"
    assert all("km away" in c for c in cards(page))


def test_pages_and_page_size_keep_the_filters(en, rebuild):
    for i in range(23):
        OrganisationFactory(name=f"资阳分页律师事务所{i:02d}", kind="law_firm")
    OrganisationFactory(name="资阳另一家银行", kind="bank")
    rebuild()
    page = get(en, "/firms/", {"kind": "law_firm", "page_size": "10"})
    assert len(cards(page)) == 10 and "23 organisations" in text(page)
    nav = page.select_one("nav.search-pagination")
    current = nav.select_one('a[aria-current="page"]')
    assert current.get_text(" ", strip=True) == "Page 1"
    links = {a.get_text(" ", strip=True): a["href"] for a in nav.select("a")}
    assert links["Page 3"] == "/firms/?kind=law_firm&page_size=10&page=3"
    assert links["Next"] == "/firms/?kind=law_firm&page_size=10&page=2"
    last = get(en, links["Page 3"])
    assert len(cards(last)) == 3 and "Page 3 of 3" in text(last)
    first_ids = {c["href"] for c in page.select(".firm-card h3 a")}
    assert not first_ids & {c["href"] for c in last.select(".firm-card h3 a")}
    sizes = [o["value"] for o in page.select("#page-size option")]
    assert sizes == ["10", "20", "50"] and page.select_one("#page-size option[selected]")["value"] == "10"
    # the page-size form keeps the filters and goes back to page 1
    hidden = {i["name"]: i["value"] for i in page.select("form.page-size input[type=hidden]")}
    assert hidden == {"kind": "law_firm"}
    assert len(cards(get(en, "/firms/", {"kind": "law_firm", "page_size": "50"}))) == 23


def test_pages_past_the_end_or_the_window_answer_a_message(en, directory):
    page = get(en, "/firms/", {"page": "9"})
    assert not cards(page) and "There is no page 9: the results end on page 1." in text(page)
    assert "No organisation matches" not in text(page)
    page = get(en, "/firms/", {"page": "600", "page_size": "20"})  # beyond 10,000 results
    assert not cards(page) and "Results go 10,000 deep at most: narrow the search." in text(page)
    assert page.select_one(".page-message a")["href"] == "/firms/"


def test_malformed_parameters_are_ignored_with_a_note(en, directory):
    page = get(
        en,
        "/firms/",
        {
            "kind": "castle",
            "near": "north",
            "page": "abc",
            "page_size": "1000",
            "city": "资阳",
            "service": "no spaces allowed",
        },
    )
    said = notes(page)
    for field in ("Kind “castle”", "City centre “north”", "Page “abc”", "Results per page “1000”", "Services “no"):
        assert field in said, field
    assert sorted(names(page, *ALL)) == sorted(ZIYANG_FIRMS)
    page = get(en, "/firms/", {"radius_km": "5", "sort": "distance", "near": "95,104"})
    said = notes(page)
    assert "Distance “5” was ignored: Choose a city to search within a distance." in said
    assert "Sort by “distance” was ignored: Choose a city to sort by distance." in said
    assert "City centre “95,104”" in said and len(cards(page)) == 5


def test_reduced_mode_answers_from_the_database_with_a_notice(en, directory, settings):
    settings.ELASTICSEARCH_URL = closed_port_url()
    page = get(en, "/firms/", {"kind": "bank"})
    assert "Search is running in reduced mode" in notes(page)
    assert sorted(names(page, *ALL)) == ["德阳农商银行", "蜀商银行资阳分行"]
    assert {k: v[0] for k, v in facet(page, "city").items()} == {"Ziyang": 1, "Deyang": 1}
    page = get(en, "/firms/", {"q": "专利代理", "near": ZIYANG_NEAR, "radius_km": "20", "sort": "distance"})
    assert names(page, *ALL) == ["资阳天府专利代理事务所"] and "km away" in cards(page)[0]
    assert "Search is running in reduced mode" in notes(get(en, "/ip/"))


def test_the_directory_runs_the_same_queries_for_10_and_50_results(client, rebuild):
    services = [ServiceFactory(code=f"svc_{i}", name=f"服务{i}") for i in range(3)]
    for i, org in enumerate(OrganisationFactory.create_batch(60, kind="law_firm")):
        org.services.add(*services[: 1 + i % 3])
    rebuild()
    counts = {}
    for size in (10, 50):
        with CaptureQueriesContext(connection) as ctx:
            page = get(client, "/firms/", {"page_size": size})
        assert len(cards(page)) == size
        counts[size] = len(ctx)
    assert counts[10] == counts[50], counts
    assert counts[10] <= 2, [q["sql"] for q in ctx.captured_queries]


# --- /firms/<id>/ ----------------------------------------------------------------------------------


def test_firm_page_shows_contact_location_ip_and_listings(en, directory):
    firm = directory["near_agency"]
    firm.phone, firm.email, firm.website = "028-1234567", "ip@example.cn", "https://example.cn"
    firm.address = "雁江区1号"
    firm.save()
    patents = [PatentFactory(owner=firm, title=f"一种代理装置{i:02d}") for i in range(22)]
    co_owned = PatentFactory(title="一种共有装置")
    co_owned.co_owners.add(firm)
    mark = TrademarkFactory(owner=firm, mark_name="天府代理")
    listing = ListingFactory(patent=patents[0], price="88000.00")
    ListingFactory(patent=patents[1], status=Listing.Status.DRAFT)
    page = get(en, f"/firms/{firm.pk}/")
    said = text(page)
    assert page.h1.get_text(strip=True) == "Ziyang Tianfu Patent Agency" and "资阳天府专利代理事务所" in said
    for fact in (
        "Patent agency",
        "专利申请与商标注册代理",
        "Patent filing",
        "028-1234567",
        "ip@example.cn",
        "https://example.cn",
        "雁江区1号",
        firm.unified_social_credit_code,
        "30.13000, 104.63000",
        "km from the centre of Ziyang",
        "Patents (23)",
        "Trademarks (1)",
        "On the market (1)",
        "The first 20 of 23 are shown",
        "co-owned",
        "¥88,000.00",
    ):
        assert fact in said, fact
    links = {a["href"] for a in page.select("main a")}
    assert f"/ip/trademarks/{mark.pk}/" in links and f"/market/{listing.pk}/" in links
    assert len([href for href in links if href.startswith("/ip/patents/")]) == 20
    assert "/firms/?near=30.130000%2C104.630000&radius_km=5&sort=distance" in links
    assert not [href for href in links if "map" in href]
    assert page.select_one('a[href="mailto:ip@example.cn"]')


def test_inactive_and_unknown_firms_are_404(client, directory):
    assert client.get(f"/firms/{directory['hidden'].pk}/").status_code == 404
    assert client.get("/firms/999999/").status_code == 404
    assert client.get(f"/firms/{directory['bank'].pk}/").status_code == 200


def test_firm_page_queries_do_not_grow_with_what_it_holds(client):
    small, big = OrganisationFactory(), OrganisationFactory()
    ListingFactory(patent=PatentFactory(owner=small))
    TrademarkFactory(owner=small)
    for _ in range(25):
        ListingFactory(patent=PatentFactory(owner=big))
        TrademarkFactory(owner=big)
    counts = []
    for firm in (small, big):
        with CaptureQueriesContext(connection) as ctx:
            get(client, f"/firms/{firm.pk}/")
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts


# --- /ip/ ------------------------------------------------------------------------------------------


@pytest.fixture
def ip(rebuild):
    ziyang = OrganisationFactory(name="资阳锂电科技有限公司", name_en="Ziyang Lithium Tech", city="资阳")
    chengdu = OrganisationFactory(name="成都农业科技有限公司", city="成都")
    hidden = OrganisationFactory(name="资阳停业公司", city="资阳", is_active=False)
    assets = {
        "battery": PatentFactory(owner=ziyang, title="一种锂电池隔膜及其制备方法", ipc_codes=["H01M 50/40"]),
        "orchard": PatentFactory(
            owner=chengdu,
            title="一种柑橘种植装置",
            ipc_codes=["A01G 9/00"],
            patent_type=Patent.Type.UTILITY_MODEL,
            application_number=make_application_number(2019, "2", 1234),
        ),
        "orphan": PatentFactory(owner=hidden, title="一种停业装置", ipc_codes=["H02J 7/00"]),
        "mark": TrademarkFactory(owner=ziyang, mark_name="锂都"),
    }
    ListingFactory(patent=assets["battery"], deal_type="assignment", price="500000.00")
    ListingFactory(patent=assets["orchard"], deal_type="non_exclusive_license")
    Patent.objects.filter(pk=assets["battery"].pk).update(pledged=True)
    rebuild()
    return assets


def rows(page) -> list[str]:
    return [" ".join(r.get_text().split()) for r in page.select(".ip-table tbody tr")]


def titles(page) -> set[str]:
    return {t for t in ("锂电池隔膜", "柑橘种植", "停业装置", "锂都") for r in rows(page) if t in r}


def test_ip_text_search_rows_and_links(en, ip):
    page = get(en, "/ip/", {"q": "锂电池隔膜"})
    assert titles(page) == {"锂电池隔膜"}
    row = rows(page)[0]
    for fact in (
        ip["battery"].application_number,
        "Invention",
        "Granted",
        "Ziyang Lithium Tech",
        "Ziyang",
        "Assignment",
        "from ¥500,000.00",
        "Pledged",
    ):
        assert fact in row, fact
    links = [a["href"] for a in page.select(".ip-table tbody a")]
    assert f"/ip/patents/{ip['battery'].pk}/" in links and f"/firms/{ip['battery'].owner_id}/" in links
    assert any(h.startswith("/market/?") and "deal_type=assignment" in h and "asset_type=patent" in h for h in links)
    assert page.select_one(".ip-table mark")
    # the IP of an organisation no longer listed is not public
    assert rows(get(en, "/ip/", {"q": "停业装置"})) == []
    assert "No patent or trademark matches" in text(get(en, "/ip/", {"q": "停业装置"}))


def test_ip_filters_and_facets(en, ip):
    page = get(en, "/ip/")
    assert titles(page) == {"锂电池隔膜", "柑橘种植", "锂都"}  # not the unlisted owner's
    assert {k: v[0] for k, v in facet(page, "type").items()} == {"Patents": 2, "Trademarks": 1}
    assert {k: v[0] for k, v in facet(page, "deal_type").items()} == {"Assignment": 1, "Non-exclusive licence": 1}
    assert {k: v[0] for k, v in facet(page, "city").items()} == {"Ziyang": 2, "Chengdu": 1}
    page = get(en, facet(page, "type")["Trademarks"][1])
    assert titles(page) == {"锂都"} and "Trademark" in rows(page)[0] and "Registered" in rows(page)[0]
    page = get(en, facet(page, "city")["Ziyang"][1])
    assert titles(page) == {"锂都"}
    assert {k: v[0] for k, v in facet(page, "type").items()} == {"Patents": 1, "Trademarks": 1}
    assert titles(get(en, "/ip/", {"deal_type": "non_exclusive_license"})) == {"柑橘种植"}
    assert "Utility model" in rows(get(en, "/ip/", {"deal_type": "non_exclusive_license"}))[0]
    assert titles(get(en, "/ip/", {"ipc": "h"})) == {"锂电池隔膜"}
    assert titles(get(en, "/ip/", {"ipc": "H01M"})) == {"锂电池隔膜"}
    page = get(en, "/ip/", {"ipc": "A01", "city": "成都"})
    assert titles(page) == {"柑橘种植"} and any("IPC: A01" in c.get_text() for c in page.select(".chip"))


def test_ip_bad_parameters_and_old_owner_links(en, ip):
    page = get(en, "/ip/", {"type": "rocket", "ipc": "Z99", "deal_type": "gift", "page": "x", "city": "资阳"})
    said = notes(page)
    for field in ("Patent or trademark “rocket”", "IPC code or prefix “Z99”", "Deal type “gift”", "Page “x”"):
        assert field in said, field
    assert titles(page) == {"锂电池隔膜", "锂都"}
    response = en.get("/ip/", {"owner": ip["battery"].owner_id})
    assert response.status_code == 302 and response["Location"] == f"/firms/{ip['battery'].owner_id}/#ip"
    assert "No patent or trademark matches" in text(get(en, "/ip/", {"q": "不存在的发明"}))


def test_ip_directory_queries_are_constant(client, rebuild):
    for _ in range(30):
        PatentFactory()
        TrademarkFactory()
    rebuild()
    counts = []
    for size in (10, 50):
        with CaptureQueriesContext(connection) as ctx:
            assert len(rows(get(client, "/ip/", {"page_size": size}))) == size
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts
