"""Who may do what. Pure questions about a person and organisations; no writes.

Every view, API endpoint, admin screen and service asks these functions rather
than testing roles itself, so a rule lives in one place.
"""

from collections.abc import Iterable

from .models import Membership, Organisation

Kind = Organisation.Kind
Role = Membership.Role


def _memberships(user) -> list[Membership]:
    """The person's active memberships, cached on the user object for the request. An inactive membership
    (or an inactive person) gives no power anywhere."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", True):
        return []
    cached = getattr(user, "_membership_cache", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user, is_active=True).select_related("organisation"))
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
    """Active superusers and members of a platform-operator organisation."""
    superuser = getattr(user, "is_superuser", False) and getattr(user, "is_active", False)
    return bool(superuser) or bool(organisation_ids(user, kinds=[Kind.PLATFORM]))


def is_member(user, organisation, *, roles: Iterable[str] | None = None) -> bool:
    return organisation.pk in organisation_ids(user, roles=roles)


def can_create_organisation(user) -> bool:
    return is_platform_staff(user)


def can_edit_organisation(user, organisation) -> bool:
    """Platform people edit any organisation; an organisation's admins edit their own."""
    return is_platform_staff(user) or is_member(user, organisation, roles=[Role.ADMIN])


def can_change_identity(user, organisation=None) -> bool:
    """Who an organisation is (name, kind, credit code, listing) changes only by platform people."""
    return is_platform_staff(user)


def can_manage_memberships(user, organisation) -> bool:
    """Platform people manage every membership; an organisation's admins those of their own organisation,
    except in a platform organisation (membership there is platform power)."""
    if is_platform_staff(user):
        return True
    return organisation.kind != Kind.PLATFORM and is_member(user, organisation, roles=[Role.ADMIN])


def can_read_organisation_events(user, organisation=None) -> bool:
    return is_platform_staff(user)


def can_manage_person(user, person) -> bool:
    """A person manages their own account; platform people anyone's but a superuser's (unless they are one)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.pk == person.pk:
        return True
    return is_platform_staff(user) and (not person.is_superuser or user.is_superuser)


def can_act_for_enterprise(user, organisation) -> bool:
    """Enterprise members list assets, inquire and apply for loans for their enterprise."""
    return organisation.kind == Kind.ENTERPRISE and is_member(user, organisation)


def forget(user) -> None:
    """Drop the per-request membership cache (after memberships change)."""
    if hasattr(user, "_membership_cache"):
        del user._membership_cache
