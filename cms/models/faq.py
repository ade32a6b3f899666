"""Frequently asked questions."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from cms.blocks import faq_blocks
from ipmarket.core import limits

from .base import SitePage


class FaqPage(SitePage):
    intro = RichTextField(_("introduction"), blank=True, **limits.text_limit(limits.ABSTRACT))
    body = StreamField(faq_blocks(), verbose_name=_("questions"), blank=True)

    content_panels = SitePage.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = SitePage.search_fields + [index.SearchField("body")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("FAQ page")
        verbose_name_plural = _("FAQ pages")
