"""The tables of the statistics page, built from a snapshot's figures in the active language.

The page shows each table after its chart, and `/statistics/<slug>.csv` serves the same table: one
definition, so the chart, its table alternative and the download never disagree. No database access.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from financing.models import Application
from ipmarket.accounts.cities import city_label
from ipmarket.core.money import cny
from ipmarket.market.models import Deal, Listing

from . import charts


@dataclass(frozen=True)
class Cell:
    text: str  # as shown on the page
    raw: object  # as written to the CSV (numbers without grouping or currency sign)
    numeric: bool = False


@dataclass
class Table:
    slug: str
    title: str
    note: str
    columns: list[str]
    rows: list[list[Cell]]  # the first cell of a row is its header
    footer: list[Cell] | None = None
    chart: SafeString | None = None
    legend: SafeString | None = None
    empty: str = ""

    @property
    def csv_name(self) -> str:
        return f"{self.slug}.csv"

    def _labelled(self, row: list[Cell]) -> dict:
        # Each cell with its column's name: the stacked layout on phones shows it before the value.
        return {"header": row[0], "cells": list(zip(self.columns[1:], row[1:], strict=True))}

    @property
    def body(self) -> list[dict]:
        return [self._labelled(row) for row in self.rows]

    @property
    def foot(self) -> dict | None:
        return self._labelled(self.footer) if self.footer else None

    def csv_rows(self) -> list[list]:
        body = [[c.raw for c in row] for row in self.rows]
        if self.footer:
            body.append([c.raw for c in self.footer])
        return [self.columns, *body]


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _label(choices, code: str) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return code


def _int(n: int) -> Cell:
    return Cell(f"{n:,}", n, True)


def _money(amount: str) -> Cell:
    return Cell(cny(Decimal(amount)), amount, True)


def _percent(value: str | None) -> Cell:
    return Cell(f"{value}%" if value is not None else "—", value if value is not None else "", True)


def yuan(amount: Decimal) -> str:
    """Whole yuan for the labels of a chart (the table gives the cents)."""
    return cny(amount, whole=True)


def programme_name(programme: dict) -> str:
    return programme["name_en"] if _english() and programme.get("name_en") else programme["name"]


def patents_table(figures: dict) -> Table:
    rows, bars = [], []
    for r in figures["patents_by_city"]:
        city = city_label(r["city"])
        population = _int(r["population"]) if r["population"] else Cell("—", "", True)
        per_10k = Cell(r["per_10k"], r["per_10k"], True) if r["per_10k"] is not None else Cell("—", "", True)
        rows.append([Cell(city, city), population, _int(r["count"]), per_10k])
        if r["per_10k"] is not None:
            bars.append(charts.Bar(city, Decimal(r["per_10k"]), r["per_10k"]))
    title = _("Invention patents per 10,000 residents")
    return Table(
        slug="invention-patents-per-10k",
        title=title,
        note=_(
            "Granted invention patents in force (within their term, annual fees not lapsed), by the city of "
            "their owner, per 10,000 residents of the 2020 census."
        ),
        columns=[_("City"), _("Residents (2020 census)"), _("Invention patents in force"), _("Per 10,000 residents")],
        rows=rows,
        chart=charts.bar_chart(chart_id="chart-patents", title=title, bars=bars),
    )


def trademarks_table(figures: dict) -> Table:
    rows, bars = [], []
    for r in figures["trademarks_by_city"]:
        city = city_label(r["city"])
        rows.append([Cell(city, city), _int(r["count"])])
        bars.append(charts.Bar(city, r["count"], f"{r['count']:,}"))
    title = _("Valid trademarks by city")
    return Table(
        slug="valid-trademarks",
        title=title,
        note=_("Registered trademarks within their ten-year term, by the city of their owner."),
        columns=[_("City"), _("Valid trademarks")],
        rows=rows,
        chart=charts.bar_chart(chart_id="chart-trademarks", title=title, bars=bars) if bars else None,
        empty=_("No valid trademarks yet."),
    )


def _crosstab(*, slug, title, note, chart_id, items, row_choices, col_choices, row_key, col_key, empty) -> Table:
    """Counts by deal type (rows, every type) and status (columns, every status), with totals."""
    counts = {(r[row_key], r[col_key]): r["count"] for r in items}
    cols = list(col_choices.values)
    series = [_label(col_choices, c) for c in cols]
    rows, stacks = [], []
    col_totals = [0] * len(cols)
    for code in row_choices.values:
        values = [counts.get((code, c), 0) for c in cols]
        col_totals = [a + b for a, b in zip(col_totals, values, strict=True)]
        label = _label(row_choices, code)
        total = sum(values)
        rows.append([Cell(label, label), *(_int(v) for v in values), _int(total)])
        stacks.append(charts.Stack(label, values, f"{total:,}"))
    grand = sum(col_totals)
    return Table(
        slug=slug,
        title=title,
        note=note,
        columns=[_("Deal type"), *series, _("Total")],
        rows=rows,
        footer=[Cell(_("Total"), _("Total")), *(_int(v) for v in col_totals), _int(grand)],
        chart=charts.stacked_bar_chart(chart_id=chart_id, title=title, series=series, stacks=stacks) if grand else None,
        legend=charts.legend(series) if grand else None,
        empty=empty,
    )


def listings_table(figures: dict) -> Table:
    return _crosstab(
        slug="listings",
        title=_("Listings by deal type and status"),
        note=_("Every listing of a patent or trademark, drafts and closed ones included."),
        chart_id="chart-listings",
        items=figures["listings"],
        row_choices=Listing.DealType,
        col_choices=Listing.Status,
        row_key="deal_type",
        col_key="status",
        empty=_("No listings yet."),
    )


def deals_table(figures: dict) -> Table:
    return _crosstab(
        slug="deals",
        title=_("Deals by deal type and state"),
        note=_("Deals between a buyer and a seller, from negotiation to the payment released to the seller."),
        chart_id="chart-deals",
        items=figures["deals"],
        row_choices=Listing.DealType,
        col_choices=Deal.State,
        row_key="deal_type",
        col_key="state",
        empty=_("No deals yet."),
    )


def applications_table(figures: dict) -> Table:
    counts = {r["state"]: r["count"] for r in figures["applications"]}
    rows, bars = [], []
    for code in Application.State.values:  # in the order of the workflow
        if code in counts:
            label = _label(Application.State, code)
            rows.append([Cell(label, label), _int(counts[code])])
            bars.append(charts.Bar(label, counts[code], f"{counts[code]:,}"))
    total = sum(counts.values())
    title = _("Financing applications by state")
    return Table(
        slug="financing-applications",
        title=title,
        note=_("Pledge-loan applications submitted to a programme (drafts not counted), by their current state."),
        columns=[_("State"), _("Applications")],
        rows=rows,
        footer=[Cell(_("Total"), _("Total")), _int(total)] if rows else None,
        chart=charts.bar_chart(chart_id="chart-applications", title=title, bars=bars) if bars else None,
        empty=_("No applications yet."),
    )


def disbursed_table(figures: dict) -> Table:
    names = {p["slug"]: programme_name(p) for p in figures["programmes"]}
    rows, by_month = [], {}
    for r in figures["disbursed"]:
        name = names.get(r["programme"], r["programme"])
        rows.append([Cell(r["month"], r["month"]), Cell(name, name), _int(r["loans"]), _money(r["amount"])])
        by_month[r["month"]] = by_month.get(r["month"], Decimal(0)) + Decimal(r["amount"])
    title = _("Loans disbursed by month")
    totals = figures["totals"]
    bars = [charts.Bar(month, amount, yuan(amount)) for month, amount in by_month.items()]
    return Table(
        slug="loans-disbursed",
        title=title,
        note=_("The approved principal of pledge loans paid out by the banks, by month of disbursement (CNY)."),
        columns=[_("Month"), _("Programme"), _("Loans"), _("Amount disbursed (CNY)")],
        rows=rows,
        footer=[
            Cell(_("Total"), _("Total")),
            Cell("", ""),
            _int(totals["loans_disbursed_count"]),
            _money(totals["loans_disbursed"]),
        ]
        if rows
        else None,
        chart=charts.bar_chart(chart_id="chart-disbursed", title=title, bars=bars) if bars else None,
        empty=_("No loans disbursed yet."),
    )


def pool_table(figures: dict) -> Table:
    rows, gauges = [], []
    for p in figures["programmes"]:
        name = programme_name(p)
        rows.append(
            [
                Cell(name, name),
                _money(p["capacity"]),
                _money(p["exposure"]),
                _money(p["headroom"]),
                _percent(p["used_percent"]),
                _int(p["live_loans"]),
            ]
        )
        used = f" · {p['used_percent']}%" if p["used_percent"] is not None else ""
        text = f"{yuan(Decimal(p['exposure']))} / {yuan(Decimal(p['capacity']))}{used}"
        gauges.append(charts.Gauge(name, Decimal(p["exposure"]), Decimal(p["capacity"]), text))
    title = _("Risk fund pool: exposure against capacity")
    return Table(
        slug="fund-pool-exposure",
        title=title,
        note=_(
            "Exposure is the principal of live loans covered by the programme's risk-compensation pool; capacity "
            "is the money left in the pool (its balance, less the claims it paid, plus recoveries) times its "
            "leverage. The headroom is what new loans may still use."
        ),
        columns=[_("Programme"), _("Capacity"), _("Exposure"), _("Headroom"), _("Used"), _("Live loans")],
        rows=rows,
        chart=charts.gauge_chart(chart_id="chart-pool", title=title, gauges=gauges) if gauges else None,
        empty=_("No programmes yet."),
    )


BUILDERS: dict[str, Callable[[dict], Table]] = {
    "invention-patents-per-10k": patents_table,
    "valid-trademarks": trademarks_table,
    "listings": listings_table,
    "deals": deals_table,
    "financing-applications": applications_table,
    "loans-disbursed": disbursed_table,
    "fund-pool-exposure": pool_table,
}


def build_tables(figures: dict) -> list[Table]:
    return [build(figures) for build in BUILDERS.values()]
