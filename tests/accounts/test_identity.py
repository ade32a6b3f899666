"""Who an organisation is (name, English name, kind, credit code, listing) belongs to the platform; every
change of it is recorded and shown to platform people at `organisations/{id}/events/`."""

import pytest

from ipmarket.accounts import services
from ipmarket.accounts.models import Organisation, OrganisationEvent
from tests.accounts.factories import OrganisationFactory, UserFactory, member_of, valid_credit_code

pytestmark = pytest.mark.django_db
URL = "/api/v1/organisations/"


def events_url(org):
    return f"{URL}{org.pk}/events/"


@pytest.mark.parametrize(
    "change",
    [
        {"kind": "platform"},
        {"kind": "bank"},
        {"is_active": False},
        {"name": "中国工商银行股份有限公司"},
        {"name_en": "Platform Operator"},
        {"unified_social_credit_code": valid_credit_code(777001)},
        {"description": "ok", "kind": "platform"},  # a harmless change does not carry an identity change
    ],
)
def test_enterprise_admin_cannot_change_the_identity_of_their_organisation(api, enterprise, enterprise_admin, change):
    before = {f: getattr(enterprise, f) for f in services.IDENTITY_FIELDS}
    api.force_authenticate(enterprise_admin)
    response = api.patch(f"{URL}{enterprise.pk}/", change, format="json")
    assert response.status_code == 403, response.json()
    assert response.json()["code"] == "permission_denied" and response.json()["detail"]
    enterprise.refresh_from_db()
    assert {f: getattr(enterprise, f) for f in services.IDENTITY_FIELDS} == before
    assert enterprise.description == ""
    assert not OrganisationEvent.objects.filter(field__gt="").exists()


def test_the_self_made_platform_attack_gives_no_platform_power(api, enterprise, enterprise_admin):
    """The issue's attack: PATCH kind=platform, then read another enterprise's hidden organisation."""
    hidden = OrganisationFactory(is_active=False)
    api.force_authenticate(enterprise_admin)
    assert api.patch(f"{URL}{enterprise.pk}/", {"kind": "platform"}, format="json").status_code == 403
    assert api.get(f"{URL}{hidden.pk}/").status_code == 404
    assert api.patch(f"{URL}{hidden.pk}/", {"description": "x"}, format="json").status_code == 404
    payload = {
        "name": "假银行",
        "kind": "bank",
        "unified_social_credit_code": valid_credit_code(777002),
        "city": "资阳",
    }
    assert api.post(URL, payload, format="json").status_code == 403


def test_admin_may_echo_the_identity_unchanged_and_edit_the_rest(api, enterprise, enterprise_admin):
    api.force_authenticate(enterprise_admin)
    current = api.get(f"{URL}{enterprise.pk}/").json()
    current.update(
        description="智能装备",
        phone="028-12345678",
        address="雁江区人民路1号",
        district="安岳县",
        location={"lat": "30.1", "lon": "104.6"},
        unified_social_credit_code=current["unified_social_credit_code"].lower(),  # same code, as typed
    )
    response = api.put(f"{URL}{enterprise.pk}/", current, format="json")
    assert response.status_code == 200, response.json()
    enterprise.refresh_from_db()
    assert (enterprise.description, enterprise.phone, enterprise.district) == ("智能装备", "028-12345678", "安岳县")
    assert not OrganisationEvent.objects.filter(organisation=enterprise).exists()


def test_platform_changes_are_recorded_with_before_and_after(api, enterprise, platform_person):
    api.force_authenticate(platform_person)
    old_name = enterprise.name
    response = api.patch(f"{URL}{enterprise.pk}/", {"name": "资阳新名称有限公司", "is_active": False}, format="json")
    assert response.status_code == 200, response.json()
    events = api.get(events_url(enterprise)).json()
    assert [(e["field"], e["before"], e["after"], e["actor"], e["action"]) for e in events] == [
        ("is_active", True, False, "platformer", None),
        ("name", old_name, "资阳新名称有限公司", "platformer", None),
    ]  # newest first
    assert all(set(e) == {"at", "actor", "field", "action", "person", "before", "after"} for e in events)


def test_events_are_for_platform_people_only(api, enterprise, enterprise_admin, platform_person):
    services.organisation_update(organisation=enterprise, by=platform_person, kind="bank")
    hidden = OrganisationFactory(is_active=False)
    assert api.get(events_url(enterprise)).status_code == 401
    api.force_authenticate(enterprise_admin)
    response = api.get(events_url(enterprise))
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert api.get(events_url(hidden)).status_code == 404
    api.force_authenticate(UserFactory())
    assert api.get(events_url(enterprise)).status_code == 403
    api.force_authenticate(platform_person)
    assert api.get(events_url(hidden)).json() == []
    [event] = api.get(events_url(enterprise)).json()
    assert (event["field"], event["before"], event["after"]) == ("kind", "enterprise", "bank")


def test_creation_is_recorded(api, platform_person):
    api.force_authenticate(platform_person)
    payload = {
        "name": "新机构",
        "kind": "law_firm",
        "unified_social_credit_code": valid_credit_code(777003),
        "city": "资阳",
    }
    org_id = api.post(URL, payload, format="json").json()["id"]
    [event] = api.get(f"{URL}{org_id}/events/").json()
    assert event["action"] == "organisation_created" and event["after"]["kind"] == "law_firm"


def test_service_refuses_identity_changes_whatever_the_caller(enterprise, enterprise_admin):
    """The rule lives in the service: pages, the admin and jobs get the same answer as the API."""
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.organisation_update(organisation=enterprise, by=enterprise_admin, is_active=False)
    with pytest.raises(PermissionDenied):
        services.organisation_update(organisation=enterprise, by=member_of(enterprise), description="x")
    enterprise.refresh_from_db()
    assert enterprise.is_active and enterprise.description == ""
    assert Organisation.objects.get(pk=enterprise.pk).kind == "enterprise"


def test_a_stale_copy_put_after_a_platform_rename_is_refused(api, enterprise, enterprise_admin, platform_person):
    api.force_authenticate(enterprise_admin)
    stale = api.get(f"{URL}{enterprise.pk}/").json()
    services.organisation_update(organisation=enterprise, by=platform_person, name="平台核定的新名称")
    response = api.put(f"{URL}{enterprise.pk}/", {**stale, "description": "新介绍"}, format="json")
    assert response.status_code == 403
    enterprise.refresh_from_db()
    assert (enterprise.name, enterprise.description) == ("平台核定的新名称", "")
