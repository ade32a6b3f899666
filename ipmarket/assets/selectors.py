"""Reads of patents and trademarks. Patent and trademark registers are public records, so every
asset is visible; fields private to the owner are hidden by the serializers (`is_owner_side`)."""

from django.db.models import Prefetch, Q, QuerySet

from ipmarket.accounts import policies

from .models import Patent, PatentClassification, Trademark


def patents_visible_to(user) -> QuerySet[Patent]:
    return Patent.objects.select_related("owner").prefetch_related(
        Prefetch("classifications", queryset=PatentClassification.objects.order_by("position")), "co_owners"
    )


def trademarks_visible_to(user) -> QuerySet[Trademark]:
    return Trademark.objects.select_related("owner").prefetch_related("co_owners")


def owned_by(queryset, organisation_ids) -> QuerySet:
    """Assets an organisation owns or co-owns."""
    return queryset.filter(Q(owner_id__in=organisation_ids) | Q(co_owners__in=organisation_ids)).distinct()


def is_owner_side(user, asset) -> bool:
    ids = policies.organisation_ids(user)
    return asset.owner_id in ids or any(o.pk in ids for o in asset.co_owners.all())


def asset_visible_to(user, asset_type: str, pk) -> Patent | Trademark:
    """One asset by type and id (raises DoesNotExist when unknown)."""
    qs = patents_visible_to(user) if asset_type == "patent" else trademarks_visible_to(user)
    return qs.get(pk=pk)
