"""`/api/v1/listings/`, inquiries and `/api/v1/deals/`: shapes, visibility, errors."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.accounts.factories import OrganisationFactory, member_of
from tests.assets.factories import PatentFactory
from tests.market.factories import ListingFactory

pytestmark = pytest.mark.django_db
LISTINGS, DEALS = "/api/v1/listings/", "/api/v1/deals/"


@pytest.fixture
def seller_person(enterprise):
    return member_of(enterprise, role="admin")


@pytest.fixture
def buyer_person():
    return member_of(OrganisationFactory(kind="enterprise"))


def test_create_publish_withdraw_through_the_api(api, enterprise, seller_person):
    patent = PatentFactory(owner=enterprise)
    api.force_authenticate(seller_person)
    response = api.post(
        LISTINGS,
        {
            "asset": {"type": "patent", "id": patent.pk},
            "deal_type": "exclusive_license",
            "price": {"amount": "1200000.00", "currency": "CNY"},
            "term_months": 36,
            "territory": "四川省",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["asset"] == {"type": "patent", "id": patent.pk}
    assert body["price"] == {"amount": "1200000.00", "currency": "CNY"}
    assert body["status"] == "draft" and body["seller"] == enterprise.pk
    url = f"{LISTINGS}{body['id']}/actions/"
    assert api.post(url + "publish/").json()["status"] == "published"
    again = api.post(url + "publish/")
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_transition" and again.json()["allowed"] == ["withdraw"]
    assert api.post(url + "fly/").status_code == 404
    assert api.post(url + "withdraw/", {"note": "暂停"}, format="json").json()["status"] == "withdrawn"


@pytest.mark.parametrize(
    "price",
    [
        {"amount": "-1", "currency": "CNY"},
        {"amount": "1.001", "currency": "CNY"},
        {"amount": "5", "currency": "USD"},
        12.5,
        "abc",
    ],
)
def test_bad_prices_are_400(api, enterprise, seller_person, price):
    api.force_authenticate(seller_person)
    patent = PatentFactory(owner=enterprise)
    response = api.post(
        LISTINGS,
        {"asset": {"type": "patent", "id": patent.pk}, "deal_type": "assignment", "price": price},
        format="json",
    )
    assert response.status_code == 400 and "price" in response.json()


def test_listing_someone_elses_asset_is_403_with_code(api, seller_person):
    patent = PatentFactory()
    api.force_authenticate(seller_person)
    response = api.post(
        LISTINGS, {"asset": {"type": "patent", "id": patent.pk}, "deal_type": "assignment", "price": "1"}, format="json"
    )
    assert response.status_code == 403 and response.json()["code"] == "not_seller"
    bad_asset = api.post(
        LISTINGS, {"asset": {"type": "car", "id": 1}, "deal_type": "assignment", "price": "1"}, format="json"
    )
    assert bad_asset.status_code == 400 and "asset" in bad_asset.json()


def test_drafts_are_404_to_others_and_visible_to_the_seller(api, enterprise, seller_person, buyer_person):
    draft = ListingFactory(patent=PatentFactory(owner=enterprise), status="draft")
    api.force_authenticate(buyer_person)
    assert api.get(f"{LISTINGS}{draft.pk}/").status_code == 404
    assert draft.pk not in {r["id"] for r in api.get(LISTINGS).json()["results"]}
    assert api.post(f"{LISTINGS}{draft.pk}/inquiries/", {"message": "x"}, format="json").status_code == 404
    api.force_authenticate(seller_person)
    assert api.get(f"{LISTINGS}{draft.pk}/").status_code == 200
    assert {r["id"] for r in api.get(LISTINGS, {"mine": "1"}).json()["results"]} == {draft.pk}


def test_inquiry_answers_201_with_id_and_deal_and_the_deal_is_private(api, enterprise, seller_person, buyer_person):
    listing = ListingFactory(patent=PatentFactory(owner=enterprise))
    api.force_authenticate(buyer_person)
    response = api.post(
        f"{LISTINGS}{listing.pk}/inquiries/",
        {"message": "请报价", "offer": {"amount": "150000.00", "currency": "CNY"}},
        format="json",
    )
    assert response.status_code == 201
    assert set(response.json()) == {"id", "deal"}
    deal_id = response.json()["deal"]
    again = api.post(f"{LISTINGS}{listing.pk}/inquiries/", {"message": "补充"}, format="json")
    assert again.json()["deal"] == deal_id
    deal = api.get(f"{DEALS}{deal_id}/").json()
    assert deal["state"] == "negotiating" and deal["price"] == {"amount": "150000.00", "currency": "CNY"}
    assert deal["allowed_actions"] == ["accept", "cancel"] and len(deal["messages"]) == 2
    # the buyer cannot accept; paying first is a 409 with the allowed actions
    not_seller = api.post(f"{DEALS}{deal_id}/actions/accept/")
    assert not_seller.status_code == 403 and not_seller.json()["code"] == "not_seller"
    early = api.post(f"{DEALS}{deal_id}/actions/pay/")
    assert early.status_code == 409 and early.json()["allowed"] == ["accept", "cancel"]
    # strangers see nothing
    api.force_authenticate(member_of(OrganisationFactory()))
    assert api.get(f"{DEALS}{deal_id}/").status_code == 404
    assert api.get(DEALS).json()["count"] == 0
    api.force_authenticate(None)
    assert api.get(DEALS).status_code == 401
    # the seller accepts
    api.force_authenticate(seller_person)
    accepted = api.post(f"{DEALS}{deal_id}/actions/accept/", {"note": "同意", "price": deal["price"]}, format="json")
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    message = api.post(f"{DEALS}{deal_id}/messages/", {"body": "请准备付款"}, format="json")
    assert message.status_code == 201


def test_inquiry_validation(api, enterprise, buyer_person):
    listing = ListingFactory(patent=PatentFactory(owner=enterprise))
    api.force_authenticate(buyer_person)
    assert "message" in api.post(f"{LISTINGS}{listing.pk}/inquiries/", {}, format="json").json()
    api.force_authenticate(None)
    assert api.post(f"{LISTINGS}{listing.pk}/inquiries/", {"message": "x"}, format="json").status_code == 401


def test_listing_filters_and_constant_queries(api, enterprise):
    a = ListingFactory(patent=PatentFactory(owner=enterprise, ipc_codes=["H01M 4/04"]), deal_type="assignment")
    b = ListingFactory(patent=PatentFactory(ipc_codes=["A61K 31/00"]), price="50000")
    ids = lambda **q: {r["id"] for r in api.get(LISTINGS, q).json()["results"]}  # noqa: E731
    assert ids(deal_type="assignment") == {a.pk}
    assert ids(ipc="A") == {b.pk}
    assert ids(price_max="60000") == {b.pk}
    assert ids(asset_type="patent") == {a.pk, b.pk} and ids(asset_type="trademark") == set()
    assert ids(seller=enterprise.pk) == {a.pk}
    response = api.get(LISTINGS, {"deal_type": "gift"})
    assert response.status_code == 400 and list(response.json()) == ["deal_type"]
    ListingFactory.create_batch(20)
    counts = []
    for size in (3, 22):
        with CaptureQueriesContext(connection) as ctx:
            api.get(LISTINGS, {"page_size": size})
        counts.append(len(ctx))
    assert counts[0] == counts[1]
