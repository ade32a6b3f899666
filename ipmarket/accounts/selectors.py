"""Reads of people and organisations, always filtered by what the caller may see."""

from django.db.models import Prefetch, QuerySet

from . import policies
from .models import Membership, Organisation, Service


def organisations_visible_to(user) -> QuerySet[Organisation]:
    """Listed organisations are public; unlisted ones only to their members and platform people."""
    qs = Organisation.objects.all()
    if not policies.is_platform_staff(user):
        own = policies.organisation_ids(user)
        qs = qs.filter(is_active=True) | qs.filter(pk__in=own)
    return qs.prefetch_related(Prefetch("services", queryset=Service.objects.order_by("code")))


def organisations_of(user) -> QuerySet[Organisation]:
    """The organisations the person is a member of."""
    return Organisation.objects.filter(pk__in=policies.organisation_ids(user))


def memberships_visible_to(user) -> QuerySet[Membership]:
    """A person's own memberships and those of organisations they administer; all for platform people."""
    qs = Membership.objects.select_related("user", "organisation")
    if policies.is_platform_staff(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    administered = policies.organisation_ids(user, roles=[Membership.Role.ADMIN])
    return qs.filter(user=user) | qs.filter(organisation_id__in=administered)
