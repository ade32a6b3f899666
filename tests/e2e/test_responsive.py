"""The home, firms, market, IP and financing pages work on a phone (375 px) and a desktop (1280 px): nothing
scrolls sideways, the page's main heading and the main navigation are on screen.

Full-page screenshots of every page at both widths go to var/screenshots/<page>-<width>.png, and of the
English pages on the phone to <page>-375-en.png (CI keeps them as artefacts; docs/quality.md).
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.demo_pages import Visitor, demo_pages, drop_indexes, seed_site

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
# Chinese at both widths; English (longer words) on the phone too.
RUNS = (("zh-hans", 375), ("zh-hans", 1280), ("en", 375))


@pytest.fixture
def site(live_server):
    seed_site()
    yield live_server.url
    drop_indexes()


def layout_problems(page, width: int) -> list[str]:
    problems = []
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll_width > inner_width:
        wide = page.evaluate(
            """(limit) => [...document.querySelectorAll('body *')]
                .filter(el => el.getBoundingClientRect().right > limit + 1 && !el.closest('[hidden]'))
                .slice(0, 5).map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''))""",
            inner_width,
        )
        problems.append(f"page is {scroll_width}px wide in a {inner_width}px window: {', '.join(wide)}")
    heading = page.locator("main h1").first
    if not heading.is_visible():
        problems.append("no visible main heading")
    else:
        box = heading.bounding_box()
        if box["x"] < 0 or box["x"] + box["width"] > width + 1:
            problems.append(f"main heading outside the window: {box}")
    nav = page.locator(".site-header nav").first
    if not nav.is_visible():
        problems.append("main navigation not visible")
    else:
        box = nav.bounding_box()
        if box["x"] < 0 or box["x"] + box["width"] > width + 1:
            problems.append(f"main navigation outside the window: {box}")
    return problems


def test_every_page_fits_a_phone_and_a_desktop(browser, site):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pages = demo_pages()
    found = {}
    for language, width in RUNS:
        visitor = Visitor(browser, site, language=language, width=width, height=800)
        suffix = "" if language == "zh-hans" else f"-{language}"
        try:
            for demo_page in pages:
                page = visitor.open(demo_page)
                expect(page.locator("html")).to_have_attribute("lang", language)
                problems = layout_problems(page, width)
                shot = SCREENSHOTS / f"{demo_page.name}-{width}{suffix}.png"
                page.screenshot(path=str(shot), full_page=True)
                assert shot.stat().st_size > 1000, shot
                if problems:
                    found[f"{language} {demo_page.name} {demo_page.path} at {width}px"] = problems
        finally:
            visitor.close()
    report = "\n".join(f"{where}: {'; '.join(problems)}" for where, problems in found.items())
    assert not found, f"layout problems (screenshots in {SCREENSHOTS}):\n{report}"
