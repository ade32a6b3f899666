"""The risk-compensation pool of a programme: the one place its figures are computed.

- money left = balance − fund shares paid on settled claims + fund parts of recoveries;
- capacity = max(money left, 0) × leverage: what the pool may cover, with the money actually in it;
- exposure = covered principal of the live loans (filed until the claim is settled);
- headroom = capacity − exposure: what new filings may still use (≤ 0: the pool is full).

The fund_file guard, the claim split, the fund's dashboard, the programme API's `pool`, the nightly
snapshot and the statistics all read these functions.
"""

from decimal import Decimal

from django.db.models import Count, DecimalField, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from .models import Application, Claim, Programme, Recovery

ZERO = Decimal("0")
CENT = Decimal("0.01")


def claims_paid(programme: Programme) -> Decimal:
    """What the fund paid on settled claims."""
    paid = Claim.objects.filter(application__programme=programme, settled_at__isnull=False).aggregate(
        total=Sum("fund_share")
    )["total"]
    return paid or ZERO


def recovered(programme: Programme) -> Decimal:
    """What came back to the fund from recoveries."""
    total = Recovery.objects.filter(application__programme=programme).aggregate(total=Sum("fund_part"))["total"]
    return total or ZERO


def money_left(programme: Programme) -> Decimal:
    """The money actually in the pool: its balance, less what the fund paid, plus what it recovered."""
    return programme.pool_balance.amount - claims_paid(programme) + recovered(programme)


def capacity(programme: Programme, *, left: Decimal | None = None) -> Decimal:
    """The principal the pool may cover: the money left (never below zero) times the leverage."""
    left = money_left(programme) if left is None else left
    return (max(left, ZERO) * programme.pool_leverage).quantize(CENT)


def exposure(programme: Programme) -> Decimal:
    """Covered principal of all live loans in the pool."""
    total = Application.objects.filter(programme=programme, state__in=Application.LIVE).aggregate(
        total=Sum("covered_principal")
    )["total"]
    return total or ZERO


def headroom(programme: Programme) -> Decimal:
    """What new filings may still use: capacity − exposure (zero or less when the pool is full)."""
    return capacity(programme) - exposure(programme)


def _per_programme(queryset, key: str, value):
    """A subquery: `value` summed (or counted) over the rows of `queryset`, grouped by their programme."""
    return Subquery(queryset.values(key).annotate(total=value).values("total")[:1])


def with_standing(programmes: QuerySet[Programme]) -> QuerySet[Programme]:
    """The programmes with what `standing()` reads from other tables, in the one query that lists them (a
    list of programmes then costs no query per programme)."""
    amount = DecimalField(max_digits=16, decimal_places=2)
    live = Application.objects.filter(programme=OuterRef("pk"), state__in=Application.LIVE)
    settled = Claim.objects.filter(application__programme=OuterRef("pk"), settled_at__isnull=False)
    recoveries = Recovery.objects.filter(application__programme=OuterRef("pk"))
    by_app = "application__programme"
    return programmes.annotate(
        pool_claims_paid=Coalesce(_per_programme(settled, by_app, Sum("fund_share")), Value(ZERO), output_field=amount),
        pool_recovered=Coalesce(_per_programme(recoveries, by_app, Sum("fund_part")), Value(ZERO), output_field=amount),
        pool_exposure=Coalesce(
            _per_programme(live, "programme", Sum("covered_principal")), Value(ZERO), output_field=amount
        ),
        pool_live_loans=Coalesce(_per_programme(live, "programme", Count("pk")), Value(0), output_field=IntegerField()),
    )


def standing(programme: Programme) -> dict[str, Decimal | int]:
    """Every figure of the pool at once (the dashboard, the API, the snapshot, the statistics); read from
    `with_standing()`'s annotations when the programme came with them."""
    if hasattr(programme, "pool_exposure"):
        paid, back = programme.pool_claims_paid, programme.pool_recovered
        used, live_loans = programme.pool_exposure, programme.pool_live_loans
    else:
        paid, back = claims_paid(programme), recovered(programme)
        used = exposure(programme)
        live_loans = Application.objects.filter(programme=programme, state__in=Application.LIVE).count()
    left = programme.pool_balance.amount - paid + back
    cap = capacity(programme, left=left)
    return {
        "balance": programme.pool_balance.amount,
        "capacity": cap,
        "exposure": used,
        "headroom": cap - used,
        "claims_paid": paid,
        "recovered": back,
        "available": left,
        "live_loans": live_loans,
    }
