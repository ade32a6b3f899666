from django.apps import AppConfig


class SubsidiesConfig(AppConfig):
    """The programme's interest and premium subsidies: computed, claimed, approved, paid (docs/subsidies.md)."""

    name = "financing.subsidies"
    label = "subsidies"
    verbose_name = "Subsidies"

    def ready(self):
        from . import hooks, notices  # noqa: F401  (register the notices)

        hooks.connect()
