"""Nightly: the collateral of live loans, and the fund pool's standing."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ipmarket.assets import rules

from .. import guards, pool
from ..models import Application, CollateralAlert, Event, PoolSnapshot, Programme

ZERO = Decimal("0")
WATCHED = Application.WATCHED


def _risks(asset, maturity: date | None, today: date) -> list[str]:
    Reason = CollateralAlert.Reason
    risks = []
    status = asset.legal_status if asset.asset_type == "patent" else asset.status
    if status == "granted" and rules.annual_fee_state(status, asset.annual_fee_paid_until, today) == rules.FEE_LAPSED:
        status = "lapsed"  # fees unpaid past the grace period, before the status job has caught up
    if status == "lapsed":
        risks.append(Reason.LAPSED)
    elif status in ("invalidated", "cancelled"):  # a cancelled trademark is as good as invalidated
        risks.append(Reason.INVALIDATED)
    elif status == "expired":
        risks.append(Reason.EXPIRED)
    if maturity and not rules.outlasts(asset, maturity):
        risks.append(Reason.EXPIRES_BEFORE_MATURITY)
    return risks


def collateral_check(*, today: date | None = None) -> int:
    """Raise an alert (once per asset and reason) for each pledged asset of a live loan that lapsed, was
    invalidated, expired or expires before maturity. The bank, the insurer and the fund see the alert on
    the application and in their workspaces. Returns how many alerts are new."""
    today = today or timezone.localdate()
    new = 0
    for app in Application.objects.filter(state__in=WATCHED).select_related("programme"):
        for item in guards.asset_items(app):
            asset = item.asset
            for reason in _risks(asset, app.maturity_date, today):
                with transaction.atomic():
                    alert, created = CollateralAlert.objects.get_or_create(
                        application=app,
                        asset_type=asset.asset_type,
                        asset_id=asset.pk,
                        reason=reason,
                        defaults={"asset_label": str(asset)[:300]},
                    )
                    if created:
                        new += 1
                        Event.objects.create(
                            application=app,
                            action="collateral_alert",
                            from_state=app.state,
                            to_state=app.state,
                            note=f"{alert.asset_label}: {alert.get_reason_display()}",
                        )
    return new


def dispute_alert(*, asset, note: str) -> list[Application]:
    """An IP dispute about a pledged asset was accepted (ipmarket/disputes): alert each live loan that holds the
    asset (once per asset). Returns the applications newly alerted, whose banks are told."""
    alerted = []
    for app in Application.objects.filter(state__in=WATCHED, **{f"assets__{asset.asset_type}": asset}).distinct():
        with transaction.atomic():
            alert, created = CollateralAlert.objects.get_or_create(
                application=app,
                asset_type=asset.asset_type,
                asset_id=asset.pk,
                reason=CollateralAlert.Reason.DISPUTED,
                defaults={"asset_label": str(asset)[:300]},
            )
            if created:
                alerted.append(app)
                Event.objects.create(
                    application=app,
                    action="collateral_alert",
                    from_state=app.state,
                    to_state=app.state,
                    note=f"{alert.asset_label}: {alert.get_reason_display()} {note}"[:2000],
                )
    return alerted


def pool_standing(programme: Programme) -> dict[str, Decimal | int]:
    """The pool's figures (financing/pool.py): capacity on the money left, exposure, headroom, claims paid…"""
    return pool.standing(programme)


def pool_snapshot(*, today: date | None = None) -> int:
    """Nightly, idempotent: one row per programme and day."""
    today = today or timezone.localdate()
    for programme in Programme.objects.all():
        standing = pool_standing(programme)
        PoolSnapshot.objects.update_or_create(
            programme=programme,
            on=today,
            defaults={
                k: standing[k] for k in ("capacity", "exposure", "headroom", "claims_paid", "recovered", "live_loans")
            },
        )
    return Programme.objects.count()
