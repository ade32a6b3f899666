"""Writes of the statistics app: the refresh job and the programme's targets."""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ipmarket.accounts import policies as people

from .compute import compute_figures
from .models import StatisticsSnapshot, Target

# One snapshot a day is kept in full (the day's last run) for this many days; after that only the figures of
# the history charts (`figures["history"]`) are kept, and a day without them is deleted.
KEEP_DAYS = 31
# The keys an old snapshot keeps. Thinned in Python, on PostgreSQL and on `make run`'s SQLite alike: one day
# crosses the limit per day, so there is about one row to thin per run.
THIN_KEYS = ("version", "as_of", "history")


@transaction.atomic
def statistics_refresh(*, today: date | None = None) -> StatisticsSnapshot:
    """Compute every table of the statistics page and store them as today's snapshot.

    Idempotent: a second run the same day replaces the day's row (same figures if nothing changed), so
    there is always one current snapshot, a month of full days and the history of the charts before it."""
    today = today or timezone.localdate()
    figures = compute_figures(today)
    snapshot, _ = StatisticsSnapshot.objects.update_or_create(
        on=today, defaults={"computed_at": timezone.now(), "figures": figures}
    )
    old = StatisticsSnapshot.objects.filter(on__lt=today - timedelta(days=KEEP_DAYS))
    old.exclude(figures__has_key="history").delete()
    for stale in old.filter(figures__has_key="targets"):
        stale.figures = {key: stale.figures[key] for key in THIN_KEYS if key in stale.figures}
        stale.save(update_fields=["figures"])
    return snapshot


# --- programme targets (the Wagtail admin saves through these) ---------------------------------------------

# What a person sets on a target; the rest is bookkeeping.
TARGET_FIELDS = frozenset({"metric", "city", "target_value", "baseline_value", "starts_on", "due_on", "note"})


def _require_platform(by) -> None:
    if not people.is_platform_staff(by):
        raise PermissionDenied(_("Only platform people set the programme's targets."))


@transaction.atomic
def target_save(*, by, target: Target | None = None, **fields) -> Target:
    """Create a target (`target` None) or change one, under its row lock; validated by `Target.clean` and the
    unique (metric, city, due date) rule. Progress shows on /statistics/ from the next refresh."""
    _require_platform(by)
    unknown = set(fields) - TARGET_FIELDS
    if unknown:
        raise TypeError(f"unknown target fields: {sorted(unknown)}")
    target = Target() if target is None else Target.objects.select_for_update().get(pk=target.pk)
    for name, value in fields.items():
        setattr(target, name, value)
    target.full_clean()
    target.save()
    return target
