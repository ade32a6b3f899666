"""Setting up the page tree."""

from django.conf import settings
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from .models import HomePage

HOME_INTRO = (
    "<p>资阳市知识产权运营与质押融资服务平台：专利、商标的许可与转让，"
    "“银行贷款 + 保险 + 财政风险补偿”知识产权质押融资，以及知识产权服务机构名录。</p>"
)


@transaction.atomic
def ensure_home_page() -> HomePage:
    """Make a HomePage the root of the default site (idempotent).

    Wagtail's first migration creates a plain welcome page; it is replaced.
    """
    default_locale, _ = Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    home = HomePage.objects.filter(locale=default_locale).order_by("path").first()
    if home is None:
        root = Page.get_first_root_node() or _recreate_root()
        page = HomePage(
            title="首页", slug="home-ipmarket", intro=HOME_INTRO, seo_title="知识产权运营与质押融资服务平台"
        )
        home = root.add_child(instance=page)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    if site.root_page_id != home.pk:
        old = site.root_page
        site.root_page = home
        site.save()
        if old.specific_class is Page and not old.get_children().exists():
            old.delete()
    return home


def _recreate_root() -> Page:
    """The tree root and default locale that Wagtail's migrations create (gone after a database flush)."""
    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    return Page.add_root(instance=Page(title="Root", slug="root", locale=Locale.get_default()))
