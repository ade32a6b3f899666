from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatisticsConfig(AppConfig):
    """The public statistics page: figures computed by a beat job into `StatisticsSnapshot`."""

    name = "cms.statistics"
    label = "cms_statistics"
    verbose_name = _("Statistics")
