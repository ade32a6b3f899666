from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssetsConfig(AppConfig):
    name = "ipmarket.assets"
    label = "assets"
    verbose_name = _("Patents and trademarks")

    def ready(self):
        from . import notices  # noqa: F401  (registers the register's reminders)
