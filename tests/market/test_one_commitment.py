"""One asset, one commitment; one exclusive licence; a decision binds what was seen — the marketplace's side.

Each test is an attack that worked before: a patent pledged for a loan sold (or exclusively licensed) all
the same, two exclusive licences of one patent for one territory both sold and recorded, a seller accepting
an offer the buyer had meanwhile changed."""
# ruff: noqa: F811 - the financing fixtures (parties, make_app) are imported, then requested by name

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from djmoney.money import Money

from ipmarket.assets.models import Patent
from ipmarket.assets.services import asset_pledge, pledge_consent_record
from ipmarket.core.errors import GuardFailed
from ipmarket.market import services
from ipmarket.market.models import Deal, Event, Listing
from ipmarket.notifications.models import Notification
from tests.accounts.factories import OrganisationFactory, member_of
from tests.assets.factories import PatentFactory
from tests.financing.conftest import make_app, parties, private_media, programme  # noqa: F401 (fixtures)
from tests.notifications.conftest import hooks_run  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
CNY = lambda amount: Money(amount, "CNY")  # noqa: E731
DEALS = "/api/v1/deals/"


@pytest.fixture
def seller_person(parties):
    return parties.owner


@pytest.fixture
def buyer_person(db):
    return member_of(OrganisationFactory(kind="enterprise", name="买方科技有限公司"))


def listed(asset, by, deal_type="assignment", price="500000", publish=True, **fields):
    fields.setdefault("term_months", None if deal_type == "assignment" else 24)
    listing = services.listing_create(by=by, asset=asset, deal_type=deal_type, price=CNY(price), **fields)
    return services.listing_publish(listing=listing, by=by) if publish else listing


def inquire(listing, buyer_person, **kwargs) -> Deal:
    return services.inquiry_create(listing=listing, by=buyer_person, message="有意向", **kwargs).deal


def refused(code, fn, **kwargs):
    with pytest.raises(GuardFailed) as info:
        fn(**kwargs)
    assert info.value.code == code, info.value.reason
    return info.value


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


# --- one asset, one commitment ---------------------------------------------------------------------------


@pytest.mark.parametrize("deal_type", ["assignment", "exclusive_license", "sole_license"])
def test_a_patent_in_a_pledge_application_past_verification_cannot_be_sold(
    parties, make_app, seller_person, buyer_person, deal_type
):
    patent = PatentFactory(owner=parties.borrower)
    app = make_app("ip_verified", assets=[patent])  # not registered yet: the asset is not flagged `pledged`
    deal = inquire(listed(patent, seller_person, deal_type), buyer_person)
    with translation.override("en"):
        error = refused("asset_pledged", services.deal_accept, deal=deal, by=seller_person, price=deal.price)
    assert "committed to a pledge" in error.reason and f"#{app.pk}" in error.reason
    assert fresh(deal).state == "negotiating"


def test_a_registered_pledge_blocks_a_sale_even_with_the_pledgees_consent(parties, make_app, buyer_person):
    patent = PatentFactory(owner=parties.borrower)
    make_app("active", assets=[patent])
    pledge_consent_record(asset=fresh(patent), by=parties.officer, note="同意许可")
    # A non-exclusive licence with the consent is fine; an assignment waits for the pledge's release.
    licence = inquire(listed(patent, parties.owner, "non_exclusive_license"), buyer_person)
    assert services.deal_accept(deal=licence, by=parties.owner, price=licence.price).state == "accepted"
    sale = inquire(listed(patent, parties.owner, "assignment"), buyer_person)
    refused("asset_pledged", services.deal_accept, deal=sale, by=parties.owner, price=sale.price)


def test_an_agreed_sale_keeps_the_patent_out_of_a_pledge_and_pay_rechecks(
    parties, make_app, seller_person, buyer_person
):
    """The reverse direction is refused in financing (verify_ip); here pay re-checks under the asset lock."""
    patent = PatentFactory(owner=parties.borrower)
    deal = inquire(listed(patent, seller_person), buyer_person)
    services.deal_accept(deal=deal, by=seller_person, price=deal.price)
    asset_pledge(asset=patent, pledgee=parties.bank)  # a pledge that slipped in (e.g. from before the rule)
    refused("pledged_without_consent", services.deal_pay, deal=deal, by=buyer_person)
    assert fresh(deal).payment_intent_id == ""


