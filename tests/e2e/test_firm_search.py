"""A visitor finds a firm with the search box's suggestions (keyboard only), and narrows the
directory by kind with the facet sidebar, on a desktop and on a phone."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from search import indexes
from search.client import get_client
from tests.accounts.factories import OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(live_server):
    """A few firms, indexed; English chosen with the switch's cookie. The indexes are dropped after."""
    firms = {
        "agency": OrganisationFactory(
            name="资阳天府专利代理事务所",
            name_en="Ziyang Tianfu Patent Agency",
            kind="patent_agency",
            latitude="30.1300",
            longitude="104.6300",
        ),
        "maker": OrganisationFactory(
            name="天府智能装备有限公司",
            name_en="Tianfu Smart Equipment",
            kind="enterprise",
            city="成都",
            latitude="30.5728",
            longitude="104.0668",
        ),
        "bank": OrganisationFactory(name="蜀商银行资阳分行", name_en="Shushang Bank Ziyang Branch", kind="bank"),
        "bank2": OrganisationFactory(
            name="德阳农商银行",
            name_en="Deyang Rural Bank",
            kind="bank",
            city="德阳",
            latitude="31.1270",
            longitude="104.3980",
        ),
        "law": OrganisationFactory(name="资阳雁江律师事务所", name_en="Ziyang Yanjiang Law Firm", kind="law_firm"),
    }
    for kind in indexes.KINDS:
        indexes.rebuild(kind)
    yield live_server.url, firms
    for kind in indexes.KINDS:
        get_client().indices.delete(index=f"{indexes.alias(kind)}-*", ignore_unavailable=True)


def english(page, url):
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": url}])


def test_typing_tianfu_and_choosing_a_suggestion_with_the_keyboard(page, site):
    url, firms = site
    english(page, url)
    page.goto(url + "/firms/")
    box = page.get_by_role("combobox", name="Search firms and agencies")
    box.press_sequentially("天府", delay=50)
    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    options = listbox.get_by_role("option")
    expect(options).to_have_count(2)
    expect(listbox).to_contain_text("资阳天府专利代理事务所")
    expect(listbox).to_contain_text("天府智能装备有限公司")
    expect(listbox).to_contain_text("Patent agency")

    box.press("ArrowDown")
    box.press("ArrowDown")
    chosen = page.locator('[role="option"][aria-selected="true"]')
    expect(chosen).to_have_count(1)
    expect(box).to_have_attribute("aria-activedescendant", chosen.get_attribute("id"))
    name = chosen.locator(".suggest-text").inner_text()
    target = next(firm for firm in firms.values() if firm.name == name)
    box.press("Escape")  # closes the list; the text stays
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(listbox).to_be_hidden()
    box.press("ArrowDown")  # opens it again
    expect(listbox).to_be_visible()
    box.press("ArrowDown")
    expect(page.locator('[role="option"][aria-selected="true"] .suggest-text')).to_have_text(name)
    box.press("Enter")
    expect(page).to_have_url(re.compile(rf"/firms/{target.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(target.name_en)


def test_narrowing_the_directory_by_kind_with_the_facets(page, site):
    url, firms = site
    english(page, url)
    page.goto(url + "/firms/")
    expect(page.get_by_role("heading", name="5 organisations")).to_be_visible()
    facets = page.get_by_role("navigation", name="Refine the results")
    kinds = facets.locator("section", has=page.get_by_role("heading", name="Kind", exact=True))
    kinds.get_by_role("link", name=re.compile(r"^Bank\s+2")).click()
    expect(page).to_have_url(re.compile(r"/firms/\?kind=bank$"))
    expect(page.get_by_role("heading", name="2 organisations")).to_be_visible()
    results = page.locator(".search-results")
    expect(results.get_by_role("link", name="Shushang Bank Ziyang Branch")).to_be_visible()
    expect(results.get_by_role("link", name="Ziyang Yanjiang Law Firm")).to_have_count(0)
    expect(kinds.locator('a[aria-current="true"]')).to_contain_text("Bank")
    # the active filter is shown and removable
    results.get_by_role("link", name=re.compile(r"Kind: Bank")).click()
    expect(page.get_by_role("heading", name="5 organisations")).to_be_visible()

    # on a phone the filters start folded above the results, and nothing scrolls sideways
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(url + "/firms/")
    panel = page.locator("details.search-filters")
    expect(panel).not_to_have_attribute("open", "")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_text("Filters", exact=True).click()
    kinds.get_by_role("link", name=re.compile(r"^Law firm\s+1")).click()
    expect(page.get_by_role("heading", name="1 organisation")).to_be_visible()
    expect(page.locator(".search-results").get_by_role("link", name="Ziyang Yanjiang Law Firm")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
