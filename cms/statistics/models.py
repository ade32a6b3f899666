from django.db import models
from django.utils.translation import gettext_lazy as _


class StatisticsSnapshot(models.Model):
    """The public figures as computed by `statistics_refresh`: one row per day, the newest is the current one.

    `figures` holds plain JSON (codes, counts, money and ratios as decimal strings; never floats), so the
    page renders it in either language without touching the live tables. See cms/statistics/compute.py.
    """

    on = models.DateField(_("day"), unique=True)
    computed_at = models.DateTimeField(_("computed at"), db_index=True)
    figures = models.JSONField(_("figures"), default=dict)

    class Meta:
        ordering = ["-computed_at", "-id"]
        get_latest_by = "computed_at"
        verbose_name = _("statistics snapshot")
        verbose_name_plural = _("statistics snapshots")

    def __str__(self):
        return f"{self.on} ({self.computed_at:%H:%M})"
