"""The frame of every action: lock, check state (409), role (403), run, save, write the event."""

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.db import transaction

from ipmarket.assets import commitments
from ipmarket.core.errors import GuardFailed, InvalidTransition
from ipmarket.notifications import hooks as notification_hooks

from .. import policies
from ..models import Application, ApplicationAsset, Event, Programme

S = Application.State
# action → the states it may start from (the model's transitions check the same, this table answers 409s)
ACTIONS = {
    "submit": [S.DRAFT, S.RETURNED],
    "prescreen": [S.SUBMITTED],
    "return": [S.SUBMITTED, S.PRESCREENED, S.IP_VERIFIED, S.VALUED],
    "reject": [S.SUBMITTED, S.PRESCREENED, S.IP_VERIFIED, S.VALUED, S.BANK_APPROVED, S.INSURED, S.CLAIM_SUBMITTED],
    "withdraw": [
        S.DRAFT,
        S.RETURNED,
        S.SUBMITTED,
        S.PRESCREENED,
        S.IP_VERIFIED,
        S.VALUED,
        S.BANK_APPROVED,
        S.INSURED,
        S.FUND_FILED,
    ],
    "verify_ip": [S.PRESCREENED],
    "value": [S.IP_VERIFIED],
    "bank_propose": [S.VALUED],
    "bank_approve": [S.VALUED],
    "underwrite": [S.BANK_APPROVED],
    "fund_file": [S.INSURED],
    "sign_contract": [S.FUND_FILED],
    "register_pledge": [S.CONTRACTED],
    "disburse": [S.PLEDGE_REGISTERED],
    "record_repayment": [S.ACTIVE, S.OVERDUE],
    "mark_default": [S.OVERDUE],
    "submit_claim": [S.DEFAULTED],
    "settle_claim": [S.CLAIM_SUBMITTED],
    "record_recovery": [S.COMPENSATED, S.IN_RECOVERY],
    "close": [S.COMPENSATED, S.IN_RECOVERY, S.CLAIM_REJECTED],  # a rejected claim: the bank bears the loss
    "release_pledge": [S.CLOSED_REPAID],
}


def allowed_actions(app: Application) -> list[str]:
    return [name for name, sources in ACTIONS.items() if app.state in sources]


def refuse_if(refusal: GuardFailed | None) -> None:
    if refusal is not None:
        raise refusal


def lock(application_id: int, *, with_programme: bool = False) -> Application:
    """Lock rows in a fixed order — programme (the pool) first, then the application — so that
    concurrent actions on one pool queue up instead of deadlocking."""
    app_programme = Application.objects.values_list("programme_id", flat=True).get(pk=application_id)
    if with_programme:
        Programme.objects.select_for_update().get(pk=app_programme)
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("programme", "programme__risk_fund", "applicant", "lender", "insurer", "appraiser")
        .get(pk=application_id)
    )


def lock_pledged_assets(app: Application) -> list:
    """Lock the application's asset rows (after the application: the marketplace locks listing, deal, then
    the asset) and refuse when one of them is being transferred or exclusively licensed: an asset is never
    at once in a transfer and in a pledge (ipmarket/assets/commitments.py). Returns the locked assets."""
    items = ApplicationAsset.objects.filter(application=app).select_related("patent", "trademark")
    assets = commitments.lock_assets([item.asset for item in items])
    for asset in assets:
        refuse_if(commitments.pledge_refusal(asset))
    return assets


def record_event(app: Application, *, by, action: str, before: str, note: str = "") -> Event:
    event = Event.objects.create(
        application=app, actor=by, action=action, from_state=before, to_state=app.state, note=note or ""
    )
    notification_hooks.application_event_recorded(event)  # on commit: every party is told of a state change
    return event


@contextmanager
def acting(application: Application, by, action: str, *, note: str = "", with_programme: bool = False):
    """Run one action: yields the locked application; the caller checks its guards and runs the
    transition; then the application is saved and the event written, all in one transaction."""
    with transaction.atomic():
        app = lock(application.pk, with_programme=with_programme)
        if app.state not in ACTIONS[action]:
            raise InvalidTransition(action, app.state, allowed_actions(app))
        if by is not None and (reason := policies.actor_refusal(by, app, action)):
            raise PermissionDenied(reason)
        before = app.state
        yield app
        app.save()
        record_event(app, by=by, action=action, before=before, note=note)
