from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketConfig(AppConfig):
    name = "ipmarket.market"
    label = "market"
    verbose_name = _("Marketplace")

    def ready(self):
        from ipmarket.assets import commitments

        from .commitments import asset_commitments

        commitments.register(asset_commitments)
