"""Changes to people and organisations. Each locks its rows, checks its policy there and validates the model.

Who an organisation is (IDENTITY_FIELDS) changes only by platform people; every change of it and of the
organisation's memberships is recorded as an `OrganisationEvent`.
"""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from ipmarket.core.errors import GuardFailed
from ipmarket.core.services import locked

from . import policies
from .models import ApiToken, Membership, Organisation, OrganisationEvent, Service, User
from .validators import normalise_uscc

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
# Changed by platform people only, and recorded.
IDENTITY_FIELDS = ("name", "name_en", "kind", "unified_social_credit_code", "is_active")


def _identity(organisation: Organisation) -> dict:
    return {name: getattr(organisation, name) for name in IDENTITY_FIELDS}


def _normalised(name: str, value):
    if name == "unified_social_credit_code" and isinstance(value, str):
        return normalise_uscc(value)
    return value


def _record(organisation: Organisation, *, by: User | None, person: User | None = None, **values) -> None:
    actor = by if by is not None and by.pk else None
    OrganisationEvent.objects.create(
        organisation=organisation,
        organisation_name=organisation.name,
        actor=actor,
        actor_name=actor.get_username() if actor else "",
        person=person,
        person_name=person.get_username() if person else "",
        **values,
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
        raise PermissionDenied(_("Only platform people create organisations."))
    organisation = _apply(Organisation(), fields, services)
    _record(organisation, by=by, action="organisation_created", after=_identity(organisation))
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, by: User, services=None, **fields) -> Organisation:
    """Platform people change anything; an organisation's admins all but its identity. Sending the
    current identity unchanged is fine (a PUT echoing the organisation)."""
    organisation = locked(organisation)
    if not policies.can_edit_organisation(by, organisation):
        raise PermissionDenied(_("Only platform people and the organisation's administrators edit it."))
    before = _identity(organisation)
    changing = [name for name in IDENTITY_FIELDS if name in fields and _normalised(name, fields[name]) != before[name]]
    if changing and not policies.can_change_identity(by, organisation):
        raise PermissionDenied(
            _("Only platform people change an organisation's name, kind, credit code or listing: %(fields)s.")
            % {"fields": ", ".join(changing)}
        )
    _apply(organisation, fields, services)
    after = _identity(organisation)
    for name in IDENTITY_FIELDS:
        if before[name] != after[name]:
            _record(organisation, by=by, field=name, before=before[name], after=after[name])
    return organisation


@transaction.atomic
def organisation_delete(*, organisation: Organisation, by: User) -> None:
    """Platform people delete an organisation nothing refers to; its members lose their API tokens."""
    if not policies.is_platform_staff(by):
        raise PermissionDenied(_("Only platform people delete organisations."))
    organisation = locked(organisation)
    members = list(organisation.memberships.values_list("user_id", flat=True))
    _record(organisation, by=by, action="organisation_deleted", before=_identity(organisation))
    ApiToken.objects.filter(user_id__in=members).delete()
    try:
        organisation.delete()
    except ProtectedError as exc:
        raise GuardFailed(
            "organisation_in_use",
            _("This organisation has assets, listings, deals or applications; make it inactive instead."),
        ) from exc


def _membership_action(existed: bool, before: str | None, after: str | None) -> str | None:
    if not existed:
        return "membership_granted"
    if before == after:
        return None
    if before is None:
        return "membership_reactivated"
    if after is None:
        return "membership_deactivated"
    return "membership_role_changed"


def _locked_organisation_for_members(organisation: Organisation, by: User) -> Organisation:
    organisation = locked(organisation)
    if not policies.can_manage_memberships(by, organisation):
        raise PermissionDenied(
            _("Only platform people and the organisation's administrators manage its members.")
            if organisation.kind != Organisation.Kind.PLATFORM
            else _("Only platform people manage the members of a platform organisation.")
        )
    return organisation


@transaction.atomic
def membership_set(
    *, organisation: Organisation, user: User, role: str, by: User, is_active: bool = True
) -> Membership:
    """Grant a membership, change its role, deactivate or reactivate it: the one path for all of them.
    A deactivated member loses their API tokens."""
    organisation = _locked_organisation_for_members(organisation, by)
    membership = Membership.objects.select_for_update().filter(user=user, organisation=organisation).first()
    existed = membership is not None
    before = membership.role if existed and membership.is_active else None
    if not existed:
        membership = Membership(user=user, organisation=organisation)
    membership.role, membership.is_active = role, is_active
    membership.full_clean()
    membership.save()
    after = role if is_active else None
    action = _membership_action(existed, before, after)
    if action:
        _record(organisation, by=by, person=user, action=action, before=before, after=after)
    if not is_active:
        ApiToken.objects.filter(user=user).delete()
    policies.forget(user)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by: User) -> None:
    """Remove a membership; the person loses their API tokens."""
    organisation = _locked_organisation_for_members(membership.organisation, by)
    membership = Membership.objects.select_for_update().select_related("user").filter(pk=membership.pk).first()
    if membership is None:  # removed meanwhile
        return
    before = membership.role if membership.is_active else None
    _record(organisation, by=by, person=membership.user, action="membership_removed", before=before, after=None)
    membership.delete()
    ApiToken.objects.filter(user=membership.user).delete()
    policies.forget(membership.user)


@transaction.atomic
def user_set_password(*, user: User, password: str, by: User) -> User:
    """A person changes their own password, platform people anyone's (not a superuser's unless they are one).
    The person's API tokens are revoked (User.save)."""
    if not policies.can_manage_person(by, user):
        raise PermissionDenied(_("You may not change this person's password."))
    user = locked(user)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def user_deactivate(*, user: User, by: User) -> User:
    """Platform people deactivate a person: no sign-in, no API token, no power from memberships."""
    if user.pk == by.pk or not policies.can_manage_person(by, user):
        raise PermissionDenied(_("You may not deactivate this person."))
    user = locked(user)
    user.is_active = False
    user.save()
    return user


@transaction.atomic
def api_token_issue(*, user: User) -> ApiToken:
    """The person's API token: the current one, or a new one when it was revoked, expired or made for an
    older password. Parallel calls end with one token."""
    token, created = ApiToken.objects.get_or_create(user=user, defaults={"password_hash": user.get_session_auth_hash()})
    if created:
        return token
    token = locked(token)
    if not token.is_current(user):
        fresh = ApiToken(user=user)
        token.key, token.created = fresh.key, fresh.created
        token.password_hash = user.get_session_auth_hash()
        token.save()
    return token
