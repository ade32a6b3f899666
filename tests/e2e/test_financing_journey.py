"""An enterprise applies for a pledge loan, watching the live repayment quote as it types, and saves the
draft; then a bank approver (on a phone) approves the demo application its colleague proposed."""

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from financing.models import Application
from ipmarket.accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(live_server):
    call_command("seed_demo", "--with-users", verbosity=0)
    return live_server.url


def sign_in(page, site, username, next_path):
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": site}])
    page.goto(f"{site}/accounts/login/?next={next_path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_apply_with_a_live_quote_then_the_bank_approves(browser, page, site):
    valued = Application.objects.get(state="valued")
    sign_in(page, site, "enterprise1", "/financing/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Financing workspace")
    page.get_by_role("link", name="New application").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New pledge-loan application")

    page.get_by_role("group", name="IP to pledge").get_by_role("checkbox").first.check()
    page.get_by_label("Annual rate (%)").fill("4.5")
    page.get_by_label("Term (months)").fill("12")
    page.get_by_label("Repayment method").select_option("equal_principal")
    quote = page.locator("[data-quote-table]")
    expect(page.locator("[data-quote-status]")).to_contain_text("Enter the principal")
    page.get_by_label("Principal (CNY)").press_sequentially("5000000")
    first = quote.get_by_role("row").nth(1)
    expect(first).to_contain_text("¥435,416.67")  # DOMAIN.md: 5,000,000 at 4.5 % for 12 months
    expect(quote.get_by_role("row")).to_have_count(14)  # header, 12 periods, total
    expect(quote).to_contain_text("¥121,875.00")  # total interest
    page.get_by_label("Principal (CNY)").fill("1200000")
    expect(first).to_contain_text("¥104,500.00")  # the table follows the principal typed
    page.get_by_label("Principal (CNY)").fill("5000000")
    expect(first).to_contain_text("¥435,416.67")

    page.get_by_label("Purpose of the loan").fill("购买检测设备")
    page.get_by_label("Bank", exact=True).select_option(str(valued.lender_id))
    page.get_by_label("Insurer", exact=True).select_option(str(valued.insurer_id))
    page.get_by_label("Appraiser", exact=True).select_option(str(valued.appraiser_id))
    page.get_by_role("button", name="Save the draft application").click()

    expect(page).to_have_url(re.compile(r"/financing/applications/\d+/$"))
    expect(page.get_by_text("Your draft application is saved.")).to_be_visible()
    expect(page.locator('.steps [aria-current="step"]')).to_contain_text("Draft")
    expect(page.get_by_role("button", name="Submit the application")).to_be_enabled()
    draft = Application.objects.exclude(pk__in=[valued.pk]).order_by("-pk").first()
    assert draft.state == "draft" and str(draft.annual_rate) == "0.04500" and draft.principal.amount == 5000000

    phone = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 800})
    approver = phone.new_page()
    approver.set_default_timeout(15_000)
    sign_in(approver, site, "bank_approver1", "/financing/")
    approver.get_by_role("link", name=f"Application {valued.pk}", exact=True).click()
    approve = approver.get_by_role("button", name="Approve the loan")
    expect(approve).to_be_enabled()
    assert approver.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling
    approve.click()
    expect(approver.get_by_text("The loan is approved: the insurer underwrites it next.")).to_be_visible()
    expect(approver.locator('.steps [aria-current="step"]')).to_contain_text("Approved by the bank")
    phone.close()
    assert Application.objects.get(pk=valued.pk).state == "bank_approved"
