"""What the page of one patent or trademark shows from the layers above the register (its listings on the
market): each registers at start-up (its `apps.ready`) a function `(request, asset) -> dict` of template
context, so the register's pages show them without importing the marketplace."""

from collections.abc import Callable

_providers: list[Callable] = []


def register(provider: Callable) -> None:
    if provider not in _providers:
        _providers.append(provider)


def context(request, asset) -> dict:
    merged: dict = {}
    for provider in _providers:
        merged.update(provider(request, asset))
    return merged
