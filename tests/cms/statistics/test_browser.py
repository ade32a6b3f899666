"""/statistics/ in Chromium: no serious accessibility violations (axe-core) and no sideways scrolling at
375 px; the charts scale down with the page. Screenshots go to var/screenshots/ (CI artefacts)."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.utils import timezone

from cms.statistics.services import statistics_refresh
from tests.accounts.factories import OrganisationFactory
from tests.assets.factories import PatentFactory, TrademarkFactory
from tests.market.factories import ListingFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"


@pytest.fixture
def site(live_server, make_loan, make_deal):
    for city, n in (("资阳", 3), ("成都", 9), ("眉山", 1)):
        owner = OrganisationFactory(city=city)
        for _ in range(n):
            PatentFactory(owner=owner)
        TrademarkFactory(owner=owner)
    listing = ListingFactory(deal_type="assignment")
    make_deal(listing, "released")
    make_deal(ListingFactory(deal_type="open_license"), "negotiating")
    make_loan("submitted")
    make_loan("active", approved="1500000.00", covered="1500000.00", disbursed_on=timezone.localdate())
    statistics_refresh()
    return live_server.url


def serious(tab) -> list[str]:
    options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    response = Axe().run(tab, options=options).response
    return [
        f"{v['id']}: {v['help']} — {[n['target'] for n in v['nodes'][:5]]}"
        for v in response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_statistics_page_is_accessible_and_fits_a_phone(page, site, language):  # noqa: F811
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": site}])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(site + "/statistics/")
        assert page.locator("svg.stat-chart[role=img]").count() == 7 + 5  # tables and history
        assert serious(page) == [], width
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{width}px: {overflow}px of sideways scrolling"
        chart_width = page.locator("svg.stat-chart").first.bounding_box()["width"]
        assert chart_width <= width - 20
        page.screenshot(path=str(SCREENSHOTS / f"statistics-{language}-{width}.png"), full_page=True)
