from ipmarket.assets.commitments import lock_assets
from ipmarket.core.errors import GuardFailed, InvalidTransition
from ipmarket.notifications import hooks as notification_hooks

from ..models import Event


def refuse_if(refusal: GuardFailed | None) -> None:
    if refusal is not None:
        raise refusal


def require_state(obj, field: str, action: str, actions: dict[str, list[str]]) -> None:
    """409 with the allowed actions unless `action` may start from the object's current state."""
    state = getattr(obj, field)
    if state not in actions[action]:
        raise InvalidTransition(action, state, [a for a, sources in actions.items() if state in sources])


def record_event(*, listing, deal=None, actor, action: str, from_state: str, to_state: str, note: str = ""):
    event = Event.objects.create(
        listing=listing,
        deal=deal,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=to_state,
        note=note,
    )
    notification_hooks.market_event_recorded(event)  # on commit: a deal's state change tells buyer and seller
    return event


def lock_listed_asset(listing) -> None:
    """Lock the listed asset's row and read it afresh (a pledge, an owner or a register change may have just
    committed). Taken after the listing and deal locks, as every step that commits the asset does."""
    (asset,) = lock_assets([listing.asset])
    setattr(listing, listing.asset_type, asset)
