"""The IP directory pages: /ip/ (a search page: patents and trademarks, filters, pagination) and the detail
pages."""

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ipmarket.assets.identifiers import make_application_number
from ipmarket.assets.models import Patent
from ipmarket.market.models import Listing
from search import indexes
from search.client import get_client
from tests.accounts.factories import OrganisationFactory, member_of
from tests.assets.factories import PatentFactory, TrademarkFactory
from tests.market.factories import ListingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def en(client):
    """A client that chose English with the switch (assertions on English source strings)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def rebuild():
    """Build the search indexes from the test's rows (call once they exist); dropped after the test."""
    yield lambda: [indexes.rebuild(kind) for kind in indexes.KINDS]
    for kind in indexes.KINDS:
        get_client().indices.delete(index=f"{indexes.alias(kind)}-*", ignore_unavailable=True)


def page_html(client, path, params=None, status=200):
    response = client.get(path, params or {})
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


def rows(html: str) -> int:
    return html.count("<tr>") - 1  # the header row


def test_directory_is_chinese_by_default_and_lists_patents(client, rebuild):
    PatentFactory(title="一种锂电池隔膜")
    rebuild()
    html = page_html(client, "/ip/")
    assert '<html lang="zh-hans">' in html
    assert 'href="/ip/" aria-current="page"' in html  # the header's 知识产权 link is current
    assert "一种锂电池隔膜" in html
    assert "reduced mode" not in html  # answered by Elasticsearch


def test_patent_filters(en, rebuild):
    chengdu = OrganisationFactory(city="成都", name="成都电池有限公司")
    ziyang = OrganisationFactory(city="资阳", name="资阳机械有限公司", name_en="Ziyang Machinery")
    battery = PatentFactory(owner=chengdu, title="一种锂电池隔膜", ipc_codes=["H01M 50/40"])
    PatentFactory(owner=ziyang, title="一种数控机床", ipc_codes=["B23Q 1/00"])
    utility = PatentFactory(
        owner=ziyang,
        title="一种夹具",
        patent_type=Patent.Type.UTILITY_MODEL,
        application_number=make_application_number(2019, "2", 555),
        ipc_codes=["B25B 11/00"],
    )
    pending = PatentFactory(
        owner=ziyang,
        title="一种待审装置",
        legal_status=Patent.LegalStatus.PENDING,
        grant_date=None,
        annual_fee_paid_until=None,
        ipc_codes=["G06F 16/00"],
    )
    rebuild()

    def titles(**params):
        html = page_html(en, "/ip/", params)
        return {t for t in ("锂电池隔膜", "数控机床", "夹具", "待审装置") if t in html}

    assert titles() == {"锂电池隔膜", "数控机床", "夹具", "待审装置"}
    assert titles(q="锂电池隔膜") == {"锂电池隔膜"}
    assert titles(q=f"CN{battery.application_number}") == {"锂电池隔膜"}  # a number with prefix finds it
    assert titles(q=battery.application_number.replace(".", "")) == {"锂电池隔膜"}  # and without its dot
    assert titles(ipc="h01m") == {"锂电池隔膜"}
    assert titles(ipc="B") == {"数控机床", "夹具"}  # a section
    assert titles(ipc="B25") == {"夹具"}  # a class
    assert titles(city="成都") == {"锂电池隔膜"}
    assert titles(city="资阳", ipc="B25") == {"夹具"}
    assert "Utility model" in page_html(en, "/ip/", {"q": utility.application_number})
    assert "Pending" in page_html(en, "/ip/", {"q": pending.application_number})
    # An owner's IP is on its page; the old owner filter links there.
    response = en.get("/ip/", {"owner": ziyang.pk})
    assert response.status_code == 302 and response["Location"] == f"/firms/{ziyang.pk}/#ip"
    html = page_html(en, f"/firms/{ziyang.pk}/")
    assert "Ziyang Machinery" in html and 'Patents <span class="count">(3)</span>' in html
    assert {t for t in ("锂电池隔膜", "数控机床", "夹具", "待审装置") if t in html} == {"数控机床", "夹具", "待审装置"}


