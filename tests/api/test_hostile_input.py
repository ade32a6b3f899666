"""Hostile input gets a 4xx, never a 500: JSON nested without end, ids and id filters that are not 64-bit ids,
free text of megabytes."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models

from ipmarket.accounts.models import Organisation
from ipmarket.core.api.parsers import MAX_JSON_DEPTH
from ipmarket.market.models import Listing
from tests.accounts.factories import member_of
from tests.assets.factories import PatentFactory, TrademarkFactory
from tests.market.factories import ListingFactory
from tests.payments.conftest import post_webhook

pytestmark = pytest.mark.django_db

TOO_BIG = str(2**63)  # one more than the largest 64-bit id
HUGE = "9" * 30
MEGABYTES = "x" * 2_400_000  # 2.4 MB, under the 2.5 MB Django reads into memory


def nested(depth: int) -> str:
    """A JSON object nested `depth` deep: {"a": {"a": … 1 …}}."""
    return '{"a":' * depth + "1" + "}" * depth


@pytest.fixture
def owner(enterprise):
    return member_of(enterprise, role="admin", username="owner1")


# --- JSON nested without end ------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [100_000, MAX_JSON_DEPTH + 1])
def test_deeply_nested_json_is_a_400_on_every_kind_of_endpoint(api, owner, enterprise, depth):
    trademark = TrademarkFactory(owner=enterprise)
    body = nested(depth)
    anonymous = ["/api/v1/financing/quote/", "/api/v1/auth/token/"]
    signed_in = [
        "/api/v1/patents/",
        "/api/v1/listings/",
        "/api/v1/financing/applications/",  # a viewset with parser classes of its own
        f"/api/v1/trademarks/{trademark.pk}/actions/record_pledge_consent/",
        f"/api/v1/organisations/{enterprise.pk}/",
    ]
    for url in anonymous + signed_in:
        if url in signed_in:
            api.force_authenticate(owner)
        method = api.patch if url.startswith("/api/v1/organisations/") else api.post
        response = method(url, body, content_type="application/json")
        assert response.status_code == 400, (url, response.status_code, response.content[:300])
        assert response.json()["code"] == "parse_error" and response.json()["detail"], url


def test_json_as_deep_as_the_limit_reaches_the_serializer(api):
    body = '{"principal": ' + "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1) + "}"
    response = api.post("/api/v1/financing/quote/", body, content_type="application/json")
    assert response.status_code == 400
    assert "principal" in response.json()  # a field error: the body was parsed


def test_a_deeply_nested_signed_webhook_is_a_400(client):
    response = post_webhook(client, nested(100_000).encode())
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_event"


# --- ids in paths -----------------------------------------------------------------------------------------


def test_ids_that_are_not_64_bit_ids_are_404_on_every_route(api, owner, enterprise):
    trademark = TrademarkFactory(owner=enterprise)
    api.force_authenticate(owner)
    assert api.post(f"/api/v1/trademarks/{trademark.pk}/actions/record_pledge_consent/", {}).status_code != 404
    for bad in ["false", "abc", "1.5", "-1", "١", TOO_BIG, HUGE, "1e3", "%00"]:
        for method, url in [
            ("post", f"/api/v1/trademarks/{bad}/actions/record_pledge_consent/"),
            ("post", f"/api/v1/patents/{bad}/actions/record_pledge_consent/"),
            ("get", f"/api/v1/patents/{bad}/"),
            ("patch", f"/api/v1/organisations/{bad}/"),
            ("get", f"/api/v1/listings/{bad}/"),
            ("post", f"/api/v1/listings/{bad}/actions/publish/"),
            ("post", f"/api/v1/deals/{bad}/messages/"),
            ("get", f"/api/v1/financing/programmes/{bad}/"),
            ("get", f"/api/v1/financing/applications/{bad}/"),
            ("get", f"/api/v1/financing/applications/1/documents/{bad}/"),
        ]:
            response = getattr(api, method)(url, {}, format="json")
            assert response.status_code == 404, (url, response.status_code, response.content[:300])
            assert response.json()["code"] == "not_found", url


# --- id filters and pages -----------------------------------------------------------------------------------


def test_id_filters_take_only_64_bit_ids(api, enterprise):
    patent = PatentFactory(owner=enterprise)
    ListingFactory(patent=patent)
    # A good id still filters.
    assert [p["id"] for p in api.get(f"/api/v1/patents/?owner={enterprise.pk}").json()["results"]] == [patent.pk]
    assert api.get(f"/api/v1/listings/?seller={enterprise.pk}").json()["count"] == 1
    assert api.get(f"/api/v1/listings/?seller={enterprise.pk + 1}").json()["count"] == 0
    for bad in ["abc", "1.5", "1e30", "-1", "0", TOO_BIG, HUGE, "1" * 5000, "NaN"]:
        for url, field in [
            (f"/api/v1/patents/?owner={bad}", "owner"),
            (f"/api/v1/trademarks/?owner={bad}", "owner"),
            (f"/api/v1/listings/?seller={bad}", "seller"),
        ]:
            response = api.get(url)
            assert response.status_code == 400, (url[:80], response.status_code)
            assert field in response.json(), url[:80]


def test_related_filters_and_pages_beyond_64_bits_are_4xx(api, owner):
    api.force_authenticate(owner)
    for url in [
        f"/api/v1/deals/?listing={TOO_BIG}",
        f"/api/v1/financing/applications/?programme={HUGE}",
        "/api/v1/financing/applications/?lender=abc",
        f"/api/v1/search/ip/?page={HUGE}",
        f"/api/v1/search/firms/?page_size={HUGE}",
    ]:
        assert api.get(url).status_code == 400, url
    assert api.get(f"/api/v1/listings/?page={HUGE}").status_code == 404  # DRF: an invalid page
    assert api.get(f"/api/v1/listings/?page_size={HUGE}").status_code == 200  # capped at 100


def test_an_asset_named_by_something_that_is_not_an_id_is_a_field_error(api, owner, enterprise):
    """`true` and 1.5 are not patent 1 (Python's int() reads them so); "1" from a form is."""
    patent = PatentFactory(owner=enterprise, pk=1)
    api.force_authenticate(owner)
    for bad in [True, 1.5, "1.0", " 1", "１", 0, -1, 2**63, TOO_BIG, None, [1], {"id": 1}]:
        body = {"asset": {"type": "patent", "id": bad}, "deal_type": "assignment", "price": "100000.00"}
        response = api.post("/api/v1/listings/", body, format="json")
        assert response.status_code == 400 and "asset" in response.json(), (bad, response.content[:200])
        response = api.post(
            "/api/v1/financing/applications/", {"assets": [{"type": "patent", "id": bad}]}, format="json"
        )
        assert response.status_code == 400 and "assets" in response.json(), (bad, response.content[:200])
    assert not Listing.objects.exists()
    for good in [1, "1"]:
        body = {"asset": {"type": "patent", "id": good}, "deal_type": "assignment", "price": "100000.00"}
        response = api.post("/api/v1/listings/", body, format="json")
        assert response.status_code == 201, (good, response.content[:300])
        assert Listing.objects.get(pk=response.json()["id"]).patent == patent
        Listing.objects.all().delete()


# --- free text -------------------------------------------------------------------------------------------


def test_every_text_field_has_a_maximum_length_that_full_clean_enforces():
    ours = ("ipmarket", "financing", "cms", "search")
    text_fields = [
        field
        for model in apps.get_models()
        if model.__module__.startswith(ours)
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField) and field.model is model
    ]
    assert len(text_fields) >= 15
    for field in text_fields:
        assert field.max_length, field
        assert any(isinstance(v, MaxLengthValidator) and v.limit_value == field.max_length for v in field.validators), (
            field
        )


