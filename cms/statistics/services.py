"""Writes of the statistics app: the refresh job."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from .compute import compute_figures
from .models import StatisticsSnapshot

# One snapshot a day is kept (the day's last run) for this many days; older ones are deleted.
KEEP_DAYS = 31


@transaction.atomic
def statistics_refresh(*, today: date | None = None) -> StatisticsSnapshot:
    """Compute every table of the statistics page and store them as today's snapshot.

    Idempotent: a second run the same day replaces the day's row (same figures if nothing changed), so
    there is always one current snapshot and a short history of one row per day."""
    today = today or timezone.localdate()
    figures = compute_figures(today)
    snapshot, _ = StatisticsSnapshot.objects.update_or_create(
        on=today, defaults={"computed_at": timezone.now(), "figures": figures}
    )
    StatisticsSnapshot.objects.filter(on__lt=today - timedelta(days=KEEP_DAYS)).delete()
    return snapshot
