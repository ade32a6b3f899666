"""The public figures, each table from one aggregate query (`values().annotate()`), never a loop over rows.

Every function returns plain JSON-ready data: codes (not labels, so the page shows them in either
language), counts as ints, money and ratios as decimal strings. `compute_figures()` puts them together;
`services.statistics_refresh()` stores the result.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from financing.models import Application, Programme
from financing.services import pool_standing
from ipmarket.accounts.cities import cities
from ipmarket.accounts.models import Organisation
from ipmarket.assets.models import Patent, Trademark
from ipmarket.market.models import Deal, Listing

from .progress import history_figures, targets_progress

# Bumped when the shape of `figures` changes; the page ignores a snapshot of another version.
VERSION = 2  # 2: programme targets (`targets`) and the figures of the history charts (`history`)
CENT = Decimal("0.01")
PER_10K_STEP = Decimal("0.0001")
PERCENT_STEP = Decimal("0.1")
ZERO = Decimal("0")


def _money(amount) -> str:
    return str((amount or ZERO).quantize(CENT, rounding=ROUND_HALF_UP))


def invention_patents_in_force(today: date):
    """Granted invention patents not past their term whose annual fees have not lapsed (rules.patent_in_force)."""
    return Patent.objects.in_force(today).filter(patent_type=Patent.Type.INVENTION)


def trademarks_in_force(today: date):
    """Registered trademarks up to their expiry date (rules.trademark_in_force)."""
    return Trademark.objects.in_force(today)


def patents_by_city(today: date) -> list[dict]:
    """Invention patents in force per 10,000 residents of the owner's city (2020 census).

    Every city of the census file is listed (with 0 if it has none); a city not in the file is listed
    with its count and no ratio. Sorted by ratio, then count, highest first."""
    counts = dict(
        invention_patents_in_force(today)
        .order_by()
        .values("owner__city")
        .annotate(n=Count("id"))
        .values_list("owner__city", "n")
    )
    rows = []
    for name, city in cities().items():
        n = counts.pop(name, 0)
        per_10k = (Decimal(n) * 10000 / Decimal(city.population)).quantize(PER_10K_STEP, rounding=ROUND_HALF_UP)
        rows.append({"city": name, "population": city.population, "count": n, "per_10k": str(per_10k)})
    for name, n in counts.items():
        rows.append({"city": name, "population": None, "count": n, "per_10k": None})
    rows.sort(key=lambda r: (Decimal(r["per_10k"] or "-1"), r["count"], r["city"]), reverse=True)
    return rows


def trademarks_by_city(today: date) -> list[dict]:
    """Valid trademarks (registered, in force) by the owner's city, most first."""
    rows = (
        trademarks_in_force(today)
        .values("owner__city")
        .annotate(n=Count("id"))
        .order_by("-n", "owner__city")
        .values_list("owner__city", "n")
    )
    return [{"city": city, "count": n} for city, n in rows]


def listings_by_type_and_status() -> list[dict]:
    rows = Listing.objects.values("deal_type", "status").annotate(n=Count("id")).order_by("deal_type", "status")
    return [{"deal_type": r["deal_type"], "status": r["status"], "count": r["n"]} for r in rows]


def deals_by_type_and_state() -> list[dict]:
    rows = (
        Deal.objects.values("listing__deal_type", "state")
        .annotate(n=Count("id"))
        .order_by("listing__deal_type", "state")
    )
    return [{"deal_type": r["listing__deal_type"], "state": r["state"], "count": r["n"]} for r in rows]


def applications_by_state() -> list[dict]:
    """Pledge-loan applications by state; drafts are the enterprise's own business and are not counted."""
    rows = (
        Application.objects.exclude(state=Application.State.DRAFT)
        .values("state")
        .annotate(n=Count("id"))
        .order_by("state")
    )
    return [{"state": r["state"], "count": r["n"]} for r in rows]


def disbursed_by_month() -> list[dict]:
    """Loans paid out: the approved principal of every application with a disbursement date, by programme
    and month of disbursement (whatever happened to the loan since)."""
    rows = (
        Application.objects.filter(disbursed_on__isnull=False, approved_principal__isnull=False)
        .annotate(month=TruncMonth("disbursed_on"))
        .values("programme__slug", "month")
        .annotate(loans=Count("id"), amount=Sum("approved_principal"))
        .order_by("month", "programme__slug")
    )
    return [
        {
            "month": r["month"].strftime("%Y-%m"),
            "programme": r["programme__slug"],
            "loans": r["loans"],
            "amount": _money(r["amount"]),
        }
        for r in rows
    ]


def programmes_standing() -> list[dict]:
    """Each programme's fund pool: exposure (covered principal of live loans) against its capacity
    (money left in the pool × leverage), from financing's own `pool_standing`."""
    result = []
    for programme in Programme.objects.order_by("name", "id"):
        standing = pool_standing(programme)
        capacity, exposure = standing["capacity"], standing["exposure"]
        used = (exposure * 100 / capacity).quantize(PERCENT_STEP, rounding=ROUND_HALF_UP) if capacity else None
        result.append(
            {
                "slug": programme.slug,
                "name": programme.name,
                "name_en": programme.name_en,
                "capacity": _money(capacity),
                "exposure": _money(exposure),
                "headroom": _money(standing["headroom"]),
                "available": _money(standing["available"]),
                "live_loans": standing["live_loans"],
                "used_percent": None if used is None else str(used),
            }
        )
    return result


def compute_figures(today: date) -> dict:
    """Every table of the statistics page and the headline totals, as JSON-ready data."""
    patents = patents_by_city(today)
    trademarks = trademarks_by_city(today)
    listings = listings_by_type_and_status()
    deals = deals_by_type_and_state()
    applications = applications_by_state()
    disbursed = disbursed_by_month()
    programmes = programmes_standing()
    on_offer = {Listing.Status.PUBLISHED, Listing.Status.UNDER_NEGOTIATION}
    totals = {
        "organisations": Organisation.objects.filter(is_active=True).count(),
        "invention_patents": sum(r["count"] for r in patents),
        "valid_trademarks": sum(r["count"] for r in trademarks),
        "published_listings": sum(r["count"] for r in listings if r["status"] in on_offer),
        "deals_completed": sum(r["count"] for r in deals if r["state"] == Deal.State.RELEASED),
        "applications": sum(r["count"] for r in applications),
        "loans_disbursed": _money(sum((Decimal(r["amount"]) for r in disbursed), ZERO)),
        "loans_disbursed_count": sum(r["loans"] for r in disbursed),
    }
    return {
        "version": VERSION,
        "as_of": today.isoformat(),
        "totals": totals,
        "patents_by_city": patents,
        "trademarks_by_city": trademarks,
        "listings": listings,
        "deals": deals,
        "applications": applications,
        "disbursed": disbursed,
        "programmes": programmes,
        "targets": targets_progress(today, patents=patents, trademarks=trademarks),
        "history": history_figures(totals, patents),
    }