def test_rows_show_the_facts_and_a_pledged_badge(en, rebuild):
    bank = OrganisationFactory(kind="bank")
    patent = PatentFactory(title="一种质押专利")
    Patent.objects.filter(pk=patent.pk).update(pledged=True, pledged_to=bank, pledged_since=timezone.now())
    rebuild()
    html = page_html(en, "/ip/")
    assert patent.application_number in html and f'href="/ip/patents/{patent.pk}/"' in html
    assert "Pledged" in html and patent.owner.name_en in html and "Granted" in html and "Invention" in html
    assert f'href="/firms/{patent.owner_id}/"' in html


def test_bad_filter_values_are_ignored_with_a_note_never_a_500(en, rebuild):
    PatentFactory(title="一种装置")
    rebuild()
    html = page_html(en, "/ip/", {"type": "rocket", "ipc": "火星", "page": "x", "page_size": "-1"})
    assert "一种装置" in html
    assert "were not understood and were ignored" in html
    for field in ("Patent or trademark “rocket”", "IPC code or prefix “火星”", "Page “x”", "Results per page “-1”"):
        assert field in html, field


def test_empty_state(en, rebuild):
    rebuild()
    html = page_html(en, "/ip/", {"type": "patent", "q": "不存在的发明"})
    assert "No patent matches these filters" in html
    html = page_html(en, "/ip/", {"type": "trademark", "q": "不存在"})
    assert "No trademark matches these filters" in html


def test_trademark_tab_and_filters(en, rebuild):
    owner = OrganisationFactory(city="德阳")
    TrademarkFactory(mark_name="蜀锦坊", owner=owner, registration_number="12345678")
    TrademarkFactory(mark_name="川味道", status="expired")
    PatentFactory(title="一种不该出现的专利")
    rebuild()
    html = page_html(en, "/ip/", {"type": "trademark"})
    assert "蜀锦坊" in html and "川味道" in html and "一种不该出现的专利" not in html
    assert 'aria-current="true">\n      <span class="facet-label">Trademarks</span>' in html
    assert "蜀锦坊" in page_html(en, "/ip/", {"type": "trademark", "q": "第12345678号"})
    assert "Expired" in page_html(en, "/ip/", {"type": "trademark", "q": "川味道"})
    html = page_html(en, "/ip/", {"type": "trademark", "city": "德阳"})
    assert "蜀锦坊" in html and "川味道" not in html
    # The type facet keeps the other filters.
    html = page_html(en, "/ip/", {"q": "蜀锦坊", "city": "德阳"})
    assert 'href="/ip/?q=%E8%9C%80%E9%94%A6%E5%9D%8A&amp;city=%E5%BE%B7%E9%98%B3&amp;type=trademark"' in html


def test_pagination_keeps_the_filters(en, rebuild):
    owner = OrganisationFactory(city="绵阳")
    for i in range(25):
        PatentFactory(owner=owner, title=f"一种分页装置{i:02d}")
    PatentFactory(title="一种别处的装置")
    rebuild()
    html = page_html(en, "/ip/", {"city": "绵阳"})
    assert html.count("一种分页装置") == 20
    assert "25 patents and trademarks" in html
    assert 'href="/ip/?city=%E7%BB%B5%E9%98%B3&amp;page=2"' in html
    assert 'aria-current="page"><span class="visually-hidden">Page </span>1</a>' in html and "Page 1 of 2" in html
    html = page_html(en, "/ip/", {"city": "绵阳", "page": "2"})
    assert html.count("一种分页装置") == 5 and "一种别处的装置" not in html


def test_list_queries_do_not_grow_with_the_page(client, rebuild):
    co_owner = OrganisationFactory()
    for patent in [PatentFactory(ipc_codes=["H01L 21/02", "G06F 3/01"]) for _ in range(45)]:
        patent.co_owners.add(co_owner)
    for _ in range(25):
        TrademarkFactory()
    rebuild()
    for params in ({"type": "patent"}, {"type": "trademark"}):
        counts = []
        for page in ("1", "3" if params["type"] == "patent" else "2"):  # 20 rows, then 5
            with CaptureQueriesContext(connection) as ctx:
                html = page_html(client, "/ip/", {**params, "page": page})
            assert rows(html) == (20 if page == "1" else 5)
            counts.append(len(ctx))
        assert counts[0] == counts[1], (params, counts)


