"""Notices: how a domain tells people what happened without knowing how they are told.

Each domain declares its notices beside its workflow (`financing/notices.py`, `ipmarket/market/notices.py`,
`ipmarket/assets/notices.py`): the words of each kind (`@renderer`), the functions that turn rows into
notices (`@producer` for one event or message, `@daily` for the reminders, `@catch_up` for the hourly
sweep), and it calls `announce()` when it writes an event. The notifications app (a higher layer that
imports no domain) subscribes to the announcements and runs the registered functions in its tasks, so the
recipients, keys and texts are the domain's and the inbox, the emails, the preferences and the
idempotency are the notifications app's.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from django.db import transaction
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Notice:
    """A notification about one thing (`key`) to the people of some organisations. `params` are rendered
    into words in the reader's language by the renderer of `kind`."""

    kind: str
    key: str
    organisation_ids: tuple[int, ...]
    params: dict = field(default_factory=dict, hash=False, compare=False)
    link: str = ""
    exclude_user_id: int | None = None  # the person who acted learns nothing new from it


Renderer = Callable[[dict], tuple[str, str]]
Producer = Callable[[Iterable[int]], list[Notice]]

RENDERERS: dict[str, Renderer] = {}
PRODUCERS: dict[str, Producer] = {}
DAILY: dict[str, Callable[..., list[Notice]]] = {}
CATCH_UP: dict[str, Callable[[datetime], list[Notice]]] = {}
_subscribers: list[Callable[[str, int], None]] = []


def _register(table: dict, name: str):
    def decorate(function):
        table[name] = function
        return function

    return decorate


def renderer(kind: str):
    """`@renderer(kind)`: `function(params) -> (title, body)` in the active language."""
    return _register(RENDERERS, kind)


def producer(name: str):
    """`@producer(name)`: `function(ids) -> [Notice]`, the notices of the events or messages `ids`."""
    return _register(PRODUCERS, name)


def daily(name: str):
    """`@daily(name)`: `function(*, today=None) -> [Notice]`, a reminder job of Celery beat."""
    return _register(DAILY, name)


def catch_up(name: str):
    """`@catch_up(name)`: `function(since) -> [Notice]`, every notice of what happened since `since`, for the
    hourly sweep that makes up for an announcement lost with the broker."""
    return _register(CATCH_UP, name)


def subscribe(handler: Callable[[str, int], None]) -> None:
    """The notifications app's `handler(producer name, object id)`, called after each announcing commit."""
    if handler not in _subscribers:
        _subscribers.append(handler)


def dispatch(name: str, object_id: int) -> None:
    for handler in _subscribers:
        handler(name, object_id)


def announce(name: str, object_id: int) -> None:
    """Inside the transaction that wrote the row: once it commits, the subscribers hear of it (the producer
    `name` turns it into notices). Nothing is announced for a rolled-back change."""
    if name not in PRODUCERS:
        raise LookupError(f"no notice producer named {name!r}")
    transaction.on_commit(partial(dispatch, name, object_id), robust=True)


def render(kind: str, params: dict) -> tuple[str, str]:
    """(title, body) of a notice in the active language."""
    return RENDERERS[kind](params or {})


# --- helpers of the renderers and producers ------------------------------------------------------------


def excerpt(text: str, limit: int = 140) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def with_note(text: str, note: str) -> str:
    if not note:
        return text
    return text + "\n" + _("Note: %(note)s") % {"note": note}


def label(choices, value: str) -> str:
    """The label of a choice in the active language; the value itself if it is not one."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value
