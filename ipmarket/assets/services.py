"""Changes to patents and trademarks. Each checks its policy; the model's clean() validates."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ipmarket.accounts import policies
from ipmarket.accounts.models import Organisation, User

from . import identifiers, rules
from .models import Patent, PatentClassification, PledgeConsent, Trademark

PATENT_FIELDS = {
    "application_number",
    "patent_type",
    "title",
    "abstract",
    "filing_date",
    "grant_date",
    "legal_status",
    "annual_fee_paid_until",
    "ownership_disputed",
    "internal_notes",
}
TRADEMARK_FIELDS = {
    "registration_number",
    "mark_name",
    "nice_classes",
    "goods_services",
    "registration_date",
    "status",
    "ownership_disputed",
    "internal_notes",
}


def _check_owner(by: User, owner: Organisation) -> None:
    if not (policies.can_act_for_enterprise(by, owner) or policies.is_platform_staff(by)):
        raise PermissionDenied(_("Only people of the owning enterprise manage its patents and trademarks."))


def _assign(instance, fields: dict, allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(instance, name, value)


def _save_patent(patent: Patent, fields: dict, ipc_codes, co_owners) -> Patent:
    _assign(patent, fields, PATENT_FIELDS)
    errors = {}
    codes = None
    if ipc_codes is not None:
        try:
            codes = identifiers.clean_ipc_codes(ipc_codes)
        except ValidationError as exc:
            errors["ipc_codes"] = exc.messages
    try:
        patent.full_clean()
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    patent.save()
    if codes is not None:
        patent.classifications.all().delete()
        PatentClassification.objects.bulk_create(
            [PatentClassification(patent=patent, code=code, position=i) for i, code in enumerate(codes)]
        )
    if co_owners is not None:
        patent.co_owners.set([o for o in co_owners if o.pk != patent.owner_id])
    return patent


@transaction.atomic
def patent_create(*, by: User, owner: Organisation, ipc_codes=(), co_owners=(), **fields) -> Patent:
    _check_owner(by, owner)
    return _save_patent(Patent(owner=owner), fields, list(ipc_codes), list(co_owners))


@transaction.atomic
def patent_update(*, patent: Patent, by: User, ipc_codes=None, co_owners=None, **fields) -> Patent:
    patent = Patent.objects.select_for_update().get(pk=patent.pk)
    _check_owner(by, patent.owner)
    if (
        "application_number" in fields
        and identifiers.normalise_application_number(fields["application_number"]) != patent.application_number
    ):
        raise ValidationError({"application_number": [_("The application number of a patent cannot change.")]})
    return _save_patent(patent, fields, ipc_codes, co_owners)


def _save_trademark(trademark: Trademark, fields: dict, co_owners) -> Trademark:
    _assign(trademark, fields, TRADEMARK_FIELDS)
    trademark.full_clean()
    trademark.save()
    if co_owners is not None:
        trademark.co_owners.set([o for o in co_owners if o.pk != trademark.owner_id])
    return trademark


@transaction.atomic
def trademark_create(*, by: User, owner: Organisation, co_owners=(), **fields) -> Trademark:
    _check_owner(by, owner)
    return _save_trademark(Trademark(owner=owner), fields, list(co_owners))


@transaction.atomic
def trademark_update(*, trademark: Trademark, by: User, co_owners=None, **fields) -> Trademark:
    trademark = Trademark.objects.select_for_update().get(pk=trademark.pk)
    _check_owner(by, trademark.owner)
    if (
        "registration_number" in fields
        and identifiers.normalise_trademark_number(fields["registration_number"]) != trademark.registration_number
    ):
        raise ValidationError({"registration_number": [_("The registration number of a trademark cannot change.")]})
    return _save_trademark(trademark, fields, co_owners)


def _locked(asset):
    return type(asset).objects.select_for_update().get(pk=asset.pk)


@transaction.atomic
def asset_pledge(*, asset, pledgee: Organisation):
    """Lock the asset for a registered pledge (called by financing on register_pledge)."""
    asset = _locked(asset)
    if asset.pledged:
        raise ValidationError(_("%(asset)s is already pledged.") % {"asset": asset}, code="already_pledged")
    asset.pledged, asset.pledged_to, asset.pledged_since = True, pledgee, timezone.now()
    asset.save(update_fields=["pledged", "pledged_to", "pledged_since", "updated_at"])
    return asset


@transaction.atomic
def asset_release_pledge(*, asset):
    """Lift the pledge lock (financing's release_pledge, or a completed enforcement sale). Idempotent."""
    asset = _locked(asset)
    asset.pledged, asset.pledged_to, asset.pledged_since, asset.pledge_enforceable = False, None, None, False
    asset.save(update_fields=["pledged", "pledged_to", "pledged_since", "pledge_enforceable", "updated_at"])
    return asset


@transaction.atomic
def asset_pledge_enforceable(*, asset):
    """The secured loan defaulted: the pledgee bank may now list the asset for sale. Idempotent."""
    asset = _locked(asset)
    if asset.pledged and not asset.pledge_enforceable:
        asset.pledge_enforceable = True
        asset.save(update_fields=["pledge_enforceable", "updated_at"])
    return asset


def pledgee_consent_recorded(asset) -> bool:
    """True when the current pledgee recorded consent after the pledge began."""
    if not asset.pledged:
        return True
    return PledgeConsent.objects.filter(
        **{asset.asset_type: asset}, pledgee_id=asset.pledged_to_id, recorded_at__gte=asset.pledged_since
    ).exists()


@transaction.atomic
def pledge_consent_record(*, asset, by: User, note: str = "") -> PledgeConsent:
    """The pledgee bank consents to the owner assigning or licensing the pledged asset."""
    asset = _locked(asset)
    if not asset.pledged:
        raise ValidationError(_("This asset is not pledged: no consent is needed."), code="not_pledged")
    if not policies.is_member(by, asset.pledged_to, roles=["officer", "approver", "admin"]):
        raise PermissionDenied(_("Only the pledgee bank's officers record its consent."))
    return PledgeConsent.objects.create(
        **{asset.asset_type: asset}, pledgee=asset.pledged_to, recorded_by=by, note=note
    )


@transaction.atomic
def asset_assign(*, asset, to: Organisation):
    """The new owner after a recorded assignment (the marketplace's assignment deal)."""
    asset = _locked(asset)
    asset.owner = to
    asset.save(update_fields=["owner", "updated_at"])
    asset.co_owners.clear()
    return asset


def assets_refresh_statuses(*, today: date | None = None) -> dict[str, int]:
    """Nightly, idempotent: patents past their term expire, unpaid past the grace period lapse;
    trademarks past the renewal grace period expire."""
    today = today or timezone.localdate()
    expired = Patent.objects.filter(legal_status__in=["granted", "lapsed"], expiry_date__lte=today).update(
        legal_status=Patent.LegalStatus.EXPIRED, updated_at=timezone.now()
    )
    lapsed = Patent.objects.filter(legal_status="granted", annual_fee_paid_until__lt=today - rules.FEE_GRACE).update(
        legal_status=Patent.LegalStatus.LAPSED, updated_at=timezone.now()
    )
    tm_expired = Trademark.objects.filter(status="registered", expiry_date__lt=today - rules.RENEWAL_GRACE).update(
        status=Trademark.Status.EXPIRED, updated_at=timezone.now()
    )
    return {"patents_expired": expired, "patents_lapsed": lapsed, "trademarks_expired": tm_expired}
