"""Changes to people and organisations. Each checks its policy and validates the model."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from . import policies
from .models import Membership, Organisation, Service, User

ORGANISATION_FIELDS = (
    "name",
    "name_en",
    "kind",
    "unified_social_credit_code",
    "city",
    "district",
    "address",
    "latitude",
    "longitude",
    "description",
    "phone",
    "email",
    "website",
    "is_active",
)


def _apply(organisation: Organisation, fields: dict, services) -> Organisation:
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown organisation fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation.save()
    if services is not None:
        organisation.services.set(services)
    return organisation


@transaction.atomic
def organisation_create(*, by: User, services: list[Service] | None = None, **fields) -> Organisation:
    if not policies.can_create_organisation(by):
        raise PermissionDenied("Only platform people create organisations.")
    return _apply(Organisation(), fields, services)


@transaction.atomic
def organisation_update(*, organisation: Organisation, by: User, services=None, **fields) -> Organisation:
    if not policies.can_edit_organisation(by, organisation):
        raise PermissionDenied("Only platform people and the organisation's administrators edit it.")
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    return _apply(organisation, fields, services)


@transaction.atomic
def membership_set(*, organisation: Organisation, user: User, role: str, by: User) -> Membership:
    """Add the person to the organisation, or change their role there."""
    if not policies.can_manage_memberships(by, organisation):
        raise PermissionDenied("Only platform people and the organisation's administrators manage its members.")
    membership, _ = Membership.objects.update_or_create(user=user, organisation=organisation, defaults={"role": role})
    policies.forget(user)
    return membership
