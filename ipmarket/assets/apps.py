from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssetsConfig(AppConfig):
    name = "ipmarket.assets"
    label = "assets"
    verbose_name = _("Patents and trademarks")

    def ready(self):
        from ipmarket.core import pagecache

        from . import notices  # noqa: F401  (registers the register's reminders)
        from .models import Patent, PatentClassification, Trademark

        # Cached public pages showing patents or trademarks (listings, a firm's holdings); the bulk import
        # invalidates the topic itself (imports.py).
        pagecache.watch(
            "assets", Patent, Trademark, PatentClassification, Patent.co_owners.through, Trademark.co_owners.through
        )
