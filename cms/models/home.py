"""The front page."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.search import index

from ipmarket.core import limits

from .base import SitePage


class HomePage(SitePage):
    """The site's front page: search box, key figures, latest news, featured listings, the four areas."""

    intro = RichTextField(_("introduction"), blank=True, **limits.text_limit(limits.ABSTRACT))

    content_panels = SitePage.content_panels + [FieldPanel("intro")]
    search_fields = SitePage.search_fields + [index.SearchField("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.NewsIndexPage", "cms.PolicyPage", "cms.GuidePage", "cms.FaqPage"]
    max_count = 2  # one per content language (zh-hans, en)

    class Meta:
        verbose_name = _("home page")

    def route(self, request, path_components):
        """A page not translated into the visitor's language is served from the other language's tree.

        Both languages share the same URLs (docs/cms.md), so an English visitor following a link to a
        Chinese-only news article still reaches it rather than a 404."""
        from django.http import Http404
        from wagtail.models import Page

        try:
            return super().route(request, path_components)
        except Http404:
            if not path_components:
                raise
            for other in self.get_translations().live().specific():
                try:
                    return Page.route(other, request, path_components)
                except Http404:
                    continue
            raise

    def get_context(self, request, *args, **kwargs):
        from cms import selectors

        context = super().get_context(request, *args, **kwargs)
        context["figures"] = selectors.home_figures()
        context["latest_news"] = selectors.latest_news(self, limit=3)
        context["featured_listings"] = selectors.featured_listings(request.user, limit=4)
        context["partners"] = selectors.partners()
        context["guides"] = selectors.children_of_type(self, "guidepage")
        return context
