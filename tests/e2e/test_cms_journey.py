"""A visitor reads the public site in Chinese and then in English: home → news article → guide → firm
search → firm → listing, switching language with the header's button on a CMS page."""

import re

import pytest
from django.core.cache import cache
from djmoney.money import Money
from playwright.sync_api import expect

from cms import demo
from financing.demo import seed_programme
from search import indexes
from search.client import get_client
from tests.accounts.factories import OrganisationFactory
from tests.assets.factories import PatentFactory
from tests.market.factories import ListingFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(live_server):
    """The demo pages, and one agency-run firm with a published listing, indexed for the directory."""
    cache.clear()
    seed_programme(OrganisationFactory(kind="risk_fund", name="资阳市知识产权质押融资风险补偿资金"))
    demo.seed_pages()
    firm = OrganisationFactory(
        name="资阳晨光精密机械有限公司", name_en="Ziyang Chenguang Precision Machinery", kind="enterprise"
    )
    patent = PatentFactory(owner=firm, title="一种数控机床主轴热变形补偿装置")
    listing = ListingFactory(patent=patent, price=Money("650000", "CNY"))
    for kind in indexes.KINDS:
        indexes.rebuild(kind)
    yield live_server.url, firm, listing
    for kind in indexes.KINDS:
        get_client().indices.delete(index=f"{indexes.alias(kind)}-*", ignore_unavailable=True)
    cache.clear()


def test_home_news_guide_firm_and_listing_in_chinese_then_english(page, site):
    url, firm, listing = site
    h1 = page.get_by_role("heading", level=1)

    # Chinese (even for an en-US browser)
    page.goto(url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    news = page.get_by_role("region", name="最新动态")
    news.get_by_role("link", name=re.compile("我市首笔")).click()
    expect(h1).to_contain_text("我市首笔“银保担”知识产权质押贷款落地")
    expect(page).to_have_url(re.compile(r"/news/first-ip-pledge-loan-disbursed/$"))
    page.get_by_role("navigation", name="站点导航").get_by_role("link", name="知识产权质押融资指南").click()
    expect(h1).to_have_text("知识产权质押融资指南")
    expect(page.get_by_role("heading", name="办理步骤", level=2)).to_be_visible()
    page.get_by_role("link", name="首页", exact=True).first.click()
    page.get_by_role("searchbox", name="搜索服务机构").fill("晨光精密")
    page.get_by_role("search").get_by_role("button", name="搜索").click()
    expect(page).to_have_url(re.compile(r"/firms/\?q=%E6%99%A8"))
    page.get_by_role("link", name="资阳晨光精密机械有限公司").first.click()
    expect(h1).to_have_text("资阳晨光精密机械有限公司")
    page.locator("#listings-heading + ul").get_by_role("link", name="一种数控机床主轴热变形补偿装置").click()
    expect(page).to_have_url(re.compile(rf"/market/{listing.pk}/$"))
    expect(h1).to_have_text("一种数控机床主轴热变形补偿装置")

    # English: the switch on a guide leads to its translation
    page.goto(url + "/pledge-financing-guide/")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/pledge-financing-guide/$"))
    expect(h1).to_have_text("Guide to IP pledge financing")
    page.get_by_role("link", name="Home", exact=True).first.click()
    expect(page.get_by_role("region", name="Guides")).to_contain_text("Guide to open licensing of patents")
    page.get_by_role("region", name="Latest news").get_by_role("link", name=re.compile("我市首笔")).click()
    expect(h1).to_contain_text("我市首笔")  # not translated yet: the original, with a note
    expect(page.get_by_role("note")).to_contain_text("has not been translated yet")
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Guide to open licensing of patents").click()
    expect(h1).to_have_text("Guide to open licensing of patents")
    page.get_by_role("link", name="Home", exact=True).first.click()
    page.get_by_role("searchbox", name="Search firms and agencies").fill("Chenguang")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/firms/\?q=Chenguang"))
    page.get_by_role("link", name="Ziyang Chenguang Precision Machinery").first.click()
    expect(h1).to_have_text("Ziyang Chenguang Precision Machinery")
    page.locator("#listings-heading + ul").get_by_role("link", name="一种数控机床主轴热变形补偿装置").click()
    expect(page).to_have_url(re.compile(rf"/market/{listing.pk}/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="中文").click()
    expect(page).to_have_url(re.compile(rf"/market/{listing.pk}/$"))  # a non-CMS page stays where it is
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")


CMS_PAGES = [
    "/",
    "/news/",
    "/news/ziyang-ip-pledge-risk-compensation/",
    "/ziyang-ip-pledge/",
    "/pledge-financing-guide/",
    "/open-licensing-guide/",
    "/faq/",
]


def test_cms_pages_fit_a_phone_and_pass_axe(browser, site):
    """At 375 px no page scrolls sideways, and axe-core finds no serious or critical WCAG A/AA violation."""
    from axe_playwright_python.sync_playwright import Axe

    url, _firm, _listing = site
    options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    found = {}
    for language in ("zh-hans", "en"):
        context = browser.new_context(locale="en-US", viewport={"width": 375, "height": 800})
        context.add_cookies([{"name": "django_language", "value": language, "url": url}])
        page = context.new_page()
        for path in CMS_PAGES:
            page.goto(url + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            violations = [
                f"{v['id']}: {', '.join(' '.join(n['target']) for n in v['nodes'][:5])}"
                for v in Axe().run(page, options=options).response["violations"]
                if v["impact"] in ("serious", "critical")
            ]
            if width > 375 or violations:
                found[f"{language} {path}"] = {"scroll_width": width, "violations": violations}
        context.close()
    assert found == {}
