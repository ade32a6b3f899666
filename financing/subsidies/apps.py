from django.apps import AppConfig


class SubsidiesConfig(AppConfig):
    """The programme's interest and premium subsidies: computed, claimed, approved, paid (docs/financing.md)."""

    name = "financing.subsidies"
    label = "subsidies"
    verbose_name = "Subsidies"
