"""The marketplace's answer to "what holds this asset?" (ipmarket/assets/commitments.py)."""

from django.utils.translation import gettext as _

from ipmarket.assets.commitments import DEAL, LISTING, Commitment

from .models import Deal, Listing

ON_MARKET = (Listing.Status.PUBLISHED, Listing.Status.UNDER_NEGOTIATION)
# A deal in these states holds the asset for its buyer: the transfer or exclusive licence is agreed.
COMMITTED = (Deal.State.ACCEPTED, Deal.State.PAID)


def asset_commitments(asset) -> list[Commitment]:
    held = [
        Commitment(
            kind=LISTING,
            id=listing.pk,
            label=_("listing #%(id)s (%(type)s)") % {"id": listing.pk, "type": listing.get_deal_type_display()},
        )
        for listing in Listing.objects.filter(**{asset.asset_type: asset}, status__in=ON_MARKET).order_by("pk")
    ]
    deals = (
        Deal.objects.filter(**{f"listing__{asset.asset_type}": asset}, state__in=Deal.OPEN)
        .select_related("listing")
        .order_by("pk")
    )
    held += [
        Commitment(
            kind=DEAL,
            id=deal.pk,
            label=_("deal #%(id)s (%(type)s, %(state)s)")
            % {"id": deal.pk, "type": deal.listing.get_deal_type_display(), "state": deal.get_state_display()},
            holder_id=deal.buyer_id,
            transfer=deal.state in COMMITTED and deal.listing.is_single_buyer,
        )
        for deal in deals
    ]
    return held
