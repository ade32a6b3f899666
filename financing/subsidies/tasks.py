"""The daily sweep of subsidies (Celery beat): computes what every disbursed loan has earned and is not yet
computed. Idempotent: a second run creates nothing."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660, ignore_result=True)
def compute_subsidies() -> None:
    from .services import subsidies_compute_all

    logger.info("subsidies computed: %s", subsidies_compute_all())
