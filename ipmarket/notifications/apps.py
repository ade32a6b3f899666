from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _enqueue(producer: str, object_id: int) -> None:
    """A domain announced something (after its commit): the worker turns it into notifications. A task lost
    with the broker down is made up for by the hourly `catch_up`."""
    from .tasks import notify

    notify.delay(producer, object_id)


class NotificationsConfig(AppConfig):
    name = "ipmarket.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from ipmarket.core import notices

        notices.subscribe(_enqueue)
