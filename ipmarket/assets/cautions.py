"""Cautions about a patent or trademark from the layers above the register (an accepted infringement or
ownership dispute): each registers at start-up (its `apps.ready`) a function `(assets) -> {(type, id):
[sentence]}`, so the register's and the marketplace's pages warn about them without importing the layer
that knows (ipmarket/disputes)."""

from collections.abc import Callable, Iterable

_providers: list[Callable] = []


def register(provider: Callable) -> None:
    if provider not in _providers:
        _providers.append(provider)


def of_assets(assets: Iterable) -> dict[tuple[str, int], list[str]]:
    """{(asset_type, id): [caution, …]} of the assets that have any (one query per provider)."""
    assets = [a for a in assets if a is not None]
    merged: dict[tuple[str, int], list[str]] = {}
    if not assets:
        return merged
    for provider in _providers:
        for key, sentences in provider(assets).items():
            merged.setdefault(key, []).extend(sentences)
    return merged


def of(asset) -> list[str]:
    return of_assets([asset]).get((asset.asset_type, asset.pk), [])
