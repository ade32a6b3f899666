"""Factories of the marketplace: listings and deals brought to a state through the market services, in the
order a seller and a buyer go (create → publish → inquiry → accept → pay → record). Builds on
tests/accounts/factories.py and tests/assets/factories.py.

A state the services never produce (an open or non-exclusive licence "under negotiation", a closed
non-exclusive licence) is refused here: a test that needs such rows sets them itself, with a comment."""

import factory
from djmoney.money import Money

from ipmarket.market import services
from ipmarket.market.models import Deal, Listing
from tests.accounts.factories import OrganisationFactory, member_of
from tests.assets.factories import PatentFactory

# The deal states a buyer and a seller reach in this order; `deal_in` stops at the one asked for.
DEAL_PATH = [Deal.State.NEGOTIATING, Deal.State.ACCEPTED, Deal.State.PAID, Deal.State.RECORDED]
# The listing states past `published` that one buyer's deal puts a single-buyer listing in.
_LISTING_BY_DEAL = {Listing.Status.UNDER_NEGOTIATION: Deal.State.ACCEPTED, Listing.Status.CLOSED: Deal.State.RECORDED}


def deal_in(
    state: str,
    listing: Listing,
    *,
    buyer_person=None,
    seller_person=None,
    offer=None,
    message: str = "我司希望获得该项知识产权，请联系。",
) -> Deal:
    """A new buyer's deal on the published listing, brought to `state` (one of DEAL_PATH, or `cancelled`)
    through the services: the buyer's inquiry (with `offer`), the seller's acceptance at the deal's price,
    the buyer's payment started at the gateway (stripe-mock) and confirmed by the webhook's service, the
    seller's recordal. `buyer_person`: a member of one enterprise (a new one by default); `seller_person`:
    the listing's creator by default."""
    if state not in [*DEAL_PATH, Deal.State.CANCELLED]:
        raise ValueError(f"deal_in: no path to {state!r}")
    buyer_person = buyer_person or member_of(OrganisationFactory(kind="enterprise"))
    seller_person = seller_person or listing.created_by
    deal = services.inquiry_create(listing=listing, by=buyer_person, message=message, offer=offer).deal
    if state == Deal.State.CANCELLED:
        services.deal_cancel(deal=deal, by=buyer_person, note="买方不再需要。")
    elif state != Deal.State.NEGOTIATING and deal.state == Deal.State.NEGOTIATING:  # an open licence's notice
        # has accepted its deal already; any other deal the seller accepts at its price
        deal = services.deal_accept(deal=deal, by=seller_person, price=deal.price)
    if state in (Deal.State.PAID, Deal.State.RECORDED):
        handle = services.deal_pay(deal=deal, by=buyer_person)
        deal = services.deal_mark_paid(deal_id=deal.pk, payment_intent_id=handle.payment_intent_id, amount=deal.price)
    if state == Deal.State.RECORDED:
        deal = services.deal_confirm_recordal(deal=deal, by=seller_person, recordal_number=f"BA2026{deal.pk:08d}")
    deal = Deal.objects.get(pk=deal.pk)
    assert deal.state == state, (deal.state, state)
    return deal


class ListingFactory(factory.Factory):
    """A listing of a patent (or, with `patent=None, trademark=…`, a trademark) created by a person of its
    seller (`created_by`, a new member by default) and published, through the market services.

    `status`: `draft` (created only), `published` (the default), `withdrawn` (published, then withdrawn),
    and for a single-buyer listing (assignment, exclusive or sole licence) `under_negotiation` (a new
    buyer's deal accepted) or `closed` (that deal paid and recorded; an assignment moves the asset to the
    buyer). `build()` makes an unsaved draft without the services."""

    class Meta:
        model = Listing

    patent = factory.SubFactory(PatentFactory)
    trademark = None
    seller = factory.LazyAttribute(lambda o: (o.patent or o.trademark).owner)
    created_by = factory.LazyAttribute(lambda o: member_of(o.seller))
    deal_type = Listing.DealType.NON_EXCLUSIVE_LICENSE
    price = Money("200000.00", "CNY")
    term_months = factory.LazyAttribute(lambda o: None if o.deal_type == Listing.DealType.ASSIGNMENT else 36)
    # An open licence declaration states how the fee is paid.
    payment_terms = factory.LazyAttribute(
        lambda o: "许可使用费于合同签订后30日内一次性支付。" if o.deal_type == Listing.DealType.OPEN_LICENSE else ""
    )
    status = Listing.Status.PUBLISHED

    @classmethod
    def _build(cls, model_class, *, status, **fields) -> Listing:
        """`ListingFactory.build()`: an unsaved listing in its initial state, draft (`status` is not set)."""
        return model_class(**fields)

    @classmethod
    def _create(cls, model_class, *, patent, trademark, seller, created_by, status, **fields) -> Listing:
        if status not in (Listing.Status.DRAFT, Listing.Status.PUBLISHED, Listing.Status.WITHDRAWN):
            if status not in _LISTING_BY_DEAL:
                raise ValueError(f"ListingFactory: no path to {status!r}")
            if fields["deal_type"] not in (
                Listing.DealType.ASSIGNMENT,
                Listing.DealType.EXCLUSIVE_LICENSE,
                Listing.DealType.SOLE_LICENSE,
            ):
                raise ValueError(f"a {fields['deal_type']} listing is never {status}: its deals leave it on offer")
        listing = services.listing_create(by=created_by, asset=patent or trademark, seller=seller, **fields)
        if status != Listing.Status.DRAFT:
            listing = services.listing_publish(listing=listing, by=created_by)
        if status == Listing.Status.WITHDRAWN:
            listing = services.listing_withdraw(listing=listing, by=created_by)
        if status in _LISTING_BY_DEAL:
            deal_in(_LISTING_BY_DEAL[status], listing, seller_person=created_by)
        listing = Listing.objects.select_related("patent", "trademark", "seller", "created_by").get(pk=listing.pk)
        assert listing.status == status, (listing.status, status)
        return listing
