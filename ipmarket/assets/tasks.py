"""Celery tasks of the assets app. Each takes ids, imports its service inside and is safe to run twice."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

logger = logging.getLogger(__name__)

# 50,000 rows take well under a minute (10,000 in a few seconds, see tests/assets/test_import.py);
# the limits leave room for a slow database. The Redis visibility timeout (1 h) stays above them,
# so a running import is not handed to a second worker.
IMPORT_SOFT_TIME_LIMIT = 15 * 60
IMPORT_TIME_LIMIT = IMPORT_SOFT_TIME_LIMIT + 60


@shared_task(acks_late=True, soft_time_limit=IMPORT_SOFT_TIME_LIMIT, time_limit=IMPORT_TIME_LIMIT, ignore_result=True)
def run_patent_import(import_id: int) -> None:
    """Run or resume a patent CSV import (ipmarket.assets.imports). A finished import is left alone."""
    from .imports import patent_import_fail, patent_import_run

    try:
        patent_import_run(import_id=import_id)
    except SoftTimeLimitExceeded:
        logger.warning("patent import %s stopped by its time limit", import_id)
        patent_import_fail(import_id=import_id, reason="timeout")
    except Exception:
        logger.exception("patent import %s failed", import_id)
        patent_import_fail(import_id=import_id, reason="error")
        raise


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90, ignore_result=True)
def resume_stalled_patent_imports() -> None:
    """Periodic (beat): enqueue again the imports whose task was lost; each run resumes or does nothing."""
    from .imports import patent_imports_stalled

    for import_id in patent_imports_stalled():
        logger.warning("patent import %s stalled: enqueuing it again", import_id)
        run_patent_import.delay(import_id)


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360, ignore_result=True)
def refresh_asset_statuses() -> None:
    """Nightly (beat): patents past their term expire, unpaid past the grace period lapse; trademarks past
    the renewal grace period expire. Idempotent: a second run the same day changes nothing."""
    from .services import assets_refresh_statuses

    logger.info("asset statuses refreshed: %s", assets_refresh_statuses())