def test_a_paid_deal_that_can_no_longer_be_recorded_is_refunded_and_both_sides_are_told(
    parties, seller_person, buyer_person, hooks_run
):
    """The attack of the issue: a patent sold in a deal agreed before the pledge was still transferred at
    the recordal, after the pledge was registered, and the bank lent against collateral the borrower no
    longer owned. A pledge registered under such a deal (one made before the rule) makes the recordal
    impossible: the deal is cancelled, the buyer refunded, the owner unchanged."""
    patent = PatentFactory(owner=parties.borrower)
    deal = inquire(listed(patent, seller_person), buyer_person)
    services.deal_accept(deal=deal, by=seller_person, price=deal.price)
    handle = services.deal_pay(deal=deal, by=buyer_person)  # a PaymentIntent at stripe-mock
    services.deal_mark_paid(deal_id=deal.pk, payment_intent_id=handle.payment_intent_id, amount=deal.price)
    asset_pledge(asset=patent, pledgee=parties.bank)
    with hooks_run(), translation.override("en"):
        error = refused(
            "pledged_without_consent",
            services.deal_confirm_recordal,
            deal=deal,
            by=seller_person,
            recordal_number="ZL-1",
        )
    assert error.reason.startswith("This deal can no longer be recorded: This asset is pledged")
    assert error.reason.endswith("It was cancelled and the buyer refunded.")
    deal = fresh(deal)
    assert deal.state == "refunded" and deal.refund_id and deal.recordal_number == ""
    assert fresh(patent).owner == parties.borrower
    cancel = Event.objects.get(deal=deal, action="cancel")
    assert (cancel.from_state, cancel.to_state) == ("paid", "refunded")
    assert cancel.note.startswith("Cannot be recorded: This asset is pledged")
    assert fresh(deal.listing).status == "published"  # back on the market for others
    told = set(Notification.objects.filter(key__startswith=f"deal:{deal.pk}:").values_list("recipient", flat=True))
    assert {buyer_person.pk, parties.owner.pk} <= told


def test_the_pledgees_enforcement_sale_is_the_one_transfer_of_a_pledged_asset(parties, make_app, buyer_person):
    patent = PatentFactory(owner=parties.borrower)
    make_app("active", assets=[patent])
    Patent.objects.filter(pk=patent.pk).update(pledge_enforceable=True)  # the loan defaulted
    listing = services.listing_publish(
        listing=services.listing_create(
            by=parties.officer, asset=fresh(patent), deal_type="assignment", price=CNY("900000"), seller=parties.bank
        ),
        by=parties.officer,
    )
    deal = inquire(listing, buyer_person)
    assert services.deal_accept(deal=deal, by=parties.officer, price=deal.price).state == "accepted"


# --- one exclusive licence ------------------------------------------------------------------------------


def test_an_exclusive_and_a_sole_licence_for_one_territory_are_never_both_on_offer(parties, seller_person):
    patent = PatentFactory(owner=parties.borrower)
    listed(patent, seller_person, "exclusive_license", territory="中国大陆")
    sole = listed(patent, seller_person, "sole_license", territory="四川省", publish=False)
    refused("exclusive_listing_exists", services.listing_publish, listing=sole, by=seller_person)
    elsewhere = listed(patent, seller_person, "sole_license", territory="香港特别行政区", publish=False)
    # (the whole country overlaps everywhere: a licence for mainland China excludes any other territory too)
    refused("exclusive_listing_exists", services.listing_publish, listing=elsewhere, by=seller_person)


