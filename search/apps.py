from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self):
        from ipmarket.disputes import finders

        from . import signals  # noqa: F401  (registers the receivers)
        from .decisions import search_decisions

        finders.register(search_decisions)
