"""The only entry points other packages call: after an event row is written (inside the transaction),
enqueue on commit the task that turns it into notifications. Nothing is imported from the callers, so
`financing` and `ipmarket.market` depend on this module and not the other way round at import time; a task
lost with the broker down is caught up by the hourly `catch_up` job."""

from functools import partial

from django.db import transaction


def _enqueue(task_name: str, object_id: int) -> None:
    from . import tasks

    getattr(tasks, task_name).delay(object_id)


def _on_commit(task_name: str, object_id: int) -> None:
    transaction.on_commit(partial(_enqueue, task_name, object_id), robust=True)


def application_event_recorded(event) -> None:
    """financing wrote an application event: a state change notifies every party."""
    if event.from_state and event.from_state != event.to_state:
        _on_commit("notify_application_event", event.pk)


def market_event_recorded(event) -> None:
    """The marketplace wrote a listing or deal event: a deal's state change notifies buyer and seller."""
    if event.deal_id and event.from_state and event.from_state != event.to_state:
        _on_commit("notify_deal_event", event.pk)


def inquiry_created(message) -> None:
    """A buyer's inquiry (or open-licence notice) reached a seller."""
    _on_commit("notify_inquiry", message.pk)