def test_two_exclusive_licences_listed_at_once_cannot_both_be_sold(parties, seller_person, buyer_person):
    """Listings published before the rule: both exclusive for 成都市; the first deal agreed wins."""
    patent = PatentFactory(owner=parties.borrower)
    exclusive = listed(patent, seller_person, "exclusive_license", territory="成都市")
    sole = listed(patent, seller_person, "sole_license", territory="成都市", publish=False)
    Listing.objects.filter(pk=sole.pk).update(status="published")
    first, second = inquire(exclusive, buyer_person), inquire(sole, member_of(OrganisationFactory()))
    services.deal_accept(deal=first, by=seller_person, price=first.price)
    refused("exclusive_licence_exists", services.deal_accept, deal=second, by=seller_person, price=second.price)
    # and at the recordal too, should both have been agreed before the rule: the first agreed is recorded,
    # the later one is refunded
    Deal.objects.filter(pk=second.pk).update(state="paid", accepted_at=timezone.now())
    services.deal_mark_paid(deal_id=first.pk, payment_intent_id="pi_first", amount=first.price)
    services.deal_confirm_recordal(deal=first, by=seller_person, recordal_number="备案 2026-1")
    Deal.objects.filter(pk=second.pk).update(payment_intent_id="pi_second")
    refused(
        "exclusive_licence_exists",
        services.deal_confirm_recordal,
        deal=second,
        by=seller_person,
        recordal_number="备案 2026-2",
    )
    assert fresh(second).state == "refunded" and fresh(first).state == "recorded"


def test_exclusive_licences_of_different_places_and_ended_terms_do_not_conflict(parties, seller_person, buyer_person):
    patent = PatentFactory(owner=parties.borrower)
    chengdu = inquire(listed(patent, seller_person, "exclusive_license", territory="成都市"), buyer_person)
    mianyang = listed(patent, seller_person, "sole_license", territory="绵阳市")
    services.deal_accept(deal=chengdu, by=seller_person, price=chengdu.price)
    other = inquire(mianyang, member_of(OrganisationFactory()))
    assert services.deal_accept(deal=other, by=seller_person, price=other.price).state == "accepted"
    # A non-exclusive licence in 成都市 would be excluded by the exclusive one; it may be listed once that ends.
    nonexclusive = listed(patent, seller_person, "non_exclusive_license", territory="成都市", publish=False)
    refused("exclusive_licence_exists", services.listing_publish, listing=nonexclusive, by=seller_person)
    services.deal_mark_paid(deal_id=chengdu.pk, payment_intent_id="pi_cd", amount=chengdu.price)
    services.deal_confirm_recordal(deal=chengdu, by=seller_person, recordal_number="备案 CD")
    Deal.objects.filter(pk=chengdu.pk).update(recorded_at=fresh(chengdu).recorded_at - timedelta(days=25 * 31))
    assert services.listing_publish(listing=nonexclusive, by=seller_person).status == "published"


@pytest.mark.parametrize(
    "first_type, second_type, code",
    [
        ("assignment", "exclusive_license", "assignment_in_progress"),
        ("exclusive_license", "assignment", "deal_in_progress"),
    ],
)
def test_no_exclusive_licence_beside_an_agreed_assignment(
    parties, seller_person, buyer_person, first_type, second_type, code
):
    patent = PatentFactory(owner=parties.borrower)
    first = inquire(listed(patent, seller_person, first_type), buyer_person)
    second = inquire(listed(patent, seller_person, second_type), member_of(OrganisationFactory()))
    services.deal_accept(deal=first, by=seller_person, price=first.price)
    refused(code, services.deal_accept, deal=second, by=seller_person, price=second.price)


def test_no_exclusive_licence_beside_an_open_licence_granted(parties, seller_person, buyer_person):
    patent = PatentFactory(owner=parties.borrower)
    declaration = listed(patent, seller_person, "open_license", price="20000", payment_terms="一次性支付")
    licence = inquire(declaration, buyer_person)  # the notice: the licence is agreed at the posted fee
    services.deal_mark_paid(deal_id=licence.pk, payment_intent_id="pi_open", amount=licence.price)
    services.deal_confirm_recordal(deal=licence, by=seller_person, recordal_number="开放许可备案 1")
    Deal.objects.filter(pk=licence.pk).update(state="released")  # the fee went to the seller
    services.listing_withdraw(listing=declaration, by=seller_person)  # withdrawal keeps licences granted
    exclusive = listed(patent, seller_person, "exclusive_license", publish=False)
    refused("open_licence_exists", services.listing_publish, listing=exclusive, by=seller_person)


