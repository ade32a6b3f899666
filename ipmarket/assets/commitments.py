"""What holds an asset besides its owner, and the rules that follow from it.

Listings and deals belong to the marketplace, pledge applications to financing; both packages sit above
this one. Each registers a *provider* at start-up (`AppConfig.ready`) that answers "what of yours holds
this asset?"; this module asks them and never imports them.

The rules (docs/security.md):

- **Register facts** (legal status, dates, fees, co-owners, registration) change only while nothing
  holds the asset: `register_refusal`.
- **One asset, one commitment**: an asset is never at once in a transfer (an accepted or paid
  assignment, exclusive or sole licence) and in a pledge (from `verify_ip` until the pledge is
  released). Financing asks `pledge_refusal` at `verify_ip`, `register_pledge` and `disburse`; the
  marketplace asks `transfer_refusal` at `accept`, `pay` and `confirm_recordal`. Both lock the asset
  rows first (`lock_assets`), so the two sides are checked one after the other, never side by side.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ipmarket.core.errors import GuardFailed

LISTING = "listing"  # on the market: published or under negotiation
DEAL = "deal"  # an open deal: negotiating, accepted, paid, or recorded and not yet released
APPLICATION = "application"  # a pledge application past submission, before its IP is verified
PLEDGE = "pledge"  # from verify_ip until the pledge is released (or the loss case is closed)


@dataclass(frozen=True)
class Commitment:
    kind: str  # LISTING, DEAL, APPLICATION or PLEDGE
    id: int  # the listing, deal or application
    label: str  # for people, in the active language
    holder_id: int | None = None  # the other party: a deal's buyer, a pledge's lender
    transfer: bool = False  # an accepted or paid assignment, exclusive or sole licence


Provider = Callable[[object], Iterable[Commitment]]
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    """Called once per provider from an AppConfig.ready()."""
    if provider not in _providers:
        _providers.append(provider)


def of(asset) -> list[Commitment]:
    """Everything that holds the asset now."""
    return [c for provider in _providers for c in provider(asset)]


def lock_assets(assets) -> list:
    """Lock the asset rows (SELECT … FOR UPDATE), patents before trademarks, each in id order, so that
    every service locking several assets takes them in the same order. Returns the fresh rows."""
    from .models import Patent, Trademark

    assets = list(assets)
    locked = []
    for model in (Patent, Trademark):
        ids = sorted({a.pk for a in assets if isinstance(a, model)})
        if ids:
            locked.extend(model.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk"))
    return locked


def register_refusal(asset) -> GuardFailed | None:
    """Why the asset's register facts may not be changed by its owner now, or None."""
    if asset.pledged:
        return GuardFailed(
            "asset_committed", _("%(asset)s is pledged: its register facts cannot change.") % {"asset": asset}
        )
    held = of(asset)
    if held:
        return GuardFailed(
            "asset_committed",
            _("%(asset)s is held by %(what)s: its register facts can change only when nothing holds it.")
            % {"asset": asset, "what": "、".join(c.label for c in held)},
        )
    return None


def pledge_refusal(asset) -> GuardFailed | None:
    """Financing, before committing the asset to a pledge: no transfer of it may be in progress."""
    for c in of(asset):
        if c.kind == DEAL and c.transfer:
            return GuardFailed(
                "asset_in_transfer",
                _("%(asset)s is being transferred or exclusively licensed (%(deal)s): it cannot be pledged.")
                % {"asset": asset, "deal": c.label},
            )
    return None


def transfer_refusal(asset, *, seller_id: int) -> GuardFailed | None:
    """The marketplace, before committing the asset to an assignment, exclusive or sole licence: it may
    not be in a pledge, unless the pledgee itself sells the defaulted pledge (an enforcement sale)."""
    if asset.pledged and asset.pledge_enforceable and asset.pledged_to_id == seller_id:
        return None
    for c in of(asset):
        if c.kind == PLEDGE:
            return GuardFailed(
                "asset_pledged",
                _("%(asset)s is committed to a pledge (%(what)s): it cannot be assigned or exclusively licensed.")
                % {"asset": asset, "what": c.label},
            )
    if asset.pledged:
        return GuardFailed(
            "asset_pledged",
            _("%(asset)s is pledged: it cannot be assigned or exclusively licensed.") % {"asset": asset},
        )
    return None
