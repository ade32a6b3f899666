"""Guides: how pledge financing works, how open licensing works."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.search import index

from cms.blocks import body_blocks

from .base import PageSummaryMixin, SitePage


class GuidePage(PageSummaryMixin, SitePage):
    body = StreamField(body_blocks(), verbose_name=_("body"), blank=True)

    content_panels = SitePage.content_panels + [FieldPanel("summary"), FieldPanel("body")]
    search_fields = SitePage.search_fields + [index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("guide")
        verbose_name_plural = _("guides")
