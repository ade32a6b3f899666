"""News: an index paginated and filtered by tag, and the articles."""

from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from cms.blocks import body_blocks
from ipmarket.core import limits

from .base import PageSummaryMixin, SitePage

NEWS_PER_PAGE = 10


class NewsIndexPage(SitePage):
    intro = RichTextField(_("introduction"), blank=True, **limits.text_limit(limits.ABSTRACT))

    content_panels = SitePage.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("news index")

    def articles(self):
        return NewsPage.objects.child_of(self).live().public().order_by("-date", "-pk")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = self.articles().prefetch_related("tags")
        tag = request.GET.get("tag", "").strip()[:100]
        if tag:
            articles = articles.filter(tags__name=tag)
        context["tag"] = tag
        context["page_obj"] = Paginator(articles, NEWS_PER_PAGE).get_page(request.GET.get("page"))
        context["all_tags"] = (
            NewsPageTag.objects.filter(content_object__in=self.articles())
            .values_list("tag__name", flat=True)
            .distinct()
            .order_by("tag__name")
        )
        return context


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey("cms.NewsPage", on_delete=models.CASCADE, related_name="tagged_items")


class NewsPage(PageSummaryMixin, SitePage):
    date = models.DateField(_("date"), default=timezone.localdate)
    source = models.CharField(_("issued by"), max_length=200, blank=True, help_text=_("e.g. the city's bureau"))
    body = StreamField(body_blocks(), verbose_name=_("body"), blank=True)
    tags = ClusterTaggableManager(through=NewsPageTag, blank=True, verbose_name=_("tags"))

    content_panels = SitePage.content_panels + [
        FieldPanel("date"),
        FieldPanel("source"),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("tags"),
    ]
    search_fields = SitePage.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")
