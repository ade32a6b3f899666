"""Who reads the register history (`/api/v1/{patents,trademarks}/{id}/events/`), and what an unlisted
organisation's IP shows the public (nothing)."""

import pytest

from ipmarket.assets import services
from tests.accounts.factories import OrganisationFactory, member_of
from tests.assets.factories import PatentFactory, TrademarkFactory

pytestmark = pytest.mark.django_db
PATENTS, TRADEMARKS = "/api/v1/patents/", "/api/v1/trademarks/"


@pytest.fixture
def corrected(enterprise, platform_person):
    """A patent of `enterprise` whose status the platform corrected."""
    patent = PatentFactory(owner=enterprise)
    services.patent_update(patent=patent, by=platform_person, legal_status="invalidated")
    return patent


def test_the_owner_and_the_platform_read_the_history(api, corrected, enterprise_admin, platform_person):
    for person in (enterprise_admin, platform_person):
        api.force_authenticate(person)
        response = api.get(f"{PATENTS}{corrected.pk}/events/")
        assert response.status_code == 200, response.json()
        (event,) = response.json()["results"]
        assert {k: event[k] for k in ("field", "before", "after", "source", "reason")} == {
            "field": "legal_status",
            "before": "granted",
            "after": "invalidated",
            "source": "platform",
            "reason": "edit",
        }
        assert event["by"] == str(platform_person) and event["at"]


def test_a_co_owner_reads_the_history(api, corrected):
    partner = OrganisationFactory(kind="enterprise")
    corrected.co_owners.add(partner)
    api.force_authenticate(member_of(partner))
    assert api.get(f"{PATENTS}{corrected.pk}/events/").status_code == 200


def test_others_do_not(api, corrected):
    assert api.get(f"{PATENTS}{corrected.pk}/events/").status_code == 401
    for outsider in (member_of(OrganisationFactory(kind="enterprise")), member_of(OrganisationFactory(kind="bank"))):
        api.force_authenticate(outsider)
        assert api.get(f"{PATENTS}{corrected.pk}/").status_code == 200  # the register itself is public
        response = api.get(f"{PATENTS}{corrected.pk}/events/")
        assert response.status_code == 403 and response.json()["detail"]
    assert api.get(f"{PATENTS}999999999/events/").status_code == 404
    assert api.get(f"{PATENTS}false/events/").status_code == 404
    assert api.get(f"{PATENTS}99999999999999999999/events/").status_code == 404
    assert api.post(f"{TRADEMARKS}false/actions/record_pledge_consent/", {}, format="json").status_code == 404


def test_trademark_history(api, enterprise, enterprise_admin):
    trademark = TrademarkFactory(owner=enterprise)
    api.force_authenticate(enterprise_admin)
    assert api.patch(f"{TRADEMARKS}{trademark.pk}/", {"status": "cancelled"}, format="json").status_code == 200
    (event,) = api.get(f"{TRADEMARKS}{trademark.pk}/events/").json()["results"]
    assert (event["field"], event["before"], event["after"], event["source"]) == (
        "status",
        "registered",
        "cancelled",
        "owner",
    )


def test_the_ip_of_an_unlisted_organisation_is_not_public(api, client, enterprise, enterprise_admin, platform_person):
    hidden = OrganisationFactory(kind="enterprise", is_active=False)
    partner = OrganisationFactory(kind="enterprise")
    patent = PatentFactory(owner=hidden)
    patent.co_owners.add(partner)
    trademark = TrademarkFactory(owner=hidden)
    public = PatentFactory(owner=enterprise)
    outsider = member_of(OrganisationFactory(kind="enterprise"))
    for person in (None, outsider):
        api.force_authenticate(person)
        assert api.get(f"{PATENTS}{patent.pk}/").status_code == 404
        assert api.get(f"{TRADEMARKS}{trademark.pk}/").status_code == 404
        assert {p["id"] for p in api.get(PATENTS).json()["results"]} == {public.pk}
        assert api.get(TRADEMARKS).json()["results"] == []
        if person:
            assert api.get(f"{PATENTS}{patent.pk}/events/").status_code == 404
    assert client.get(f"/ip/patents/{patent.pk}/").status_code == 404
    assert client.get(f"/ip/trademarks/{trademark.pk}/").status_code == 404
    assert client.get(f"/ip/patents/{public.pk}/").status_code == 200
    for person in (member_of(hidden), member_of(partner), platform_person):
        api.force_authenticate(person)
        assert api.get(f"{PATENTS}{patent.pk}/").status_code == 200
        assert {p["id"] for p in api.get(PATENTS).json()["results"]} >= {patent.pk}
        client.force_login(person)
        assert client.get(f"/ip/patents/{patent.pk}/").status_code == 200
    api.force_authenticate(member_of(hidden))
    assert api.get(f"{TRADEMARKS}{trademark.pk}/").status_code == 200
