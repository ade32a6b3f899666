"""What the IP a demand offers could support: the credit estimate shown to the enterprise and to the banks
(docs/registry.md, "Search and pages").

The rule, per offered patent or trademark:

- its value is that of the latest valuation report covering it (latest value date, then latest report) that is
  still valid (`valid_until` ≥ today, `value_date` ≤ today) and whose appraiser is admitted to the demand
  programme's valuation panel today (`valid_from` ≤ today ≤ `valid_until` of a PanelAppraiser row);
- the value is the report's value for that asset (`ValuationReportAsset.value`), or the report's whole value
  when the report covers that asset alone; a report valuing several assets together without a split gives
  none of them a value;
- its part is the programme's loan-to-value cap for its kind (`Programme.ltv_for`: invention, utility model,
  design, trademark) × its value, rounded half up to the fen.

The estimate is min(programme maximum principal, Σ parts) over the valued assets. With every asset valued it is
`complete`; with some, `partial` (a lower bound: the unvalued assets would add to it); with none, there is no
estimate (`needs_valuation`).

`estimate()` and `asset_value()` are pure (tests/registry/test_estimate_cases.py); `estimates_for()` reads the
reports and panel admissions of many demands in a fixed number of queries.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.utils import timezone

CENT = Decimal("0.01")
COMPLETE, PARTIAL, NEEDS_VALUATION = "complete", "partial", "needs_valuation"
# Why an asset has no value.
NO_REPORT = "no_report"  # no valid report by a panel appraiser covers it
NO_SPLIT = "no_split"  # the latest valid report values several assets together, without this one's part


def round_fen(value: Decimal) -> Decimal:
    if not isinstance(value, Decimal):
        raise TypeError("amounts are Decimal")
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# --- the pure part ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    """A valuation report as the rule needs it."""

    id: int
    appraiser_id: int
    value: Decimal  # the report's whole value
    value_date: date
    valid_until: date
    asset_count: int  # how many assets the report covers
    reference: str = ""


@dataclass(frozen=True)
class Coverage:
    """A report covering one asset, with the asset's part of the value when the report gives it."""

    report: Report
    value: Decimal | None = None


@dataclass(frozen=True)
class Admission:
    """An appraiser's admission to the programme's panel."""

    appraiser_id: int
    valid_from: date
    valid_until: date


@dataclass(frozen=True)
class Valuation:
    value: Decimal | None
    report: Report | None
    reason: str = ""  # NO_REPORT or NO_SPLIT when value is None


def admitted(appraiser_id: int, panel: Iterable[Admission], today: date) -> bool:
    return any(a.appraiser_id == appraiser_id and a.valid_from <= today <= a.valid_until for a in panel)


def asset_value(coverages: Iterable[Coverage], *, panel: Iterable[Admission], today: date) -> Valuation:
    """The value of one asset under the rule above."""
    panel = list(panel)
    valid = [
        c
        for c in coverages
        if c.report.value_date <= today <= c.report.valid_until and admitted(c.report.appraiser_id, panel, today)
    ]
    if not valid:
        return Valuation(None, None, NO_REPORT)
    latest = max(valid, key=lambda c: (c.report.value_date, c.report.id))
    if latest.value is not None:
        return Valuation(latest.value, latest.report)
    if latest.report.asset_count == 1:
        return Valuation(latest.report.value, latest.report)
    return Valuation(None, latest.report, NO_SPLIT)


@dataclass(frozen=True)
class Item:
    """One offered asset: `key` names it for the caller, `kind` is the programme's cap key."""

    key: object
    kind: str
    valuation: Valuation


@dataclass(frozen=True)
class Line:
    key: object
    kind: str
    cap: Decimal
    value: Decimal | None
    part: Decimal | None  # cap × value, to the fen
    report: Report | None
    reason: str


