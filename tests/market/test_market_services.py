"""Listing rules (docs/market.md) and the deal state machine, through the services."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from djmoney.money import Money

from ipmarket.assets.models import Patent
from ipmarket.assets.services import asset_pledge, pledge_consent_record
from ipmarket.core.errors import GuardFailed, InvalidTransition
from ipmarket.market import services
from ipmarket.market.models import Deal, Event, Listing, Message
from tests.accounts.factories import OrganisationFactory, member_of
from tests.assets.factories import PatentFactory, TrademarkFactory

pytestmark = pytest.mark.django_db
CNY = lambda amount: Money(amount, "CNY")  # noqa: E731


@pytest.fixture
def seller(enterprise):
    return enterprise


@pytest.fixture
def seller_person(seller):
    return member_of(seller, role="admin")


@pytest.fixture
def buyer():
    return OrganisationFactory(kind="enterprise", name="买方科技有限公司")


@pytest.fixture
def buyer_person(buyer):
    return member_of(buyer)


@pytest.fixture
def patent(seller):
    return PatentFactory(owner=seller)


def listed(asset, by, deal_type="non_exclusive_license", price="100000", publish=True, **fields):
    fields.setdefault("term_months", None if deal_type == "assignment" else 24)
    listing = services.listing_create(by=by, asset=asset, deal_type=deal_type, price=CNY(price), **fields)
    return services.listing_publish(listing=listing, by=by) if publish else listing


def refused(code, fn, **kwargs):
    with pytest.raises(GuardFailed) as info:
        fn(**kwargs)
    assert info.value.code == code, info.value.reason
    assert info.value.reason


def test_only_the_owners_people_list(patent, buyer_person, seller_person):
    refused("not_seller", services.listing_create, by=buyer_person, asset=patent, deal_type="assignment", price=CNY(1))
    listing = listed(patent, seller_person, publish=False)
    assert listing.status == "draft" and listing.seller == patent.owner


def test_assignment_has_no_term_and_open_licence_is_never_negotiable(patent, seller_person):
    with pytest.raises(ValidationError) as info:
        services.listing_create(by=seller_person, asset=patent, deal_type="assignment", price=CNY(1), term_months=12)
    assert list(info.value.message_dict) == ["term_months"]
    listing = listed(
        patent, seller_person, "open_license", publish=False, negotiable=True, payment_terms="平台支付，一次性"
    )
    assert listing.negotiable is False


@pytest.mark.parametrize(
    "change, code",
    [
        ({"legal_status": "pending", "grant_date": None, "annual_fee_paid_until": None}, "asset_not_in_force"),
        ({"legal_status": "invalidated"}, "asset_not_in_force"),
        ({"annual_fee_paid_until_days": -200}, "asset_not_in_force"),  # unpaid past the 6-month grace
        ({"ownership_disputed": True}, "ownership_disputed"),
    ],
)
def test_only_granted_patents_in_force_and_undisputed_are_published(patent, seller_person, change, code):
    listing = listed(patent, seller_person, publish=False)
    if "annual_fee_paid_until_days" in change:
        change = {"annual_fee_paid_until": timezone.localdate() + timedelta(days=change["annual_fee_paid_until_days"])}
    Patent.objects.filter(pk=patent.pk).update(**change)
    refused(code, services.listing_publish, listing=listing, by=seller_person)
    assert Listing.objects.get(pk=listing.pk).status == "draft"


def test_expired_trademark_is_not_listed(seller, seller_person):
    trademark = TrademarkFactory(owner=seller, registration_date=timezone.localdate() - timedelta(days=3700))
    listing = listed(trademark, seller_person, "assignment", publish=False)
    refused("asset_not_in_force", services.listing_publish, listing=listing, by=seller_person)


@pytest.mark.parametrize("deal_type", ["assignment", "exclusive_license", "sole_license", "open_license"])
def test_pledged_asset_needs_the_pledgees_recorded_consent(patent, seller_person, deal_type):
    bank = OrganisationFactory(kind="bank")
    officer = member_of(bank, role="officer")
    asset_pledge(asset=patent, pledgee=bank)
    patent.refresh_from_db()
    listing = listed(patent, seller_person, deal_type, publish=False, payment_terms="一次性支付")
    refused("pledged_without_consent", services.listing_publish, listing=listing, by=seller_person)
    with pytest.raises(PermissionDenied):  # the owner cannot consent on the bank's behalf
        pledge_consent_record(asset=patent, by=seller_person)
    pledge_consent_record(asset=patent, by=officer, note="同意转让，价款用于提前清偿")
    assert services.listing_publish(listing=listing, by=seller_person).status == "published"


def test_open_licence_rules(seller, patent, seller_person):
    trademark = TrademarkFactory(owner=seller)
    refused(
        "open_licence_patents_only",
        services.listing_publish,
        listing=listed(trademark, seller_person, "open_license", publish=False, payment_terms="x"),
        by=seller_person,
    )
    incomplete = listed(patent, seller_person, "open_license", publish=False, payment_terms="")
    refused("open_licence_declaration_incomplete", services.listing_publish, listing=incomplete, by=seller_person)
    services.listing_withdraw(listing=incomplete, by=seller_person)

    exclusive = listed(patent, seller_person, "exclusive_license")
    open_draft = listed(patent, seller_person, "open_license", publish=False, payment_terms="按年支付")
    refused("exclusive_licence_exists", services.listing_publish, listing=open_draft, by=seller_person)
    services.listing_withdraw(listing=exclusive, by=seller_person)
    assert services.listing_publish(listing=open_draft, by=seller_person).status == "published"
    sole = listed(patent, seller_person, "sole_license", publish=False)
    refused("open_licence_exists", services.listing_publish, listing=sole, by=seller_person)


def test_open_licence_refused_while_annual_fees_are_unpaid(patent, seller_person):
    Patent.objects.filter(pk=patent.pk).update(annual_fee_paid_until=timezone.localdate() - timedelta(days=10))
    listing = listed(patent, seller_person, "open_license", publish=False, payment_terms="一次性支付")
    refused("annual_fees_unpaid", services.listing_publish, listing=listing, by=seller_person)


def test_duplicate_active_listing_of_a_deal_type(patent, seller_person):
    listed(patent, seller_person, "non_exclusive_license")
    refused(
        "duplicate_listing",
        services.listing_publish,
        listing=listed(patent, seller_person, "non_exclusive_license", publish=False),
        by=seller_person,
    )


def test_publishing_twice_is_a_409_naming_what_is_allowed(patent, seller_person):
    listing = listed(patent, seller_person)
    with pytest.raises(InvalidTransition) as info:
        services.listing_publish(listing=listing, by=seller_person)
    assert info.value.allowed == ["withdraw"]


def test_inquiry_opens_then_joins_the_deal(patent, seller_person, buyer, buyer_person):
    listing = listed(patent, seller_person, price="300000")
    first = services.inquiry_create(listing=listing, by=buyer_person, message="请问可否分期？", offer="250000")
    second = services.inquiry_create(listing=listing, by=member_of(buyer), message="补充：我们在资阳。")
    assert first.deal_id == second.deal_id
    deal = first.deal
    assert (deal.state, deal.buyer, deal.seller, deal.price) == ("negotiating", buyer, patent.owner, CNY("250000"))
    assert Message.objects.filter(deal=deal, kind="inquiry").count() == 2


def test_inquiry_refusals(patent, seller_person, buyer_person):
    listing = listed(patent, seller_person, negotiable=False)
    refused("own_listing", services.inquiry_create, listing=listing, by=seller_person, message="x")
    refused("price_not_negotiable", services.inquiry_create, listing=listing, by=buyer_person, message="x", offer="1")
    bank_person = member_of(OrganisationFactory(kind="bank"))
    refused("buyer_required", services.inquiry_create, listing=listing, by=bank_person, message="x")
    services.listing_withdraw(listing=listing, by=seller_person)
    refused("listing_not_open", services.inquiry_create, listing=listing, by=buyer_person, message="x")


def test_accept_takes_a_single_buyer_listing_off_the_market_and_cancel_reopens_it(patent, seller_person, buyer_person):
    listing = listed(patent, seller_person, "assignment", price="900000")
    deal = services.inquiry_create(listing=listing, by=buyer_person, message="有意受让", offer="800000").deal
    other_buyer = member_of(OrganisationFactory())
    other = services.inquiry_create(listing=listing, by=other_buyer, message="我们也有意").deal
    refused("not_seller", services.deal_accept, deal=deal, by=buyer_person, price=deal.price)
    deal = services.deal_accept(deal=deal, by=seller_person, price=deal.price)
    assert deal.state == "accepted" and deal.price == CNY("800000")
    assert Listing.objects.get(pk=listing.pk).status == "under_negotiation"
    refused("listing_not_open", services.deal_accept, deal=other, by=seller_person, price=other.price)
    services.deal_cancel(deal=deal, by=buyer_person, note="预算调整")
    assert Deal.objects.get(pk=deal.pk).state == "cancelled"
    assert Listing.objects.get(pk=listing.pk).status == "published"
    assert services.deal_accept(deal=other, by=seller_person, price=other.price).state == "accepted"


def test_pay_before_accept_is_409_with_the_allowed_actions(patent, seller_person, buyer_person):
    deal = services.inquiry_create(listing=listed(patent, seller_person), by=buyer_person, message="x").deal
    with pytest.raises(InvalidTransition) as info:
        services.deal_pay(deal=deal, by=buyer_person)
    assert info.value.allowed == ["accept", "cancel"]


def test_paid_then_recorded_assignment_changes_the_owner_and_closes_the_listing(
    patent, seller_person, buyer, buyer_person
):
    listing = listed(patent, seller_person, "assignment", price="500000", negotiable=False)
    deal = services.inquiry_create(listing=listing, by=buyer_person, message="受让").deal
    services.deal_accept(deal=deal, by=seller_person, price=deal.price)
    with pytest.raises(InvalidTransition):
        services.deal_confirm_recordal(deal=deal, by=seller_person, recordal_number="X")
    deal = services.deal_mark_paid(deal_id=deal.pk, payment_intent_id="pi_1", amount=CNY("500000"))
    assert deal.state == "paid"
    again = services.deal_mark_paid(deal_id=deal.pk, payment_intent_id="pi_1", amount=CNY("500000"))
    assert again.state == "paid" and Event.objects.filter(deal=deal, action="paid").count() == 1
    refused(
        "recordal_number_required", services.deal_confirm_recordal, deal=deal, by=seller_person, recordal_number=" "
    )
    refused("not_seller", services.deal_confirm_recordal, deal=deal, by=buyer_person, recordal_number="ZL-2026-1")
    deal = services.deal_confirm_recordal(deal=deal, by=seller_person, recordal_number="专利权转移登记 2026-0001")
    assert deal.state == "recorded"
    patent.refresh_from_db()
    assert patent.owner == buyer
    assert Listing.objects.get(pk=listing.pk).status == "closed"


def test_wrong_amount_is_not_marked_paid(patent, seller_person, buyer_person):
    deal = services.inquiry_create(
        listing=listed(patent, seller_person, negotiable=False), by=buyer_person, message="x"
    ).deal
    services.deal_accept(deal=deal, by=seller_person, price=deal.price)
    refused("amount_mismatch", services.deal_mark_paid, deal_id=deal.pk, payment_intent_id="pi_2", amount=CNY("1"))
    assert Deal.objects.get(pk=deal.pk).state == "accepted"


def test_open_licence_skips_negotiation(patent, seller_person, buyer_person):
    listing = listed(patent, seller_person, "open_license", price="20000", payment_terms="一次性支付，许可期 24 个月")
    message = services.inquiry_create(listing=listing, by=buyer_person, message="书面通知：实施开放许可")
    assert message.kind == "notice"
    deal = message.deal
    assert deal.state == "accepted" and deal.price == CNY("20000")
    assert Listing.objects.get(pk=listing.pk).status == "published"  # others can take the same licence
    other = services.inquiry_create(listing=listing, by=member_of(OrganisationFactory()), message="通知").deal
    assert other.state == "accepted" and other.pk != deal.pk


def test_withdraw_cancels_open_negotiations_but_not_agreed_deals(patent, seller_person, buyer_person):
    listing = listed(patent, seller_person, "assignment")
    negotiating = services.inquiry_create(listing=listing, by=buyer_person, message="x").deal
    services.listing_withdraw(listing=listing, by=seller_person)
    assert Deal.objects.get(pk=negotiating.pk).state == "cancelled"

    listing2 = listed(PatentFactory(owner=patent.owner), seller_person, "assignment")
    deal = services.inquiry_create(listing=listing2, by=buyer_person, message="x").deal
    services.deal_accept(deal=deal, by=seller_person, price=deal.price)
    refused("deal_in_progress", services.listing_withdraw, listing=listing2, by=seller_person)


def test_every_transition_leaves_an_event(patent, seller_person, buyer_person):
    listing = listed(patent, seller_person, "assignment")
    deal = services.inquiry_create(listing=listing, by=buyer_person, message="x").deal
    services.deal_accept(deal=deal, by=seller_person, price=deal.price)
    actions = list(Event.objects.filter(listing=listing).values_list("action", "from_state", "to_state"))
    assert actions == [
        ("create", "", "draft"),
        ("publish", "draft", "published"),
        ("open", "", "negotiating"),
        ("accept", "negotiating", "accepted"),
        ("start_negotiation", "published", "under_negotiation"),
    ]
