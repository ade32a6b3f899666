"""Reads of the financing-demand registry, filtered by the caller's organisations (docs/registry.md):

- an enterprise's members see their enterprise's demands in every state;
- platform people see every demand except drafts (a draft, and a demand withdrawn before it was ever
  submitted, is the enterprise's alone);
- a bank's members see only listed demands (admitted, matched, financed) shown to every bank or to their bank;
- anyone else sees none. A hidden demand answers 404.
"""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from ipmarket.accounts import policies
from ipmarket.accounts.models import Organisation

from .models import Demand, DemandBatch, DemandEvent, Interest


def _demands():
    return Demand.objects.select_related(
        "enterprise", "programme", "batch", "chosen_interest", "chosen_interest__bank", "application"
    ).prefetch_related("assets__patent", "assets__trademark", "banks")


def demands_visible_to(user) -> QuerySet[Demand]:
    qs = _demands()
    enterprise_ids = policies.organisation_ids(user, kinds=[Organisation.Kind.ENTERPRISE])
    own = Q(enterprise_id__in=enterprise_ids)
    if policies.is_platform_staff(user):
        ever_submitted = Exists(DemandEvent.objects.filter(demand=OuterRef("pk"), action="submit"))
        shown = ~Q(state=Demand.State.DRAFT) & (~Q(state=Demand.State.WITHDRAWN) | ever_submitted)
        return qs.filter(shown | own)
    bank_ids = policies.organisation_ids(user, kinds=[Organisation.Kind.BANK])
    if not enterprise_ids and not bank_ids:
        return qs.none()
    listed = Q(state__in=Demand.LISTED) & (Q(all_banks=True) | Q(banks__in=bank_ids)) if bank_ids else Q(pk__in=[])
    if bank_ids:
        # `banks__in` joins; filter on ids of the matching demands to keep one row per demand.
        listed_ids = Demand.objects.filter(listed).values("pk")
        return qs.filter(own | Q(pk__in=listed_ids))
    return qs.filter(own)


def demand_for(user, pk) -> Demand:
    """The demand if the person may see it, else 404 (also for a pk that is not a number)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("No such demand.") from None
    try:
        return demands_visible_to(user).get(pk=pk)
    except Demand.DoesNotExist:
        raise Http404("No such demand.") from None


def can_see_all_interests(user, demand) -> bool:
    """The demand's enterprise and platform people see every interest in it."""
    return policies.is_platform_staff(user) or demand.enterprise_id in policies.organisation_ids(user)


def interests_visible_to(user, demand) -> QuerySet[Interest]:
    """The interests in a demand the person may see: the enterprise and platform people all of them, a bank its
    own. The caller has already checked the person may see the demand (demand_for)."""
    qs = Interest.objects.filter(demand=demand).select_related("bank", "created_by")
    if can_see_all_interests(user, demand):
        return qs
    bank_ids = policies.organisation_ids(user, kinds=[Organisation.Kind.BANK])
    return qs.filter(bank_id__in=bank_ids)


def batches_visible_to(user) -> QuerySet[DemandBatch]:
    """Registry batches are the bureau's working lists: platform people only."""
    if not policies.is_platform_staff(user):
        return DemandBatch.objects.none()
    return (
        DemandBatch.objects.select_related("programme", "created_by")
        .annotate(
            demand_count=Count("demands", distinct=True),
            admitted_count=Count("demands", filter=Q(demands__state=Demand.State.ADMITTED), distinct=True),
            matched_count=Count("demands", filter=Q(demands__state=Demand.State.MATCHED), distinct=True),
            financed_count=Count("demands", filter=Q(demands__state=Demand.State.FINANCED), distinct=True),
        )
        .order_by("-year", "-number", "-id")
    )


def batch_for(user, pk) -> DemandBatch:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("No such batch.") from None
    try:
        return batches_visible_to(user).get(pk=pk)
    except DemandBatch.DoesNotExist:
        raise Http404("No such batch.") from None
