"""Changes to patents and trademarks. Each checks its policy; the model's clean() validates; the register
facts follow ipmarket/assets/register.py (who may change them now, and every change recorded)."""

import copy
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ipmarket.accounts import policies
from ipmarket.accounts.models import Organisation, User
from ipmarket.core.errors import Conflict, GuardFailed
from ipmarket.core.services import locked

from . import identifiers, register, rules
from .models import AssetEvent, Patent, PatentClassification, PledgeConsent, Trademark, TrademarkRenewal

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


def _co_owner_ids(asset, co_owners) -> list[int] | None:
    return None if co_owners is None else [o.pk for o in co_owners if o.pk != asset.owner_id]


def _save(asset, *, by, stored=None, co_owners, save_more=None):
    """Save the validated asset. On an update (`stored`: the locked row as it was), check the register facts
    that change against the rules first, and record them."""
    co_owner_ids = _co_owner_ids(asset, co_owners)
    if stored is None:  # a new asset: nothing holds it, nothing to record
        changed = {}
        register.flag_setter(asset, by=by)
    else:
        changed = register.changes(register.snapshot(stored), register.snapshot(asset, co_owner_ids))
        register.check(stored, changed, by=by)
        if "ownership_disputed" in changed:
            register.flag_setter(asset, by=by)
    asset.save()
    if save_more:
        save_more()
    if co_owner_ids is not None:
        asset.co_owners.set(co_owner_ids)
    register.record(asset, changed, by=by, source=register.source_of(by), reason=register.Reason.EDIT)
    return asset


def _clean_patent(patent: Patent, fields: dict, ipc_codes):
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

    def save_codes():
        if codes is not None:
            patent.classifications.all().delete()
            PatentClassification.objects.bulk_create(
                [PatentClassification(patent=patent, code=code, position=i) for i, code in enumerate(codes)]
            )

    return save_codes


@transaction.atomic
def patent_create(*, by: User, owner: Organisation, ipc_codes=(), co_owners=(), **fields) -> Patent:
    _check_owner(by, owner)
    patent = Patent(owner=owner)
    save_codes = _clean_patent(patent, fields, list(ipc_codes))
    return _save(patent, by=by, co_owners=list(co_owners), save_more=save_codes)


@transaction.atomic
def patent_update(*, patent: Patent, by: User, ipc_codes=None, co_owners=None, **fields) -> Patent:
    """The owner's people change descriptive fields at any time and register facts only while nothing holds
    the patent; platform people change anything (application number excepted). All or nothing."""
    patent = locked(patent)
    _check_owner(by, patent.owner)
    if (
        "application_number" in fields
        and identifiers.normalise_application_number(fields["application_number"]) != patent.application_number
    ):
        raise ValidationError({"application_number": [_("The application number of a patent cannot change.")]})
    stored = copy.copy(patent)
    save_codes = _clean_patent(patent, fields, ipc_codes)
    return _save(patent, by=by, stored=stored, co_owners=co_owners, save_more=save_codes)


@transaction.atomic
def trademark_create(*, by: User, owner: Organisation, co_owners=(), **fields) -> Trademark:
    _check_owner(by, owner)
    trademark = Trademark(owner=owner)
    _assign(trademark, fields, TRADEMARK_FIELDS)
    trademark.full_clean()
    return _save(trademark, by=by, co_owners=list(co_owners))


@transaction.atomic
def trademark_update(*, trademark: Trademark, by: User, co_owners=None, **fields) -> Trademark:
    """As patent_update: the mark, classes, dates, status, co-owners and dispute flag are register facts."""
    trademark = locked(trademark)
    _check_owner(by, trademark.owner)
    if (
        "registration_number" in fields
        and identifiers.normalise_trademark_number(fields["registration_number"]) != trademark.registration_number
    ):
        raise ValidationError({"registration_number": [_("The registration number of a trademark cannot change.")]})
    stored = copy.copy(trademark)
    _assign(trademark, fields, TRADEMARK_FIELDS)
    trademark.full_clean()
    return _save(trademark, by=by, stored=stored, co_owners=co_owners)


RENEWABLE_STATUSES = (Trademark.Status.REGISTERED, Trademark.Status.EXPIRED)


