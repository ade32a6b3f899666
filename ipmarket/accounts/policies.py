"""Who may do what. Pure questions about a person and organisations; no writes.

Every view, API endpoint, admin screen and service asks these functions rather
than testing roles itself, so a rule lives in one place.
"""

from collections.abc import Iterable

from .models import Membership, Organisation

Kind = Organisation.Kind
Role = Membership.Role


def _memberships(user) -> list[Membership]:
    """The person's memberships, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_membership_cache", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("organisation"))
        user._membership_cache = cached
    return cached


def organisation_ids(user, *, kinds: Iterable[str] | None = None, roles: Iterable[str] | None = None) -> set[int]:
    """Ids of the organisations the person belongs to, optionally of some kinds or roles."""
    kinds = set(kinds) if kinds is not None else None
    roles = set(roles) if roles is not None else None
    return {
        m.organisation_id
        for m in _memberships(user)
        if (kinds is None or m.organisation.kind in kinds) and (roles is None or m.role in roles)
    }


def is_platform_staff(user) -> bool:
    """Superusers and members of a platform-operator organisation."""
    return bool(getattr(user, "is_superuser", False)) or bool(organisation_ids(user, kinds=[Kind.PLATFORM]))


def is_member(user, organisation, *, roles: Iterable[str] | None = None) -> bool:
    return organisation.pk in organisation_ids(user, roles=roles)


def can_create_organisation(user) -> bool:
    return is_platform_staff(user)


def can_edit_organisation(user, organisation) -> bool:
    """Platform people edit any organisation; an organisation's admins edit their own."""
    return is_platform_staff(user) or is_member(user, organisation, roles=[Role.ADMIN])


def can_manage_memberships(user, organisation) -> bool:
    return can_edit_organisation(user, organisation)


def can_act_for_enterprise(user, organisation) -> bool:
    """Enterprise members list assets, inquire and apply for loans for their enterprise."""
    return organisation.kind == Kind.ENTERPRISE and is_member(user, organisation)


def forget(user) -> None:
    """Drop the per-request membership cache (after memberships change)."""
    if hasattr(user, "_membership_cache"):
        del user._membership_cache