def test_patent_detail_shows_every_public_fact(en):
    owner = OrganisationFactory(name="资阳电池有限公司")
    co = OrganisationFactory(name="成都共有人有限公司", name_en="Chengdu Co-owner Ltd")
    today = timezone.localdate()
    patent = PatentFactory(
        owner=owner,
        title="一种电池",
        ipc_codes=["H01M 10/05", "H01M 4/13"],
        annual_fee_paid_until=today + dt.timedelta(days=10),
    )
    patent.co_owners.add(co)
    listing = ListingFactory(patent=patent, price="1234567.00")
    ListingFactory(patent=patent, deal_type="assignment", status=Listing.Status.DRAFT, term_months=None)
    html = page_html(en, f"/ip/patents/{patent.pk}/")
    for text in (
        patent.application_number,
        "Invention",
        "H01M 10/05, H01M 4/13",
        "2018-03-15",  # filing date
        "2020-06-01",  # grant date
        "Granted",
        "2038-03-15",  # 20 years from filing
        "term extensions are not counted",
        "Due within 30 days",
        f"Next fee due: {patent.annual_fee_paid_until.isoformat()}",
        f"Lapses if still unpaid on: {patent.annual_fee_lapse_date.isoformat()}",
        f'href="/firms/{owner.pk}/"',
        "Chengdu Co-owner Ltd",
        "Not pledged",
        f'href="/market/{listing.pk}/"',
        "¥1,234,567.00",
    ):
        assert text in html, text
    assert "Assignment" not in html  # the draft listing is the seller's business
    assert "Internal notes" not in html


@pytest.mark.parametrize(
    "paid_until_days, label",
    [(200, "Paid"), (-20, "Overdue: in the 6-month grace period"), (-200, "Lapsed: unpaid past the grace period")],
)
def test_patent_detail_annual_fee_states(en, paid_until_days, label):
    patent = PatentFactory()
    Patent.objects.filter(pk=patent.pk).update(
        annual_fee_paid_until=timezone.localdate() + dt.timedelta(days=paid_until_days)
    )
    assert label in page_html(en, f"/ip/patents/{patent.pk}/")


def test_internal_notes_only_for_the_owners_people(client):
    owner = OrganisationFactory()
    patent = PatentFactory(owner=owner, internal_notes="只给本企业看的备注")
    co = OrganisationFactory()
    patent.co_owners.add(co)
    assert "只给本企业看的备注" not in page_html(client, f"/ip/patents/{patent.pk}/")
    client.force_login(member_of(OrganisationFactory()))
    assert "只给本企业看的备注" not in page_html(client, f"/ip/patents/{patent.pk}/")
    client.force_login(member_of(owner))
    assert "只给本企业看的备注" in page_html(client, f"/ip/patents/{patent.pk}/")
    client.force_login(member_of(co))
    assert "只给本企业看的备注" in page_html(client, f"/ip/patents/{patent.pk}/")


def test_pledged_patent_detail(en):
    bank = OrganisationFactory(kind="bank")
    patent = PatentFactory()
    Patent.objects.filter(pk=patent.pk).update(pledged=True, pledged_to=bank, pledged_since=timezone.now())
    html = page_html(en, f"/ip/patents/{patent.pk}/")
    assert "badge-pledged" in html and "pledgee bank's recorded consent" in html


def test_trademark_detail(en):
    owner = OrganisationFactory()
    trademark = TrademarkFactory(
        owner=owner,
        mark_name="蜀锦坊",
        nice_classes=[9, 35],
        goods_services="计算机软件；广告",
        registration_date=timezone.localdate() - dt.timedelta(days=3650 - 100),
        internal_notes="商标备注",
    )
    ListingFactory(patent=None, trademark=trademark, deal_type="assignment", term_months=None)
    html = page_html(en, f"/ip/trademarks/{trademark.pk}/")
    for text in (
        trademark.registration_number,
        "Class 9 (goods)",
        "Class 35 (services)",
        "计算机软件；广告",
        trademark.expiry_date.isoformat(),
        "Renewal window open",
        "Grace period ends",
        f'href="/firms/{owner.pk}/"',
        "Assignment",
    ):
        assert text in html, text
    assert "商标备注" not in html


def test_unknown_assets_are_the_friendly_404(client):
    for path in ("/ip/patents/999999/", "/ip/trademarks/999999/"):
        response = client.get(path)
        assert response.status_code == 404
        assert "页面不存在" in response.content.decode()
