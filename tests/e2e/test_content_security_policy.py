"""The Content-Security-Policy breaks nothing: Chromium reports no violation on the demo pages, the API docs,
the statistics and the Wagtail admin's main screens (a blocked script fails silently otherwise)."""

import pytest
from django.urls import reverse

from cms.models import HomePage
from ipmarket.accounts.demo import DEMO_PASSWORD
from ipmarket.accounts.models import Organisation
from ipmarket.assets.models import Patent
from tests.e2e.demo_pages import Visitor, demo_pages, drop_indexes, seed_site

pytestmark = pytest.mark.django_db(transaction=True)

# Collects the violations a page reports to itself (the `securitypolicyviolation` event).
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__csp.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`));
"""


@pytest.fixture
def site(live_server):
    seed_site()
    yield live_server.url
    drop_indexes()


def watched(visitor, user):
    page = visitor.page_for(user)
    if not getattr(page, "_csp_watched", False):
        page.context.add_init_script(WATCH)
        page._csp_console = []
        page.on(
            "console",
            lambda msg: page._csp_console.append(msg.text) if "Content Security Policy" in msg.text else None,
        )
        page._csp_watched = True
    return page


def violations(page, path) -> list[str]:
    page.wait_for_load_state("networkidle")
    found = page.evaluate("window.__csp || []") + page._csp_console
    page._csp_console = []
    return [f"{path}: {v}" for v in found]


def admin_page(visitor):
    page = visitor.browser.new_context(locale="zh-CN", viewport=visitor.viewport).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{visitor.url}/admin/login/")
    page.locator("#id_username").fill("admin")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("button[type=submit]").first.click()
    page.wait_for_url(f"{visitor.url}/admin/")
    visitor.contexts["__admin__"] = page
    return page


def test_no_policy_violation_on_the_pages_the_docs_and_the_admin(browser, site):
    visitor = Visitor(browser, site)
    found = []
    try:
        extra = [("/api/docs/", None), ("/statistics/", None), ("/inbox/", "enterprise1")]
        for path, user in [(p.path, p.user) for p in demo_pages()] + extra:
            page = watched(visitor, user)
            response = page.goto(site + path)
            assert response.status == 200, (path, response.status)
            found += violations(page, path)
        page = watched(visitor, None)
        page.goto(site + "/api/docs/")
        page.locator(".swagger-ui .opblock").first.wait_for()  # the UI was built by its (separate) script
        page.goto(site + "/firms/")
        page.locator("#search-q").press_sequentially("资阳", delay=30)
        page.locator("#search-q-suggestions [role=option]").first.wait_for()  # the suggestions' fetch ran
        found += violations(page, "/firms/ suggestions")

        admin = admin_page(visitor)
        admin._csp_console = []
        admin.on("console", lambda msg: admin._csp_console.append(msg.text) if "Content Security" in msg.text else None)
        admin.context.add_init_script(WATCH)
        patent = Patent.objects.order_by("pk").first()
        organisation = Organisation.objects.order_by("pk").first()
        for path in [
            "/admin/",
            reverse(Patent.snippet_viewset.get_url_name("edit"), args=[patent.pk]),  # date choosers
            reverse(Organisation.snippet_viewset.get_url_name("edit"), args=[organisation.pk]),
            reverse("wagtailadmin_pages:edit", args=[HomePage.objects.order_by("pk").first().pk]),  # Draftail
        ]:
            response = admin.goto(site + path)
            assert response.status == 200, (path, response.status)
            found += violations(admin, path)
    finally:
        visitor.close()
    assert found == [], "\n".join(found)
