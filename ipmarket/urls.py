from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from ipmarket.api.docs import SwaggerView
from ipmarket.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/v1/", include("ipmarket.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # /firms/, /firms/<id>/ and /ip/ (exactly): the search pages, before the /ip/ detail pages below.
    path("", include("search.urls")),
    path("ip/imports/", include("ipmarket.assets.import_urls")),
    path("ip/", include("ipmarket.assets.urls")),
    path("market/", include("ipmarket.market.urls")),
    path("payments/", include("ipmarket.payments.urls")),
    path("financing/products/", include("financing.registry.products_urls")),
    path("financing/subsidies/", include("financing.subsidies.urls")),
    # The financing-demand registry: the banks' search (search app), then its other pages (financing.registry).
    path("financing/registry/search/", include("search.demand_urls")),
    path("financing/registry/", include("financing.registry.urls")),
    path("financing/", include("financing.urls")),
    path("inbox/", include("ipmarket.notifications.urls")),
    path("disputes/", include("ipmarket.disputes.urls")),
    path("statistics/", include("cms.statistics.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# /sitemap.xml and /robots.txt, then the CMS pages (the catch-all, last).
urlpatterns.append(path("", include("cms.urls")))
urlpatterns.append(path("", include(wagtail_urls)))

handler404 = "ipmarket.views.page_not_found"
handler500 = "ipmarket.views.server_error"
