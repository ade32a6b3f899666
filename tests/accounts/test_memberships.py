"""Memberships: one service path for grant, role change, deactivation and removal, each recorded; the
escalation paths are closed and an inactive membership gives no power."""

import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import close_old_connections

from ipmarket.accounts import policies, selectors, services
from ipmarket.accounts.models import Membership, OrganisationEvent
from tests.accounts.factories import OrganisationFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform_org(platform_person):
    return platform_person.memberships.get().organisation


def test_grant_role_change_deactivate_reactivate_remove_are_recorded(api, enterprise, enterprise_admin):
    person = UserFactory(username="newcomer")
    services.membership_set(organisation=enterprise, user=person, role="member", by=enterprise_admin)
    services.membership_set(organisation=enterprise, user=person, role="admin", by=enterprise_admin)
    services.membership_set(organisation=enterprise, user=person, role="admin", by=enterprise_admin)  # no change
    services.membership_set(organisation=enterprise, user=person, role="admin", is_active=False, by=enterprise_admin)
    services.membership_set(organisation=enterprise, user=person, role="member", by=enterprise_admin)
    services.membership_remove(membership=Membership.objects.get(user=person), by=enterprise_admin)
    rows = OrganisationEvent.objects.filter(organisation=enterprise).order_by("at", "id")
    assert [(e.action, e.before, e.after, e.person_name, e.actor_name) for e in rows] == [
        ("membership_granted", None, "member", "newcomer", "ent_admin"),
        ("membership_role_changed", "member", "admin", "newcomer", "ent_admin"),
        ("membership_deactivated", "admin", None, "newcomer", "ent_admin"),
        ("membership_reactivated", None, "member", "newcomer", "ent_admin"),
        ("membership_removed", "member", None, "newcomer", "ent_admin"),
    ]
    assert not Membership.objects.filter(user=person).exists()


def test_enterprise_admin_cannot_grant_in_another_organisation(enterprise_admin):
    other = OrganisationFactory()
    with pytest.raises(PermissionDenied):
        services.membership_set(organisation=other, user=enterprise_admin, role="admin", by=enterprise_admin)
    victim = member_of(other, role="admin")
    with pytest.raises(PermissionDenied):
        services.membership_remove(membership=victim.memberships.get(), by=enterprise_admin)
    assert not Membership.objects.filter(user=enterprise_admin, organisation=other).exists()
    assert victim.memberships.exists()


def test_nobody_but_platform_people_adds_members_to_a_platform_organisation(
    platform_person, platform_org, enterprise_admin
):
    # An org admin adding themselves, or anyone, to the platform organisation.
    with pytest.raises(PermissionDenied):
        services.membership_set(organisation=platform_org, user=enterprise_admin, role="member", by=enterprise_admin)
    # Even an admin of a platform organisation whose membership was deactivated.
    former = member_of(platform_org, role="admin")
    services.membership_set(organisation=platform_org, user=former, role="admin", is_active=False, by=platform_person)
    policies.forget(former)
    with pytest.raises(PermissionDenied):
        services.membership_set(organisation=platform_org, user=former, role="admin", by=former)
    assert not policies.is_platform_staff(enterprise_admin) and not policies.is_platform_staff(former)


def test_platform_person_grants_anywhere(platform_person, platform_org, enterprise):
    person = UserFactory()
    services.membership_set(organisation=enterprise, user=person, role="admin", by=platform_person)
    services.membership_set(organisation=platform_org, user=person, role="member", by=platform_person)
    assert policies.is_platform_staff(person)


def test_inactive_membership_gives_no_power_anywhere(api, enterprise, enterprise_admin, platform_person):
    hidden = OrganisationFactory(is_active=False)
    insider = member_of(hidden, role="admin")
    services.membership_set(organisation=hidden, user=insider, role="admin", is_active=False, by=platform_person)
    assert policies.organisation_ids(insider) == set()
    assert not policies.can_edit_organisation(insider, hidden)
    assert hidden not in selectors.organisations_visible_to(insider)
    api.force_authenticate(insider)
    assert api.get(f"/api/v1/organisations/{hidden.pk}/").status_code == 404
    with pytest.raises(PermissionDenied):
        services.membership_set(organisation=hidden, user=insider, role="admin", by=insider)


def test_bad_role_is_a_validation_error(enterprise, enterprise_admin):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as info:
        services.membership_set(organisation=enterprise, user=UserFactory(), role="overlord", by=enterprise_admin)
    assert list(info.value.message_dict) == ["role"]
    assert not OrganisationEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_parallel_grants_make_one_membership_and_one_event():
    org = OrganisationFactory()
    admin = member_of(org, role="admin")
    person = UserFactory()
    barrier = threading.Barrier(2)
    errors = []

    def grant():
        try:
            barrier.wait()
            services.membership_set(organisation=org, user=person, role="officer", by=admin)
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=grant) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Membership.objects.filter(user=person, organisation=org).count() == 1
    assert OrganisationEvent.objects.filter(action="membership_granted", person=person).count() == 1


def test_inactive_member_is_not_told_about_the_organisation(enterprise, enterprise_admin, platform_person):
    from ipmarket.notifications.services import members_of

    former = member_of(enterprise, username="former")
    services.membership_set(organisation=enterprise, user=former, role="member", is_active=False, by=platform_person)
    assert {user_id for user_id, _ in members_of([enterprise.pk])[enterprise.pk]} == {enterprise_admin.pk}
