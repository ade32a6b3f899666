from django.apps import AppConfig


class RegistryConfig(AppConfig):
    """The financing-demand registry (名录库), bank matchmaking and the banks' loan products (docs/registry.md)."""

    name = "financing.registry"
    label = "registry"
    verbose_name = "Financing-demand registry"

    def ready(self):
        from ipmarket.core import notices as announcements

        from . import notices, services  # noqa: F401  (register the notices and the workflow's services)
        from .hooks import application_announced

        # Financing does not know the registry: it announces its events, and a matched demand whose pledge
        # application is disbursed becomes financed.
        announcements.subscribe(application_announced)
