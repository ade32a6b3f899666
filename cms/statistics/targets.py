"""The programme targets and the history charts of /statistics/, from the snapshots' figures, in the active
language. No database access: the view hands in the newest snapshot and the history rows."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from ipmarket.accounts.cities import city_label
from ipmarket.core.money import cny

from . import charts
from .models import COUNT_METRICS, Metric
from .progress import Status


def metric_text(metric: str, value: str | Decimal | int | None, *, whole_yuan: bool = False) -> str:
    """A figure as the page shows it: counts grouped by thousands, money in yuan, the ratio with 4 decimals."""
    if value is None:
        return "—"
    if metric == Metric.AMOUNT_FINANCED:
        return cny(Decimal(value), whole=whole_yuan)
    if metric in COUNT_METRICS:
        return f"{int(Decimal(value)):,}"
    return str(value)


def status_labels() -> dict[str, str]:
    return {
        Status.REACHED: _("Reached"),
        Status.ON_TRACK: _("On track"),
        Status.BEHIND: _("Behind schedule"),
        Status.MISSED: _("Not reached by the due date"),
    }


def _label(metric: str) -> str:
    try:
        return str(Metric(metric).label)
    except ValueError:
        return metric


def _where(city: str) -> str:
    return city_label(city) if city else _("All cities")


@dataclass(frozen=True)
class ProgressRow:
    id: int
    metric: str
    label: str
    where: str
    value: str
    target: str
    percent: str  # exact to 0.01, may exceed 100
    bar: str  # the same, capped at 100 for the progress bar
    expected: str
    starts_on: str
    due_on: str
    status: str
    status_label: str
    note: str
    by_city: list  # [(city label, value text)] for a target of the whole area


def progress_rows(figures: dict) -> list[ProgressRow]:
    labels = status_labels()
    rows = []
    for t in figures.get("targets", []):
        metric = t["metric"]
        rows.append(
            ProgressRow(
                id=t["id"],
                metric=metric,
                label=_label(metric),
                where=_where(t["city"]),
                value=metric_text(metric, t["value"]),
                target=metric_text(metric, t["target"]),
                percent=t["percent"],
                bar=str(min(Decimal(t["percent"]), Decimal(100))),
                expected=metric_text(metric, t["expected"]),
                starts_on=t["starts_on"],
                due_on=t["due_on"],
                status=t["status"],
                status_label=labels.get(t["status"], t["status"]),
                note=t["note"],
                by_city=[(city_label(r["city"]), metric_text(metric, r["value"])) for r in t["by_city"]],
            )
        )
    return rows


@dataclass(frozen=True)
class HistoryChart:
    slug: str
    title: str
    chart: SafeString | None
    rows: list  # [(date, value text)], newest first: the table alternative of the chart


def _series(history: list[tuple[date, dict]], read) -> list[charts.Point]:
    points = []
    for on, figures in history:
        value = read(figures)
        if value is not None:
            points.append((on, Decimal(value)))
    return points


def history_charts(history: list[tuple[date, dict]], figures: dict) -> list[HistoryChart]:
    """One line chart per key figure over the stored days: invention patents per 10,000 residents for each
    city an invention target names (the whole area if none does), valid trademarks, registry entries, loans
    disbursed and the amount. A stock figure's chart shows the target of the same city (the earliest due)."""
    targets = figures.get("targets", [])
    ratio_cities = sorted({t["city"] for t in targets if t["metric"] == Metric.INVENTION_PER_10K}) or [""]
    plotted = [(Metric.INVENTION_PER_10K.value, city) for city in ratio_cities]
    plotted += [
        (m.value, "")
        for m in (Metric.VALID_TRADEMARKS, Metric.REGISTRY_ENTRIES, Metric.LOANS_FINANCED, Metric.AMOUNT_FINANCED)
    ]
    result = []
    for metric, city in plotted:
        if metric == Metric.INVENTION_PER_10K:
            title = _("Invention patents per 10,000 residents: %(where)s") % {"where": _where(city)}

            def read(h, city=city):
                return (h.get(Metric.INVENTION_PER_10K.value) or {}).get(city)
        else:
            title = {
                Metric.VALID_TRADEMARKS: _("Valid trademarks (all cities)"),
                Metric.REGISTRY_ENTRIES: _("Enterprises admitted to the registry (all time)"),
                Metric.LOANS_FINANCED: _("Pledge loans disbursed (all time)"),
                Metric.AMOUNT_FINANCED: _("Amount financed (all time, CNY)"),
            }[metric]

            def read(h, metric=metric):
                return h.get(metric)

        raw = _series(history, read)
        points = [charts.Point(on, value, metric_text(metric, value, whole_yuan=True)) for on, value in raw]
        target = next(
            (t for t in targets if t["metric"] == metric and t["city"] == city and metric in _STOCK_CHARTED), None
        )
        slug = f"history-{metric.replace('_', '-')}" + (f"-{len(result)}" if city else "")
        result.append(
            HistoryChart(
                slug=slug,
                title=title,
                chart=charts.line_chart(
                    chart_id=f"chart-{slug}",
                    title=title,
                    points=points,
                    target=Decimal(target["target"]) if target else None,
                    target_text=(
                        _("target %(value)s by %(due)s")
                        % {"value": metric_text(metric, target["target"]), "due": target["due_on"]}
                        if target
                        else ""
                    ),
                ),
                rows=[(p.on, metric_text(metric, p.value)) for p in reversed(points)],
            )
        )
    return result


# Flow targets count within their period, not since the beginning: their line would not compare.
_STOCK_CHARTED = {Metric.INVENTION_PER_10K, Metric.VALID_TRADEMARKS}
