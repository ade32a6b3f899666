"""A person opens the site, switches language, signs in and out, and searches firms."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from search import indexes
from search.client import get_client

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(live_server):
    call_command("seed_demo", "--with-users", verbosity=0)
    for kind in indexes.KINDS:  # the directory is a search page
        indexes.rebuild(kind)
    yield live_server.url
    for kind in indexes.KINDS:
        get_client().indices.delete(index=f"{indexes.alias(kind)}-*", ignore_unavailable=True)


def test_sign_in_switch_language_and_find_a_bank(page, site):
    page.goto(site + "/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")  # Chinese even for an en-US browser
    page.get_by_role("link", name="登录").click()
    page.get_by_label("用户名").fill("enterprise1")
    page.get_by_label("密码").fill("demo12345")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".user-name")).to_contain_text("张明")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Firms").click()
    expect(page).to_have_url(re.compile(r"/firms/$"))
    facets = page.get_by_role("navigation", name="Refine the results")
    facets.locator("section", has=page.get_by_role("heading", name="Kind", exact=True)).get_by_role(
        "link", name=re.compile(r"^Bank\b")
    ).click()
    expect(page).to_have_url(re.compile(r"kind=bank"))
    facets.locator("section", has=page.get_by_role("heading", name="City", exact=True)).get_by_role(
        "link", name=re.compile(r"^Ziyang\b")
    ).click()
    expect(page).to_have_url(re.compile(r"kind=bank&city=%E8%B5%84%E9%98%B3$"))
    expect(page.get_by_role("link", name="Shushang Bank Co., Ltd. Ziyang Branch")).to_be_visible()
    page.get_by_role("link", name="Shushang Bank Co., Ltd. Ziyang Branch").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shushang Bank Co., Ltd. Ziyang Branch")

    page.get_by_role("button", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("link", name="登录")).to_be_visible()
