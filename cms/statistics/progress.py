"""Progress against the programme's targets (`Target`), computed by the daily refresh into the snapshot.

What each metric counts (docs/statistics.md, "Programme targets"):

- invention_per_10k: invention patents in force on the day, by the owner's city, per 10,000 residents of the
  2020 census (the whole area: every census city's patents over their total population);
- valid_trademarks: registered trademarks in force on the day, by the owner's city;
- agencies_brought_in: active organisations of kind patent agency or trademark agency whose record was
  created within the target's period, by their city;
- registry_entries: financing demands admitted to the registry (admitted, matched or financed) with an
  admission date within the period, by the enterprise's city;
- loans_financed / amount_financed: pledge-loan applications disbursed within the period (with an approved
  principal), by the applicant's city: their number / the sum of their approved principal.

The period runs from the target's `starts_on` to its `due_on`, never past the day of the refresh. Each flow
target is one aggregate query grouped by city (targets of the same kind and period share it); the stock
metrics reuse the tables the snapshot already has.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Sum

from financing.models import Application
from financing.registry.models import Demand
from ipmarket.accounts.cities import cities
from ipmarket.accounts.models import Organisation

from .models import DECIMAL_PLACES, STOCK_METRICS, Metric, Target

ZERO = Decimal(0)
HUNDRED = Decimal(100)
PERCENT_STEP = Decimal("0.01")
AGENCY_KINDS = [Organisation.Kind.PATENT_AGENCY, Organisation.Kind.TRADEMARK_AGENCY]


class Status:
    REACHED = "reached"  # the figure is at or above the target
    ON_TRACK = "on_track"  # not yet, but at or above the straight line from the baseline to the target
    BEHIND = "behind"  # below that line
    MISSED = "missed"  # the due date has passed without reaching the target


def step(metric: str) -> Decimal:
    """The precision of the metric's figures: 1 for counts, 0.01 (the fen) for money, 0.0001 for the ratio."""
    return Decimal(1).scaleb(-DECIMAL_PLACES[metric])


def fixed(metric: str, value: Decimal) -> str:
    """The value as the snapshot stores it, rounded half up to the metric's precision."""
    return str(Decimal(value).quantize(step(metric), rounding=ROUND_HALF_UP))


def assess(
    *,
    metric: str,
    value: Decimal,
    target: Decimal,
    baseline: Decimal | None,
    starts_on: date,
    due_on: date,
    today: date,
) -> dict:
    """Percent reached (value / target × 100, half up to 0.01; not capped), the figure expected today on a
    straight line from the baseline (0 if none) on `starts_on` to the target on `due_on`, and the status."""
    percent = (value * HUNDRED / target).quantize(PERCENT_STEP, rounding=ROUND_HALF_UP)
    start = baseline if baseline is not None else ZERO
    span = (due_on - starts_on).days
    elapsed = min(max((today - starts_on).days, 0), span)
    expected = start + (target - start) * Decimal(elapsed) / Decimal(span)
    expected = expected.quantize(step(metric), rounding=ROUND_HALF_UP)
    if value >= target:
        status = Status.REACHED
    elif today > due_on:
        status = Status.MISSED
    elif value >= expected:
        status = Status.ON_TRACK
    else:
        status = Status.BEHIND
    return {"percent": str(percent), "expected": str(expected), "status": status}


def per_10k(count: int, population: int) -> Decimal:
    return Decimal(count) * 10000 / Decimal(population)


# --- what each metric measures, by city ---------------------------------------------------------------------


def _stock_by_city(metric: str, patents: list[dict], trademarks: list[dict]) -> tuple[dict, Decimal]:
    """(value by city, value of the whole area) of a stock metric, from the snapshot's tables."""
    if metric == Metric.INVENTION_PER_10K:
        census = [r for r in patents if r["population"]]
        by_city = {r["city"]: per_10k(r["count"], r["population"]) for r in census}
        population = sum(r["population"] for r in census)
        area = per_10k(sum(r["count"] for r in census), population) if population else ZERO
        return by_city, area
    by_city = {r["city"]: Decimal(r["count"]) for r in trademarks}
    return by_city, sum(by_city.values(), ZERO)


# The flow metrics by the rows they count: loans and amount come from the same applications (one query).
SOURCES = {
    Metric.AGENCIES_BROUGHT_IN: "agencies",
    Metric.REGISTRY_ENTRIES: "registry",
    Metric.LOANS_FINANCED: "loans",
    Metric.AMOUNT_FINANCED: "loans",
}


