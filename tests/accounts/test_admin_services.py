"""The Wagtail admin screens of organisations and memberships save and delete through the services: the
same rules as the API, the same history, and the history is a read-only list for platform people."""

import pytest
from django.contrib.auth.models import Permission

from ipmarket.accounts import services
from ipmarket.accounts.demo import _platform_group
from ipmarket.accounts.models import ApiToken, Membership, Organisation, OrganisationEvent
from ipmarket.assets.models import Patent
from tests.accounts.factories import OrganisationFactory, UserFactory, member_of, valid_credit_code
from tests.assets.factories import PatentFactory

pytestmark = pytest.mark.django_db

ORGS = "/admin/snippets/accounts/organisation/"
MEMBERSHIPS = "/admin/snippets/accounts/membership/"
EVENTS = "/admin/snippets/accounts/organisationevent/"


def admin_user(organisation, **fields):
    """A person with the platform group's admin permissions who belongs to `organisation`."""
    person = member_of(organisation, role="admin", is_staff=True, **fields)
    person.groups.add(_platform_group())
    return person


@pytest.fixture
def platform_admin(db):
    return admin_user(OrganisationFactory(kind="platform"), username="padmin")


def org_form(org, **changes):
    form = {
        "name": org.name,
        "name_en": org.name_en,
        "kind": org.kind,
        "unified_social_credit_code": org.unified_social_credit_code,
        "city": org.city,
        "district": org.district,
        "address": org.address,
        "latitude": str(org.latitude),
        "longitude": str(org.longitude),
        "description": org.description,
        "phone": org.phone,
        "email": org.email,
        "website": org.website,
        "is_active": "on" if org.is_active else "",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v != "" or k != "is_active"}


def test_platform_edit_in_the_admin_is_recorded_like_the_api(client, platform_admin, enterprise):
    client.force_login(platform_admin)
    response = client.post(f"{ORGS}edit/{enterprise.pk}/", org_form(enterprise, kind="bank"))
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.kind == "bank"
    event = OrganisationEvent.objects.get(organisation=enterprise)
    assert (event.field, event.before, event.after, event.actor_name) == ("kind", "enterprise", "bank", "padmin")


def test_admin_permissions_do_not_give_identity_powers(client, enterprise):
    """A non-platform person who was given the admin's permissions still cannot change an identity."""
    insider = admin_user(enterprise, username="insider")
    client.force_login(insider)
    response = client.post(f"{ORGS}edit/{enterprise.pk}/", org_form(enterprise, kind="platform"))
    assert response.status_code == 200  # the form again, with the refusal
    assert "kind" in response.content.decode()
    enterprise.refresh_from_db()
    assert enterprise.kind == "enterprise" and not OrganisationEvent.objects.exists()
    other = OrganisationFactory()
    response = client.post(f"{ORGS}edit/{other.pk}/", org_form(other, description="篡改"))
    assert response.status_code == 200
    other.refresh_from_db()
    assert other.description == ""
    response = client.post(f"{MEMBERSHIPS}add/", {"user": insider.pk, "organisation": other.pk, "role": "admin"})
    assert response.status_code == 200
    assert not Membership.objects.filter(user=insider, organisation=other).exists()


def test_create_organisation_in_the_admin_is_recorded(client, platform_admin):
    client.force_login(platform_admin)
    form = org_form(OrganisationFactory.build(), unified_social_credit_code=valid_credit_code(424243))
    assert client.post(f"{ORGS}add/", form).status_code == 302
    org = Organisation.objects.get(unified_social_credit_code=valid_credit_code(424243))
    assert OrganisationEvent.objects.get(organisation=org).action == "organisation_created"


def test_membership_screens_go_through_the_service(client, platform_admin, enterprise):
    client.force_login(platform_admin)
    person = UserFactory(username="newbie")
    ApiToken.objects.create(user=person, password_hash=person.get_session_auth_hash())
    response = client.post(
        f"{MEMBERSHIPS}add/", {"user": person.pk, "organisation": enterprise.pk, "role": "officer", "is_active": "on"}
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=person)
    response = client.post(
        f"{MEMBERSHIPS}edit/{membership.pk}/", {"user": person.pk, "organisation": enterprise.pk, "role": "officer"}
    )  # is_active unticked
    assert response.status_code == 302
    membership.refresh_from_db()
    assert not membership.is_active and not ApiToken.objects.filter(user=person).exists()
    moved = client.post(
        f"{MEMBERSHIPS}edit/{membership.pk}/",
        {"user": person.pk, "organisation": platform_admin.memberships.get().organisation_id, "role": "admin"},
    )
    assert moved.status_code == 200  # a membership does not move to another organisation
    assert Membership.objects.get(pk=membership.pk).organisation == enterprise
    assert client.post(f"{MEMBERSHIPS}delete/{membership.pk}/").status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    actions = list(OrganisationEvent.objects.filter(organisation=enterprise).order_by("at", "id").values_list("action"))
    assert actions == [("membership_granted",), ("membership_deactivated",), ("membership_removed",)]


