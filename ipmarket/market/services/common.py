from ipmarket.assets.commitments import lock_assets
from ipmarket.core import services as kit

from .. import notices
from ..models import Event


def record_event(*, listing, deal=None, actor, action: str, from_state: str, to_state: str, note: str = ""):
    return kit.record_event(  # on commit, a deal's state change tells buyer and seller
        Event,
        announce=notices.event_recorded,
        listing=listing,
        deal=deal,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=to_state,
        note=note,
    )


def lock_listed_asset(listing) -> None:
    """Lock the listed asset's row and read it afresh (a pledge, an owner or a register change may have just
    committed). Taken after the listing and deal locks, as every step that commits the asset does."""
    (asset,) = lock_assets([listing.asset])
    setattr(listing, listing.asset_type, asset)
