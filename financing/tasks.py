"""Nightly jobs of pledge financing (Celery beat). Each is idempotent: a second run the same day changes
nothing."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660, ignore_result=True)
def check_overdue_loans() -> None:
    """Overdue detection (after the grace days), penalty interest, and default (days past due)."""
    from .services import loans_check_overdue

    logger.info("loans checked: %s", loans_check_overdue())


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660, ignore_result=True)
def check_collateral() -> None:
    """Alerts for pledged assets of live loans that lapsed, were invalidated or expire before maturity."""
    from .services import collateral_check

    logger.info("collateral alerts raised: %s", collateral_check())


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360, ignore_result=True)
def snapshot_pools() -> None:
    """The fund pools' exposure, headroom and claims paid, one row per programme and day."""
    from .services import pool_snapshot

    logger.info("pool snapshots: %s", pool_snapshot())
