import logging

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


def _enqueue(producer: str, object_id: int) -> None:
    """A domain announced something (after its commit): the worker turns it into notifications. A task lost
    with the broker down is made up for by the hourly `catch_up`, so a failed publish is logged, never raised
    into the request whose change is already committed."""
    from .tasks import notify

    try:
        notify.delay(producer, object_id)
    except Exception:  # the broker is down (kombu's OperationalError after the publish retries)
        logger.warning("notifications: could not enqueue %s %s; catch_up will", producer, object_id, exc_info=True)


class NotificationsConfig(AppConfig):
    name = "ipmarket.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from ipmarket.core import notices

        notices.subscribe(_enqueue)
