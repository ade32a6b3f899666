from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisputesConfig(AppConfig):
    name = "ipmarket.disputes"
    label = "disputes"
    verbose_name = _("IP protection")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ipmarket.assets import cautions
        from ipmarket.core import pagecache

        from . import notices  # noqa: F401  (registers the renderers and producers)
        from .models import Dispute, DisputeAsset
        from .selectors import asset_cautions

        cautions.register(asset_cautions)
        # The cautions the cached listing pages show (accepted infringement or ownership cases).
        pagecache.watch("disputes", Dispute, DisputeAsset)
