"""A financing demand through the registry on the pages alone: enterprise1 files a demand and submits it, platform1
opens a registry batch and admits the demand into it, bank_officer1 finds it in the registry search and registers
interest, enterprise1 chooses that bank, and the pre-filled draft pledge application opens."""

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from financing.registry.models import Demand, Interest
from ipmarket.accounts.demo import DEMO_PASSWORD
from ipmarket.accounts.models import Organisation
from search import indexes, sync
from search.client import get_client

pytestmark = pytest.mark.django_db(transaction=True)
PURPOSE = "扩建锂电池隔膜产线的设备采购"


@pytest.fixture
def site(live_server):
    call_command("seed_demo", "--with-users", verbosity=0)
    yield live_server.url
    try:
        get_client().indices.delete(index=f"{indexes.alias('demands')}-*", ignore_unavailable=True)
    except Exception:
        pass


def person(browser, site, username, next_path):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": site}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmations of data-confirm forms
    page.goto(f"{site}/accounts/login/?next={next_path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return context, page


def test_a_demand_from_filing_to_a_prefilled_application(browser, site):
    # enterprise1 files the demand and submits it
    context, page = person(browser, site, "enterprise1", "/financing/registry/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My financing demands")
    page.get_by_role("link", name="New financing demand").click()
    page.get_by_label("Amount sought (CNY)").fill("3000000")
    page.get_by_label("Term (months)").fill("12")
    page.get_by_label("Industry").select_option("C")
    page.get_by_label("Purpose of the loan").fill(PURPOSE)
    page.get_by_role("group", name="IP offered as collateral").get_by_role("checkbox").first.check()
    page.get_by_role("button", name="Save the draft demand").click()
    expect(page).to_have_url(re.compile(r"/financing/registry/demands/\d+/$"))
    demand = Demand.objects.get(purpose=PURPOSE)
    page.get_by_role("button", name="Submit to the registry").click()
    expect(page.get_by_text("The demand was submitted for review.")).to_be_visible()
    expect(page.locator("[data-demand-state]")).to_have_attribute("data-demand-state", "submitted")
    context.close()

    # platform1 opens a batch and admits the demand from the review queue
    context, page = person(browser, site, "platform1", "/financing/registry/batches/")
    year = timezone.localdate().year
    page.get_by_label("Name", exact=True).fill(f"{year}年第九批知识产权融资需求名录")
    page.get_by_label("Year").fill(str(year))
    page.get_by_label("Batch number").fill("9")
    page.get_by_role("button", name="Create the batch").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{year}年第九批知识产权融资需求名录")
    page.goto(f"{site}/financing/registry/review/")
    page.get_by_role("link", name=f"Demand {demand.pk}", exact=True).click()
    page.get_by_label("Registry batch").select_option(label=f"{year}年第九批知识产权融资需求名录")
    page.get_by_role("button", name="Admit to a registry batch").click()
    expect(page.get_by_text("The demand was admitted to the registry.")).to_be_visible()
    context.close()
    assert Demand.objects.get(pk=demand.pk).state == "admitted"

    # the outbox's task would index it within seconds; no worker runs here, so process it directly
    sync.process("demands", [str(demand.pk)])
    get_client().indices.refresh(index=indexes.alias("demands"))

    # bank_officer1 finds it in the registry search and registers interest
    context, page = person(browser, site, "bank_officer1", "/financing/registry/search/")
    page.get_by_label("Search enterprises, IP and purposes").fill("锂电池隔膜")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", name="1 demand")).to_be_visible()
    page.locator(".registry-card").get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(rf"/financing/registry/demands/{demand.pk}/$"))
    page.get_by_label("Indicative principal (CNY)").fill("2500000")
    page.get_by_label("Indicative annual rate (%)").fill("4.2")
    page.get_by_role("button", name="Register interest").click()
    expect(page.get_by_text("Your bank's interest is registered")).to_be_visible()
    context.close()
    interest = Interest.objects.get(demand=demand)

    # enterprise1 chooses that bank: the pre-filled draft application opens
    context, page = person(browser, site, "enterprise1", f"/financing/registry/demands/{demand.pk}/")
    offer = page.locator(f'[data-interest="{interest.pk}"]')
    expect(offer).to_contain_text("¥2,500,000.00")
    # the pledge application names an insurer (the demo has several) and an appraiser (the panel's, preselected)
    insurer = Organisation.objects.get(name="蜀安财产保险股份有限公司资阳中心支公司")
    appraiser = Organisation.objects.get(name="四川天平资产评估有限公司")
    offer.get_by_label("Insurer").select_option(str(insurer.pk))
    expect(offer.get_by_label("Appraiser")).to_have_value(str(appraiser.pk))
    offer.get_by_role("button", name=re.compile(r"^Choose ")).click()
    expect(page).to_have_url(re.compile(r"/financing/applications/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Application")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("¥2,500,000.00")
    expect(facts).to_contain_text("4.2%")
    expect(facts).to_contain_text("12 months")
    expect(page.locator('.steps [aria-current="step"]')).to_contain_text("Draft")
    context.close()
    matched = Demand.objects.get(pk=demand.pk)
    assert matched.state == "matched" and matched.application.principal.amount == 2500000