@pytest.mark.parametrize("exclusive_type", ["exclusive_license", "sole_license"])
def test_no_open_licence_beside_a_recorded_exclusive_licence(parties, seller_person, buyer_person, exclusive_type):
    """A recorded exclusive or sole licence (its listing closed: nothing left on offer) still blocks an open
    licence declaration, even for a territory it does not cover: an open licence is offered to anyone."""
    patent = PatentFactory(owner=parties.borrower)
    exclusive = listed(patent, seller_person, exclusive_type, territory="四川省成都市")
    deal = inquire(exclusive, buyer_person)
    services.deal_accept(deal=deal, by=seller_person, price=deal.price)
    services.deal_mark_paid(deal_id=deal.pk, payment_intent_id="pi_exclusive", amount=deal.price)
    services.deal_confirm_recordal(deal=deal, by=seller_person, recordal_number="许可备案 1")
    assert (fresh(deal).state, fresh(exclusive).status) == ("recorded", "closed")
    declaration = listed(
        patent,
        seller_person,
        "open_license",
        publish=False,
        price="20000",
        payment_terms="一次性支付",
        territory="四川省绵阳市",
    )
    refused("exclusive_licence_exists", services.listing_publish, listing=declaration, by=seller_person)
    assert fresh(declaration).status == "draft"
    # Once the exclusive licence's 24-month term has ended, it no longer stands in the way.
    Deal.objects.filter(pk=deal.pk).update(recorded_at=timezone.now() - timedelta(days=800))
    assert services.listing_publish(listing=declaration, by=seller_person).status == "published"


# --- a decision binds what was seen ----------------------------------------------------------------------


def test_accept_names_the_price_and_a_changed_offer_is_a_409(api, parties, seller_person, buyer_person):
    patent = PatentFactory(owner=parties.borrower)
    listing = listed(patent, seller_person, "non_exclusive_license", price="280000")
    deal = inquire(listing, buyer_person, offer="280000")
    services.deal_post_message(deal=deal, by=buyer_person, body="预算有限", offer="1.00")  # the buyer lowers it
    api.force_authenticate(seller_person)
    missing = api.post(f"{DEALS}{deal.pk}/actions/accept/", {}, format="json")
    assert missing.status_code == 400 and "price" in missing.json()
    stale = api.post(
        f"{DEALS}{deal.pk}/actions/accept/", {"price": {"amount": "280000.00", "currency": "CNY"}}, format="json"
    )
    assert stale.status_code == 409 and stale.json()["code"] == "offer_changed", stale.json()
    assert "¥1.00" in stale.json()["detail"]
    assert fresh(deal).state == "negotiating"
    ok = api.post(f"{DEALS}{deal.pk}/actions/accept/", {"price": {"amount": "1.00", "currency": "CNY"}}, format="json")
    assert ok.status_code == 200 and ok.json()["state"] == "accepted" and ok.json()["price"]["amount"] == "1.00"


def test_the_seller_does_not_accept_its_own_counter_offer(parties, seller_person, buyer_person):
    patent = PatentFactory(owner=parties.borrower)
    deal = inquire(listed(patent, seller_person, "non_exclusive_license", price="300000"), buyer_person, offer="200000")
    services.deal_post_message(deal=deal, by=seller_person, body="最低 280,000", offer="280000")
    deal = fresh(deal)
    refused("own_offer", services.deal_accept, deal=deal, by=seller_person, price=deal.price)
    services.deal_post_message(deal=deal, by=buyer_person, body="接受 280,000", offer="280000")
    assert services.deal_accept(deal=deal, by=seller_person, price=CNY("280000")).state == "accepted"
