"""Query-count baselines of the inbox (tests/querycount.py): the list, measured with a few notifications of
every kind and with more, and the email preferences, against tests/notifications/query_counts.json."""

import itertools

import pytest
from django.test import Client
from django.utils import timezone

from ipmarket.notifications.models import Kind, Notification
from tests.accounts.factories import OrganisationFactory, member_of
from tests.querycount import Baselines, count_links

pytestmark = pytest.mark.django_db
BASELINES = Baselines(__file__)
_serial = itertools.count(1)
PARAMS = {  # what each kind's text names (the renderers read these keys)
    "patent": 7,
    "number": "201910000007.X",
    "title": "一种测试装置",
    "due_date": "2026-12-01",
    "asset": "一种测试装置",
    "buyer": "成都买方有限公司",
    "message": "请问价格可以商量吗？",
    "deal": 3,
    "application": 5,
    "from": "negotiating",
    "to": "accepted",
    "reason": "lapsed",
}


@pytest.fixture
def person(db):
    return member_of(OrganisationFactory(kind="enterprise"))


def notify(user, n):
    """n notifications, of every kind in turn, half of them read."""
    kinds = itertools.cycle(Kind.values)
    for i in range(n):
        serial = next(_serial)
        Notification.objects.create(
            recipient=user,
            key=f"query-count:{serial}",
            kind=next(kinds),
            params=PARAMS,
            link=f"/ip/patents/{serial}/",
            read_at=None if i % 2 else timezone.now(),
        )


def test_inbox(person):
    client = Client()
    client.force_login(person)
    notify(person, 2)
    BASELINES.check(
        "GET /inbox/ as enterprise member",
        lambda: client.get("/inbox/"),
        rows=count_links(r'href="/inbox/(\d+)/"'),
        grow=lambda: notify(person, len(Kind.values)),
    )


def test_preferences(person):
    client = Client()
    client.force_login(person)
    BASELINES.check("GET /inbox/preferences/ as enterprise member", lambda: client.get("/inbox/preferences/"))
