"""Inquiries reach the seller's people; every state change of a deal reaches both sides (not the person
who acted, not outsiders)."""

import pytest
from django.core import mail
from djmoney.money import Money

from ipmarket.market import services
from ipmarket.market.models import Event
from ipmarket.notifications.models import Kind, Notification
from tests.accounts.factories import OrganisationFactory, member_of
from tests.assets.factories import PatentFactory

from .conftest import inbox, recipients

pytestmark = pytest.mark.django_db


@pytest.fixture
def sides(db):
    seller = OrganisationFactory(kind="enterprise", name="卖方科技有限公司")
    buyer = OrganisationFactory(kind="enterprise", name="买方科技有限公司")
    return {
        "seller_admin": member_of(seller, role="admin", username="seller_admin"),
        "seller_colleague": member_of(seller, username="seller_colleague"),
        "buyer_person": member_of(buyer, username="buyer_person"),
        "buyer_colleague": member_of(buyer, username="buyer_colleague"),
        "outsider": member_of(OrganisationFactory(kind="enterprise"), username="outsider"),
        "patent": PatentFactory(owner=seller),
    }


def listed(s, deal_type="non_exclusive_license", **fields):
    listing = services.listing_create(
        by=s["seller_admin"],
        asset=s["patent"],
        deal_type=deal_type,
        price=Money("100000", "CNY"),
        term_months=24,
        **fields,
    )
    return services.listing_publish(listing=listing, by=s["seller_admin"])


def test_an_inquiry_reaches_the_sellers_people_only(hooks_run, sides):
    listing = listed(sides)
    with hooks_run():
        message = services.inquiry_create(listing=listing, by=sides["buyer_person"], message="请问可否分期付款？")

    assert recipients(Kind.INQUIRY_RECEIVED) == ["seller_admin", "seller_colleague"]
    note = Notification.objects.get(recipient=sides["seller_colleague"])
    assert note.key == f"inquiry:{message.pk}"
    assert note.link == f"/market/deals/{message.deal_id}/"
    assert note.params["message"] == "请问可否分期付款？"
    # Opening the deal is the inquiry itself: no separate "deal state" notice.
    assert not Notification.objects.filter(kind=Kind.DEAL_STATE).exists()
    assert sorted(m.to[0] for m in mail.outbox) == ["seller_admin@example.com", "seller_colleague@example.com"]
    assert "请问可否分期付款？" in mail.outbox[0].body


def test_each_deal_state_change_reaches_both_sides_but_not_the_actor(hooks_run, sides):
    listing = listed(sides)
    message = services.inquiry_create(listing=listing, by=sides["buyer_person"], message="有意向")
    deal = message.deal
    with hooks_run():
        services.deal_accept(deal=deal, by=sides["seller_admin"], price=deal.price)
    accept = Event.objects.get(deal=deal, action="accept")
    key = f"deal:{deal.pk}:event:{accept.pk}"
    assert recipients(Kind.DEAL_STATE, key) == ["buyer_colleague", "buyer_person", "seller_colleague"]
    assert Notification.objects.get(recipient=sides["buyer_person"], key=key).params["to"] == "accepted"

    with hooks_run():
        services.deal_cancel(deal=deal, by=sides["buyer_person"], note="预算调整")
    cancel = Event.objects.get(deal=deal, action="cancel")
    key = f"deal:{deal.pk}:event:{cancel.pk}"
    assert recipients(Kind.DEAL_STATE, key) == ["buyer_colleague", "seller_admin", "seller_colleague"]
    assert Notification.objects.get(recipient=sides["seller_admin"], key=key).params["note"] == "预算调整"
    assert inbox(sides["outsider"]) == []
    # Listing events (publish, reopen) are not deal state changes.
    assert Notification.objects.filter(kind=Kind.DEAL_STATE).count() == 6


def test_withdrawing_a_listing_tells_the_buyers_their_deal_was_cancelled(hooks_run, sides):
    listing = listed(sides)
    deal = services.inquiry_create(listing=listing, by=sides["buyer_person"], message="有意向").deal
    with hooks_run():
        services.listing_withdraw(listing=listing, by=sides["seller_admin"])

    assert recipients(Kind.DEAL_STATE, f"deal:{deal.pk}:") == ["buyer_colleague", "buyer_person", "seller_colleague"]
