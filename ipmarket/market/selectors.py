"""Reads of listings and deals, filtered by what the caller may see."""

from django.db.models import Prefetch, Q, QuerySet

from ipmarket.accounts import policies

from .models import Deal, Listing, Message


def listings_visible_to(user) -> QuerySet[Listing]:
    """Published, under-negotiation and closed listings of listed sellers are public; drafts and withdrawn
    ones, and every listing of an unlisted (inactive) seller, belong to the seller's people. Platform people
    also see withdrawn listings and unlisted sellers' (moderation), never another organisation's drafts."""
    qs = Listing.objects.select_related("seller", "patent", "trademark")
    own = Q(seller_id__in=policies.organisation_ids(user))
    if policies.is_platform_staff(user):
        qs = qs.filter(~Q(status=Listing.Status.DRAFT) | own)
    else:
        qs = qs.filter(Q(status__in=Listing.PUBLIC, seller__is_active=True) | own)
    return qs.order_by("-published_at", "-id")


def deals_visible_to(user) -> QuerySet[Deal]:
    """A deal is seen by its buyer's and seller's people, and by platform people."""
    qs = Deal.objects.select_related(
        "listing", "listing__patent", "listing__trademark", "buyer", "seller"
    ).prefetch_related(Prefetch("messages", queryset=Message.objects.select_related("author")))
    if policies.is_platform_staff(user):
        return qs
    ids = policies.organisation_ids(user)
    return qs.filter(Q(buyer_id__in=ids) | Q(seller_id__in=ids))


def asset_page_listings(request, asset) -> dict:
    """The page of a patent or trademark lists its active listings (drafts only for the seller's people);
    registered with ipmarket/assets/pages.py."""
    lookup = {asset._meta.model_name: asset}
    return {"listings": list(listings_visible_to(request.user).filter(**lookup, status__in=Listing.ACTIVE))}
