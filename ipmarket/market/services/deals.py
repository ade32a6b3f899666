"""Deals: inquiry → negotiation → acceptance → payment held by the platform → recordal → release.

Money moves through the payment gateway (`market/payments.py`), always outside a
database transaction: each money action locks and checks in one transaction, calls
the gateway with an idempotency key, then records the result in a second one that
re-checks the state, so a retry or a concurrent webhook changes nothing twice.
Rows are locked listing first, then deal, then the asset (the steps that commit it: accept, pay,
confirm_recordal, an open-licence notice), so a pledge (financing locks the application, then the asset)
and a transfer of one asset are never decided side by side (ipmarket/assets/commitments.py).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from djmoney.money import Money

from ipmarket.accounts import policies
from ipmarket.accounts.models import Organisation, User
from ipmarket.assets.services import asset_assign, asset_release_pledge
from ipmarket.core.errors import Conflict, GuardFailed, RoleRefused
from ipmarket.core.money import CurrencyError, cny, money
from ipmarket.core.services import refuse_if, require_state

from .. import guards, notices, workflow
from ..models import Deal, Listing, Message
from ..payments import PaymentHandle, gateway
from .common import lock_listed_asset, record_event

State = Deal.State
# action → the states it may start from (ipmarket/market/workflow.py)
DEAL_ACTIONS = {name: list(action.sources) for name, action in workflow.DEAL_ACTIONS.items()}
BUSY = [State.ACCEPTED, State.PAID, State.RECORDED]  # a single-buyer listing is taken


def _lock(deal_pk: int, *, with_asset: bool = False) -> Deal:
    listing_id = Deal.objects.values_list("listing_id", flat=True).get(pk=deal_pk)
    listing = Listing.objects.select_for_update(of=("self",)).select_related("patent", "trademark").get(pk=listing_id)
    deal = Deal.objects.select_for_update().get(pk=deal_pk)
    if with_asset:
        lock_listed_asset(listing)
    deal.listing = listing
    return deal


def _event(deal: Deal, by, action: str, before: str, note: str = ""):
    record_event(
        listing=deal.listing, deal=deal, actor=by, action=action, from_state=before, to_state=deal.state, note=note
    )


def _is_party(user, deal: Deal) -> bool:
    ids = policies.organisation_ids(user)
    return deal.buyer_id in ids or deal.seller_id in ids


def _reopen_listing_if_free(listing: Listing, by) -> None:
    if listing.status == Listing.Status.UNDER_NEGOTIATION and not listing.deals.filter(state__in=BUSY).exists():
        listing.reopen()
        listing.save()
        record_event(
            listing=listing, actor=by, action="reopen", from_state="under_negotiation", to_state=listing.status
        )


def _money(value) -> Money | None:
    if value is None:
        return None
    try:
        amount = money(value)
    except CurrencyError:
        raise GuardFailed("currency", _("Prices are in CNY.")) from None
    if amount.amount < 0:
        raise GuardFailed("negative_amount", _("An amount cannot be negative."))
    return amount


def _buyer_for(user: User, listing: Listing, buyer: Organisation | None) -> Organisation:
    enterprises = policies.organisation_ids(user, kinds=[Organisation.Kind.ENTERPRISE])
    if buyer is None:
        if len(enterprises) != 1:
            raise GuardFailed(
                "buyer_required",
                _("Say which of your enterprises is buying.") if enterprises else _("Only enterprises buy IP."),
            )
        buyer = Organisation.objects.get(pk=next(iter(enterprises)))
    elif buyer.pk not in enterprises:
        raise RoleRefused("not_buyer", _("You may inquire only for an enterprise you belong to."))
    if buyer.pk == listing.seller_id:
        raise GuardFailed("own_listing", _("This is your own listing."))
    return buyer


@transaction.atomic
def inquiry_create(
    *, listing: Listing, by: User, message: str, offer=None, buyer: Organisation | None = None
) -> Message:
    """An enterprise's inquiry: opens the deal between it and the listing, or joins the open one.
    On an open licence the inquiry is the licensee's written notice: the deal is accepted at the posted fee."""
    listing = Listing.objects.select_for_update(of=("self",)).select_related("patent", "trademark").get(pk=listing.pk)
    buyer = _buyer_for(by, listing, buyer)
    offer = _money(offer)
    if listing.status not in (Listing.Status.PUBLISHED, Listing.Status.UNDER_NEGOTIATION):
        raise GuardFailed("listing_not_open", _("This listing is not open for inquiries."))
    open_licence = listing.deal_type == Listing.DealType.OPEN_LICENSE
    if offer is not None and not listing.negotiable:
        raise GuardFailed("price_not_negotiable", _("The price of this listing is fixed: no offers."))
    deal = Deal.objects.select_for_update().filter(listing=listing, buyer=buyer, state__in=Deal.OPEN).first()
    if deal is None:
        if open_licence:  # the notice grants the licence: it commits the asset
            lock_listed_asset(listing)
            refuse_if(guards.listing_refusal(listing, timezone.localdate()))
        deal = Deal.objects.create(listing=listing, buyer=buyer, seller=listing.seller, price=offer or listing.price)
        record_event(listing=listing, deal=deal, actor=by, action="open", from_state="", to_state=deal.state)
        if open_licence:
            deal.accept()
            deal.save()
            _event(deal, by, "accept", State.NEGOTIATING, note=_("Open licence: notice given, no negotiation."))
    elif offer is not None:
        if deal.state != State.NEGOTIATING:
            raise GuardFailed("price_not_negotiable", _("Offers are made only while the price is being negotiated."))
        deal.price = offer
        deal.save(update_fields=["price", "updated_at"])
    kind = Message.Kind.NOTICE if open_licence else Message.Kind.INQUIRY
    inquiry = Message.objects.create(deal=deal, kind=kind, author=by, organisation=buyer, body=message, offer=offer)
    notices.inquiry_sent(inquiry)  # on commit: the seller's people are told
    return inquiry