def test_a_megabyte_description_is_refused_by_the_api(api, owner, enterprise):
    api.force_authenticate(owner)
    response = api.patch(f"/api/v1/organisations/{enterprise.pk}/", {"description": MEGABYTES}, format="json")
    assert response.status_code == 400 and "description" in response.json()
    patent = PatentFactory(owner=enterprise)
    response = api.post(
        "/api/v1/listings/",
        {
            "asset": {"type": "patent", "id": patent.pk},
            "deal_type": "assignment",
            "price": "100000.00",
            "description": MEGABYTES,
        },
        format="json",
    )
    assert response.status_code == 400 and "description" in response.json()
    response = api.patch(f"/api/v1/patents/{patent.pk}/", {"abstract": MEGABYTES}, format="json")
    assert response.status_code == 400 and "abstract" in response.json()
    assert not Listing.objects.exists()
    enterprise.refresh_from_db()
    patent.refresh_from_db()
    assert enterprise.description == "" and len(patent.abstract) < 100
    # A body beyond what Django reads into memory (2.5 MB) is a 413, in JSON.
    response = api.patch(f"/api/v1/organisations/{enterprise.pk}/", {"description": "长" * 1_000_000}, format="json")
    assert response.status_code == 413 and response.json()["code"] == "request_too_large"
    # Just under the limit is fine.
    response = api.patch(f"/api/v1/organisations/{enterprise.pk}/", {"description": "长" * 5000}, format="json")
    assert response.status_code == 200, response.content[:300]


def test_a_megabyte_description_is_refused_by_the_model(enterprise):
    enterprise.description = MEGABYTES
    with pytest.raises(ValidationError) as refused:
        enterprise.full_clean()
    assert "description" in refused.value.message_dict
    listing = ListingFactory.build(patent=PatentFactory(owner=enterprise), seller=enterprise, description=MEGABYTES)
    with pytest.raises(ValidationError) as refused:
        listing.full_clean(exclude=["status", "created_by"])
    assert "description" in refused.value.message_dict
    assert Organisation.objects.get(pk=enterprise.pk).description == ""
