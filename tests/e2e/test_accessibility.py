"""No serious or critical accessibility violations (axe-core, WCAG 2.0/2.1 A and AA rules) on the home, firms,
market, IP, financing and IP-protection pages, in Chinese and in English, for a visitor, an enterprise, a bank and
the platform.

axe-core comes from the pinned `axe-playwright-python` package (it bundles axe.min.js), so nothing is fetched
at run time. Run alone: `pytest tests/e2e/test_accessibility.py` (docs/quality.md).
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from ipmarket.disputes.demo import CASES
from ipmarket.disputes.models import Dispute
from tests.e2e.demo_pages import DemoPage, Visitor, demo_pages, drop_indexes, seed_site

pytestmark = pytest.mark.django_db(transaction=True)

WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
ENGLISH = {"home", "sign-in", "firms", "market", "listing", "ip", "patent", "financing-enterprise", "application-new"}


@pytest.fixture
def site(live_server):
    seed_site()
    yield live_server.url
    drop_indexes()


def dispute_pages() -> list[DemoPage]:
    """The IP-protection pages: the public decisions, and platform1's list of cases and two demo cases (one
    waiting for the bureau with its action forms, one referred to the court with sessions and shares)."""
    filed = Dispute.objects.get(facts=CASES["filed"][1])
    referred = Dispute.objects.get(facts=CASES["referred"][1])
    return [
        DemoPage("decisions", "/disputes/decisions/"),
        DemoPage("disputes-platform", "/disputes/", "platform1"),
        DemoPage("dispute-filed", f"/disputes/{filed.pk}/", "platform1"),
        DemoPage("dispute-referred", f"/disputes/{referred.pk}/", "platform1"),
    ]


def serious_violations(page) -> tuple[list[str], int]:
    """Readable lines for each serious/critical violation, and how many rules axe found applicable."""
    options = {"runOnly": {"type": "tag", "values": WCAG_A_AA}, "resultTypes": ["violations"]}
    response = Axe().run(page, options=options).response
    lines = []
    for violation in response["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:8])
        more = len(violation["nodes"]) - 8
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets}"
            + (f" (+{more} more)" if more > 0 else "")
        )
    return lines, len(response["passes"]) + len(response["violations"])


def interaction_states(visitor, language) -> dict[str, list[str]]:
    """What a person sees after doing something: suggestions open, a form sent with errors, a missing page,
    the phone layout with the filters opened."""
    found = {}

    def check(where, page):
        lines, _ = serious_violations(page)
        if lines:
            found[f"{language} {where}"] = lines

    page = visitor.page_for(None)
    page.goto(visitor.url + "/firms/")
    page.locator("#search-q").press_sequentially("资阳", delay=30)
    page.locator("#search-q-suggestions [role=option]").first.wait_for()
    page.locator("#search-q").press("ArrowDown")
    check("/firms/ with the suggestions open", page)

    response = page.goto(visitor.url + "/no-such-page/")
    assert response.status == 404
    check("a missing page (404)", page)

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(visitor.url + "/firms/")
    page.locator("details.search-filters > summary").click()
    check("/firms/ on a phone with the filters open", page)
    page.set_viewport_size(visitor.viewport)

    page = visitor.page_for("enterprise1")
    page.goto(visitor.url + "/financing/applications/new/")
    page.locator("form button[name=create]").click()
    page.locator(".errorlist, .form-errors").first.wait_for()
    check("/financing/applications/new/ sent empty (errors shown)", page)
    return found


def test_no_serious_or_critical_violations_in_chinese_and_english(browser, site):
    pages = demo_pages() + dispute_pages()
    found = {}
    for language, wanted in (("zh-hans", None), ("en", ENGLISH)):
        visitor = Visitor(browser, site, language=language)
        try:
            for demo_page in pages:
                if wanted is not None and demo_page.name not in wanted:
                    continue
                page = visitor.open(demo_page)
                assert page.locator("html").get_attribute("lang") == language, demo_page.name
                lines, checked = serious_violations(page)
                assert checked > 10, f"axe did not run on {demo_page.name}"  # the rules really ran
                if lines:
                    found[f"{language} {demo_page.name} {demo_page.path}"] = lines
            found.update(interaction_states(visitor, language))
        finally:
            visitor.close()
    report = "\n".join(f"{where}:\n  " + "\n  ".join(lines) for where, lines in found.items())
    assert not found, f"serious or critical accessibility violations:\n{report}"
