from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ipmarket.accounts.cities import cities
from ipmarket.core import limits


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


def city_choices() -> list[tuple[str, str]]:
    """The cities the statistics know: those of the 2020 census file (each with a population, so a ratio
    per 10,000 residents can be computed for it)."""
    return [(c.name, f"{c.name} ({c.name_en})") for c in cities().values()]


class Metric(models.TextChoices):
    """What a programme target measures; the one list of metrics (docs/statistics.md defines each)."""

    INVENTION_PER_10K = "invention_per_10k", _("Invention patents per 10,000 residents")
    VALID_TRADEMARKS = "valid_trademarks", _("Valid registered trademarks")
    AGENCIES_BROUGHT_IN = "agencies_brought_in", _("IP agencies brought in")
    REGISTRY_ENTRIES = "registry_entries", _("Enterprises admitted to the financing-demand registry")
    LOANS_FINANCED = "loans_financed", _("Pledge loans disbursed")
    AMOUNT_FINANCED = "amount_financed", _("Amount financed (CNY)")


# How each metric's figures are written: counts are whole numbers, money is to the fen, the ratio to 4 decimals.
COUNT_METRICS = frozenset(
    {Metric.VALID_TRADEMARKS, Metric.AGENCIES_BROUGHT_IN, Metric.REGISTRY_ENTRIES, Metric.LOANS_FINANCED}
)
DECIMAL_PLACES = {**dict.fromkeys(COUNT_METRICS, 0), Metric.AMOUNT_FINANCED: 2, Metric.INVENTION_PER_10K: 4}
# Stock metrics are counted as they stand on the day; flow metrics count what happened within the period.
STOCK_METRICS = frozenset({Metric.INVENTION_PER_10K, Metric.VALID_TRADEMARKS})


def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


class Target(models.Model):
    """A figure the programme is to reach by a date, for one city or for every city (city left blank).

    Set by platform people in the Wagtail admin (cms/statistics/wagtail_hooks.py, through
    `services.target_save`); the daily refresh measures progress against it (cms/statistics/progress.py)."""

    metric = models.CharField(_("metric"), max_length=30, choices=Metric.choices)
    city = models.CharField(
        _("city"),
        max_length=50,
        blank=True,
        choices=city_choices,
        help_text=_("Leave blank for the whole area (every city)."),
    )
    target_value = models.DecimalField(
        _("target"),
        max_digits=18,
        decimal_places=4,
        help_text=_("A whole number for counts, yuan to the fen for the amount, up to 4 decimals for the ratio."),
    )
    baseline_value = models.DecimalField(
        _("baseline"),
        max_digits=18,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("The figure at the start of the period, if known; the pace to the target starts from it."),
    )
    starts_on = models.DateField(
        _("period starts on"),
        help_text=_(
            "Agencies, registry entries and loans are counted from this day to the due date; "
            "the expected pace runs from the baseline on this day to the target on the due date."
        ),
    )
    due_on = models.DateField(_("due on"))
    note = models.TextField(_("note or source"), blank=True, **limits.text_limit(limits.NOTE))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "metric", "city", "id"]
        verbose_name = _("programme target")
        verbose_name_plural = _("programme targets")
        constraints = [
            models.UniqueConstraint(fields=["metric", "city", "due_on"], name="one_target_per_metric_city_due"),
            models.CheckConstraint(condition=models.Q(target_value__gt=0), name="target_value_positive"),
            models.CheckConstraint(condition=models.Q(starts_on__lt=models.F("due_on")), name="target_period_order"),
        ]

    def __str__(self):
        where = self.city or _("all cities")
        return f"{self.get_metric_display()} · {where} · {self.due_on}"

    def clean(self):
        errors = {}
        places = DECIMAL_PLACES.get(self.metric)
        for name in ("target_value", "baseline_value"):
            value = getattr(self, name)
            if value is None:
                continue
            if name == "target_value" and value <= 0:
                errors[name] = _("The target must be greater than zero.")
            elif value < 0:
                errors[name] = _("The baseline cannot be negative.")
            elif places == 0 and _places(value) > 0:
                errors[name] = _("This metric counts things: give a whole number.")
            elif places is not None and _places(value) > places:
                errors[name] = _("Give at most %(places)d decimals for this metric.") % {"places": places}
        if (
            "target_value" not in errors
            and "baseline_value" not in errors
            and self.baseline_value is not None
            and self.target_value is not None
            and self.baseline_value >= self.target_value
        ):
            errors["baseline_value"] = _("The baseline must be below the target.")
        if self.starts_on and self.due_on and self.starts_on >= self.due_on:
            errors["due_on"] = _("The due date must come after the start of the period.")
        if errors:
            raise ValidationError(errors)
