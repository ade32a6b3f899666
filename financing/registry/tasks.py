"""Nightly jobs of the financing-demand registry (Celery beat). Each is idempotent: a second run the same day
changes nothing."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360, ignore_result=True)
def expire_demands() -> None:
    """Admitted demands 12 months after admission leave the registry; matched demands whose loan was disbursed
    (an announcement lost with the broker) are financed."""
    from .services import demands_expire, demands_finance_disbursed

    logger.info("demands expired: %s, financed: %s", demands_expire(), demands_finance_disbursed())
