"""Listing a patent or trademark: create, edit, publish, withdraw."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ipmarket.accounts.models import Organisation, User
from ipmarket.core.money import in_currency
from ipmarket.core.services import refuse_if, require_state

from .. import guards, workflow
from ..models import Deal, Listing
from .common import lock_listed_asset, record_event

Status = Listing.Status
# action → the states it may start from (ipmarket/market/workflow.py)
LISTING_ACTIONS = {name: list(action.sources) for name, action in workflow.LISTING_ACTIONS.items()}
EDITABLE = {"price", "negotiable", "territory", "term_months", "payment_terms", "description"}
LICENCES = (
    Listing.DealType.EXCLUSIVE_LICENSE,
    Listing.DealType.SOLE_LICENSE,
    Listing.DealType.NON_EXCLUSIVE_LICENSE,
    Listing.DealType.OPEN_LICENSE,
)


def _validate(listing: Listing) -> None:
    errors = {}
    if listing.price.amount < 0:
        errors["price"] = [_("The price cannot be negative.")]
    if not in_currency(listing.price):
        errors["price"] = [_("Prices are in CNY.")]
    if listing.deal_type == Listing.DealType.ASSIGNMENT and listing.term_months:
        errors["term_months"] = [_("An assignment has no term.")]
    if listing.deal_type == Listing.DealType.OPEN_LICENSE:
        listing.negotiable = False  # a posted fee, no negotiation
    if errors:
        raise ValidationError(errors)
    listing.full_clean(exclude=["status"])  # the FSM field is protected: transitions set it


@transaction.atomic
def listing_create(*, by: User, asset, deal_type: str, price, seller: Organisation | None = None, **fields) -> Listing:
    """A draft listing of an asset its owner's people put on the market (or, for a defaulted pledge,
    the pledgee bank's people: see guards.is_enforcement_sale)."""
    unknown = set(fields) - EDITABLE
    if unknown:
        raise TypeError(f"unknown listing fields: {sorted(unknown)}")
    seller = seller or asset.owner
    listing = Listing(
        **{asset.asset_type: asset}, seller=seller, deal_type=deal_type, price=price, created_by=by, **fields
    )
    refuse_if(guards.seller_refusal(by, listing))
    _validate(listing)
    listing.save()
    record_event(listing=listing, actor=by, action="create", from_state="", to_state=listing.status)
    return listing


def _locked(listing: Listing) -> Listing:
    return (
        Listing.objects.select_for_update(of=("self",))
        .select_related("patent", "trademark", "seller")
        .get(pk=listing.pk)
    )


@transaction.atomic
def listing_update(*, listing: Listing, by: User, **fields) -> Listing:
    listing = _locked(listing)
    refuse_if(guards.seller_refusal(by, listing))
    if listing.status not in (Status.DRAFT, Status.PUBLISHED):
        raise ValidationError(_("Only a draft or published listing can be edited."), code="listing_not_editable")
    unknown = set(fields) - EDITABLE
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed.")] for name in unknown})
    for name, value in fields.items():
        setattr(listing, name, value)
    _validate(listing)
    listing.save()
    return listing


@workflow.executes("publish")
@transaction.atomic
def listing_publish(*, listing: Listing, by: User) -> Listing:
    listing = _locked(listing)
    refuse_if(guards.seller_refusal(by, listing))
    require_state(listing, "status", "publish", LISTING_ACTIONS)
    lock_listed_asset(listing)
    refuse_if(guards.publish_refusal(listing, timezone.localdate()))
    before = listing.status
    listing.publish()
    listing.save()
    record_event(listing=listing, actor=by, action="publish", from_state=before, to_state=listing.status)
    return listing


@workflow.executes("withdraw")
@transaction.atomic
def listing_withdraw(*, listing: Listing, by: User, note: str = "") -> Listing:
    """Take the listing off the market; open negotiations end. Agreed or paid deals must end first;
    licences already granted are not affected."""
    listing = _locked(listing)
    refuse_if(guards.seller_refusal(by, listing))
    require_state(listing, "status", "withdraw", LISTING_ACTIONS)
    refuse_if(guards.withdraw_refusal(listing))
    before = listing.status
    listing.withdraw()
    listing.save()
    record_event(listing=listing, actor=by, action="withdraw", from_state=before, to_state=listing.status, note=note)
    for deal in listing.deals.select_for_update().filter(state=Deal.State.NEGOTIATING).order_by("pk"):
        deal.cancel()
        deal.save()
        record_event(
            listing=listing,
            deal=deal,
            actor=by,
            action="cancel",
            from_state="negotiating",
            to_state=deal.state,
            note=_("The listing was withdrawn."),
        )
    return listing