def _flow_query(source: str, starts_on: date, until: date):
    """One aggregate query: (city, count, amount) within [starts_on, until] of the source's rows."""
    if source == "agencies":
        rows = Organisation.objects.filter(
            is_active=True, kind__in=AGENCY_KINDS, created_at__date__gte=starts_on, created_at__date__lte=until
        )
        city = "city"
    elif source == "registry":
        rows = Demand.objects.filter(state__in=Demand.LISTED, admitted_on__gte=starts_on, admitted_on__lte=until)
        city = "enterprise__city"
    else:
        rows = Application.objects.filter(
            disbursed_on__gte=starts_on, disbursed_on__lte=until, approved_principal__isnull=False
        )
        city = "applicant__city"
    rows = rows.order_by().values(city).annotate(n=Count("id"))
    if source == "loans":
        return rows.annotate(amount=Sum("approved_principal")).values_list(city, "n", "amount")
    return ((c, n, None) for c, n in rows.values_list(city, "n"))


def _flow_by_city(source: str, starts_on: date, until: date) -> dict[str, dict]:
    """{city: {metric: value}} of the source's metrics within the period ({} before it begins)."""
    if until < starts_on:
        return {}
    result = {}
    for city, n, amount in _flow_query(source, starts_on, until):
        values = {metric: Decimal(n) for metric, s in SOURCES.items() if s == source}
        if source == "loans":
            values[Metric.AMOUNT_FINANCED] = Decimal(amount or 0)
        result[city] = values
    return result


def _by_city_rows(metric: str, by_city: dict) -> list[dict]:
    """The whole area's figure city by city: every census city for the ratio, the cities with any for counts
    and money; highest first."""
    rows = [{"city": city, "value": fixed(metric, value)} for city, value in by_city.items()]
    if metric != Metric.INVENTION_PER_10K:
        rows = [r for r in rows if Decimal(r["value"])]
    rows.sort(key=lambda r: (-Decimal(r["value"]), r["city"]))
    return rows


def targets_progress(today: date, *, patents: list[dict], trademarks: list[dict]) -> list[dict]:
    """Every target with its figure on `today`, percent reached, expected pace and status (JSON-ready)."""
    result = []
    flows: dict[tuple, dict] = {}
    order = list(Metric.values)
    targets = sorted(Target.objects.all(), key=lambda t: (t.due_on, order.index(t.metric), t.city, t.pk))
    for target in targets:
        metric = target.metric
        if metric in STOCK_METRICS:
            by_city, area = _stock_by_city(metric, patents, trademarks)
        else:
            key = (SOURCES[metric], target.starts_on, min(target.due_on, today))
            if key not in flows:
                flows[key] = _flow_by_city(*key)
            by_city = {city: values[metric] for city, values in flows[key].items()}
            area = sum(by_city.values(), ZERO)
        value = Decimal(fixed(metric, by_city.get(target.city, ZERO) if target.city else area))
        result.append(
            {
                "id": target.pk,
                "metric": metric,
                "city": target.city,
                "population": cities()[target.city].population if target.city in cities() else None,
                "target": fixed(metric, target.target_value),
                "baseline": None if target.baseline_value is None else fixed(metric, target.baseline_value),
                "starts_on": target.starts_on.isoformat(),
                "due_on": target.due_on.isoformat(),
                "note": target.note,
                "value": str(value),
                **assess(
                    metric=metric,
                    value=value,
                    target=target.target_value,
                    baseline=target.baseline_value,
                    starts_on=target.starts_on,
                    due_on=target.due_on,
                    today=today,
                ),
                "by_city": [] if target.city else _by_city_rows(metric, by_city),
            }
        )
    return result


def history_figures(totals: dict, patents: list[dict]) -> dict:
    """The few figures the history charts plot, kept in every snapshot (also once it is thinned out after
    `services.KEEP_DAYS`): invention patents per 10,000 residents by census city and for the whole area
    (key ""), valid trademarks, registry entries (admitted, matched or financed, ever), loans disbursed
    (ever) and their amount."""
    by_city, area = _stock_by_city(Metric.INVENTION_PER_10K, patents, [])
    ratios = {"": fixed(Metric.INVENTION_PER_10K, area)}
    ratios.update({city: fixed(Metric.INVENTION_PER_10K, value) for city, value in by_city.items()})
    return {
        Metric.INVENTION_PER_10K.value: ratios,
        Metric.VALID_TRADEMARKS.value: totals["valid_trademarks"],
        Metric.REGISTRY_ENTRIES.value: Demand.objects.filter(state__in=Demand.LISTED).count(),
        Metric.LOANS_FINANCED.value: totals["loans_disbursed_count"],
        Metric.AMOUNT_FINANCED.value: totals["loans_disbursed"],
    }
