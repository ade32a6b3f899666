"""Access policies and selectors: who sees and edits which organisation."""

import pytest
from django.contrib.auth.models import AnonymousUser

from ipmarket.accounts import policies, selectors
from ipmarket.accounts.models import Membership
from tests.accounts.factories import OrganisationFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db


def test_platform_staff_are_platform_members_and_superusers(platform_person, enterprise_admin):
    assert policies.is_platform_staff(platform_person)
    assert policies.is_platform_staff(UserFactory(is_superuser=True))
    assert not policies.is_platform_staff(enterprise_admin)
    assert not policies.is_platform_staff(UserFactory())


def test_organisation_ids_by_kind_and_role():
    bank = OrganisationFactory(kind="bank")
    other_bank = OrganisationFactory(kind="bank")
    ent = OrganisationFactory(kind="enterprise")
    person = member_of(bank, role="officer")
    Membership.objects.create(user=person, organisation=ent, role="member")
    policies.forget(person)
    assert policies.organisation_ids(person) == {bank.pk, ent.pk}
    assert policies.organisation_ids(person, kinds=["bank"]) == {bank.pk}
    assert policies.organisation_ids(person, roles=["approver"]) == set()
    assert other_bank.pk not in policies.organisation_ids(person)


def test_who_may_edit_an_organisation(enterprise, enterprise_admin, platform_person):
    plain_member = member_of(enterprise, role="member")
    outsider = member_of(OrganisationFactory(), role="admin")
    assert policies.can_edit_organisation(enterprise_admin, enterprise)
    assert policies.can_edit_organisation(platform_person, enterprise)
    assert not policies.can_edit_organisation(plain_member, enterprise)
    assert not policies.can_edit_organisation(outsider, enterprise)
    assert not policies.can_create_organisation(enterprise_admin)
    assert policies.can_create_organisation(platform_person)


def test_unlisted_organisations_are_visible_only_to_members_and_platform(platform_person):
    hidden = OrganisationFactory(is_active=False)
    listed = OrganisationFactory()
    member = member_of(hidden)
    stranger = UserFactory()
    for person in (AnonymousUser(), stranger):
        visible = set(selectors.organisations_visible_to(person).values_list("pk", flat=True))
        assert listed.pk in visible and hidden.pk not in visible
    for person in (member, platform_person):
        assert hidden.pk in set(selectors.organisations_visible_to(person).values_list("pk", flat=True))


def test_memberships_visible_to_own_admins_and_platform(enterprise, enterprise_admin, platform_person):
    colleague = member_of(enterprise)
    elsewhere = member_of(OrganisationFactory())
    assert set(selectors.memberships_visible_to(colleague).values_list("user", flat=True)) == {colleague.pk}
    admin_view = set(selectors.memberships_visible_to(enterprise_admin).values_list("user", flat=True))
    assert admin_view == {colleague.pk, enterprise_admin.pk}
    assert elsewhere.pk in set(selectors.memberships_visible_to(platform_person).values_list("user", flat=True))


def test_membership_cache_is_per_person(enterprise):
    person = member_of(enterprise)
    assert policies.organisation_ids(person) == {enterprise.pk}
    second = OrganisationFactory(kind="bank")
    Membership.objects.create(user=person, organisation=second)
    policies.forget(person)
    assert policies.organisation_ids(person) == {enterprise.pk, second.pk}