@transaction.atomic
def deal_post_message(*, deal: Deal, by: User, body: str, offer=None) -> Message:
    deal = _lock(deal.pk)
    if not _is_party(by, deal):
        raise RoleRefused("not_party", _("Only the buyer and the seller write in this thread."))
    offer = _money(offer)
    side = deal.buyer if policies.is_member(by, deal.buyer) else deal.seller
    if offer is not None:
        if deal.state != State.NEGOTIATING or not deal.listing.negotiable:
            raise GuardFailed("price_not_negotiable", _("Offers are made only while the price is being negotiated."))
        deal.price = offer
        deal.save(update_fields=["price", "updated_at"])
    return Message.objects.create(deal=deal, author=by, organisation=side, body=body, offer=offer)


@workflow.executes("accept")
@transaction.atomic
def deal_accept(*, deal: Deal, by: User, price, note: str = "") -> Deal:
    """The seller agrees to the deal at its current price — the one the seller saw (compare-and-set): if the
    buyer changed the offer meanwhile, nothing is accepted (409 `offer_changed`)."""
    deal = _lock(deal.pk, with_asset=True)
    refuse_if(guards.seller_refusal(by, deal.listing))
    require_state(deal, "state", "accept", DEAL_ACTIONS)
    price = _money(price)
    if price is None:
        raise ValidationError({"price": [_("Give the price you accept, as shown on the deal.")]})
    if price != deal.price:
        raise Conflict(
            "offer_changed",
            _("The price of this deal is now %(price)s, not %(seen)s: look at the latest offer before accepting.")
            % {"price": cny(deal.price), "seen": cny(price)},
        )
    refuse_if(guards.accept_refusal(deal, timezone.localdate()))
    before = deal.state
    deal.accept()
    deal.save()
    _event(deal, by, "accept", before, note)
    if deal.listing.is_single_buyer:
        deal.listing.start_negotiation()
        deal.listing.save()
        record_event(
            listing=deal.listing,
            actor=by,
            action="start_negotiation",
            from_state="published",
            to_state=deal.listing.status,
        )
    return deal


@workflow.executes("pay")
def deal_pay(*, deal: Deal, by: User) -> PaymentHandle:
    """The buyer starts paying; the money is held by the platform until the recordal."""
    with transaction.atomic():
        deal = _lock(deal.pk, with_asset=True)
        refuse_if(guards.buyer_refusal(by, deal))
        require_state(deal, "state", "pay", DEAL_ACTIONS)
        refuse_if(guards.commit_refusal(deal, timezone.localdate()))
    handle = gateway().create_payment(deal)
    with transaction.atomic():
        deal = _lock(deal.pk)
        # A new intent replaces one that was cancelled at the provider.
        if deal.state == State.ACCEPTED and deal.payment_intent_id != handle.payment_intent_id:
            deal.payment_intent_id = handle.payment_intent_id
            deal.save(update_fields=["payment_intent_id", "updated_at"])
            _event(deal, by, "pay", deal.state, note=handle.payment_intent_id)
    return handle


@transaction.atomic
def deal_mark_paid(*, deal_id: int, payment_intent_id: str, amount: Money | None = None) -> Deal:
    """The payment provider says the buyer paid (webhook). Safe to call again: a paid deal stays paid."""
    deal = _lock(deal_id)
    if deal.state != State.ACCEPTED:
        return deal  # already paid (a repeated event) or ended; the caller decides about refunds
    if deal.payment_intent_id and deal.payment_intent_id != payment_intent_id:
        raise GuardFailed("payment_mismatch", _("This payment belongs to another attempt of the deal."))
    if amount is not None and amount != deal.price:
        raise GuardFailed("amount_mismatch", _("The amount paid is not the agreed price."))
    deal.payment_intent_id = payment_intent_id
    deal.mark_paid()
    deal.save()
    _event(deal, None, "paid", State.ACCEPTED, note=payment_intent_id)
    return deal


