"""Reads of the statistics app. The page and the home page read the stored snapshot only, never the
live tables (one query)."""

from decimal import Decimal

from .compute import VERSION
from .models import StatisticsSnapshot
from .tables import programme_name


def latest_snapshot() -> StatisticsSnapshot | None:
    """The newest snapshot in the current format, or None before the first refresh."""
    snapshot = StatisticsSnapshot.objects.order_by("-computed_at", "-id").first()
    if snapshot is None or snapshot.figures.get("version") != VERSION:
        return None
    return snapshot


def latest_figures() -> dict | None:
    """The headline figures for the home page, or None before the first refresh.

    Keys: computed_at (datetime), organisations, invention_patents (in force), valid_trademarks,
    published_listings (on offer: published or under negotiation), deals_completed (payment released),
    applications (drafts not counted), loans_disbursed (Decimal, CNY), loans_disbursed_count, and programmes:
    [{slug, name (in the active language), exposure, capacity (Decimal), used_percent (Decimal or None)}]."""
    snapshot = latest_snapshot()
    if snapshot is None:
        return None
    totals = snapshot.figures["totals"]
    return {
        "computed_at": snapshot.computed_at,
        "organisations": totals["organisations"],
        "invention_patents": totals["invention_patents"],
        "valid_trademarks": totals["valid_trademarks"],
        "published_listings": totals["published_listings"],
        "deals_completed": totals["deals_completed"],
        "applications": totals["applications"],
        "loans_disbursed": Decimal(totals["loans_disbursed"]),
        "loans_disbursed_count": totals["loans_disbursed_count"],
        "programmes": [
            {
                "slug": p["slug"],
                "name": programme_name(p),
                "exposure": Decimal(p["exposure"]),
                "capacity": Decimal(p["capacity"]),
                "used_percent": Decimal(p["used_percent"]) if p["used_percent"] is not None else None,
            }
            for p in snapshot.figures["programmes"]
        ],
    }


def history() -> list[tuple]:
    """[(day, figures of the history charts)] of every stored day that has them, oldest first (one query
    reading only that part of each snapshot)."""
    rows = (
        StatisticsSnapshot.objects.filter(figures__has_key="history")
        .order_by("on")
        .values_list("on", "figures__history")
    )
    return [(on, figures) for on, figures in rows if isinstance(figures, dict)]
