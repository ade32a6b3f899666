"""`/sitemap.xml` and `/robots.txt` (included before Wagtail's catch-all)."""

from django.urls import path
from wagtail.contrib.sitemaps.views import sitemap

from .sitemaps import SITEMAPS
from .views import robots_txt

urlpatterns = [
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots-txt"),
]
