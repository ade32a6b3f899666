"""Named rules of the marketplace (DOMAIN.md §3). Each returns a GuardFailed (code + reason)
or None, so the API answers 400 with the code and pages grey out a button with the reason."""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext as _

from ipmarket.accounts import policies
from ipmarket.assets import rules
from ipmarket.assets.services import pledgee_consent_recorded
from ipmarket.errors import GuardFailed

from .models import Deal, Listing

DealType = Listing.DealType
EXCLUSIVE_KINDS = (DealType.EXCLUSIVE_LICENSE, DealType.SOLE_LICENSE)


def is_enforcement_sale(listing: Listing) -> bool:
    """The pledgee bank sells a pledge whose loan defaulted (a sale, never a transfer to the lender)."""
    asset = listing.asset
    return bool(asset.pledged and asset.pledge_enforceable and listing.seller_id == asset.pledged_to_id)


def _asset_filter(asset) -> dict:
    return {asset.asset_type: asset}


def exclusive_licence_in_force(asset, today: date) -> bool:
    """An exclusive or sole licence of the asset was granted (recorded) and its term has not ended."""
    deals = Deal.objects.filter(
        **{f"listing__{asset.asset_type}": asset},
        listing__deal_type__in=EXCLUSIVE_KINDS,
        state__in=[Deal.State.RECORDED, Deal.State.RELEASED],
    ).select_related("listing")
    for deal in deals:
        term = deal.listing.term_months
        if term is None or deal.recorded_at.date() + relativedelta(months=term) > today:
            return True
    return False


def _active_listings(asset, deal_types, exclude_pk=None):
    qs = Listing.objects.filter(
        **_asset_filter(asset),
        deal_type__in=deal_types,
        status__in=[Listing.Status.PUBLISHED, Listing.Status.UNDER_NEGOTIATION],
    )
    return qs.exclude(pk=exclude_pk) if exclude_pk else qs


def listing_refusal(listing: Listing, today: date) -> GuardFailed | None:
    """Why this listing may not be offered (now), or None."""
    asset = listing.asset
    enforcement = is_enforcement_sale(listing)
    if listing.seller_id != asset.owner_id and not enforcement:
        return GuardFailed("not_owner", _("Only the registered owner lists an asset."))
    if enforcement and listing.deal_type != DealType.ASSIGNMENT:
        return GuardFailed(
            "enforcement_sale_only", _("A pledgee bank disposes of a defaulted pledge by selling it (assignment).")
        )
    if asset.ownership_disputed:
        return GuardFailed("ownership_disputed", _("The ownership of this asset is under dispute."))
    if asset.asset_type == "patent" and not rules.patent_in_force(asset, today):
        return GuardFailed(
            "asset_not_in_force", _("Only a granted patent in force (term not ended, fees not lapsed) can be listed.")
        )
    if asset.asset_type == "trademark" and not rules.trademark_in_force(asset, today):
        return GuardFailed("asset_not_in_force", _("Only a registered trademark in force can be listed."))
    if asset.pledged and not enforcement and not pledgee_consent_recorded(asset):
        return GuardFailed(
            "pledged_without_consent",
            _("This asset is pledged: it can be assigned or licensed only with the pledgee bank's recorded consent."),
        )
    if listing.deal_type == DealType.OPEN_LICENSE:
        if asset.asset_type != "patent":
            return GuardFailed("open_licence_patents_only", _("Open licences are declared for patents only."))
        if rules.fees_unpaid(asset, today):
            return GuardFailed(
                "annual_fees_unpaid", _("An open licence cannot be declared while annual fees are unpaid.")
            )
        if exclusive_licence_in_force(asset, today) or _active_listings(asset, EXCLUSIVE_KINDS).exists():
            return GuardFailed(
                "exclusive_licence_exists",
                _("An open licence cannot coexist with an exclusive or sole licence of the same patent."),
            )
        if not listing.term_months or not listing.payment_terms.strip():
            return GuardFailed(
                "open_licence_declaration_incomplete",
                _("An open licence declaration states the licence term and how the fee is paid."),
            )
    if listing.deal_type in EXCLUSIVE_KINDS:
        if _active_listings(asset, [DealType.OPEN_LICENSE]).exists():
            return GuardFailed(
                "open_licence_exists", _("This patent is under an open licence: no exclusive or sole licence.")
            )
        if exclusive_licence_in_force(asset, today):
            return GuardFailed(
                "exclusive_licence_exists", _("An exclusive or sole licence of this asset is already in force.")
            )
    if _active_listings(asset, [listing.deal_type], exclude_pk=listing.pk).exists():
        return GuardFailed("duplicate_listing", _("This asset already has an active listing of this deal type."))
    return None


def seller_refusal(user, listing: Listing) -> GuardFailed | None:
    if not policies.is_member(user, listing.seller):
        return GuardFailed("not_seller", _("Only the seller's people do this."))
    return None


def buyer_refusal(user, deal: Deal) -> GuardFailed | None:
    if not policies.is_member(user, deal.buyer):
        return GuardFailed("not_buyer", _("Only the buyer's people do this."))
    return None


def accept_refusal(deal: Deal, today: date) -> GuardFailed | None:
    listing = deal.listing
    if listing.status != Listing.Status.PUBLISHED:
        return GuardFailed("listing_not_open", _("The listing is not open: another buyer's deal may be in progress."))
    return listing_refusal(listing, today)


def withdraw_refusal(listing: Listing) -> GuardFailed | None:
    """An agreed or paid deal must end before its listing is withdrawn."""
    if listing.deals.filter(state__in=[Deal.State.ACCEPTED, Deal.State.PAID, Deal.State.RECORDED]).exists():
        return GuardFailed(
            "deal_in_progress", _("A deal on this listing is agreed or paid: finish or cancel it first.")
        )
    return None


def cancel_refusal(user, deal: Deal) -> GuardFailed | None:
    ids = policies.organisation_ids(user)
    if not (deal.buyer_id in ids or deal.seller_id in ids or policies.is_platform_staff(user)):
        return GuardFailed("not_party", _("Only the buyer, the seller or the platform cancels a deal."))
    return None


def release_refusal(user, deal: Deal) -> GuardFailed | None:
    if not (policies.is_member(user, deal.buyer) or policies.is_platform_staff(user)):
        return GuardFailed("not_buyer", _("The buyer or the platform confirms the recordal and releases the payment."))
    return None
