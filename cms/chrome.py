"""The site's chrome taken from the CMS: the menu (pages marked "show in menus" under the home page)
and the contact details of the site settings, shown in the header and footer of every page.

Non-CMS pages (/firms/, /market/, …) must not pay database queries for it (their query budgets are
tested), so the chrome is kept in the cache as plain data: rebuilt when a page is published,
unpublished, moved or deleted and when the settings are saved (cms/signals.py), and whenever a CMS
page renders. A non-CMS page only reads the cache; before any CMS page has rendered in a fresh cache
it shows the fixed links only.
"""

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from ipmarket.core import pagecache

CACHE_KEY = "cms:chrome:v1:{language}"


def _key(language: str) -> str:
    return CACHE_KEY.format(language=language)


def cached(language: str) -> dict | None:
    return cache.get(_key(language))


def build(language: str) -> dict:
    """Menu and contact details in `language` (pages without a translation keep their own title).

    `pages`: every live page under the home page (the footer); `menu`: those marked "show in menus"
    (the header)."""
    from wagtail.models import Locale, Site

    from .models import SiteSettings

    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    pages = []
    contact = {}
    if site is not None:
        locale = Locale.objects.filter(language_code=language).first()
        home = site.root_page
        items = list(home.get_children().live().public().select_related("locale"))
        translated = {}
        if locale is not None and locale.pk != home.locale_id:
            from wagtail.models import Page

            keys = [p.translation_key for p in items]
            translated = {
                p.translation_key: p
                for p in Page.objects.live()
                .public()
                .filter(translation_key__in=keys, locale=locale)
                .select_related("locale")
            }
        with translation.override(language):
            for page in items:
                shown = translated.get(page.translation_key, page)
                pages.append(
                    {
                        "title": shown.title,
                        "url": shown.get_url() or page.get_url() or "/",
                        "lang": shown.locale.language_code,
                        "in_menu": page.show_in_menus,
                    }
                )
        row = SiteSettings.objects.filter(site=site).first()
        if row is not None:
            with translation.override(language):
                contact = {
                    "phone": row.contact_phone,
                    "email": row.contact_email,
                    "address": row.address_label,
                    "footer_text": row.footer_label,
                    "icp_number": row.icp_number,
                }
    return {"menu": [p for p in pages if p["in_menu"]], "pages": pages, "contact": contact}


def refresh() -> None:
    """Rebuild the chrome of every language."""
    for language, _name in settings.LANGUAGES:
        cache.set(_key(language), build(language), timeout=None)


def for_language(language: str) -> dict:
    """The chrome, built and cached on a miss (CMS pages only: they query the database anyway).

    A page cached while the chrome was missing shows the fixed links only: a miss drops the cached pages
    (ipmarket/core/pagecache.py), which happens once after the cache was emptied."""
    chrome = cached(language)
    if chrome is None:
        chrome = build(language)
        cache.set(_key(language), chrome, timeout=None)
        pagecache.invalidate(pagecache.SITE)
    return chrome
