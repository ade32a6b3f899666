"""What every page of the public site shares: the language switch's target and the page's language."""

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale, Page, Site

from cms import chrome
from ipmarket.core import limits


def other_language(language: str) -> str:
    """The language the switch offers: English from Chinese, Chinese from anything else."""
    default = settings.LANGUAGE_CODE
    return "en" if language == default else default


def translation_url(page: Page, language: str, request=None) -> str:
    """The URL of the page in `language`: its live translation, else that language's home page, else "/"."""
    locale = Locale.objects.filter(language_code=language).first()
    if locale is None:
        return "/"
    if page.locale_id == locale.pk:
        return page.get_url(request) or "/"
    translated = page.get_translation_or_none(locale)
    if translated is not None and translated.live:
        return translated.get_url(request) or "/"
    site = Site.find_for_request(request) if request is not None else Site.objects.filter(is_default_site=True).first()
    if site is not None:
        home = site.root_page.get_translation_or_none(locale)
        if home is not None and home.live:
            return home.get_url(request) or "/"
    return "/"


class SitePage(Page):
    """Base of the site's page types (abstract): the language switch leads to this page's translation."""

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        target = other_language(translation.get_language() or settings.LANGUAGE_CODE)
        context["language_switch_next"] = translation_url(self, target, request)
        # The content's own language, when it differs from the interface's (a page with no translation yet).
        context["content_language"] = self.locale.language_code
        context["cms_chrome"] = chrome.for_language(translation.get_language() or settings.LANGUAGE_CODE)
        return context


class PageSummaryMixin(models.Model):
    """A short summary shown in lists and used as the meta description when the page has no search description
    (cms/templates/cms/base_page.html)."""

    summary = models.TextField(_("summary"), blank=True, **limits.text_limit(limits.SUMMARY))

    class Meta:
        abstract = True
