"""/statistics/ and its CSV downloads: charts with their tables in Chinese and English, the empty state,
and a page that reads the stored snapshot only."""

import csv
import io
import re

import pytest
from django.conf import settings
from django.utils import timezone

from cms.statistics.services import statistics_refresh
from cms.statistics.tables import BUILDERS
from tests.accounts.factories import OrganisationFactory
from tests.assets.factories import PatentFactory, TrademarkFactory
from tests.market.factories import ListingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def en(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def figures(make_loan, make_deal):
    ziyang = OrganisationFactory(city="资阳")
    for _ in range(3):
        PatentFactory(owner=ziyang)
    TrademarkFactory(owner=ziyang)
    listing = ListingFactory(patent=PatentFactory(owner=OrganisationFactory(city="成都")), deal_type="assignment")
    make_deal(listing, "released")
    make_loan("submitted")
    make_loan("active", approved="1234567.89", covered="1234567.89", disbursed_on=timezone.localdate())
    return statistics_refresh()


def test_the_page_shows_every_chart_with_its_table_and_csv_link_in_chinese(client, figures):
    response = client.get("/statistics/")
    html = response.content.decode()

    assert response.status_code == 200
    assert "<h1>统计数据</h1>" in html
    assert "每万人口发明专利拥有量" in html
    for slug in BUILDERS:
        assert f'href="/statistics/{slug}.csv"' in html
    charts = re.findall(r'<svg class="stat-chart"[^>]*role="img" aria-labelledby="([^"]+)"', html)
    assert len(charts) == 7 + 5  # the tables' charts and the history's (docs/statistics.md, "History")
    for labelled_by in charts:
        title_id, desc_id = labelled_by.split()
        assert f'<title id="{title_id}">' in html and f'<desc id="{desc_id}">' in html
    assert html.count("<caption>") == 7
    assert '<th scope="row">资阳</th>' in html
    assert "0.0130" in html  # 3 invention patents per 2,308,631 residents × 10,000
    assert "¥1,234,567.89" in html
    assert "资阳市知识产权质押融资风险补偿" in html
    assert "转让" in html  # the deal type, translated
    local = timezone.localtime(figures.computed_at)
    assert f"{local:%Y-%m-%d %H:%M}" in html


def test_the_page_in_english_names_cities_and_programmes_in_english(en, figures):
    html = en.get("/statistics/").content.decode()

    assert "<h1>Statistics</h1>" in html
    assert '<th scope="row">Ziyang</th>' in html
    assert '<th scope="row">Chengdu</th>' in html
    assert "Ziyang IP pledge risk compensation" in html
    assert "Assignment" in html
    assert "Invention patents per 10,000 residents" in html
    assert "资阳" not in re.sub(r"<header.*?</header>", "", html, flags=re.S)


def test_csv_download_has_a_header_row_and_a_byte_order_mark(client, figures):
    response = client.get("/statistics/invention-patents-per-10k.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Disposition"].endswith('-invention-patents-per-10k.csv"')
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["城市", "常住人口（2020年普查）", "有效发明专利", "每万人口"]
    assert ["资阳", "2308631", "3", "0.0130"] in rows

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = list(csv.reader(io.StringIO(client.get("/statistics/loans-disbursed.csv").content.decode("utf-8-sig"))))
    assert english[0] == ["Month", "Programme", "Loans", "Amount disbursed (CNY)"]
    assert english[1] == [f"{timezone.localdate():%Y-%m}", "Ziyang IP pledge risk compensation", "1", "1234567.89"]


def test_every_table_downloads(client, figures):
    for slug in BUILDERS:
        response = client.get(f"/statistics/{slug}.csv")
        assert response.status_code == 200, slug
        assert len(list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))) >= 2, slug


def test_an_unknown_table_is_404(client, figures):
    assert client.get("/statistics/no-such-table.csv").status_code == 404


def test_before_the_first_refresh_the_page_says_so(client):
    response = client.get("/statistics/")
    html = response.content.decode()

    assert response.status_code == 200
    assert "统计数据尚未生成" in html
    assert "<svg" not in html
    assert client.get("/statistics/listings.csv").status_code == 404


def test_the_page_reads_the_snapshot_only(client, figures, make_loan, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        small = client.get("/statistics/")
    for _ in range(5):
        PatentFactory(owner=OrganisationFactory(city="德阳"))
        make_loan("submitted")
    statistics_refresh()
    with django_assert_max_num_queries(2) as captured:
        large = client.get("/statistics/")
    assert small.status_code == large.status_code == 200
    tables = {q["sql"].split(" FROM ")[1].split()[0].strip('"') for q in captured.captured_queries}
    assert tables == {"cms_statistics_statisticssnapshot"}


def test_the_page_is_not_writable(client):
    assert client.post("/statistics/").status_code == 405


def test_csv_cells_cannot_run_as_spreadsheet_formulas(client, programme):
    programme.name = '=HYPERLINK("http://example.com")'
    programme.save()
    statistics_refresh()
    rows = list(csv.reader(io.StringIO(client.get("/statistics/fund-pool-exposure.csv").content.decode("utf-8-sig"))))
    assert rows[1][0] == '\'=HYPERLINK("http://example.com")'
    assert rows[1][1] == "50000000.00"
