"""Register facts of patents and trademarks: what changed, who may change it now, and the record of it.

The legal facts (status, dates, fees, co-owners, registration, the dispute flag) are what the CNIPA
pre-check and the listing rules trust. The owner corrects them only while nothing holds the asset
(`commitments.register_refusal`); platform people correct them from CNIPA at any time; a dispute flag the
platform raised is cleared only by the platform. Every change is an `AssetEvent`. Descriptive fields (title,
abstract, IPC codes, goods and services, internal notes) are not register facts and are not recorded.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from ipmarket.accounts import policies

from . import commitments
from .models import AssetEvent

FACTS = {
    "patent": (
        "patent_type",
        "filing_date",
        "grant_date",
        "legal_status",
        "annual_fee_paid_until",
        "co_owners",
        "ownership_disputed",
    ),
    "trademark": ("mark_name", "nice_classes", "registration_date", "status", "co_owners", "ownership_disputed"),
}
Source = AssetEvent.Source
Reason = AssetEvent.Reason


def snapshot(asset, co_owner_ids=None) -> dict:
    """The asset's register facts now (co-owners as sorted ids; pass them when they are about to change)."""
    values = {name: getattr(asset, name) for name in FACTS[asset.asset_type] if name != "co_owners"}
    if co_owner_ids is None:
        co_owner_ids = asset.co_owners.values_list("pk", flat=True) if asset.pk else ()
    values["co_owners"] = sorted(set(co_owner_ids) - {asset.owner_id})
    return values


def changes(before: dict, after: dict) -> dict[str, tuple]:
    """{field: (before, after)} of the facts whose value changed."""
    return {name: (before[name], after[name]) for name in before if before[name] != after[name]}


def source_of(by) -> str:
    return Source.PLATFORM if policies.is_platform_staff(by) else Source.OWNER


def check(asset, changed: dict, *, by) -> None:
    """Refuse a change of register facts the caller may not make now. `asset` is the locked row, as stored
    (before the change); raises PermissionDenied or GuardFailed."""
    if not changed or policies.is_platform_staff(by):
        return
    if changed.get("ownership_disputed") == (True, False) and asset.ownership_disputed_by_platform:
        raise PermissionDenied(_("The platform flagged this dispute: only the platform can clear it."))
    refusal = commitments.register_refusal(asset)
    if refusal:
        raise refusal


def flag_setter(asset, *, by) -> None:
    """Remember who raised the dispute flag (the platform or the owner); clearing it forgets."""
    asset.ownership_disputed_by_platform = asset.ownership_disputed and policies.is_platform_staff(by)


def record(asset, changed: dict, *, reason: str, by=None, source: str = Source.SYSTEM) -> list[AssetEvent]:
    """Write one event per changed fact (one query)."""
    return AssetEvent.objects.bulk_create(
        [
            AssetEvent(
                **{asset.asset_type: asset}, field=name, before=old, after=new, by=by, source=source, reason=reason
            )
            for name, (old, new) in changed.items()
        ]
    )
