from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatisticsConfig(AppConfig):
    """The public statistics page: figures computed by a beat job into `StatisticsSnapshot`."""

    name = "cms.statistics"
    label = "cms_statistics"
    verbose_name = _("Statistics")

    def ready(self):
        from ipmarket.core import pagecache

        from .models import StatisticsSnapshot

        # /statistics/ and the home page's figures, cached: stale when the refresh job writes a snapshot.
        pagecache.watch("statistics", StatisticsSnapshot)
