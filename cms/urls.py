"""`/sitemap.xml`, `/robots.txt` and the front page `/` (included before Wagtail's catch-all)."""

from django.urls import path
from wagtail.contrib.sitemaps.views import sitemap

from .sitemaps import SITEMAPS
from .views import home_page, robots_txt

urlpatterns = [
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots-txt"),
    path("", home_page, {"path": ""}, name="home-page"),  # Wagtail's view, through the page cache
]
