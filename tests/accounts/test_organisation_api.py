"""`/api/v1/organisations/`: public reads, platform writes, filters, errors."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ipmarket.accounts.models import Organisation
from tests.accounts.factories import OrganisationFactory, ServiceFactory, UserFactory, member_of, valid_credit_code

pytestmark = pytest.mark.django_db
URL = "/api/v1/organisations/"


def new_org_payload(**overrides):
    return {
        "name": "资阳新创科技有限公司",
        "kind": "enterprise",
        "unified_social_credit_code": valid_credit_code(987654),
        "city": "资阳",
        "district": "雁江区",
        "address": "四川省资阳市雁江区人民路1号",
        "location": {"lat": "30.1222", "lon": "104.6273"},
        "services": [],
        "description": "",
        **overrides,
    }


def test_list_is_public_paginated_and_shaped(api):
    service = ServiceFactory(code="patent_filing")
    org = OrganisationFactory(kind="patent_agency", latitude="30.5", longitude="104.1")
    org.services.add(service)
    OrganisationFactory.create_batch(3)
    response = api.get(URL, {"page_size": 2})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 4 and len(body["results"]) == 2 and body["next"]
    one = api.get(f"{URL}{org.pk}/").json()
    assert one["location"] == {"lat": 30.5, "lon": 104.1}
    assert one["services"] == ["patent_filing"]
    assert {"id", "name", "kind", "unified_social_credit_code", "city", "district", "address", "description"} <= set(
        one
    )


def test_page_size_is_capped_at_100(api):
    OrganisationFactory.create_batch(105)
    assert len(api.get(URL, {"page_size": 500}).json()["results"]) == 100


def test_filters_kind_city_service_and_mine(api):
    bank = OrganisationFactory(kind="bank", city="成都")
    OrganisationFactory(kind="bank", city="资阳")
    agency = OrganisationFactory(kind="patent_agency", city="成都")
    agency.services.add(ServiceFactory(code="patent_search"))
    ids = lambda **q: {o["id"] for o in api.get(URL, q).json()["results"]}  # noqa: E731
    assert ids(kind="bank", city="成都") == {bank.pk}
    assert ids(service="patent_search") == {agency.pk}
    person = member_of(bank)
    api.force_authenticate(person)
    assert ids(mine="1") == {bank.pk}
    assert len(ids(mine="0")) == 3
    api.force_authenticate(None)
    assert ids(mine="1") == set()


@pytest.mark.parametrize("query", [{"kind": "castle"}, {"mine": "perhaps"}])
def test_malformed_filters_answer_400(api, query):
    response = api.get(URL, query)
    assert response.status_code == 400
    assert list(response.json()) == list(query)


def test_list_query_count_does_not_grow_with_page_size(api):
    service = ServiceFactory(code="ip_valuation")
    for org in OrganisationFactory.create_batch(40):
        org.services.add(service)
    counts = []
    for size in (5, 40):
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(URL, {"page_size": size}).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1]


def test_anonymous_create_is_401_with_detail_and_code(api):
    response = api.post(URL, new_org_payload(), format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated" and response.json()["detail"]


def test_enterprise_member_may_not_create(api, enterprise_admin):
    api.force_authenticate(enterprise_admin)
    response = api.post(URL, new_org_payload(), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Organisation.objects.filter(name="资阳新创科技有限公司").exists()


def test_platform_person_creates_with_normalised_code(api, platform_person):
    ServiceFactory(code="technology_transfer")
    api.force_authenticate(platform_person)
    code = valid_credit_code(555)
    response = api.post(
        URL, new_org_payload(unified_social_credit_code=code.lower(), services=["technology_transfer"]), format="json"
    )
    assert response.status_code == 201, response.json()
    org = Organisation.objects.get(pk=response.json()["id"])
    assert org.unified_social_credit_code == code
    assert str(org.latitude) == "30.122200"
    assert [s.code for s in org.services.all()] == ["technology_transfer"]


def test_bad_code_duplicate_and_bad_location_are_field_errors(api, platform_person):
    api.force_authenticate(platform_person)
    bad = valid_credit_code(1)[:-1] + ("0" if valid_credit_code(1)[-1] != "0" else "1")
    response = api.post(URL, new_org_payload(unified_social_credit_code=bad), format="json")
    assert response.status_code == 400
    assert "unified_social_credit_code" in response.json()
    existing = OrganisationFactory()
    response = api.post(
        URL, new_org_payload(unified_social_credit_code=existing.unified_social_credit_code), format="json"
    )
    assert response.status_code == 400 and "unified_social_credit_code" in response.json()
    response = api.post(URL, new_org_payload(location={"lat": "95", "lon": "104"}), format="json")
    assert response.status_code == 400 and "location" in response.json()
    response = api.post(URL, new_org_payload(kind="castle", services=["nope"]), format="json")
    assert response.status_code == 400 and {"kind", "services"} <= set(response.json())
    assert Organisation.objects.count() == 2  # platform organisation + existing: nothing half-created


def test_admin_edits_own_organisation_others_get_403(api, enterprise, enterprise_admin):
    api.force_authenticate(enterprise_admin)
    response = api.patch(f"{URL}{enterprise.pk}/", {"description": "我们做智能装备。"}, format="json")
    assert response.status_code == 200
    enterprise.refresh_from_db()
    assert enterprise.description == "我们做智能装备。"
    other = OrganisationFactory()
    assert api.patch(f"{URL}{other.pk}/", {"description": "x"}, format="json").status_code == 403


def test_hidden_organisation_answers_404(api):
    hidden = OrganisationFactory(is_active=False)
    api.force_authenticate(UserFactory())
    response = api.get(f"{URL}{hidden.pk}/")
    assert response.status_code == 404
    assert response.json() == {"detail": response.json()["detail"], "code": "not_found"}
    assert api.patch(f"{URL}{hidden.pk}/", {"description": "x"}, format="json").status_code == 404
    api.force_authenticate(member_of(hidden))
    assert api.get(f"{URL}{hidden.pk}/").status_code == 200