@transaction.atomic
def trademark_renew(
    *, trademark: Trademark, by: User, renewed_on: date, reference: str, expected_expiry: date, today=None
) -> Trademark:
    """Record a renewal granted by CNIPA (Trademark Law Art. 40): the registration runs 10 more years from the
    end of the current term. `renewed_on` (not in the future) must fall within the 12 months before the current
    expiry or the 6 months after it; `expected_expiry` is the expiry the caller saw (409 `expiry_changed` when it
    moved meanwhile). A register event, not a free edit: allowed while the mark is pledged, listed or in a deal
    (a renewal keeps the collateral and the licensed right alive) and recorded in the register history. A mark
    the nightly job marked expired (past the grace period) becomes registered again when the renewal was filed
    within the grace period."""
    trademark = locked(trademark)
    _check_owner(by, trademark.owner)
    today = today or timezone.localdate()
    if trademark.expiry_date != expected_expiry:
        raise Conflict(
            "expiry_changed",
            _("The expiry date changed meanwhile (now %(date)s): reload the trademark and try again.")
            % {"date": trademark.expiry_date.isoformat()},
        )
    reference = (reference or "").strip()
    errors = {}
    if not reference:
        errors["reference"] = [_("Give the number of CNIPA's renewal notice.")]
    elif len(reference) > TrademarkRenewal._meta.get_field("reference").max_length:
        errors["reference"] = [_("At most 64 characters.")]
    if renewed_on > today:
        errors["renewed_on"] = [_("The renewal date cannot be in the future.")]
    if errors:
        raise ValidationError(errors)
    if trademark.status not in RENEWABLE_STATUSES:
        raise GuardFailed(
            "trademark_not_registered",
            _("Only a registered trademark (or one expired at the end of its term) can be renewed."),
        )
    previous = trademark.expiry_date
    if not rules.trademark_renewable_on(previous, renewed_on):
        raise GuardFailed(
            "outside_renewal_window",
            _("A renewal counts only from %(opens)s (12 months before expiry) to %(ends)s (6 months after).")
            % {
                "opens": (previous - rules.RENEWAL_WINDOW).isoformat(),
                "ends": (previous + rules.RENEWAL_GRACE).isoformat(),
            },
        )
    before = {"expiry_date": previous, "status": trademark.status}
    trademark.renewals += 1
    trademark.expiry_date = rules.trademark_expiry(trademark.registration_date, trademark.renewals)
    trademark.status = Trademark.Status.REGISTERED
    trademark.save(update_fields=["renewals", "expiry_date", "status", "updated_at"])
    TrademarkRenewal.objects.create(
        trademark=trademark,
        renewed_on=renewed_on,
        previous_expiry=previous,
        new_expiry=trademark.expiry_date,
        reference=reference,
        recorded_by=by,
    )
    changed = register.changes(before, {"expiry_date": trademark.expiry_date, "status": trademark.status})
    register.record(trademark, changed, by=by, source=register.source_of(by), reason=register.Reason.RENEWAL)
    return trademark


@transaction.atomic
def asset_pledge(*, asset, pledgee: Organisation, by: User | None = None):
    """Lock the asset for a registered pledge (called by financing on register_pledge)."""
    asset = locked(asset)
    if asset.pledged:
        raise ValidationError(_("%(asset)s is already pledged.") % {"asset": asset}, code="already_pledged")
    asset.pledged, asset.pledged_to, asset.pledged_since = True, pledgee, timezone.now()
    asset.save(update_fields=["pledged", "pledged_to", "pledged_since", "updated_at"])
    register.record(asset, {"pledged": (False, True)}, by=by, reason=register.Reason.PLEDGE)
    return asset


@transaction.atomic
def asset_release_pledge(*, asset, by: User | None = None):
    """Lift the pledge lock (financing's release_pledge, or a completed enforcement sale). Idempotent."""
    asset = locked(asset)
    was_pledged = asset.pledged
    asset.pledged, asset.pledged_to, asset.pledged_since, asset.pledge_enforceable = False, None, None, False
    asset.save(update_fields=["pledged", "pledged_to", "pledged_since", "pledge_enforceable", "updated_at"])
    if was_pledged:
        register.record(asset, {"pledged": (True, False)}, by=by, reason=register.Reason.RELEASE)
    return asset