def test_bulk_delete_of_memberships_goes_through_the_service(client, platform_admin, enterprise):
    client.force_login(platform_admin)
    people = [member_of(enterprise) for _ in range(2)]
    ids = [p.memberships.get().pk for p in people]
    url = f"/admin/bulk/accounts/membership/delete/?{'&'.join(f'id={i}' for i in ids)}"
    assert client.get(url).status_code == 200  # the confirmation deletes nothing
    assert Membership.objects.filter(pk__in=ids).count() == 2
    assert client.post(url).status_code == 302
    assert not Membership.objects.filter(pk__in=ids).exists()
    assert OrganisationEvent.objects.filter(action="membership_removed").count() == 2


def test_organisation_delete_in_the_admin(client, platform_admin):
    client.force_login(platform_admin)
    used = PatentFactory().owner
    client.post(f"{ORGS}delete/{used.pk}/")
    assert Organisation.objects.filter(pk=used.pk).exists() and Patent.objects.filter(owner=used).exists()
    assert not OrganisationEvent.objects.filter(action="organisation_deleted").exists()
    unused = OrganisationFactory()
    member = member_of(unused)
    ApiToken.objects.create(user=member, password_hash=member.get_session_auth_hash())
    assert client.post(f"{ORGS}delete/{unused.pk}/").status_code == 302
    assert not Organisation.objects.filter(pk=unused.pk).exists()
    event = OrganisationEvent.objects.get(action="organisation_deleted")
    assert event.organisation is None and event.organisation_name == unused.name  # the record outlives it
    assert not ApiToken.objects.filter(user=member).exists()


def test_history_list_is_read_only_and_for_platform_people(client, platform_admin, enterprise):
    services.organisation_update(organisation=enterprise, by=platform_admin, name="改名后的公司")
    other = OrganisationFactory(name="另一家原名")
    services.organisation_update(organisation=other, by=platform_admin, name="另一家改名")
    client.force_login(platform_admin)
    response = client.get(EVENTS, {"organisation": enterprise.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "资阳测试科技有限公司" in html and "另一家原名" not in html  # the names before, in the rows
    event = OrganisationEvent.objects.get(organisation=enterprise)
    assert client.get(f"{EVENTS}edit/{event.pk}/").status_code in (302, 403)
    assert client.post(f"{EVENTS}delete/{event.pk}/").status_code in (302, 403)
    assert OrganisationEvent.objects.filter(pk=event.pk).exists()
    insider = admin_user(enterprise, username="insider")  # admin permissions, not a platform person
    insider.user_permissions.add(Permission.objects.get(codename="view_organisationevent"))
    client.force_login(insider)
    assert client.get(EVENTS).status_code in (302, 403)


def refused(response) -> bool:
    """The Wagtail admin answers a PermissionDenied with a redirect to its home page (and a message)."""
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")


def test_wagtail_user_screens_cannot_make_or_take_over_a_superuser(client, platform_admin):
    boss = UserFactory(username="boss", is_superuser=True)
    plain = UserFactory(username="plain")
    client.force_login(platform_admin)
    assert refused(client.get(f"/admin/users/edit/{boss.pk}/"))
    form = {"username": "boss", "email": "boss@example.com", "first_name": "B", "last_name": "W", "is_active": "on"}
    assert refused(
        client.post(f"/admin/users/edit/{boss.pk}/", {**form, "password1": "Taken-1a", "password2": "Taken-1a"})
    )
    boss.refresh_from_db()
    assert boss.check_password("pw-12345-test")
    form = {"username": "plain", "email": "p@example.com", "first_name": "P", "last_name": "L", "is_active": "on"}
    assert refused(client.post(f"/admin/users/edit/{plain.pk}/", {**form, "is_superuser": "on"}))
    crony = {**form, "username": "crony", "password1": "Crony-pass-123", "password2": "Crony-pass-123"}
    assert refused(client.post("/admin/users/new/", {**crony, "is_superuser": "on"}))
    plain.refresh_from_db()
    assert not plain.is_superuser and not type(plain).objects.filter(username="crony").exists()
    # Platform people still manage ordinary people there.
    response = client.post(
        f"/admin/users/edit/{plain.pk}/", {**form, "password1": "Reset-pass-99", "password2": "Reset-pass-99"}
    )
    assert response.status_code == 302 and response["Location"] != "/admin/"
    plain.refresh_from_db()
    assert plain.check_password("Reset-pass-99")


def test_bulk_deactivation_of_people_revokes_their_tokens(client, platform_admin):
    people = [UserFactory() for _ in range(2)]
    for person in people:
        ApiToken.objects.create(user=person, password_hash=person.get_session_auth_hash())
    client.force_login(platform_admin)
    url = f"/admin/bulk/accounts/user/set_active_state/?{'&'.join(f'id={p.pk}' for p in people)}"
    assert client.post(url, {"mark_as_active": "False"}).status_code == 302
    assert not type(people[0]).objects.filter(pk__in=[p.pk for p in people], is_active=True).exists()
    assert not ApiToken.objects.filter(user__in=people).exists()
