from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.urls import NoReverseMatch, reverse
from wagtail.contrib.sitemaps import Sitemap as PageSitemap

AREAS = ("firm-list", "ip-home", "market-home", "statistics")


class AreaSitemap(DjangoSitemap):
    """The public area pages that are not CMS pages."""

    changefreq = "daily"

    def items(self):
        names = []
        for name in AREAS:
            try:
                reverse(name)
            except NoReverseMatch:
                continue
            names.append(name)
        return names

    def location(self, item):
        return reverse(item)


SITEMAPS = {"pages": PageSitemap, "areas": AreaSitemap}
