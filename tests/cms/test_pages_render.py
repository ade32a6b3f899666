"""Every page type renders with its title, meta description and the content a visitor comes for."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from djmoney.money import Money

from cms.models import NewsPage
from tests.accounts.factories import OrganisationFactory
from tests.assets.factories import PatentFactory
from tests.market.factories import ListingFactory

pytestmark = pytest.mark.django_db


def html_of(client, path, **params):
    response = client.get(path, params)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def title(html):
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def meta_description(html):
    return re.search(r'<meta name="description" content="([^"]*)"', html).group(1)


def test_home_has_search_figures_news_listings_areas_and_partners(client, site_pages):
    patent = PatentFactory(title="一种高精度数控机床主轴")
    listing = ListingFactory(patent=patent, seller=patent.owner, status="published", price=Money("880000", "CNY"))
    html = html_of(client, "/")
    assert title(html).startswith("知识产权运营与质押融资服务平台")
    assert meta_description(html).startswith("资阳市知识产权运营与质押融资服务平台")
    assert '<form class="hero-search" action="/firms/" method="get"' in html and 'name="q"' in html
    for href in ('href="/ip/"', 'href="/market/"', 'href="/firms/"', 'href="/financing/"', 'href="/statistics/"'):
        assert href in html
    latest = html.split('id="news-title"')[1].split("</section>")[0]  # the newest three of five articles
    for newest in ("平台上线试运行", "专利开放许可试点启动", "我市首笔“银保担”知识产权质押贷款落地"):
        assert newest in latest
    assert "知识产权宣传周活动走进园区" not in latest and "资阳市建立知识产权质押融资风险补偿机制" not in latest
    assert f'href="/market/{listing.pk}/"' in html and "一种高精度数控机床主轴" in html and "¥880,000.00" in html
    assert "蜀商银行股份有限公司资阳分行" in html  # a partner
    assert "知识产权质押融资指南" in html  # the guides


def test_home_figures_are_live_counts_until_the_statistics_job_has_run(client, site_pages, monkeypatch):
    OrganisationFactory.create_batch(2)
    PatentFactory()  # a granted invention patent in force, with its owner
    html = html_of(client, "/")
    figures = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", html.split('id="figures-title"')[1].split("</dl>")[0]))
    from ipmarket.accounts.models import Organisation

    assert figures["机构"] == str(Organisation.objects.filter(is_active=True).count())
    assert figures["有效发明专利"] == "1"

    import cms.statistics.selectors as stats

    snapshot = {
        "computed_at": timezone.now(),
        "organisations": 1234,
        "invention_patents": 567,
        "valid_trademarks": 89,
        "published_listings": 10,
        "deals_completed": 3,
        "applications": 7,
        "loans_disbursed": Decimal("5000000"),
        "loans_disbursed_count": 2,
        "programmes": [],
    }
    monkeypatch.setattr(stats, "latest_figures", lambda: snapshot)
    html = html_of(client, "/")
    assert "<dd>1234</dd>" in html and "<dd>567</dd>" in html and "<dd>2</dd>" in html


def test_news_index_lists_newest_first_filters_by_tag_and_paginates(client, site_pages):
    html = html_of(client, "/news/")
    assert title(html).startswith("新闻动态")
    positions = [
        html.index(t) for t in ("知识产权运营与质押融资服务平台上线试运行", "专利开放许可试点启动", "知识产权宣传周")
    ]
    assert positions == sorted(positions)
    tagged = html_of(client, "/news/", tag="开放许可")
    assert "专利开放许可试点启动" in tagged and "平台上线试运行" not in tagged
    assert 'aria-current="page">开放许可<' in tagged
    assert "没有带此标签的新闻" in html_of(client, "/news/", tag="不存在的标签")
    index = site_pages.get_children().get(slug="news").specific
    for i in range(12):
        index.add_child(instance=NewsPage(title=f"补充新闻{i:02d}", slug=f"extra-{i}", date="2025-01-01"))
    first, second = html_of(client, "/news/"), html_of(client, "/news/", page="2")
    assert "第 1 页，共 2 页" in first and 'rel="next"' in first
    assert "补充新闻11" in first and "补充新闻00" not in first
    assert (
        "补充新闻00" in second and "补充新闻11" not in second and "资阳市建立知识产权质押融资风险补偿机制" not in second
    )


def test_bad_page_numbers_do_not_break_the_news_index(client, site_pages):
    for value in ("abc", "-1", "99999", "1%00"):
        assert client.get("/news/", {"page": value}).status_code == 200


def test_news_article_shows_date_source_tags_and_body(client, site_pages):
    html = html_of(client, "/news/ziyang-ip-pledge-risk-compensation/")
    assert title(html).startswith("资阳市建立知识产权质押融资风险补偿机制")
    assert meta_description(html).startswith("市财政设立500万元知识产权质押融资风险补偿资金池")
    assert '<time datetime="2026-03-18">' in html and "资阳市市场监督管理局（资阳市知识产权局）" in html
    assert 'href="/news/?tag=%E8%B4%A8%E6%8A%BC%E8%9E%8D%E8%B5%84"' in html  # 质押融资
    assert "<h2>三、风险怎么分担</h2>" in html and "<blockquote>" in html
    assert '<ol><li><p class="cms-step-title">线上申请' in html
    assert re.search(r"<dt>单户企业贷款上限</dt><dd>1000万元</dd>", html)


def test_policy_page_shows_the_programme_live_settings(client, site_pages, programme):
    html = html_of(client, "/ziyang-ip-pledge/")
    assert title(html).startswith("资阳市知识产权质押融资风险补偿资金管理办法（试行）")
    assert "资市监发〔2026〕12号" in html and "第七条" in html
    assert "¥10,000,000.00" in html and "4.5%" in html and "¥50,000,000.00" in html
    assert re.search(r"<dt>发明专利</dt><dd>25%</dd>", html)
    programme.max_principal = Money("8000000", "CNY")
    programme.fund_ratio, programme.insurer_ratio = Decimal("0.3"), Decimal("0.45")
    programme.save()
    html = html_of(client, "/ziyang-ip-pledge/")
    assert "¥8,000,000.00" in html and "¥10,000,000.00" not in html
    shares = html.split("<h3>损失分担</h3>")[1].split("</dl>")[0]
    assert "<dd>30%" in shares and "<dt>保险公司</dt><dd>45%</dd>" in shares and "<dt>银行</dt><dd>25%</dd>" in shares


def test_guides_and_faq(client, site_pages):
    pledge = html_of(client, "/pledge-financing-guide/")
    assert title(pledge).startswith("知识产权质押融资指南")
    assert "银行贷款+保险+财政风险补偿" in pledge and 'href="/financing/"' in pledge
    licensing = html_of(client, "/open-licensing-guide/")
    assert "专利法》第五十条至第五十二条" in licensing and 'href="/market/?deal_type=open_license"' in licensing
    faq = html_of(client, "/faq/")
    assert title(faq).startswith("常见问题")
    assert faq.count('<details class="cms-faq-item">') == 7 and "<summary>最多能贷多少？</summary>" in faq


def test_seo_title_and_search_description_win(client, site_pages):
    guide = site_pages.get_children().get(slug="open-licensing-guide").specific
    guide.seo_title, guide.search_description = "开放许可一页读懂", "专利开放许可的声明、通知和付费。"
    guide.save_revision().publish()
    html = html_of(client, "/open-licensing-guide/")
    assert title(html).startswith("开放许可一页读懂 ·")
    assert meta_description(html) == "专利开放许可的声明、通知和付费。"


def test_header_menu_and_footer_come_from_the_cms_on_every_page(client, site_pages):
    home = html_of(client, "/")
    nav = home.split('aria-label="主导航"')[1].split("</nav>")[0]
    assert 'href="/news/">新闻动态<' in nav and 'href="/faq/">常见问题<' in nav
    assert "知识产权质押融资指南" not in nav  # guides are not marked "show in menus"
    footer = home.split('<footer class="site-footer">')[1]
    assert 'href="/pledge-financing-guide/"' in footer and "028-26000000" in footer and "蜀ICP备00000000号-1" in footer
    market = html_of(client, "/market/")  # a non-CMS page reads the chrome from the cache
    assert 'href="/news/">新闻动态<' in market and "028-26000000" in market


def test_chrome_costs_a_non_cms_page_no_query(client, site_pages):
    html_of(client, "/")  # fills the cache
    with CaptureQueriesContext(connection) as ctx:
        html = html_of(client, "/ip/")
    assert "常见问题" in html
    assert not [q for q in ctx.captured_queries if "wagtailcore_page" in q["sql"] or "cms_sitesettings" in q["sql"]]


def test_publishing_a_page_updates_the_menu(client, site_pages):
    html_of(client, "/")
    guide = site_pages.get_children().get(slug="pledge-financing-guide").specific
    guide.show_in_menus = True
    guide.save_revision().publish()
    assert 'href="/pledge-financing-guide/">知识产权质押融资指南<' in html_of(client, "/market/")
