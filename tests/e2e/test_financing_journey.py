"""An enterprise applies for a pledge loan, watching the live repayment quote as it types, and saves the
draft; then a bank approver (on a phone) approves the demo application its colleague proposed; and one
application goes from draft to a disbursed loan through the pages of every party."""

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from financing.demo import DEMO_PDF
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
    expect(first).to_contain_text("¥435,416.67")  # docs/financing.md: 5,000,000 at 4.5 % for 12 months
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
    # What the approver approves is on the page, next to the button, and the form sends exactly that.
    expect(approver.locator("[data-approve-terms]")).to_have_text(
        "You approve ¥3,000,000.00 at 4.35%, IP share of the collateral 100%."
    )
    assert approver.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling
    approve.click()
    expect(approver.get_by_text("The loan is approved: the insurer underwrites it next.")).to_be_visible()
    expect(approver.locator('.steps [aria-current="step"]')).to_contain_text("Approved by the bank")
    phone.close()
    assert Application.objects.get(pk=valued.pk).state == "bank_approved"


def test_one_application_from_draft_to_active_through_every_party(browser, site):
    """enterprise1's demo draft, taken to a disbursed loan on the pages alone by seven demo people: the
    borrower submits, the platform pre-screens and verifies the IP, the appraiser uploads the report and
    values, one bank officer proposes and another person approves, the insurer underwrites, the fund files,
    the borrower signs, the officer registers the pledge and disburses."""
    draft = Application.objects.get(state="draft", demand=None)  # not the one the registry's demo choice made
    path = f"/financing/applications/{draft.pk}/"

    def as_person(username):
        context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, site, username, path)
        expect(page.get_by_role("heading", level=1)).to_contain_text(f"Application {draft.pk}")
        return context, page

    def act(username, label, done, fields=None, before=None):
        context, page = as_person(username)
        if before:
            before(page)
        form = page.locator("form", has=page.get_by_role("button", name=label, exact=True))
        for field, value in (fields or {}).items():
            form.get_by_label(field).fill(value)
        form.get_by_role("button", name=label, exact=True).click()
        expect(page.get_by_text(done)).to_be_visible()
        context.close()

    def upload_report(page):
        page.get_by_label("Kind of document").select_option("valuation_report")
        page.get_by_label("File (PDF, JPEG or PNG)").set_input_files(
            {"name": "评估报告.pdf", "mimeType": "application/pdf", "buffer": DEMO_PDF}
        )
        page.get_by_label("Report date (valuation reports)").fill(timezone.localdate().isoformat())
        page.get_by_role("button", name="Upload", exact=True).click()
        expect(page.get_by_text("“评估报告.pdf” is uploaded.")).to_be_visible()

    act("enterprise1", "Submit the application", "The application is submitted")
    act("platform1", "Pass the pre-screening", "Pre-screening passed")
    act("platform1", "Confirm the IP against CNIPA's register", "The pledged IP is verified")
    act(
        "appraiser1",
        "Record the valuation",
        "The valuation is recorded",
        {"Appraised value (CNY)": "8000000"},
        before=upload_report,
    )
    act("bank_officer1", "Propose the loan", "The proposal is recorded")
    act("bank_approver1", "Approve the loan", "The loan is approved")
    act("insurer1", "Underwrite the loan", "The loan is insured", {"Premium rate (% a year)": "1.5"})
    act("fund1", "File the loan against the pool", "The loan is filed against the pool")
    act("enterprise1", "Sign the contract", "The contract is signed")
    act(
        "bank_officer1",
        "Record the pledge registration",
        "The pledge registration is recorded",
        {"CNIPA pledge registration number": f"Y2026510{draft.pk:06d}"},
    )
    act("bank_officer1", "Disburse the loan", "The loan is disbursed")

    loan = Application.objects.get(pk=draft.pk)
    assert loan.state == "active" and loan.periods.count() == 12
    assert loan.approved_principal.amount == draft.principal.amount
    actors = {e.actor.username for e in loan.events.exclude(actor=None)}
    assert actors >= {"enterprise1", "platform1", "appraiser1", "bank_officer1", "bank_approver1", "insurer1", "fund1"}
    context, page = as_person("enterprise1")
    expect(page.locator('.steps [aria-current="step"]')).to_contain_text("Active")
    expect(page.get_by_role("heading", name="Repayment schedule")).to_be_visible()
    context.close()