@transaction.atomic
def asset_pledge_enforceable(*, asset):
    """The secured loan defaulted: the pledgee bank may now list the asset for sale. Idempotent."""
    asset = locked(asset)
    if asset.pledged and not asset.pledge_enforceable:
        asset.pledge_enforceable = True
        asset.save(update_fields=["pledge_enforceable", "updated_at"])
        register.record(asset, {"pledge_enforceable": (False, True)}, reason=register.Reason.ENFORCEABLE)
    return asset


@transaction.atomic
def asset_dispute_flag(*, asset, disputed: bool, by: User | None = None):
    """Raise or clear the ownership-dispute flag when the bureau accepts an ownership dispute about the asset,
    or when that case ends (ipmarket/disputes). Raised as the platform: only the platform clears it. Idempotent;
    returns whether the flag changed."""
    asset = locked(asset)
    if asset.ownership_disputed == disputed:
        return False
    asset.ownership_disputed, asset.ownership_disputed_by_platform = disputed, disputed
    asset.save(update_fields=["ownership_disputed", "ownership_disputed_by_platform", "updated_at"])
    register.record(
        asset,
        {"ownership_disputed": (not disputed, disputed)},
        by=by,
        source=register.Source.PLATFORM,
        reason=register.Reason.DISPUTE,
    )
    return True


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
    asset = locked(asset)
    if not asset.pledged:
        raise ValidationError(_("This asset is not pledged: no consent is needed."), code="not_pledged")
    if not policies.is_member(by, asset.pledged_to, roles=["officer", "approver", "admin"]):
        raise PermissionDenied(_("Only the pledgee bank's officers record its consent."))
    return PledgeConsent.objects.create(
        **{asset.asset_type: asset}, pledgee=asset.pledged_to, recorded_by=by, note=note
    )


@transaction.atomic
def asset_assign(*, asset, to: Organisation, by: User | None = None):
    """The new owner after a recorded assignment (the marketplace's assignment deal)."""
    asset = locked(asset)
    before = {"owner": asset.owner_id, "co_owners": register.snapshot(asset)["co_owners"]}
    asset.owner = to
    asset.save(update_fields=["owner", "updated_at"])
    asset.co_owners.clear()
    changed = register.changes(before, {"owner": to.pk, "co_owners": []})
    register.record(asset, changed, by=by, reason=register.Reason.ASSIGNMENT)
    return asset


_BATCH = 5000


def _refresh(model, field: str, value: str, **lookup) -> int:
    """Set `field` to `value` on the rows of `lookup` and record one event each: set-based, three queries per
    5,000 rows (lock and read, update, insert the events)."""
    rows = list(model.objects.select_for_update().filter(**lookup).order_by("pk").values_list("pk", field))
    asset_type, now = model._meta.model_name, timezone.now()
    for start in range(0, len(rows), _BATCH):
        chunk = rows[start : start + _BATCH]
        model.objects.filter(pk__in=[pk for pk, _old in chunk]).update(**{field: value}, updated_at=now)
        AssetEvent.objects.bulk_create(
            AssetEvent(
                **{f"{asset_type}_id": pk},
                field=field,
                before=old,
                after=value,
                at=now,
                source=AssetEvent.Source.SYSTEM,
                reason=AssetEvent.Reason.NIGHTLY,
            )
            for pk, old in chunk
        )
    return len(rows)


@transaction.atomic
def assets_refresh_statuses(*, today: date | None = None) -> dict[str, int]:
    """Nightly, idempotent: patents past their term expire, then the unpaid past the grace period lapse;
    trademarks past the renewal grace period expire. Every change is recorded (source: system)."""
    today = today or timezone.localdate()
    expired = _refresh(
        Patent,
        "legal_status",
        Patent.LegalStatus.EXPIRED,
        legal_status__in=["granted", "lapsed"],
        expiry_date__lte=today,
    )
    lapsed = _refresh(
        Patent,
        "legal_status",
        Patent.LegalStatus.LAPSED,
        legal_status="granted",
        annual_fee_paid_until__lt=rules.earliest_unlapsed_paid_until(today),  # FEE_LAPSED by the rule
    )
    tm_expired = _refresh(
        Trademark,
        "status",
        Trademark.Status.EXPIRED,
        status="registered",
        expiry_date__lt=rules.earliest_renewable_expiry(today),
    )
    return {"patents_expired": expired, "patents_lapsed": lapsed, "trademarks_expired": tm_expired}
