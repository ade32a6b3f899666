from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ipmarket.core"
    label = "core"

    def ready(self):
        from ipmarket.core.logs import connect_signals

        # The request id is cleared when a response is closed, travels with the Celery tasks a request
        # publishes (web) and is set while they run (worker): both processes set Django up.
        connect_signals()
