"""Beat job of the statistics page (hourly, see CELERY_BEAT_SCHEDULE). Idempotent: a rerun replaces the
day's snapshot with the same figures."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360, ignore_result=True)
def refresh_statistics() -> None:
    from .services import statistics_refresh

    snapshot = statistics_refresh()
    logger.info("statistics refreshed for %s at %s", snapshot.on, snapshot.computed_at)
