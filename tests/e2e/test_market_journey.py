"""A buyer finds a listing with a filter, inquires, and reaches the pay step once the seller accepts."""

import re

import pytest
from django.conf import settings
from djmoney.money import Money
from playwright.sync_api import expect

from tests.accounts.factories import OrganisationFactory, member_of
from tests.assets.factories import PatentFactory, TrademarkFactory
from tests.market.factories import ListingFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pw-12345-test"  # UserFactory's


@pytest.fixture
def market(live_server):
    seller_org = OrganisationFactory(name="资阳储能科技有限公司", name_en="Ziyang Energy Storage", city="资阳")
    buyer_org = OrganisationFactory(name="成都新能源有限公司", name_en="Chengdu New Energy", city="成都")
    member_of(seller_org, username="e2e_seller")
    member_of(buyer_org, username="e2e_buyer")
    patent = PatentFactory(owner=seller_org, title="一种固态电池电解质", ipc_codes=["H01M 10/0562"])
    ListingFactory(patent=patent, price=Money("1234567.00", "CNY"))
    ListingFactory(patent=None, trademark=TrademarkFactory(owner=seller_org, mark_name="蜀光"), deal_type="assignment")
    ListingFactory(patent=PatentFactory(owner=seller_org, title="一种机床夹具", ipc_codes=["B23Q 3/06"]))
    return live_server.url


def sign_in(page, site, username, next_path):
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": site}])
    page.goto(f"{site}/accounts/login/?next={next_path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_inquire_accept_and_reach_the_pay_step(browser, page, market):
    site = market
    # Stripe.js cannot load here (offline): the pay step must say so.
    page.route("https://js.stripe.com/**", lambda route: route.abort())

    sign_in(page, site, "e2e_buyer", "/market/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Marketplace")
    page.get_by_label("Asset type").select_option("patent")
    page.get_by_label("IPC section").select_option("H")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("1 listing", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="一种机床夹具")).to_have_count(0)
    page.get_by_role("link", name="一种固态电池电解质").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("一种固态电池电解质")
    expect(page.get_by_text("¥1,234,567.00").first).to_be_visible()
    page.get_by_label("Message to the seller").fill("我们希望在四川省内实施，价格可否商量？")
    page.get_by_label("Your offer (CNY, optional)").fill("1100000")
    page.get_by_role("button", name="Send inquiry").click()

    expect(page).to_have_url(re.compile(r"/market/deals/\d+/$"))
    deal_url = page.url
    expect(page.get_by_text("Your inquiry was sent to the seller.")).to_be_visible()
    expect(page.get_by_text("我们希望在四川省内实施，价格可否商量？")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Pay "))).to_be_disabled()
    expect(page.get_by_text("Possible once the seller has accepted.")).to_be_visible()

    seller_context = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 800})
    seller = seller_context.new_page()
    seller.set_default_timeout(15_000)
    sign_in(seller, site, "e2e_seller", deal_url.removeprefix(site))
    expect(seller).to_have_url(deal_url)
    seller.get_by_role("button", name="Accept the deal").click()
    expect(seller.get_by_text("Deal accepted. The buyer can now pay.")).to_be_visible()
    seller_context.close()

    page.reload()
    pay = page.get_by_role("button", name="Pay ¥1,100,000.00")
    expect(pay).to_be_enabled()
    pay.click()
    expect(page.get_by_role("heading", name="Pay ¥1,100,000.00")).to_be_visible()
    expect(page.locator("#payment-panel")).to_have_attribute("data-client-secret", re.compile(r"_secret_"))
    expect(page.locator("[data-payment-status]")).to_contain_text("could not be loaded")
    expect(page.locator("[data-payment-status]")).to_contain_text("This page will update when the payment is confirmed")
