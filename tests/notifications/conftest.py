"""Fixtures of the notification tests: the financing parties and `make_app` of tests/financing, and
`hooks_run`, which runs the notification tasks for what a block of service calls announced on commit —
synchronously, in the test's transaction (the broker path has its own test with a real worker)."""

from contextlib import contextmanager
from functools import partial

import pytest

from ipmarket.core import notices
from ipmarket.notifications import tasks
from ipmarket.notifications.models import Notification
from tests.financing.conftest import *  # noqa: F401,F403  (parties, programme, make_app, outsiders, …)


@pytest.fixture
def hooks_run(django_capture_on_commit_callbacks):
    """`with hooks_run(): <service calls>` then runs the notification tasks their hooks enqueued."""

    @contextmanager
    def run():
        with django_capture_on_commit_callbacks() as callbacks:
            yield
        for callback in callbacks:
            if isinstance(callback, partial) and callback.func is notices.dispatch:
                tasks.notify(*callback.args)

    return run


def inbox(user, kind=None):
    """The keys of the person's notifications (of one kind)."""
    qs = Notification.objects.filter(recipient=user)
    if kind:
        qs = qs.filter(kind=kind)
    return sorted(qs.values_list("key", flat=True))


def recipients(kind, key_prefix=""):
    """Usernames notified of this kind (keys starting with the prefix), each once."""
    qs = Notification.objects.filter(kind=kind, key__startswith=key_prefix)
    return sorted(set(qs.values_list("recipient__username", flat=True)))


def mailed(outbox):
    """(address, subject) of every email sent."""
    return sorted((m.to[0], m.subject) for m in outbox)
