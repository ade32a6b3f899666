"""Named rules of the marketplace (docs/market.md). Each returns a GuardFailed (code + reason)
or None, so the API answers 400 with the code and pages grey out a button with the reason."""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.utils import timezone
from django.utils.translation import gettext as _

from ipmarket.accounts import policies
from ipmarket.assets import commitments, rules
from ipmarket.assets.services import pledgee_consent_recorded
from ipmarket.core.errors import GuardFailed, RoleRefused

from .models import Deal, Listing

DealType = Listing.DealType
EXCLUSIVE_KINDS = (DealType.EXCLUSIVE_LICENSE, DealType.SOLE_LICENSE)


def is_enforcement_sale(listing: Listing) -> bool:
    """The pledgee bank sells a pledge whose loan defaulted (a sale, never a transfer to the lender)."""
    asset = listing.asset
    return bool(asset.pledged and asset.pledge_enforceable and listing.seller_id == asset.pledged_to_id)


def _asset_filter(asset) -> dict:
    return {asset.asset_type: asset}


# Territories written for the whole country: a licence there overlaps a licence anywhere.
WHOLE_COUNTRY = {
    "",
    "中国",
    "中国大陆",
    "全国",
    "中华人民共和国",
    "中国境内",
    "中国大陆地区",
    "china",
    "mainlandchina",
    "prc",
}


def _territory_key(territory: str) -> str:
    return "".join((territory or "").split()).lower()


def territories_overlap(a: str, b: str) -> bool:
    """Two licence territories overlap when either is the whole country or one names a part of the other
    (四川省 and 四川省成都市); different places (成都市, 绵阳市) do not."""
    a, b = _territory_key(a), _territory_key(b)
    return a in WHOLE_COUNTRY or b in WHOLE_COUNTRY or a in b or b in a


def _licence_ended(deal: Deal, today: date) -> bool:
    """A recorded licence's term, counted from the local day of its recordal (today is a local date too)."""
    term = deal.listing.term_months
    return term is not None and timezone.localdate(deal.recorded_at) + relativedelta(months=term) <= today


def rights_held(asset, today: date, *, deal: Deal | None = None) -> list[Deal]:
    """Deals that grant rights in the asset now or are about to: agreed or paid (not yet recorded), and
    recorded licences whose term has not ended. A recorded assignment is history: the owner changed.
    Seen from `deal` (left out): a deal agreed after it comes second, so it does not count against it."""
    deals = Deal.objects.filter(
        **{f"listing__{asset.asset_type}": asset},
        state__in=[Deal.State.ACCEPTED, Deal.State.PAID, Deal.State.RECORDED, Deal.State.RELEASED],
    ).select_related("listing")
    if deal is not None:
        deals = deals.exclude(pk=deal.pk)
        if deal.accepted_at is not None:
            deals = deals.exclude(state__in=[Deal.State.ACCEPTED, Deal.State.PAID], accepted_at__gt=deal.accepted_at)
    held = []
    for other in deals.order_by("pk"):
        if other.state in (Deal.State.RECORDED, Deal.State.RELEASED) and (
            other.listing.deal_type == DealType.ASSIGNMENT or _licence_ended(other, today)
        ):
            continue
        held.append(other)
    return held


def licence_refusal(asset, deal_type: str, territory: str, today: date, *, deal=None) -> GuardFailed | None:
    """One exclusive licence: at most one exclusive or sole licence in force per asset for an overlapping
    territory and period, none beside an agreed assignment, an open licence, or other licensees in the
    territory (an exclusive or sole licence excludes them). Periods overlap whenever the other licence has
    not ended, since a new one starts at its recordal."""
    for other in rights_held(asset, today, deal=deal):
        other_type = other.listing.deal_type
        overlap = territories_overlap(territory, other.listing.territory)
        if deal_type in EXCLUSIVE_KINDS:
            if other_type == DealType.ASSIGNMENT:
                return GuardFailed(
                    "assignment_in_progress",
                    _("An assignment of this asset is agreed (deal #%(deal)s): no exclusive or sole licence.")
                    % {"deal": other.pk},
                )
            if other_type == DealType.OPEN_LICENSE:
                return GuardFailed(
                    "open_licence_exists", _("This patent is under an open licence: no exclusive or sole licence.")
                )
            if other_type in EXCLUSIVE_KINDS and overlap:
                return GuardFailed(
                    "exclusive_licence_exists",
                    _(
                        "An exclusive or sole licence of this asset for an overlapping territory is already granted "
                        "or agreed (deal #%(deal)s)."
                    )
                    % {"deal": other.pk},
                )
            if overlap:
                return GuardFailed(
                    "licence_exists",
                    _(
                        "Another licence of this asset in an overlapping territory is granted or agreed (deal "
                        "#%(deal)s): an exclusive or sole licence would exclude it."
                    )
                    % {"deal": other.pk},
                )
        elif deal_type == DealType.ASSIGNMENT:
            if other.state in (Deal.State.ACCEPTED, Deal.State.PAID) and (
                other_type in EXCLUSIVE_KINDS or other_type == DealType.ASSIGNMENT
            ):
                return GuardFailed(
                    "deal_in_progress",
                    _("Another deal committing this asset is agreed (deal #%(deal)s): finish or cancel it first.")
                    % {"deal": other.pk},
                )
        elif other_type in EXCLUSIVE_KINDS and (overlap or deal_type == DealType.OPEN_LICENSE):
            return GuardFailed(
                "exclusive_licence_exists",
                _(
                    "An exclusive or sole licence of this asset for an overlapping territory is granted or agreed "
                    "(deal #%(deal)s): no other licence."
                )
                % {"deal": other.pk},
            )
    return None


