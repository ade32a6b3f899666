from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ipmarket.accounts"
    label = "accounts"
    verbose_name = _("People and organisations")

    def ready(self):
        from ipmarket.core import pagecache

        from .models import Organisation, Service

        # Cached public pages showing an organisation (a firm's page, a listing's seller) are stale when it,
        # its services or the service names change.
        pagecache.watch("organisations", Organisation, Organisation.services.through, Service)
