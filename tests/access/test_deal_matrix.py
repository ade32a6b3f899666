"""The access matrix of deals: the deal actions and the detail read × every state of enterprise2's deal on
enterprise1's listing × the demo people and an anonymous caller, against tests/access/expect.py. A test is one
(world, request); its failure lists every caller who did not get the expected answer."""

import pytest

from ipmarket.market.services import DEAL_ACTIONS

from . import expect
from .people import ROLES, mismatches
from .worlds import MARKET_WORLDS, build_market

pytestmark = pytest.mark.django_db

DEALS = "/api/v1/deals/"


@pytest.fixture(scope="module", params=[name for name, (_steps, _status, state) in MARKET_WORLDS.items() if state])
def world(request, kept_world):
    with kept_world():
        yield build_market(request.param)


def test_the_table_names_every_action():
    assert set(expect.DEAL_WHO) == set(DEAL_ACTIONS)


@pytest.mark.parametrize("action", list(DEAL_ACTIONS))
def test_deal_action(world, action):
    url = f"{DEALS}{world.deal.pk}/actions/{action}/"
    body = {
        "price": {"amount": f"{world.deal.price.amount:.2f}", "currency": "CNY"},  # what accept compares with
        "recordal_number": "ZL2026000002",
        "note": "access matrix",
    }
    cases = [
        (
            role,
            "post",
            url,
            body,
            expect.market_action(
                role, action, expect.DEAL_WHO, role in expect.DEAL_SEEN_BY, world.deal.state, DEAL_ACTIONS
            ),
        )
        for role in ROLES
    ]
    failed = mismatches(world, cases)
    assert not failed, "\n".join(failed)


def test_deal_read(world):
    url = f"{DEALS}{world.deal.pk}/"
    failed = mismatches(world, [(role, "get", url, None, expect.deal_read(role)) for role in ROLES])
    assert not failed, "\n".join(failed)