@dataclass(frozen=True)
class Estimate:
    status: str  # COMPLETE, PARTIAL or NEEDS_VALUATION
    amount: Decimal | None  # min(programme maximum, Σ parts); None when nothing is valued
    total: Decimal  # Σ parts, before the programme maximum
    max_principal: Decimal
    capped: bool  # the programme maximum is the binding limit
    lines: list[Line] = field(default_factory=list)

    @property
    def missing(self) -> list[Line]:
        return [line for line in self.lines if line.value is None]

    @property
    def valued(self) -> list[Line]:
        return [line for line in self.lines if line.value is not None]

    def covers(self, amount: Decimal) -> bool:
        """Whether the estimate reaches the amount sought."""
        return self.amount is not None and self.amount >= amount


def estimate(*, max_principal: Decimal, caps: Callable[[str], Decimal], items: Sequence[Item]) -> Estimate:
    """min(max_principal, Σ caps(kind) × value) over the valued items, each part rounded half up to the fen."""
    lines = []
    for item in items:
        cap = caps(item.kind)
        value = item.valuation.value
        part = round_fen(cap * value) if value is not None else None
        lines.append(Line(item.key, item.kind, cap, value, part, item.valuation.report, item.valuation.reason))
    parts = [line.part for line in lines if line.part is not None]
    total = sum(parts, Decimal("0.00"))
    if not parts:
        return Estimate(NEEDS_VALUATION, None, total, max_principal, False, lines)
    status = COMPLETE if len(parts) == len(lines) else PARTIAL
    return Estimate(status, min(max_principal, total), total, max_principal, total > max_principal, lines)


# --- from the database ------------------------------------------------------------------------------


def _asset_ref(obj) -> tuple[str, int]:
    return ("patent", obj.patent_id) if obj.patent_id else ("trademark", obj.trademark_id)


def estimates_for(demands: Sequence, *, today: date | None = None) -> dict[int, Estimate]:
    """The estimate of each demand, by pk. The demands come with their programme and assets (the selectors'
    `select_related("programme")` and `prefetch_related("assets__patent", "assets__trademark")`); the reports
    and panel admissions of all of them are read in three queries, whatever their number."""
    from financing.models import PanelAppraiser, ValuationReportAsset

    today = today or timezone.localdate()
    demands = list(demands)
    if not demands:
        return {}
    assets = {demand.pk: list(demand.assets.all()) for demand in demands}
    patents = {a.patent_id for items in assets.values() for a in items if a.patent_id}
    marks = {a.trademark_id for items in assets.values() for a in items if a.trademark_id}
    coverages: dict[tuple[str, int], list[Coverage]] = defaultdict(list)
    if patents or marks:
        rows = (
            ValuationReportAsset.objects.filter(Q(patent_id__in=patents) | Q(trademark_id__in=marks))
            .filter(report__valid_until__gte=today, report__value_date__lte=today)
            .select_related("report")
            .annotate(asset_count=Count("report__assets"))
        )
        for row in rows:
            r = row.report
            report = Report(
                r.pk, r.appraiser_id, r.value.amount, r.value_date, r.valid_until, row.asset_count, r.reference
            )
            coverages[_asset_ref(row)].append(Coverage(report, row.value))
    programme_ids = {demand.programme_id for demand in demands}
    panels: dict[int, list[Admission]] = defaultdict(list)
    for p in PanelAppraiser.objects.filter(
        programme_id__in=programme_ids, valid_from__lte=today, valid_until__gte=today
    ):
        panels[p.programme_id].append(Admission(p.appraiser_id, p.valid_from, p.valid_until))
    result = {}
    for demand in demands:
        programme = demand.programme
        items = [
            Item(
                asset,
                asset.kind,
                asset_value(coverages.get(_asset_ref(asset), []), panel=panels[programme.pk], today=today),
            )
            for asset in assets[demand.pk]
        ]
        result[demand.pk] = estimate(max_principal=programme.max_principal.amount, caps=programme.ltv_for, items=items)
    return result


def estimate_for(demand, *, today: date | None = None) -> Estimate:
    return estimates_for([demand], today=today)[demand.pk]
