"""/statistics/ with programme targets and several days of history in Chromium: no serious accessibility
violations (axe-core), no sideways scrolling at 375 px, the progress bars named by their target."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from cms.statistics.demo import seed_targets
from cms.statistics.services import statistics_refresh
from tests.accounts.factories import OrganisationFactory
from tests.assets.factories import PatentFactory, TrademarkFactory
from tests.cms.statistics.test_browser import SCREENSHOTS, serious

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server):
    owner = OrganisationFactory(city="资阳")
    seed_targets()
    for days in (20, 10, 0):
        PatentFactory(owner=owner)
        TrademarkFactory(owner=OrganisationFactory(city="成都"))
        statistics_refresh(today=timezone.localdate() - dt.timedelta(days=days))
    return live_server.url


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_targets_and_history_are_accessible_and_fit_a_phone(page, site, language):  # noqa: F811
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": site}])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(site + "/statistics/")
        bars = page.locator("#programme-targets progress")
        assert bars.count() == 6
        assert page.locator("#history svg.stat-chart[role=img] polyline").count() == 5
        page.locator("#history details").first.locator("summary").click()  # the table of a chart opens
        assert serious(page) == [], width
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{width}px: {overflow}px of sideways scrolling"
        page.screenshot(path=str(SCREENSHOTS / f"statistics-targets-{language}-{width}.png"), full_page=True)
