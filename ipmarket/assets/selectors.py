"""Reads of patents and trademarks. Patent and trademark registers are public records, so every asset of a
listed organisation is visible; those of an unlisted one (`Organisation.is_active = False`) only to its
people (owner or co-owner) and platform people. Fields private to the owner are hidden by the serializers
(`is_owner_side`)."""

from django.db.models import Prefetch, Q, QuerySet

from ipmarket.accounts import policies
from ipmarket.core.limits import as_id

from .models import AssetEvent, Patent, PatentClassification, Trademark


def _listed_or_own(queryset, user) -> QuerySet:
    if policies.is_platform_staff(user):
        return queryset
    ids = policies.organisation_ids(user)
    if not ids:
        return queryset.filter(owner__is_active=True)
    co_owned = queryset.model.objects.filter(co_owners__in=ids).values("pk")
    return queryset.filter(Q(owner__is_active=True) | Q(owner_id__in=ids) | Q(pk__in=co_owned))


def patents_visible_to(user) -> QuerySet[Patent]:
    return (
        _listed_or_own(Patent.objects.all(), user)
        .select_related("owner")
        .prefetch_related(
            Prefetch("classifications", queryset=PatentClassification.objects.order_by("position")), "co_owners"
        )
    )


def trademarks_visible_to(user) -> QuerySet[Trademark]:
    return _listed_or_own(Trademark.objects.all(), user).select_related("owner").prefetch_related("co_owners")


def owned_by(queryset, organisation_ids) -> QuerySet:
    """Assets an organisation owns or co-owns."""
    return queryset.filter(Q(owner_id__in=organisation_ids) | Q(co_owners__in=organisation_ids)).distinct()


def is_owner_side(user, asset) -> bool:
    ids = policies.organisation_ids(user)
    return asset.owner_id in ids or any(o.pk in ids for o in asset.co_owners.all())


def may_see_register_history(user, asset) -> bool:
    """The owner side and platform people read an asset's register changes."""
    return policies.is_platform_staff(user) or is_owner_side(user, asset)


def events_of(asset) -> QuerySet[AssetEvent]:
    """The register changes of one asset, newest first."""
    return AssetEvent.objects.filter(**{asset.asset_type: asset}).select_related("by").order_by("-at", "-id")


def asset_visible_to(user, asset_type: str, pk) -> Patent | Trademark:
    """One asset by type and id (raises DoesNotExist when unknown). The id is an integer or a string of
    digits: not `true` (which Python reads as 1), not 1.5, nothing past the database's bigint."""
    qs = patents_visible_to(user) if asset_type == "patent" else trademarks_visible_to(user)
    if (pk := as_id(pk)) is None:
        raise qs.model.DoesNotExist
    return qs.get(pk=pk)