@workflow.executes("confirm_recordal")
def deal_confirm_recordal(*, deal: Deal, by: User, recordal_number: str) -> Deal:
    """The seller enters the CNIPA recordal or filing number; an assignment changes the owner.

    A paid deal that can no longer be recorded (the asset was pledged, lapsed, disputed, licensed
    exclusively to someone else…) is cancelled and the buyer refunded; both parties are told why, and the
    seller's call is refused with the reason."""
    with transaction.atomic():
        deal = _lock(deal.pk, with_asset=True)
        refuse_if(guards.seller_refusal(by, deal.listing))
        require_state(deal, "state", "confirm_recordal", DEAL_ACTIONS)
        number = (recordal_number or "").strip()
        if not number or len(number) > 64:
            raise GuardFailed(
                "recordal_number_required", _("Enter the recordal or filing number (up to 64 characters).")
            )
        impossible = guards.commit_refusal(deal, timezone.localdate())
        if impossible is None:
            return _record(deal, by, number)
    _refund_unrecordable(deal, impossible)
    raise GuardFailed(
        impossible.code,
        _("This deal can no longer be recorded: %(reason)s It was cancelled and the buyer refunded.")
        % {"reason": impossible.reason},
    )


def _record(deal: Deal, by: User, number: str) -> Deal:
    before = deal.state
    deal.recordal_number = number
    deal.record()
    deal.save()
    _event(deal, by, "confirm_recordal", before, note=number)
    listing = deal.listing
    if listing.deal_type == Listing.DealType.ASSIGNMENT:
        enforcement = guards.is_enforcement_sale(listing)
        asset_assign(asset=listing.asset, to=deal.buyer, by=by)
        if enforcement:  # the pledge ends with the sale; the proceeds go to the bank
            asset_release_pledge(asset=listing.asset, by=by)
    if listing.is_single_buyer:
        status_before = listing.status
        listing.close()
        listing.save()
        record_event(listing=listing, actor=by, action="close", from_state=status_before, to_state=listing.status)
    return deal


def _refund_unrecordable(deal: Deal, refusal: GuardFailed) -> None:
    """Refund the buyer of a paid deal that cannot be recorded (the provider is called outside a transaction)."""
    refund_id = gateway().refund(deal)
    with transaction.atomic():
        deal = _lock(deal.pk)
        if deal.state != State.PAID:
            return  # refunded meanwhile
        deal.refund_id = refund_id
        deal.refund()
        deal.save()
        # The platform cancels (no actor), so that everyone on both sides is told, the seller's person too.
        _event(deal, None, "cancel", State.PAID, note=_("Cannot be recorded: %(reason)s") % {"reason": refusal.reason})
        _reopen_listing_if_free(deal.listing, None)


@workflow.executes("release")
def deal_release(*, deal: Deal, by: User, note: str = "") -> Deal:
    """The buyer (or the platform) confirms the recordal: the held money goes to the seller."""
    with transaction.atomic():
        deal = _lock(deal.pk)
        refuse_if(guards.release_refusal(by, deal))
        require_state(deal, "state", "release", DEAL_ACTIONS)
    transfer_id = gateway().release_to_seller(deal)
    with transaction.atomic():
        deal = _lock(deal.pk)
        if deal.state == State.RECORDED:
            deal.transfer_id = transfer_id
            deal.release()
            deal.save()
            _event(deal, by, "release", State.RECORDED, note)
    return deal


@workflow.executes("cancel")
def deal_cancel(*, deal: Deal, by: User, note: str = "") -> Deal:
    """Either party (or the platform) ends the deal before recordal; a paid deal is refunded."""
    with transaction.atomic():
        deal = _lock(deal.pk)
        refuse_if(guards.cancel_refusal(by, deal))
        require_state(deal, "state", "cancel", DEAL_ACTIONS)
        state, has_payment = deal.state, bool(deal.payment_intent_id)
    refund_id = ""
    if state == State.PAID:
        refund_id = gateway().refund(deal)
    elif state == State.ACCEPTED and has_payment:
        gateway().cancel_payment(deal)
    with transaction.atomic():
        deal = _lock(deal.pk)
        before = deal.state
        if before == State.PAID and refund_id:
            deal.refund_id = refund_id
            deal.refund()
        elif before in (State.NEGOTIATING, State.ACCEPTED) and before == state:
            deal.cancel()
        else:  # the state moved while the provider was called (a payment landed): try again
            raise GuardFailed("state_changed", _("The deal changed meanwhile (a payment arrived): please try again."))
        deal.save()
        _event(deal, by, "cancel", before, note)
        _reopen_listing_if_free(deal.listing, by)
    return deal
