"""The rows each index is built from, loaded with what the builders need (no query per document)."""

from django.db.models import Prefetch

from ipmarket.accounts.models import Organisation, Service
from ipmarket.assets.models import Patent, PatentClassification, Trademark
from ipmarket.market.models import Listing


def organisations():
    """Listed organisations (the public directory)."""
    return Organisation.objects.filter(is_active=True).prefetch_related(
        Prefetch("services", queryset=Service.objects.order_by("code"))
    )


def _listings():
    return Prefetch(
        "listings",
        queryset=Listing.objects.only(
            "id", "status", "deal_type", "price", "price_currency", "updated_at", "patent_id", "trademark_id"
        ),
    )


def patents():
    """Patents of listed owners: an unlisted organisation's IP is not public."""
    return (
        Patent.objects.filter(owner__is_active=True)
        .select_related("owner")
        .prefetch_related(
            Prefetch("classifications", queryset=PatentClassification.objects.order_by("position")), _listings()
        )
    )


def trademarks():
    """Trademarks of listed owners."""
    return Trademark.objects.filter(owner__is_active=True).select_related("owner").prefetch_related(_listings())
