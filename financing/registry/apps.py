from django.apps import AppConfig


class RegistryConfig(AppConfig):
    """The financing-demand registry (名录库), bank matchmaking and the banks' loan products (docs/registry.md)."""

    name = "financing.registry"
    label = "registry"
    verbose_name = "Financing-demand registry"
