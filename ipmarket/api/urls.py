"""The REST API under /api/v1/: one router for every resource."""

from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt

from financing.api import ApplicationViewSet, ProgrammeViewSet, QuoteView, ValuationReportViewSet
from financing.registry.api import DemandBatchViewSet, DemandViewSet
from financing.registry.products_api import ProductViewSet
from financing.subsidies.api import SubsidyViewSet
from ipmarket.accounts.api import ObtainApiToken, OrganisationViewSet
from ipmarket.assets.api import PatentViewSet, TrademarkViewSet
from ipmarket.core.api.routers import Router
from ipmarket.disputes.api import DisputeViewSet, EnforcementDecisionViewSet
from ipmarket.market.api import DealViewSet, ListingViewSet
from ipmarket.views import page_not_found
from search.api import FirmSearchView, IPSearchView, SuggestView

router = Router()
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("patents", PatentViewSet, basename="patent")
router.register("trademarks", TrademarkViewSet, basename="trademark")
router.register("listings", ListingViewSet, basename="listing")
router.register("deals", DealViewSet, basename="deal")
router.register("financing/programmes", ProgrammeViewSet, basename="programme")
router.register("financing/applications", ApplicationViewSet, basename="application")
router.register("financing/valuations", ValuationReportViewSet, basename="valuation")
router.register("financing/demands", DemandViewSet, basename="demand")
router.register("financing/demand-batches", DemandBatchViewSet, basename="demand-batch")
router.register("financing/products", ProductViewSet, basename="loan-product")
router.register("financing/subsidies", SubsidyViewSet, basename="subsidy")
router.register("disputes", DisputeViewSet, basename="dispute")
router.register("enforcement-decisions", EnforcementDecisionViewSet, basename="enforcement-decision")

urlpatterns = [
    path("auth/token/", ObtainApiToken.as_view(), name="api-token"),
    path("financing/quote/", QuoteView.as_view(), name="financing-quote"),
    path("search/firms/", FirmSearchView.as_view(), name="search-firms"),
    path("search/ip/", IPSearchView.as_view(), name="search-ip"),
    path("search/suggest/", SuggestView.as_view(), name="search-suggest"),
    path("", include(router.urls)),
    # Anything else under /api/v1/ is a JSON 404 whatever the method (the CMS catch-all's CSRF check answered
    # an unknown POST or PATCH, e.g. /api/v1/patents/null/, with an HTML 403).
    re_path(r"", csrf_exempt(page_not_found)),
]
