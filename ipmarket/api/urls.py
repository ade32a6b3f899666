"""The REST API under /api/v1/: one router for every resource."""

from django.urls import include, path
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.routers import DefaultRouter

from financing.api import ApplicationViewSet, ProgrammeViewSet, QuoteView
from ipmarket.accounts.api import OrganisationViewSet
from ipmarket.assets.api import PatentViewSet, TrademarkViewSet
from ipmarket.market.api import DealViewSet, ListingViewSet
from search.api import FirmSearchView, IPSearchView, SuggestView

router = DefaultRouter()
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("patents", PatentViewSet, basename="patent")
router.register("trademarks", TrademarkViewSet, basename="trademark")
router.register("listings", ListingViewSet, basename="listing")
router.register("deals", DealViewSet, basename="deal")
router.register("financing/programmes", ProgrammeViewSet, basename="programme")
router.register("financing/applications", ApplicationViewSet, basename="application")

urlpatterns = [
    path("auth/token/", ObtainAuthToken.as_view(), name="api-token"),
    path("financing/quote/", QuoteView.as_view(), name="financing-quote"),
    path("search/firms/", FirmSearchView.as_view(), name="search-firms"),
    path("search/ip/", IPSearchView.as_view(), name="search-ip"),
    path("search/suggest/", SuggestView.as_view(), name="search-suggest"),
    path("", include(router.urls)),
]