def _active_listings(asset, deal_types, exclude_pk=None):
    qs = Listing.objects.filter(
        **_asset_filter(asset),
        deal_type__in=deal_types,
        status__in=[Listing.Status.PUBLISHED, Listing.Status.UNDER_NEGOTIATION],
    )
    return qs.exclude(pk=exclude_pk) if exclude_pk else qs


def listing_refusal(listing: Listing, today: date, *, deal: Deal | None = None) -> GuardFailed | None:
    """Why this listing may not be offered (now), or None. `deal`: the deal being committed on it, left out
    of the licences it is compared with."""
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
        if _active_listings(asset, EXCLUSIVE_KINDS).exists():
            return GuardFailed(
                "exclusive_licence_exists",
                _("An open licence cannot coexist with an exclusive or sole licence of the same patent."),
            )
        if not listing.term_months or not listing.payment_terms.strip():
            return GuardFailed(
                "open_licence_declaration_incomplete",
                _("An open licence declaration states the licence term and how the fee is paid."),
            )
    if listing.deal_type in EXCLUSIVE_KINDS and _active_listings(asset, [DealType.OPEN_LICENSE]).exists():
        return GuardFailed(
            "open_licence_exists", _("This patent is under an open licence: no exclusive or sole licence.")
        )
    refusal = licence_refusal(asset, listing.deal_type, listing.territory, today, deal=deal)
    if refusal is not None:
        return refusal
    if _active_listings(asset, [listing.deal_type], exclude_pk=listing.pk).exists():
        return GuardFailed("duplicate_listing", _("This asset already has an active listing of this deal type."))
    return None


def publish_refusal(listing: Listing, today: date) -> GuardFailed | None:
    """publish: the listing rules, and no other exclusive or sole listing of the asset on the market for an
    overlapping territory (both could otherwise be sold)."""
    refusal = listing_refusal(listing, today)
    if refusal is None and listing.deal_type in EXCLUSIVE_KINDS:
        for other in _active_listings(listing.asset, EXCLUSIVE_KINDS, exclude_pk=listing.pk):
            if territories_overlap(listing.territory, other.territory):
                return GuardFailed(
                    "exclusive_listing_exists",
                    _(
                        "Listing #%(listing)s already offers an exclusive or sole licence of this asset for an "
                        "overlapping territory."
                    )
                    % {"listing": other.pk},
                )
    return refusal


def commit_refusal(deal: Deal, today: date) -> GuardFailed | None:
    """accept, pay, confirm_recordal: the deal may still commit the asset — the listing rules hold, an
    assignment or exclusive licence meets no pledge (ipmarket/assets/commitments.py), and the licence rules
    hold against every other deal. Call it with the asset row locked."""
    listing = deal.listing
    refusal = listing_refusal(listing, today, deal=deal)
    if refusal is None and listing.is_single_buyer:
        refusal = commitments.transfer_refusal(listing.asset, seller_id=listing.seller_id)
    return refusal


def seller_refusal(user, listing: Listing) -> GuardFailed | None:
    if not policies.is_member(user, listing.seller):
        return RoleRefused("not_seller", _("Only the seller's people do this."))
    return None


def buyer_refusal(user, deal: Deal) -> GuardFailed | None:
    if not policies.is_member(user, deal.buyer):
        return RoleRefused("not_buyer", _("Only the buyer's people do this."))
    return None


def accept_refusal(deal: Deal, today: date) -> GuardFailed | None:
    if deal.listing.status != Listing.Status.PUBLISHED:
        return GuardFailed("listing_not_open", _("The listing is not open: another buyer's deal may be in progress."))
    last_offer = deal.messages.filter(offer__isnull=False).order_by("-created_at", "-id").first()
    if last_offer is not None and last_offer.organisation_id == deal.seller_id:
        # The seller accepts what the buyer offered; a counter-offer of the seller's is the buyer's to take up.
        return GuardFailed(
            "own_offer", _("The latest offer is the seller's own: the buyer takes it up by offering that price.")
        )
    return commit_refusal(deal, today)


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
        return RoleRefused("not_party", _("Only the buyer, the seller or the platform cancels a deal."))
    return None


def release_refusal(user, deal: Deal) -> GuardFailed | None:
    if not (policies.is_member(user, deal.buyer) or policies.is_platform_staff(user)):
        return RoleRefused("not_buyer", _("The buyer or the platform confirms the recordal and releases the payment."))
    return None
