from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from wagtail import views as wagtail_views

from ipmarket.core.pagecache import cached_public_page

# Private or personal areas that crawlers have no business in.
DISALLOW = ("/admin/", "/accounts/", "/api/", "/financing/", "/payments/", "/inbox/", "/market/deals/")


@require_safe
@cache_control(max_age=3600, public=True)
def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOW)]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


# The front page: Wagtail's own view at "/", in front of Wagtail's catch-all so that a visitor served from the
# page cache (ipmarket/core/pagecache.py) costs no query, not even the routing. Its intro, news and guides are
# CMS pages (their changes bump the page cache's SITE, cms/signals.py); its figures come from the statistics
# snapshot (or live counts of organisations, patents, trademarks and listings), its featured listings from the
# market.
home_page = cached_public_page("home", shows=("statistics", "listings", "assets", "organisations"))(wagtail_views.serve)
