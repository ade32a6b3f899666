"""The frame of every action: lock, check state (409), role (403), run, save, write the event."""

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.db import transaction

from ipmarket.assets import commitments
from ipmarket.core import services as kit
from ipmarket.core.errors import InvalidTransition
from ipmarket.core.services import refuse_if

from .. import notices, workflow
from ..models import Application, ApplicationAsset, Event, Programme

# action → the states it may start from (financing/workflow.py; the model's transitions check the same)
ACTIONS = {name: list(action.sources) for name, action in workflow.ACTIONS.items()}
allowed_actions = workflow.allowed_actions


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
    return kit.record_event(  # on commit, every party is told of a state change
        Event,
        announce=notices.event_recorded,
        application=app,
        actor=by,
        action=action,
        from_state=before,
        to_state=app.state,
        note=note or "",
    )


@contextmanager
def acting(application: Application, by, action: str, *, note: str = "", with_programme: bool = False):
    """Run one action: yields the locked application; the caller checks its guards and runs the
    transition; then the application is saved and the event written, all in one transaction."""
    with transaction.atomic():
        app = lock(application.pk, with_programme=with_programme)
        if app.state not in workflow.ACTIONS[action].sources:
            raise InvalidTransition(action, app.state, allowed_actions(app))
        if by is not None and (reason := workflow.actor_refusal(by, app, action)):
            raise PermissionDenied(reason)
        before = app.state
        yield app
        app.save()
        record_event(app, by=by, action=action, before=before, note=note)
