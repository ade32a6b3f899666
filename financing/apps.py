from django.apps import AppConfig


class FinancingConfig(AppConfig):
    name = "financing"
    verbose_name = "Financing"

    def ready(self):
        from ipmarket.assets import commitments

        from .commitments import asset_commitments

        commitments.register(asset_commitments)

        from . import notices, services  # noqa: F401  (register the notices and the workflow's services)
