from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketConfig(AppConfig):
    name = "ipmarket.market"
    label = "market"
    verbose_name = _("Marketplace")

    def ready(self):
        from ipmarket.assets import commitments, pages
        from ipmarket.core import pagecache

        from .commitments import asset_commitments
        from .models import Listing
        from .selectors import asset_page_listings

        commitments.register(asset_commitments)
        pages.register(asset_page_listings)
        pagecache.watch("listings", Listing)  # cached public pages showing listings

        from . import notices, services  # noqa: F401  (register the notices and the workflow's services)
