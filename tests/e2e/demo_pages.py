"""The pages the quality checks visit (tests/e2e/test_accessibility.py, test_responsive.py), on the demo data.

`seed_demo --with-users` at scale 1 plus the search indexes gives every page realistic content: firms of every
kind, listings of every deal type, and enterprise1's applications in several states (a draft, one submitted,
one awaiting the approver, a loan being repaid, one withdrawn after a valuation the approver's reuses).
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.management import call_command

from financing.models import Application
from ipmarket.accounts.demo import DEMO_PASSWORD
from ipmarket.accounts.models import Membership
from ipmarket.assets.models import Patent, Trademark
from ipmarket.market.models import Listing
from search import indexes
from search.client import get_client


@dataclass(frozen=True)
class DemoPage:
    name: str  # used in messages and screenshot file names
    path: str
    user: str | None = None  # a demo username to sign in as, or None for a visitor


def seed_site():
    call_command("seed_demo", "--with-users", verbosity=0)
    for kind in indexes.KINDS:  # /firms/ and /ip/ are search pages
        indexes.rebuild(kind)


def drop_indexes():
    for kind in indexes.KINDS:
        get_client().indices.delete(index=f"{indexes.alias(kind)}-*", ignore_unavailable=True)


def demo_pages() -> list[DemoPage]:
    """Home, firms, market, IP and financing pages, each with the people who see it."""
    mine = Membership.objects.get(user__username="enterprise1").organisation
    others = Listing.objects.filter(status="published").exclude(seller=mine).select_related("patent")
    listing = others.filter(patent__isnull=False).order_by("pk").first()
    patent = Patent.objects.filter(listings__status="published").order_by("pk").first()
    trademark = Trademark.objects.order_by("pk").first()
    loan = Application.objects.get(applicant=mine, disbursed_on__isnull=False)
    waiting = Application.objects.get(applicant=mine, state="valued")
    return [
        DemoPage("home", "/"),
        DemoPage("sign-in", "/accounts/login/"),
        DemoPage("firms", "/firms/"),
        DemoPage("firm", f"/firms/{mine.pk}/"),
        DemoPage("market", "/market/"),
        DemoPage("listing", f"/market/{listing.pk}/"),
        DemoPage("listing-signed-in", f"/market/{listing.pk}/", "enterprise1"),
        DemoPage("ip", "/ip/"),
        DemoPage("patent", f"/ip/patents/{patent.pk}/"),
        DemoPage("trademark", f"/ip/trademarks/{trademark.pk}/"),
        DemoPage("financing-enterprise", "/financing/", "enterprise1"),
        DemoPage("financing-bank", "/financing/", "bank_officer1"),
        DemoPage("application-loan", f"/financing/applications/{loan.pk}/", "enterprise1"),
        DemoPage("application-bank", f"/financing/applications/{waiting.pk}/", "bank_approver1"),
        DemoPage("application-new", "/financing/applications/new/", "enterprise1"),
    ]


class Visitor:
    """One browser context per person (and language), signed in once, reused for every page they see."""

    def __init__(self, browser, url: str, *, language: str = "zh-hans", width: int = 1280, height: int = 900):
        self.browser, self.url, self.language = browser, url, language
        self.viewport = {"width": width, "height": height}
        self.contexts = {}

    def page_for(self, user: str | None):
        if user not in self.contexts:
            context = self.browser.new_context(locale="zh-CN", viewport=self.viewport)
            context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": self.language, "url": self.url}])
            page = context.new_page()
            page.set_default_timeout(15_000)
            if user:
                page.goto(f"{self.url}/accounts/login/")
                page.locator("#id_username").fill(user)
                page.locator("#id_password").fill(DEMO_PASSWORD)
                page.locator("main form button[type=submit]").click()
                page.locator(".user-name").wait_for()
            self.contexts[user] = page
        return self.contexts[user]

    def open(self, demo_page: DemoPage):
        page = self.page_for(demo_page.user)
        response = page.goto(self.url + demo_page.path)
        assert response.status == 200, (demo_page.name, response.status)
        return page

    def close(self):
        for page in self.contexts.values():
            page.context.close()
